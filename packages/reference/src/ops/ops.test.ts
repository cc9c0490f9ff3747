/**
 * Reference kernels against small cases computed by hand (the expected numbers are worked out in
 * the comments, not by running the code).
 */
import { describe, expect, it } from 'vitest';
import { OP_NAMES, type OpName } from '@coordattn/ir';
import { tensor, type Tensor } from '../tensor.js';
import { ACTIVATION_FNS, REFERENCE_OPS, pooledSize } from './index.js';
import { iota, values } from './test-util.js';
import type { ConcreteAttrs } from './types.js';

function call<K extends OpName>(
  op: K,
  inputs: Tensor[],
  attrs: ConcreteAttrs<K>,
  weights: Record<string, Tensor> = {},
): Tensor[] {
  return REFERENCE_OPS[op](inputs, attrs, weights);
}

const conv = (over: Partial<ConcreteAttrs<'conv2d'>> & { outChannels: number; kernel: [number, number] }) =>
  ({
    stride: [1, 1],
    padding: [0, 0],
    dilation: [1, 1],
    groups: 1,
    bias: false,
    ...over,
  }) as ConcreteAttrs<'conv2d'>;

describe('registry', () => {
  it('has exactly one reference kernel per IR op', () => {
    expect(Object.keys(REFERENCE_OPS).sort()).toEqual([...OP_NAMES]);
    for (const op of OP_NAMES) expect(typeof REFERENCE_OPS[op]).toBe('function');
  });
});

describe('conv2d', () => {
  const x = iota([1, 1, 4, 4]); // rows 1-4, 5-8, 9-12, 13-16

  it('3×3 all-ones kernel, no padding, plus bias', () => {
    // 1+2+3+5+6+7+9+10+11 = 54, then +9 per column step, +36 per row step; bias 1.
    const [y] = call('conv2d', [x], conv({ outChannels: 1, kernel: [3, 3], bias: true }), {
      weight: tensor([1, 1, 3, 3], Array(9).fill(1)),
      bias: tensor([1], [1]),
    });
    expect(y.shape).toEqual([1, 1, 2, 2]);
    expect(values(y)).toEqual([55, 64, 91, 100]);
  });

  it('is a cross-correlation (the kernel is not flipped)', () => {
    // A single 1 at kernel (0, 1) reads x[i][j+1]: [[2, 3], [6, 7]].
    const [y] = call('conv2d', [x], conv({ outChannels: 1, kernel: [3, 3] }), {
      weight: tensor([1, 1, 3, 3], [0, 1, 0, 0, 0, 0, 0, 0, 0]),
    });
    expect(values(y)).toEqual([2, 3, 6, 7]);
  });

  it('stride 2 and zero padding 1', () => {
    // Windows centred on (0,0), (0,2), (2,0), (2,2):
    // 1+2+5+6 = 14; 2+3+4+6+7+8 = 30; 5+6+9+10+13+14 = 57; 6+7+8+10+11+12+14+15+16 = 99.
    const [y] = call(
      'conv2d',
      [x],
      conv({ outChannels: 1, kernel: [3, 3], stride: [2, 2], padding: [1, 1] }),
      {
        weight: tensor([1, 1, 3, 3], Array(9).fill(1)),
      },
    );
    expect(values(y)).toEqual([14, 30, 57, 99]);
  });

  it('dilation 2', () => {
    // y[i][j] = x[i][j] + x[i][j+2] + x[i+2][j] + x[i+2][j+2]: 1+3+9+11 = 24, 28, 40, 44.
    const [y] = call('conv2d', [x], conv({ outChannels: 1, kernel: [2, 2], dilation: [2, 2] }), {
      weight: tensor([1, 1, 2, 2], [1, 1, 1, 1]),
    });
    expect(y.shape).toEqual([1, 1, 2, 2]);
    expect(values(y)).toEqual([24, 28, 40, 44]);
  });

  it('groups keep channels apart; groups 1 mixes them', () => {
    const x2 = tensor([1, 2, 1, 2], [1, 2, 10, 20]); // channel 0: [1, 2], channel 1: [10, 20]
    const [g2] = call('conv2d', [x2], conv({ outChannels: 2, kernel: [1, 1], groups: 2 }), {
      weight: tensor([2, 1, 1, 1], [2, 3]),
    });
    expect(values(g2)).toEqual([2, 4, 30, 60]);
    // out0 = 1·c0 + 1·c1 = [11, 22]; out1 = 1·c0 − 1·c1 = [−9, −18].
    const [g1] = call('conv2d', [x2], conv({ outChannels: 2, kernel: [1, 1] }), {
      weight: tensor([2, 2, 1, 1], [1, 1, 1, -1]),
    });
    expect(values(g1)).toEqual([11, 22, -9, -18]);
  });

  it('handles batch > 1 and rejects a wrong weight shape', () => {
    const xb = tensor([2, 1, 1, 2], [1, 2, 3, 4]);
    const [y] = call('conv2d', [xb], conv({ outChannels: 1, kernel: [1, 1] }), {
      weight: tensor([1, 1, 1, 1], [2]),
    });
    expect(values(y)).toEqual([2, 4, 6, 8]);
    expect(() =>
      call('conv2d', [xb], conv({ outChannels: 1, kernel: [1, 1] }), {
        weight: tensor([1, 2, 1, 1], [1, 1]),
      }),
    ).toThrow(/E_SHAPE.*\[1,2,1,1\] vs \[1,1,1,1\]/);
  });
});

