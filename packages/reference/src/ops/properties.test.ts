/** Algebraic properties of the reference kernels (fast-check; FC_SEED, FC_RUNS). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fcParams } from '@coordattn/ir/testing';
import { compare } from '../tolerance.js';
import { tensor, type Tensor } from '../tensor.js';
import { REFERENCE_OPS } from './index.js';
import type { ConcreteAttrs } from './types.js';

const value = fc.double({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true });
const arrTensor = (shape: number[]): fc.Arbitrary<Tensor> =>
  fc
    .array(value, {
      minLength: shape.reduce((p, d) => p * d, 1),
      maxLength: shape.reduce((p, d) => p * d, 1),
    })
    .map((d) => tensor(shape, d));

function close(a: Tensor, b: Tensor): void {
  const c = compare(a, b, { rtol: 1e-12, atolScale: 1e-12 });
  expect(c.pass, `max |err| ${c.maxAbsError}`).toBe(true);
}

/**
 * For sums taken in a different order the rounding error scales with the summands, not with the
 * (possibly cancelled, near-zero) result: |a − b| ≤ 1e-12 · max|x| elementwise.
 */
function closeToInputScale(a: Tensor, b: Tensor, x: Tensor): void {
  let scale = 0;
  for (const v of x.data) scale = Math.max(scale, Math.abs(v));
  expect(a.shape).toEqual(b.shape);
  let worst = 0;
  a.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - b.data[i]))));
  expect(worst, `max |err| ${worst} vs bound ${1e-12 * scale}`).toBeLessThanOrEqual(1e-12 * scale);
}

const conv = (
  x: Tensor,
  a: Partial<ConcreteAttrs<'conv2d'>> & { outChannels: number; kernel: [number, number] },
  weight: Tensor,
  bias?: Tensor,
): Tensor =>
  REFERENCE_OPS.conv2d(
    [x],
    { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1, bias: bias !== undefined, ...a },
    bias ? { weight, bias } : { weight },
  )[0];

/** A small conv problem: batch, groups, channels per group, spatial size, kernel, stride, padding, dilation. */
const convCase = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    g: fc.integer({ min: 1, max: 3 }),
    cg: fc.integer({ min: 1, max: 2 }),
    og: fc.integer({ min: 1, max: 2 }),
    h: fc.integer({ min: 3, max: 6 }),
    w: fc.integer({ min: 3, max: 6 }),
    k: fc.integer({ min: 1, max: 3 }),
    s: fc.integer({ min: 1, max: 2 }),
    p: fc.integer({ min: 0, max: 1 }),
    d: fc.integer({ min: 1, max: 2 }),
  })
  .filter((c) => c.h + 2 * c.p - c.d * (c.k - 1) - 1 >= 0 && c.w + 2 * c.p - c.d * (c.k - 1) - 1 >= 0)
  .chain((c) =>
    fc.record({
      c: fc.constant(c),
      x: arrTensor([c.n, c.g * c.cg, c.h, c.w]),
      wt: arrTensor([c.g * c.og, c.cg, c.k, c.k]),
    }),
  );

describe('conv2d properties', () => {
  it('grouped conv ≡ dense conv with a block-diagonal weight (depthwise is groups = C)', () => {
    fc.assert(
      fc.property(convCase, ({ c, x, wt }) => {
        const C = c.g * c.cg;
        const O = c.g * c.og;
        const attrs = {
          outChannels: O,
          kernel: [c.k, c.k] as [number, number],
          stride: [c.s, c.s] as [number, number],
          padding: [c.p, c.p] as [number, number],
          dilation: [c.d, c.d] as [number, number],
        };
        // Dense weight [O, C, k, k]: output o of group o/og sees only its group's input channels.
        const dense = tensor([O, C, c.k, c.k]);
        const kk = c.k * c.k;
        for (let o = 0; o < O; o++) {
          const grp = Math.floor(o / c.og);
          for (let ci = 0; ci < c.cg; ci++) {
            for (let t = 0; t < kk; t++)
              dense.data[(o * C + grp * c.cg + ci) * kk + t] = wt.data[(o * c.cg + ci) * kk + t];
          }
        }
        close(conv(x, { ...attrs, groups: c.g }, wt), conv(x, attrs, dense));
      }),
      fcParams(60),
    );
  });

  it('depthwise conv ≡ each channel convolved on its own', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 4 })
          .chain((C) => fc.tuple(fc.constant(C), arrTensor([1, C, 5, 4]), arrTensor([C, 1, 3, 3]))),
        ([C, x, wt]) => {
          const y = conv(x, { outChannels: C, kernel: [3, 3], padding: [1, 1], groups: C }, wt);
          for (let ch = 0; ch < C; ch++) {
            const xc = tensor([1, 1, 5, 4], x.data.subarray(ch * 20, ch * 20 + 20));
            const wc = tensor([1, 1, 3, 3], wt.data.subarray(ch * 9, ch * 9 + 9));
            const yc = conv(xc, { outChannels: 1, kernel: [3, 3], padding: [1, 1] }, wc);
            close(tensor([1, 1, 5, 4], y.data.subarray(ch * 20, ch * 20 + 20)), yc);
          }
        },
      ),
      fcParams(60),
    );
  });

  it('1×1 conv ≡ linear over the channel axis (NHWC)', () => {
    fc.assert(
      fc.property(
        fc
          .record({
            n: fc.integer({ min: 1, max: 2 }),
            c: fc.integer({ min: 1, max: 4 }),
            o: fc.integer({ min: 1, max: 4 }),
            h: fc.integer({ min: 1, max: 3 }),
            w: fc.integer({ min: 1, max: 3 }),
          })
          .chain((s) =>
            fc.record({
              s: fc.constant(s),
              x: arrTensor([s.n, s.c, s.h, s.w]),
              wt: arrTensor([s.o, s.c]),
              b: arrTensor([s.o]),
            }),
          ),
        ({ s, x, wt, b }) => {
          const y = conv(x, { outChannels: s.o, kernel: [1, 1] }, tensor([s.o, s.c, 1, 1], wt.data), b);
          const nhwc = REFERENCE_OPS.permute([x], { perm: [0, 2, 3, 1] }, {})[0];
          const lin = REFERENCE_OPS.linear(
            [nhwc],
            { outFeatures: s.o, bias: true },
            { weight: wt, bias: b },
          )[0];
          close(y, REFERENCE_OPS.permute([lin], { perm: [0, 3, 1, 2] }, {})[0]);
        },
      ),
      fcParams(100),
    );
  });
});

