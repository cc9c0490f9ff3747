/**
 * One export rule per IR op: how its node becomes ONNX opset-17 nodes. The table is typed by
 * `OpName`, so an op without a rule is a compile error.
 *
 * | IR op              | ONNX (opset 17)                                                                            |
 * | ------------------ | ------------------------------------------------------------------------------------------ |
 * | conv2d             | Conv (kernel_shape, strides, pads, dilations, group; bias input)                           |
 * | batch_norm         | BatchNormalization (epsilon; affine=false: `<path>.gamma_const` 1 / `.beta_const` 0)       |
 * | linear             | rank 2: Gemm(transB=1); else MatMul with `<weight>.transposed` (+ Add bias)                |
 * | channel_conv1d     | Reshape [N,1,C] → Conv 1-D (k, pads (k−1)/2, weight [1,1,k]) → Reshape [N,C,1,1]           |
 * | relu, sigmoid      | Relu, Sigmoid                                                                              |
 * | relu6              | Clip(x, `<path>.min` 0, `<path>.max` 6)                                                    |
 * | hard_sigmoid       | HardSigmoid(alpha 1/6, beta 0.5)                                                           |
 * | hard_swish         | HardSwish                                                                                  |
 * | swish              | Sigmoid → Mul(x, ·)                                                                        |
 * | identity, dropout  | Identity                                                                                   |
 * | add, sub, mul, div | Add, Sub, Mul, Div (numpy broadcasting)                                                    |
 * | scale              | Mul(x, `<path>.factor` scalar)                                                             |
 * | offset             | Add(x, `<path>.value` scalar)                                                              |
 * | clip               | Clip(x, `<path>.min`, `<path>.max`); an absent bound is an absent input                    |
 * | concat             | Concat(axis)                                                                               |
 * | slice              | Slice(x, starts, ends, axes, steps as `<path>.starts` … int64 [1])                         |
 * | split              | Split(x, `<path>.split` int64 sizes; axis)                                                 |
 * | permute            | Transpose(perm)                                                                            |
 * | reshape            | Reshape(x, `<path>.shape` int64; a symbol copied from the same input dim → 0, else one −1) |
 * | flatten            | 2-D output: Flatten(axis=startDim); else Reshape                                           |
 * | global_avg_pool    | GlobalAveragePool                                                                          |
 * | global_max_pool    | GlobalMaxPool                                                                              |
 * | directional_mean   | ReduceMean(axes [3] over W, [2] over H; keepdims 1)                                        |
 * | channel_reduce     | ReduceMean / ReduceMax(axes [1], keepdims 1)                                               |
 * | max_pool2d         | MaxPool(kernel_shape, strides, pads; ceil mode as extra right padding)                     |
 * | avg_pool2d         | AveragePool(kernel_shape, strides, pads, ceil_mode, count_include_pad; see windowAttrs)    |
 * | resize             | Resize(x, '', '', sizes; mode linear, half_pixel); sizes `<path>.sizes` [N,C,Ho,Wo], or    |
 * |                    | Concat(Shape(x)[0:2], `<path>.hw`) when N or C is a symbol                                  |
 */
import { CoordattnError, type OpName } from '@coordattn/ir';
import { concreteAttrs, type ConcreteAttrs } from '@coordattn/reference';
import { attr, type Attr, type OnnxShape } from './proto.js';
import type { NodeContext } from './context.js';

/** An op's export rule: writes the ONNX nodes of `c.node`; `attrs()` gives its concrete attributes. */
export type ExportRule<K extends OpName> = (c: NodeContext, attrs: () => ConcreteAttrs<K>) => void;

export type ExportRules = { readonly [K in OpName]: ExportRule<K> };

/** The attributes with every Dim an integer (E_EVAL naming the node for a symbolic one). */
export function concreteAttrsOf<K extends OpName>(c: NodeContext): ConcreteAttrs<K> {
  return concreteAttrs(c.node.attrs, c.node.path) as ConcreteAttrs<K>;
}

/**
 * The int64 `shape` input of an ONNX Reshape from `input` to `target`: constants as they are; a
 * symbol equal to the input's dim at the same position → 0 (copy); any other symbol → −1, at most
 * once.
 */
export function reshapeShape(input: OnnxShape, target: OnnxShape, where: string): number[] {
  let inferred: string | undefined;
  return target.map((d, i) => {
    if (typeof d === 'number') return d;
    if (input[i] === d) return 0;
    if (inferred !== undefined) {
      throw new CoordattnError(
        'E_EVAL',
        `reshape target has two symbolic dims (${inferred}, ${d}) that are not copied from the input`,
        { path: where, expected: 'at most one symbolic dim that ONNX can infer (−1)' },
      );
    }
    inferred = d;
    return -1;
  });
}

const unary =
  (opType: string): ExportRule<OpName> =>
  (c) =>
    c.emit(opType, [c.x[0]], [c.y[0]]);

const binary =
  (opType: string): ExportRule<OpName> =>
  (c) =>
    c.emit(opType, [c.x[0], c.x[1]], [c.y[0]]);

