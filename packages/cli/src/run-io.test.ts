/**
 * `coordattn run` input and output files: .npy inputs of other dtypes, byte orders and layouts
 * (converted to float32 with a note), NaN/Inf warnings, batched inputs, and `--out-dir` for several
 * outputs. Every input file is built here byte by byte from the .npy format description
 * (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html); expected outputs are
 * PyTorch's (the ONNX test data) or the float64 reference interpreter's, or computed here by hand.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importOnnx } from '@coordattn/onnx';
import {
  compare,
  describeComparison,
  FLOAT32_TOLERANCE,
  readNpy,
  run as interpret,
  tensor,
  type Tensor,
} from '@coordattn/reference';
import { run } from './test-io.js';

const DATA = new URL('../../onnx/test-data/', import.meta.url).pathname;
const data = (name: string): string => join(DATA, name);
const dir = mkdtempSync(join(tmpdir(), 'coordattn-cli-run-io-'));

/** A CA block exported by PyTorch: input [1, 32, 14, 12], PyTorch's output beside it. */
const BLOCK = data('ca_c32_h14_w12.onnx');
const BLOCK_IN = readNpy(data('ca_c32_h14_w12.input.npy'));
const BLOCK_OUT = readNpy(data('ca_c32_h14_w12.output.npy'));

type Write = (view: DataView, at: number, v: number) => void;
const ITEM: Record<string, [number, Write]> = {
  f2: [2, () => undefined], // not written by these tests
  f4: [4, (d, at, v) => d.setFloat32(at, v, true)],
  f8: [8, (d, at, v) => d.setFloat64(at, v, true)],
  i1: [1, (d, at, v) => d.setInt8(at, v)],
  i8: [8, (d, at, v) => d.setBigInt64(at, BigInt(v), true)],
  b1: [1, (d, at, v) => d.setUint8(at, v)],
  c8: [8, (d, at, v) => d.setFloat32(at, v, true)],
};

/**
 * .npy version 1.0 bytes: magic, version, header length (uint16 LE), the header dict padded with
 * spaces and a final newline to a multiple of 64 bytes, then the data: `values` in C order, written
 * in `order` ('F': column-major) with `descr`'s byte order.
 */
function npy(
  descr: string,
  shape: readonly number[],
  values: ArrayLike<number>,
  order: 'C' | 'F' = 'C',
): Uint8Array {
  const [size, write] = ITEM[descr.slice(1)];
  const big = descr.startsWith('>');
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': ${order === 'F' ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const headerLen = Math.ceil((10 + dict.length + 1) / 64) * 64 - 10;
  const out = new Uint8Array(10 + headerLen + size * values.length);
  const view = new DataView(out.buffer);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  view.setUint16(8, headerLen, true);
  const header = `${dict.padEnd(headerLen - 1, ' ')}\n`;
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  // Element i of C order goes to position p: in Fortran order axis 0 varies fastest.
  const strides = shape.map((_, k) =>
    order === 'F'
      ? shape.slice(0, k).reduce((a, b) => a * b, 1)
      : shape.slice(k + 1).reduce((a, b) => a * b, 1),
  );
  for (let i = 0; i < values.length; i++) {
    let rest = i;
    let p = 0;
    for (let k = shape.length - 1; k >= 0; k--) {
      p += (rest % shape[k]) * strides[k];
      rest = Math.floor(rest / shape[k]);
    }
    const at = 10 + headerLen + p * size;
    if (big) {
      // Write little-endian into a scratch buffer, then reverse the element's bytes.
      const tmp = new DataView(new ArrayBuffer(8));
      write(tmp, 0, values[i]);
      for (let b = 0; b < size; b++) out[at + b] = tmp.getUint8(size - 1 - b);
    } else write(view, at, values[i]);
  }
  return out;
}

function file(name: string, bytes: Uint8Array): string {
  const f = join(dir, name);
  writeFileSync(f, bytes);
  return f;
}

/** The float64 reference on the block's own graph and weights (imported from the .onnx file). */
function referenceOutput(x: Tensor): Tensor {
  const { graph, weights } = importOnnx(new Uint8Array(readFileSync(BLOCK)), { file: BLOCK, dims: { N: 1 } });
  return interpret(graph, { [graph.inputs[0].name]: x }, weights)[graph.outputs[0]];
}

async function runBlock(input: string, model = BLOCK): Promise<{ code: number; err: string; y: string }> {
  const y = join(dir, `y-${Math.random().toString(36).slice(2)}.npy`);
  const r = await run(['run', model, '--input', input, '--output', y, '--mode', 'cpu']);
  return { code: r.code, err: r.err, y };
}