describe('channel_conv1d', () => {
  it('k = 3 across channels with zero padding and bias', () => {
    // y[c] = 1·x[c−1] + 10·x[c] + 100·x[c+1] + 0.5 with x = [1, 2, 3, 4]:
    // 0 + 10 + 200, 1 + 20 + 300, 2 + 30 + 400, 3 + 40 + 0 → +0.5.
    const [y] = call(
      'channel_conv1d',
      [tensor([1, 4, 1, 1], [1, 2, 3, 4])],
      { kernel: 3, bias: true },
      { weight: tensor([1, 1, 3], [1, 10, 100]), bias: tensor([1], [0.5]) },
    );
    expect(values(y)).toEqual([210.5, 321.5, 432.5, 43.5]);
  });
});

describe('batch_norm', () => {
  it('(x − mean) / sqrt(var + eps) · γ + β per channel', () => {
    // channel 0: (1 − 1)/2 · 3 + 0 = 0 and (5 − 1)/2 · 3 = 6; channel 1: (3 − 1)/4 · 2 + 1 = 2, (−7 − 1)/4 · 2 + 1 = −3.
    const [y] = call(
      'batch_norm',
      [tensor([1, 2, 1, 2], [1, 5, 3, -7])],
      { eps: 1, affine: true },
      {
        weight: tensor([2], [3, 2]),
        bias: tensor([2], [0, 1]),
        running_mean: tensor([2], [1, 1]),
        running_var: tensor([2], [3, 15]),
      },
    );
    expect(values(y)).toEqual([0, 6, 2, -3]);
  });

  it('without affine and on rank 2', () => {
    const [y] = call(
      'batch_norm',
      [tensor([2, 2], [2, 4, 6, 8])],
      { eps: 0.5, affine: false },
      { running_mean: tensor([2], [0, 4]), running_var: tensor([2], [3.5, 0.5]) },
    );
    // channel 0: x / 2; channel 1: (x − 4) / 1.
    expect(values(y)).toEqual([1, 0, 3, 4]);
  });
});

describe('linear', () => {
  it('x Wᵀ + b over the last axis, any leading dims', () => {
    const w = tensor([3, 2], [1, 0, 0, 1, 1, 1]);
    const b = tensor([3], [0, 0, 1]);
    const [y] = call(
      'linear',
      [tensor([2, 1, 2], [1, 2, -1, 5])],
      { outFeatures: 3, bias: true },
      { weight: w, bias: b },
    );
    // [1, 2] → [1, 2, 4]; [−1, 5] → [−1, 5, 5].
    expect(y.shape).toEqual([2, 1, 3]);
    expect(values(y)).toEqual([1, 2, 4, -1, 5, 5]);
  });
});