/**
 * MaxPool / AveragePool attributes. PyTorch's ceil mode (drop a last window that would start in
 * the right padding) is written as floor mode with extra right padding where that is exact — always
 * for max (padding is never chosen) and for an average without count_include_pad — so any ONNX
 * shape inference agrees with the IR. An average that counts padding keeps `ceil_mode` 1 when a
 * window hangs past the padded input (PyTorch and onnxruntime divide it by the clipped window;
 * explicit padding would count the extra zeros); likewise when a spatial dim is symbolic.
 */
function windowAttrs(
  c: NodeContext,
  a: ConcreteAttrs<'max_pool2d'>,
  countsPadding: boolean,
): Record<string, Attr> {
  const [ph, pw] = a.padding;
  let extra: [number, number] | undefined = [0, 0];
  if (a.ceilMode) {
    for (const i of [0, 1] as const) {
      const size = c.inShapes[0][2 + i];
      const out = c.outShapes[0][2 + i];
      if (typeof size !== 'number' || typeof out !== 'number' || extra === undefined) {
        extra = undefined;
        continue;
      }
      const e = Math.max(0, (out - 1) * a.stride[i] + a.kernel[i] - (size + 2 * a.padding[i]));
      if (e > 0 && countsPadding) extra = undefined;
      else extra[i] = e;
    }
  }
  return {
    kernel_shape: attr.ints(a.kernel),
    strides: attr.ints(a.stride),
    pads: attr.ints(extra ? [ph, pw, ph + extra[0], pw + extra[1]] : [ph, pw, ph, pw]),
    ceil_mode: attr.int(extra ? 0 : 1),
  };
}

const reduce =
  (opType: 'ReduceMean' | 'ReduceMax', axes: readonly number[]) =>
  (c: NodeContext): void =>
    c.emit(opType, [c.x[0]], [c.y[0]], { axes: attr.ints(axes), keepdims: attr.int(1) });

const reshapeTo = (
  c: NodeContext,
  input: string,
  inShape: OnnxShape,
  out: string,
  outShape: OnnxShape,
  suffix?: string,
): void => {
  const shape = c.int64Const(
    suffix === undefined ? 'shape' : `${suffix}_shape`,
    reshapeShape(inShape, outShape, c.node.path),
  );
  c.emit('Reshape', [input, shape], [out], {}, suffix);
};