describe('run --input: other dtypes and layouts, converted to float32 with a note', () => {
  it('float64 (C order) of float32 values: exact, and PyTorch output', async () => {
    const r = await runBlock(file('f8.npy', npy('<f8', BLOCK_IN.shape, BLOCK_IN.data)));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/note: .*f8\.npy: float64 converted to float32 \(every value exactly\)/);
    const c = compare(readNpy(r.y), BLOCK_OUT, FLOAT32_TOLERANCE);
    expect(c.pass, describeComparison(c)).toBe(true);
  });

  it('big-endian float32 in Fortran order: read into C order, PyTorch output', async () => {
    const r = await runBlock(file('f4-be-fortran.npy', npy('>f4', BLOCK_IN.shape, BLOCK_IN.data, 'F')));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(
      /note: .*f4-be-fortran\.npy: float32 \(big-endian, Fortran order\) read into C order/,
    );
    const c = compare(readNpy(r.y), BLOCK_OUT, FLOAT32_TOLERANCE);
    expect(c.pass, describeComparison(c)).toBe(true);
  });

  it('float64 values that float32 rounds: says how many and by how much', async () => {
    const v = Array.from(BLOCK_IN.data);
    v[5] = 0.1; // not a float32: rounds by 1.49e-9
    const r = await runBlock(file('f8-round.npy', npy('<f8', BLOCK_IN.shape, v)));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(
      /float64 converted to float32: 1 value\(s\) rounded \(largest change 1\.49e-9\); the first at \[0,0,0,5\]/,
    );
  });

  it('int8: exact, and the reference output on those values', async () => {
    const v = Array.from({ length: BLOCK_IN.data.length }, (_, i) => ((i * 37) % 256) - 128);
    const r = await runBlock(file('i1.npy', npy('|i1', BLOCK_IN.shape, v)));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/note: .*i1\.npy: int8 converted to float32 \(every value exactly\)/);
    const c = compare(readNpy(r.y), referenceOutput(tensor([...BLOCK_IN.shape], v)), FLOAT32_TOLERANCE);
    expect(c.pass, describeComparison(c)).toBe(true);
  });

  it('int64 beyond 2^24: the precision loss is said, with the first index', async () => {
    const v = new Array<number>(BLOCK_IN.data.length).fill(1);
    v[12 * 3 + 2] = 2 ** 24 + 1; // [0,0,3,2]
    v[100] = -(2 ** 25) - 1;
    v[200] = 2 ** 24; // exact in float32
    const r = await runBlock(file('i8.npy', npy('<i8', BLOCK_IN.shape, v)));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(
      /note: .*i8\.npy: int64 converted to float32: 2 value\(s\) beyond ±2\^24 \(16777216\) lost precision \(largest change 1\.00e\+0\); the first at \[0,0,3,2\]/,
    );
  });

  it('bool: 0 and 1', async () => {
    const v = Array.from({ length: BLOCK_IN.data.length }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const r = await runBlock(file('b1.npy', npy('|b1', BLOCK_IN.shape, v)));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/note: .*b1\.npy: bool converted to float32 \(False = 0, True = 1\)/);
    const c = compare(readNpy(r.y), referenceOutput(tensor([...BLOCK_IN.shape], v)), FLOAT32_TOLERANCE);
    expect(c.pass, describeComparison(c)).toBe(true);
  });

  it('NaN and Inf: a warning with the count and the first index, exit 0', async () => {
    const v = Array.from(BLOCK_IN.data);
    v[14 * 12 + 12 + 3] = NaN; // [0,1,1,3]
    v[1000] = -Infinity;
    v[1001] = NaN;
    const r = await runBlock(file('nan.npy', npy('<f4', BLOCK_IN.shape, v)));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(
      /warning: .*nan\.npy: 3 non-finite value\(s\) \(2 NaN, 1 ±Infinity\), the first at \[0,1,1,3\]; they propagate/,
    );
    expect(r.err).not.toMatch(/note:/); // float32, C order: nothing converted
  });

  it("float64 beyond float32's range: became ±Infinity, said twice (note and warning)", async () => {
    const v = Array.from(BLOCK_IN.data);
    v[7] = 1e300;
    const r = await runBlock(file('f8-big.npy', npy('<f8', BLOCK_IN.shape, v)));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/1 value\(s\) beyond float32's range became ±Infinity; the first at \[0,0,0,7\]/);
    expect(r.err).toMatch(
      /warning: .*1 non-finite value\(s\) \(0 NaN, 1 ±Infinity\), the first at \[0,0,0,7\]/,
    );
  });

  it('an unsupported dtype (complex64) is E_IO naming it, exit 2', async () => {
    const r = await runBlock(file('c8.npy', npy('<c8', [2], [1, 2])));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /E_IO at .*c8\.npy: unsupported \.npy dtype '<c8' \(expected a numeric dtype: float16/,
    );
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});