describe('activations', () => {
  const xs = [-4, -3, -1, 0, 1, 3, 4, 7];
  const at = (op: OpName, v: number[]): number[] =>
    values(REFERENCE_OPS[op]([tensor([v.length], v)], {} as never, {})[0]);

  it('relu, relu6, identity', () => {
    expect(at('relu', xs)).toEqual([0, 0, 0, 0, 1, 3, 4, 7]);
    expect(at('relu6', xs)).toEqual([0, 0, 0, 0, 1, 3, 4, 6]);
    expect(at('identity', xs)).toEqual(xs);
  });

  it('hard_sigmoid = relu6(x + 3) / 6 and hard_swish = x · hard_sigmoid(x)', () => {
    const hs = at('hard_sigmoid', xs);
    [0, 0, 2 / 6, 0.5, 4 / 6, 1, 1, 1].forEach((v, i) => expect(hs[i]).toBeCloseTo(v, 15));
    const hw = at('hard_swish', xs);
    [0, 0, -1 / 3, 0, 2 / 3, 3, 4, 7].forEach((v, i) => expect(hw[i]).toBeCloseTo(v, 15));
  });

  it('sigmoid and swish', () => {
    // sigmoid(ln 3) = 1 / (1 + 1/3) = 3/4.
    const [s0, s1] = at('sigmoid', [0, Math.log(3)]);
    expect(s0).toBe(0.5);
    expect(s1).toBeCloseTo(0.75, 15);
    expect(at('swish', [Math.log(3)])[0]).toBeCloseTo(0.75 * Math.log(3), 15);
    expect(at('sigmoid', [-1000, 1000])).toEqual([0, 1]);
    expect(ACTIVATION_FNS.swish(-1000)).toBe(-0);
  });
});

describe('pools', () => {
  const x = tensor([1, 1, 2, 3], [1, 2, 3, 4, 5, 6]);

  it('global average and max', () => {
    expect(values(call('global_avg_pool', [x], {})[0])).toEqual([3.5]);
    expect(values(call('global_max_pool', [x], {})[0])).toEqual([6]);
  });

  it('directional_mean over W (rows) and over H (columns)', () => {
    const [r] = call('directional_mean', [x], { over: 'W' });
    expect(r.shape).toEqual([1, 1, 2, 1]);
    expect(values(r)).toEqual([2, 5]);
    const [c] = call('directional_mean', [x], { over: 'H' });
    expect(c.shape).toEqual([1, 1, 1, 3]);
    expect(values(c)).toEqual([2.5, 3.5, 4.5]);
  });

  it('channel_reduce mean and max', () => {
    const x2 = tensor([1, 2, 1, 2], [1, 4, 3, 2]);
    expect(values(call('channel_reduce', [x2], { reduce: 'mean' })[0])).toEqual([2, 3]);
    expect(values(call('channel_reduce', [x2], { reduce: 'max' })[0])).toEqual([3, 4]);
  });

  const win = (kernel: number, stride: number, padding: number, ceilMode = false, countIncludePad = true) =>
    ({
      kernel: [kernel, kernel],
      stride: [stride, stride],
      padding: [padding, padding],
      ceilMode,
      countIncludePad,
    }) as ConcreteAttrs<'avg_pool2d'>;

  it('max_pool2d: windows, and −∞ padding (never chosen)', () => {
    const x4 = iota([1, 1, 4, 4]);
    expect(values(call('max_pool2d', [x4], win(2, 2, 0))[0])).toEqual([6, 8, 14, 16]);
    expect(values(call('max_pool2d', [x4], win(3, 2, 1))[0])).toEqual([6, 8, 14, 16]);
    // All negative: zero padding would give 0 in every window; −∞ padding gives the window's
    // largest real value, its top-left valid element: −1, −2, −5, −6.
    const neg = tensor(
      [1, 1, 4, 4],
      values(x4).map((v) => -v),
    );
    expect(values(call('max_pool2d', [neg], win(3, 2, 1))[0])).toEqual([-1, -2, -5, -6]);
  });

  it('avg_pool2d counts zero padding in the divisor', () => {
    // Window sums as in the conv stride-2 case: 14, 30, 57, 99, each over 9.
    const y = values(call('avg_pool2d', [iota([1, 1, 4, 4])], win(3, 2, 1))[0]);
    [14 / 9, 30 / 9, 57 / 9, 99 / 9].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 14));
  });

  it('avg_pool2d without countIncludePad divides by the input elements covered', () => {
    // Same window sums over 4, 6, 6 and 9 real elements (torch count_include_pad=False).
    const y = values(call('avg_pool2d', [iota([1, 1, 4, 4])], win(3, 2, 1, false, false))[0]);
    [14 / 4, 30 / 6, 57 / 6, 99 / 9].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 14));
    // ceil mode, kernel 3, stride 3, padding 1 on the row 1..6: window starts −1, 2, 5 cover the
    // inputs {1, 2}, {3, 4, 5}, {6}; the last window [5, 8) is clipped to the padded end 7. Sums 3,
    // 12, 6: divided by 2, 3, 1 without the padding, by 3, 3, 2 with it.
    const row = tensor([1, 1, 1, 6], [1, 2, 3, 4, 5, 6]);
    const a = (countIncludePad: boolean) =>
      ({
        kernel: [1, 3],
        stride: [1, 3],
        padding: [0, 1],
        ceilMode: true,
        countIncludePad,
      }) as ConcreteAttrs<'avg_pool2d'>;
    expect(values(call('avg_pool2d', [row], a(false))[0])).toEqual([1.5, 4, 6]);
    expect(values(call('avg_pool2d', [row], a(true))[0])).toEqual([1, 4, 3]);
  });

  it('ceilMode keeps a partial last window (PyTorch rule)', () => {
    const row = tensor([1, 1, 1, 5], [1, 2, 3, 4, 5]);
    const a = {
      kernel: [1, 2],
      stride: [1, 2],
      padding: [0, 0],
      ceilMode: true,
      countIncludePad: true,
    } as ConcreteAttrs<'avg_pool2d'>;
    // Windows [1,2], [3,4], [5]: max 2, 4, 5; mean 1.5, 3.5, 5 (the last divides by 1).
    expect(values(call('max_pool2d', [row], a)[0])).toEqual([2, 4, 5]);
    expect(values(call('avg_pool2d', [row], a)[0])).toEqual([1.5, 3.5, 5]);
    expect(pooledSize(5, 2, 2, 0, false)).toBe(2);
    // k2 s2 p1 ceil: ceil(5/2) + 1 = 4, but the 4th window would start in the right padding → 3.
    expect(pooledSize(5, 2, 2, 1, true)).toBe(3);
  });

  it('ceilMode: a window larger than the (unpadded) input is clipped, as PyTorch does', () => {
    // torch: F.max_pool2d(arange(18.).reshape(1,1,2,9), 3, ceil_mode=True) → [[11, 14, 17]] (shape
    // [1,1,1,3]); F.avg_pool2d(same) → [[5.5, 8.5, 11.5]] (each window covers 2×3 real values).
    const x = iota([1, 1, 2, 9], 0).data;
    const a = win(3, 3, 0, true);
    expect(values(call('max_pool2d', [tensor([1, 1, 2, 9], x)], a)[0])).toEqual([11, 14, 17]);
    expect(values(call('avg_pool2d', [tensor([1, 1, 2, 9], x)], a)[0])).toEqual([5.5, 8.5, 11.5]);
    expect(() => pooledSize(1, 3, 1, 0, true)).toThrow(/leaves no output/);
  });
});