export const EXPORT_RULES: ExportRules = {
  add: binary('Add'),
  avg_pool2d: (c, attrs) => {
    const a = attrs();
    c.emit('AveragePool', [c.x[0]], [c.y[0]], {
      ...windowAttrs(c, a, a.countIncludePad),
      count_include_pad: attr.int(a.countIncludePad ? 1 : 0),
    });
  },
  batch_norm: (c, attrs) => {
    const a = attrs();
    const ch = c.int(c.inShapes[0][1], 'batch_norm channels');
    const gamma = a.affine
      ? c.param('weight')
      : c.floatConst('gamma_const', [ch], new Array<number>(ch).fill(1));
    const beta = a.affine ? c.param('bias') : c.floatConst('beta_const', [ch], new Array<number>(ch).fill(0));
    c.emit(
      'BatchNormalization',
      [c.x[0], gamma, beta, c.param('running_mean'), c.param('running_var')],
      [c.y[0]],
      { epsilon: attr.float(a.eps) },
    );
  },
  channel_conv1d: (c, attrs) => {
    const a = attrs();
    const [n, ch] = c.inShapes[0];
    const seq: OnnxShape = [n, 1, ch];
    const flat = c.tmp('reshape_in');
    reshapeTo(c, c.x[0], c.inShapes[0], flat, seq, 'reshape_in');
    const conv = c.tmp('conv');
    const pad = (a.kernel - 1) / 2;
    c.emit(
      'Conv',
      [flat, c.param('weight'), ...(c.hasParam('bias') ? [c.param('bias')] : [])],
      [conv],
      {
        kernel_shape: attr.ints([a.kernel]),
        pads: attr.ints([pad, pad]),
        strides: attr.ints([1]),
        dilations: attr.ints([1]),
        group: attr.int(1),
      },
      'conv',
    );
    reshapeTo(c, conv, seq, c.y[0], c.outShapes[0]);
  },
  channel_reduce: (c, attrs) => reduce(attrs().reduce === 'mean' ? 'ReduceMean' : 'ReduceMax', [1])(c),
  clip: (c, attrs) => {
    const a = attrs();
    // Clip's min and max are optional inputs; '' leaves min out when only max is given.
    const bounds = [
      a.min === null ? '' : c.floatConst('min', [], [a.min]),
      ...(a.max === null ? [] : [c.floatConst('max', [], [a.max])]),
    ];
    c.emit('Clip', [c.x[0], ...bounds], [c.y[0]]);
  },
  concat: (c, attrs) => c.emit('Concat', c.x, [c.y[0]], { axis: attr.int(attrs().axis) }),
  conv2d: (c, attrs) => {
    const a = attrs();
    c.emit('Conv', [c.x[0], c.param('weight'), ...(a.bias ? [c.param('bias')] : [])], [c.y[0]], {
      kernel_shape: attr.ints(a.kernel),
      strides: attr.ints(a.stride),
      pads: attr.ints([a.padding[0], a.padding[1], a.padding[0], a.padding[1]]),
      dilations: attr.ints(a.dilation),
      group: attr.int(a.groups),
    });
  },
  directional_mean: (c, attrs) => reduce('ReduceMean', [attrs().over === 'W' ? 3 : 2])(c),
  div: binary('Div'),
  dropout: unary('Identity'),
  flatten: (c, attrs) => {
    const { startDim } = attrs();
    if (c.outShapes[0].length === 2) {
      c.emit('Flatten', [c.x[0]], [c.y[0]], { axis: attr.int(startDim) });
    } else {
      reshapeTo(c, c.x[0], c.inShapes[0], c.y[0], c.outShapes[0]);
    }
  },
  global_avg_pool: unary('GlobalAveragePool'),
  global_max_pool: unary('GlobalMaxPool'),
  hard_sigmoid: (c) =>
    c.emit('HardSigmoid', [c.x[0]], [c.y[0]], { alpha: attr.float(1 / 6), beta: attr.float(0.5) }),
  hard_swish: unary('HardSwish'),
  identity: unary('Identity'),
  linear: (c, attrs) => {
    const a = attrs();
    if (c.inShapes[0].length === 2) {
      c.emit('Gemm', [c.x[0], c.param('weight'), ...(a.bias ? [c.param('bias')] : [])], [c.y[0]], {
        transB: attr.int(1),
      });
      return;
    }
    const w = c.transposedParam('weight');
    if (!a.bias) {
      c.emit('MatMul', [c.x[0], w], [c.y[0]]);
      return;
    }
    const mm = c.tmp('matmul');
    c.emit('MatMul', [c.x[0], w], [mm], {}, 'matmul');
    c.emit('Add', [mm, c.param('bias')], [c.y[0]]);
  },
  max_pool2d: (c, attrs) => c.emit('MaxPool', [c.x[0]], [c.y[0]], windowAttrs(c, attrs(), false)),
  mul: binary('Mul'),
  offset: (c, attrs) => c.emit('Add', [c.x[0], c.floatConst('value', [], [attrs().value])], [c.y[0]]),
  permute: (c, attrs) => c.emit('Transpose', [c.x[0]], [c.y[0]], { perm: attr.ints(attrs().perm) }),
  relu: unary('Relu'),
  relu6: (c) =>
    c.emit('Clip', [c.x[0], c.floatConst('min', [], [0]), c.floatConst('max', [], [6])], [c.y[0]]),
  // The target shape may hold the batch symbol: read it from the (validated) output shape.
  reshape: (c) => reshapeTo(c, c.x[0], c.inShapes[0], c.y[0], c.outShapes[0]),
  resize: (c, attrs) => {
    const a = attrs();
    const [n, ch] = c.inShapes[0];
    let sizes: string;
    if (typeof n === 'number' && typeof ch === 'number') {
      sizes = c.int64Const('sizes', [n, ch, a.size[0], a.size[1]]);
    } else {
      const nc = c.tmp('shape');
      c.emit('Shape', [c.x[0]], [nc], { start: attr.int(0), end: attr.int(2) }, 'shape');
      sizes = c.tmp('sizes');
      c.emit('Concat', [nc, c.int64Const('hw', a.size)], [sizes], { axis: attr.int(0) }, 'sizes');
    }
    // half_pixel with linear: PyTorch's bilinear align_corners=False (negative coordinates clamp).
    c.emit('Resize', [c.x[0], '', '', sizes], [c.y[0]], {
      mode: attr.string('linear'),
      coordinate_transformation_mode: attr.string('half_pixel'),
    });
  },
  scale: (c, attrs) => c.emit('Mul', [c.x[0], c.floatConst('factor', [], [attrs().factor])], [c.y[0]]),
  sigmoid: unary('Sigmoid'),
  slice: (c, attrs) => {
    const a = attrs();
    const ints = (suffix: string, v: number): string => c.int64Const(suffix, [v]);
    c.emit(
      'Slice',
      [c.x[0], ints('starts', a.start), ints('ends', a.end), ints('axes', a.axis), ints('steps', a.step)],
      [c.y[0]],
    );
  },
  split: (c, attrs) => {
    const a = attrs();
    c.emit('Split', [c.x[0], c.int64Const('split', a.sizes)], c.y, { axis: attr.int(a.axis) });
  },
  sub: binary('Sub'),
  swish: (c) => {
    const s = c.tmp('sigmoid');
    c.emit('Sigmoid', [c.x[0]], [s], {}, 'sigmoid');
    c.emit('Mul', [c.x[0], s], [c.y[0]]);
  },
};

/** Runs the rule of `c.node.op`. */
export function exportNode(c: NodeContext): void {
  const rule = EXPORT_RULES[c.node.op] as ExportRule<OpName>;
  rule(c, () => concreteAttrsOf(c));
}