describe('pooling properties', () => {
  const shape4 = fc.tuple(
    fc.integer({ min: 1, max: 2 }),
    fc.integer({ min: 1, max: 3 }),
    fc.integer({ min: 1, max: 5 }),
    fc.integer({ min: 1, max: 5 }),
  );

  it('directional_mean over W then over H ≡ global_avg_pool (either order)', () => {
    fc.assert(
      fc.property(
        shape4.chain((s) => arrTensor([...s])),
        (x) => {
          const gap = REFERENCE_OPS.global_avg_pool([x], {}, {})[0];
          const wh = REFERENCE_OPS.directional_mean(
            [REFERENCE_OPS.directional_mean([x], { over: 'W' }, {})[0]],
            { over: 'H' },
            {},
          )[0];
          const hw = REFERENCE_OPS.directional_mean(
            [REFERENCE_OPS.directional_mean([x], { over: 'H' }, {})[0]],
            { over: 'W' },
            {},
          )[0];
          closeToInputScale(wh, gap, x);
          closeToInputScale(hw, gap, x);
        },
      ),
      fcParams(100),
    );
  });

  it('a full-size window ≡ global pooling (max and average)', () => {
    fc.assert(
      fc.property(
        shape4.chain((s) => arrTensor([...s])),
        (x) => {
          const a = {
            kernel: [x.shape[2], x.shape[3]],
            stride: [1, 1],
            padding: [0, 0],
            ceilMode: false,
            countIncludePad: true,
          } as ConcreteAttrs<'avg_pool2d'>;
          close(REFERENCE_OPS.max_pool2d([x], a, {})[0], REFERENCE_OPS.global_max_pool([x], {}, {})[0]);
          close(REFERENCE_OPS.avg_pool2d([x], a, {})[0], REFERENCE_OPS.global_avg_pool([x], {}, {})[0]);
        },
      ),
      fcParams(100),
    );
  });

  it('avg_pool2d without countIncludePad: a constant input stays constant; without padding the flag does not matter', () => {
    fc.assert(
      fc.property(
        shape4,
        value,
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 2 }),
        fc.boolean(),
        (s, v, k, stride, ceilMode) => {
          fc.pre(s[2] + 2 * Math.floor(k / 2) >= k && s[3] + 2 * Math.floor(k / 2) >= k);
          const attrs = (p: number, countIncludePad: boolean) =>
            ({
              kernel: [k, k],
              stride: [stride, stride],
              padding: [p, p],
              ceilMode,
              countIncludePad,
            }) as ConcreteAttrs<'avg_pool2d'>;
          const c = tensor([...s], new Array<number>(s.reduce((p, d) => p * d, 1)).fill(v));
          const y = REFERENCE_OPS.avg_pool2d([c], attrs(Math.floor(k / 2), false), {})[0];
          for (const u of y.data)
            expect(Math.abs(u - v)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v)));
          if (s[2] >= k && s[3] >= k) {
            const x = tensor(
              [...s],
              c.data.map((_, i) => Math.sin(i + v)),
            );
            close(
              REFERENCE_OPS.avg_pool2d([x], attrs(0, false), {})[0],
              REFERENCE_OPS.avg_pool2d([x], attrs(0, true), {})[0],
            );
          }
        },
      ),
      fcParams(100),
    );
  });
});

describe('movement properties', () => {
  it('split ∘ concat is the identity and permute by a permutation then its inverse is too', () => {
    fc.assert(
      fc.property(
        fc
          .tuple(
            fc.integer({ min: 1, max: 3 }),
            fc.integer({ min: 1, max: 3 }),
            fc.integer({ min: 1, max: 3 }),
            fc.integer({ min: 0, max: 2 }),
          )
          .chain(([a, b, c, axis]) => {
            const base = [2, 3, 2];
            const sa = base.map((d, i) => (i === axis ? a : d));
            const sb = base.map((d, i) => (i === axis ? b : d));
            const sc = base.map((d, i) => (i === axis ? c : d));
            return fc.tuple(
              fc.constant(axis),
              arrTensor(sa),
              arrTensor(sb),
              arrTensor(sc),
              fc.shuffledSubarray([0, 1, 2], { minLength: 3, maxLength: 3 }),
            );
          }),
        ([axis, a, b, c, perm]) => {
          const [cat] = REFERENCE_OPS.concat([a, b, c], { axis }, {});
          const parts = REFERENCE_OPS.split(
            [cat],
            { axis, sizes: [a.shape[axis], b.shape[axis], c.shape[axis]] },
            {},
          );
          expect(parts).toEqual([a, b, c]);
          const inv = perm.map((_, i) => perm.indexOf(i));
          const [p] = REFERENCE_OPS.permute([a], { perm }, {});
          expect(REFERENCE_OPS.permute([p], { perm: inv }, {})[0]).toEqual(a);
        },
      ),
      fcParams(100),
    );
  });
});