describe('movement', () => {
  it('concat and split along an axis are inverse', () => {
    const a = tensor([1, 1, 2, 2], [1, 2, 3, 4]);
    const b = tensor([1, 2, 2, 2], [5, 6, 7, 8, 9, 10, 11, 12]);
    const [c] = call('concat', [a, b], { axis: 1 });
    expect(c.shape).toEqual([1, 3, 2, 2]);
    expect(values(c)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const [c2] = call('concat', [a, tensor([1, 1, 1, 2], [7, 8])], { axis: 2 });
    expect(values(c2)).toEqual([1, 2, 3, 4, 7, 8]);
    const [p, q] = call('split', [c2], { axis: 2, sizes: [2, 1] });
    expect(p).toEqual(a);
    expect(values(q)).toEqual([7, 8]);
  });

  it('slice: start, step, and an end past the dim clamped (Python / ONNX semantics)', () => {
    const x = iota([1, 2, 1, 7]); // channel 0: 1..7, channel 1: 8..14
    // x[..., 1:6:2] → indices 1, 3, 5
    const [a] = call('slice', [x], { axis: 3, start: 1, end: 6, step: 2 });
    expect(a.shape).toEqual([1, 2, 1, 3]);
    expect(values(a)).toEqual([2, 4, 6, 9, 11, 13]);
    // x[..., 4:100:3] → indices 4 (7 would be past the end)
    const [b] = call('slice', [x], { axis: 3, start: 4, end: 100, step: 3 });
    expect(values(b)).toEqual([5, 12]);
    // x[:, 1:2] → channel 1
    expect(values(call('slice', [x], { axis: 1, start: 1, end: 2, step: 1 })[0])).toEqual([
      8, 9, 10, 11, 12, 13, 14,
    ]);
    expect(() => call('slice', [x], { axis: 3, start: 7, end: 9, step: 1 })).toThrow(/E_SHAPE/);
  });

  it('permute swaps H and W (a transpose)', () => {
    const [t] = call('permute', [tensor([1, 1, 2, 3], [1, 2, 3, 4, 5, 6])], { perm: [0, 1, 3, 2] });
    expect(t.shape).toEqual([1, 1, 3, 2]);
    expect(values(t)).toEqual([1, 4, 2, 5, 3, 6]);
    const [u] = call('permute', [iota([2, 3, 4])], { perm: [2, 0, 1] });
    expect(u.shape).toEqual([4, 2, 3]);
    // u[k][i][j] = x[i][j][k] = 1 + 12i + 4j + k: u[1][0][2] = 1 + 8 + 1 = 10.
    expect(u.data[1 * 6 + 0 * 3 + 2]).toBe(10);
  });

  it('reshape, flatten and dropout keep row-major order', () => {
    const x = iota([1, 2, 1, 3]);
    expect(call('reshape', [x], { shape: [3, 2] })[0]).toEqual({ shape: [3, 2], data: x.data });
    expect(call('flatten', [x], { startDim: 1 })[0].shape).toEqual([1, 6]);
    expect(call('dropout', [x], { p: 0.5 })[0]).toEqual(x);
    expect(() => call('reshape', [x], { shape: [4] })).toThrow(/E_SHAPE/);
  });
});

describe('elementwise', () => {
  it('add and mul broadcast like numpy', () => {
    const [s] = call('add', [tensor([2, 3], [1, 2, 3, 4, 5, 6]), tensor([3], [10, 20, 30])], {});
    expect(values(s)).toEqual([11, 22, 33, 14, 25, 36]);
    // Outer product [2,1] × [1,3].
    const [m] = call('mul', [tensor([2, 1], [2, 3]), tensor([1, 3], [1, 10, 100])], {});
    expect(m.shape).toEqual([2, 3]);
    expect(values(m)).toEqual([2, 20, 200, 3, 30, 300]);
    // CA's re-weighting: [N,C,H,W] · [N,C,1,W] · [N,C,H,1].
    const x = tensor([1, 1, 2, 2], [1, 1, 1, 1]);
    const [xw] = call('mul', [x, tensor([1, 1, 1, 2], [2, 3])], {});
    const [xwh] = call('mul', [xw, tensor([1, 1, 2, 1], [5, 7])], {});
    expect(values(xwh)).toEqual([10, 15, 14, 21]);
    expect(() => call('add', [tensor([2], [1, 2]), tensor([3], [1, 2, 3])], {})).toThrow(
      /E_SHAPE.*dims 0 differ.*\[2\] vs \[3\]/,
    );
  });

  it('sub and div broadcast like numpy; a / 0 follows IEEE', () => {
    const [d] = call('sub', [tensor([2, 1], [10, 20]), tensor([3], [1, 2, 3])], {});
    expect(d.shape).toEqual([2, 3]);
    expect(values(d)).toEqual([9, 8, 7, 19, 18, 17]);
    // [N,C,H,W] / [C,1,1]: each channel divided by its own value.
    const [q] = call('div', [tensor([1, 2, 1, 2], [1, 2, 3, 4]), tensor([2, 1, 1], [-2, 0.5])], {});
    expect(values(q)).toEqual([-0.5, -1, 6, 8]);
    expect(values(call('div', [tensor([3], [1, -1, 0]), tensor([1], [0])], {})[0])).toEqual([
      Infinity,
      -Infinity,
      NaN,
    ]);
    expect(() => call('sub', [tensor([2], [1, 2]), tensor([3], [1, 2, 3])], {})).toThrow(
      /E_SHAPE.*sub: dims 0 differ/,
    );
  });

  it('scale and offset', () => {
    expect(values(call('scale', [tensor([2], [3, -6])], { factor: 1 / 3 })[0])).toEqual([1, -2]);
    expect(values(call('offset', [tensor([2], [3, -6])], { value: 2.5 })[0])).toEqual([5.5, -3.5]);
  });

  it('clip with both bounds, only min, only max', () => {
    const x = tensor([6], [-3, -1, 0, 0.5, 2, 7]);
    expect(values(call('clip', [x], { min: -1, max: 1 })[0])).toEqual([-1, -1, 0, 0.5, 1, 1]);
    expect(values(call('clip', [x], { min: 0, max: null })[0])).toEqual([0, 0, 0, 0.5, 2, 7]);
    expect(values(call('clip', [x], { min: null, max: 0.5 })[0])).toEqual([-3, -1, 0, 0.5, 0.5, 0.5]);
    // relu6 is clip(0, 6).
    const r = tensor([4], [-2, 3, 6, 9]);
    expect(call('clip', [r], { min: 0, max: 6 })).toEqual(call('relu6', [r], {}));
  });
});