describe('run: batched inputs', () => {
  const DYN = data('ca_c32_h14_w12_dynbatch.onnx');
  const DYN_IN = data('ca_c32_h14_w12_dynbatch.input.npy'); // [2, 32, 14, 12]
  const DYN_OUT = readNpy(data('ca_c32_h14_w12_dynbatch.output.npy'));

  it('an .onnx file with a symbolic batch takes the array batch (PyTorch output)', async () => {
    const r = await runBlock(DYN_IN, DYN);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/batch 2 taken from .*dynbatch\.input\.npy \(as --batch 2\)/);
    const c = compare(readNpy(r.y), DYN_OUT, FLOAT32_TOLERANCE);
    expect(c.pass, describeComparison(c)).toBe(true);
  });

  it('a directory compiled with --batch 2 runs a batch of 2 and rejects a batch of 1 naming both shapes', async () => {
    const out = join(dir, 'dyn-b2');
    const c = await run(['compile', DYN, '--batch', '2', '--out', out]);
    expect(c.code, c.err).toBe(0);
    const ok = await runBlock(DYN_IN, out);
    expect(ok.code, ok.err).toBe(0);
    expect(compare(readNpy(ok.y), DYN_OUT, FLOAT32_TOLERANCE).pass).toBe(true);
    const bad = await runBlock(data('ca_c32_h14_w12.input.npy'), out);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(
      /E_SHAPE at .*ca_c32_h14_w12\.input\.npy: the input array does not have the model's input shape \(got vs expected\): \[1,32,14,12\] vs \[2,32,14,12\] \(expected a batch of 2, as compiled; compile again with --batch 1 for this array\)/,
    );
    expect(bad.err.trim().split('\n')).toHaveLength(1);
  });

  it('a fixed-batch .onnx file, or a batch set by --batch, rejects another batch naming both shapes', async () => {
    const r = await runBlock(DYN_IN, BLOCK);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /E_SHAPE at .*: \[2,32,14,12\] vs \[1,32,14,12\] \(expected a batch of 1: this model's batch is fixed\)/,
    );
    const y = join(dir, 'y-b3.npy');
    const flagged = await run([
      'run',
      DYN,
      '--batch',
      '3',
      '--input',
      DYN_IN,
      '--output',
      y,
      '--mode',
      'cpu',
    ]);
    expect(flagged.code).toBe(2);
    expect(flagged.err).toMatch(
      /\[2,32,14,12\] vs \[3,32,14,12\] \(expected a batch of 3, as the flags set it\)/,
    );
  });
});

describe('run --out-dir: one .npy per output', () => {
  const spec = {
    coordattn: 1,
    kind: 'graph',
    inputs: [{ name: 'x', shape: [1, 2, 2, 3] }],
    nodes: [
      { path: 'head.relu', op: 'relu', inputs: ['x'] },
      { path: 'head.sigmoid', op: 'sigmoid', inputs: ['x'] },
    ],
    outputs: ['head.relu', 'head.sigmoid'],
  };
  const specFile = join(dir, 'two-outputs.json');
  writeFileSync(specFile, JSON.stringify(spec));
  const x = [-2, -0.5, 0, 0.25, 1, 3, -1, 2, -3, 0.5, 4, -0.125];
  const xFile = file('two-in.npy', npy('<f4', [1, 2, 2, 3], x));

  it('writes <output>.npy for each output (computed here by hand)', async () => {
    const outDir = join(dir, 'outs');
    const r = await run(['run', specFile, '--input', xFile, '--out-dir', outDir, '--mode', 'cpu']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/wrote .*outs\/head\.relu\.npy, .*outs\/head\.sigmoid\.npy/);
    const relu = readNpy(join(outDir, 'head.relu.npy'));
    const sig = readNpy(join(outDir, 'head.sigmoid.npy'));
    expect(relu.shape).toEqual([1, 2, 2, 3]);
    expect(Array.from(relu.data)).toEqual(x.map((v) => Math.max(0, v)));
    const c = compare(
      sig,
      tensor(
        [1, 2, 2, 3],
        x.map((v) => 1 / (1 + Math.exp(-v))),
      ),
      FLOAT32_TOLERANCE,
    );
    expect(c.pass, describeComparison(c)).toBe(true);
  });

  it('--output on a model with several outputs, or with --out-dir, is a user error', async () => {
    const one = await run([
      'run',
      specFile,
      '--input',
      xFile,
      '--output',
      join(dir, 'o.npy'),
      '--mode',
      'cpu',
    ]);
    expect(one.code).toBe(2);
    expect(one.err).toMatch(
      /E_OPTION at .*two-outputs\.json: the model has 2 outputs \(head\.relu, head\.sigmoid\); --output writes one \(expected --out-dir DIR/,
    );
    const both = await run(['run', specFile, '--input', xFile, '--output', 'o.npy', '--out-dir', dir]);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/E_OPTION at --out-dir: --output and --out-dir exclude each other/);
  });
});
