/**
 * ONNX Resize ↔ the IR op `resize`: export writes Resize (mode linear, half_pixel, sizes; a symbolic
 * batch reads N and C with Shape), import takes it back, and any other mode or coordinate
 * transformation is E_UNSUPPORTED naming the attribute. PyTorch's own export (pytorch_half_pixel)
 * is checked numerically on test-data/deeplabv3_head_33x29 (import.test.ts).
 */
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { Dim, GraphBuilder, isCoordattnError, type Graph } from '@coordattn/ir';
import { exportOnnx } from '../export/index.js';
import { importOnnx } from './import.js';
import { decodeModel } from './proto.js';

const { onnx } = onnxProto;
const F = onnx.TensorProto.DataType.FLOAT;
const I64 = onnx.TensorProto.DataType.INT64;
const S = onnx.AttributeProto.AttributeType.STRING;

function resized(batch: Dim | number): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', [batch, 4, 5, 7]);
  b.output(b.op('resize', x, { size: [9, 13] }, { name: 'up' }));
  return b.build();
}

describe('export', () => {
  it('writes Resize(mode linear, half_pixel) with constant sizes', () => {
    const m = decodeModel(exportOnnx(resized(2), new Map()));
    const r = m.nodes.find((n) => n.opType === 'Resize')!;
    expect(r.inputs.slice(1, 3)).toEqual(['', '']);
    expect(r.attrs.get('mode')).toMatchObject({ kind: 'string', value: 'linear' });
    expect(r.attrs.get('coordinate_transformation_mode')).toMatchObject({
      kind: 'string',
      value: 'half_pixel',
    });
  });

  it('round-trips through import, with a symbolic batch (Shape + Concat)', () => {
    for (const batch of [2, Dim.sym('N')]) {
      const bytes = exportOnnx(resized(batch), new Map());
      if (typeof batch !== 'number') {
        expect(decodeModel(bytes).nodes.map((n) => n.opType)).toEqual(['Shape', 'Concat', 'Resize']);
      }
      const { graph } = importOnnx(bytes, { dims: { N: 3 } });
      const ops = graph.nodes.map((n) => [n.op, n.attrs]);
      expect(ops).toEqual([['resize', { size: [Dim.const(9), Dim.const(13)], mode: 'bilinear' }]]);
      expect(graph.shapeOf(graph.outputs[0]).map((d) => d.toInt())).toEqual([
        typeof batch === 'number' ? 2 : 3,
        4,
        9,
        13,
      ]);
    }
  });
});

/** x [1,2,4,6] → Resize(x, roi, scales, sizes) with the given attributes. */
function resizeModel(
  attrs: Record<string, string>,
  sizes: number[] | null = [1, 2, 8, 12],
  scales?: number[],
): Uint8Array {
  const initializer: onnxProto.onnx.ITensorProto[] = [];
  if (sizes) initializer.push({ name: 'sizes', dataType: I64, dims: [4], int64Data: sizes });
  if (scales) initializer.push({ name: 'scales', dataType: F, dims: [4], floatData: scales });
  const vi = (name: string, dims: number[]): onnxProto.onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: F, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
  });
  const graph: onnxProto.onnx.IGraphProto = {
    name: 'g',
    node: [
      {
        name: 'up',
        opType: 'Resize',
        input: ['x', '', scales ? 'scales' : '', sizes ? 'sizes' : ''],
        output: ['y'],
        attribute: Object.entries(attrs).map(([name, s]) => ({
          name,
          type: S,
          s: new TextEncoder().encode(s),
        })),
      },
    ],
    initializer,
    input: [vi('x', [1, 2, 4, 6])],
    output: [{ name: 'y' }],
  };
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], graph }),
  ).finish();
}

function errorOf(bytes: Uint8Array): string {
  try {
    importOnnx(bytes, { file: 'r.onnx' });
  } catch (e) {
    if (isCoordattnError(e)) return e.message;
    throw e;
  }
  return 'ok';
}

describe('import', () => {
  it('linear with half_pixel or pytorch_half_pixel, from sizes or integer scales', () => {
    const ok = (bytes: Uint8Array): number[] => {
      const { graph } = importOnnx(bytes);
      expect(graph.nodes.map((n) => n.op)).toEqual(['resize']);
      return graph.shapeOf(graph.outputs[0]).map((d) => d.toInt()!);
    };
    expect(ok(resizeModel({ mode: 'linear', coordinate_transformation_mode: 'half_pixel' }))).toEqual([
      1, 2, 8, 12,
    ]);
    expect(ok(resizeModel({ mode: 'linear', coordinate_transformation_mode: 'pytorch_half_pixel' }))).toEqual(
      [1, 2, 8, 12],
    );
    expect(ok(resizeModel({ mode: 'linear' }, null, [1, 1, 2, 0.5]))).toEqual([1, 2, 8, 3]);
  });

  it('other modes and transformations are E_UNSUPPORTED naming the attribute', () => {
    expect(errorOf(resizeModel({}))).toMatch(/: attribute mode 'nearest'/);
    expect(errorOf(resizeModel({ mode: 'cubic' }))).toMatch(/: attribute mode 'cubic'/);
    for (const t of ['align_corners', 'asymmetric', 'tf_crop_and_resize']) {
      expect(errorOf(resizeModel({ mode: 'linear', coordinate_transformation_mode: t }))).toMatch(
        new RegExp(`: attribute coordinate_transformation_mode '${t}'`),
      );
    }
    // pytorch_half_pixel differs from PyTorch's own formula when an output size is 1
    expect(
      errorOf(
        resizeModel({ mode: 'linear', coordinate_transformation_mode: 'pytorch_half_pixel' }, [1, 2, 1, 12]),
      ),
    ).toMatch(/: attribute coordinate_transformation_mode 'pytorch_half_pixel' with an output size of 1/);
    expect(errorOf(resizeModel({ mode: 'linear' }, null, [1, 1, 1.5, 0.75]))).toMatch(
      /: scales \[1, 1, 1.5, 0.75\]/,
    );
    expect(errorOf(resizeModel({ mode: 'linear' }, [1, 3, 8, 12]))).toMatch(
      /: a Resize of the batch or channel axis/,
    );
  });
});
