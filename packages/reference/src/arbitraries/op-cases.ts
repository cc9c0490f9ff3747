/**
 * Valid cases per op, derived from each op's constraints in @coordattn/ir (ranks, divisibility by
 * groups, positive output sizes, pooling padding ≤ kernel / 2, odd channel_conv1d kernels, split
 * sizes summing to the axis, slices starting inside the axis, ordered clip bounds, permutations,
 * reshape element counts, broadcasting, resize sizes ≥ 1), so that no case is filtered away. Attribute spellings vary
 * too: bare numbers for square pairs, defaults left out. A case may say how its inputs' values are
 * drawn (`inputData`: div's denominators keep away from 0).
 */
import fc from 'fast-check';
import { ACTIVATIONS, OP_NAMES, type ActivationName, type OpName } from '@coordattn/ir';
import {
  anyShape,
  attrs,
  batch,
  channels,
  int,
  limits,
  nchw,
  optionalBool,
  pair,
  primeFactors,
  spatial,
  type Limits,
} from './common.js';
import type { CaseOptions, OpCase } from './types.js';

type Body = { inputs: number[][]; attrs: Record<string, unknown>; inputData?: OpCase['inputData'] };
type Gen = (l: Limits) => fc.Arbitrary<Body>;

/** In `large` mode, half the cases come from `big` (reductions over more than 1,000 terms). */
const orLarge = (l: Limits, small: fc.Arbitrary<Body>, big: fc.Arbitrary<Body>): fc.Arbitrary<Body> =>
  l.large ? fc.oneof(small, big) : small;

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

// ---- conv2d ---------------------------------------------------------------------------------

interface ConvAxis {
  k: number;
  s: number;
  p: number;
  d: number;
}

const convAxis: fc.Arbitrary<ConvAxis> = fc.record({
  k: int(1, 5),
  s: fc.oneof({ arbitrary: fc.constant(1), weight: 2 }, { arbitrary: int(2, 3), weight: 2 }),
  p: fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: int(1, 3), weight: 2 }),
  d: fc.oneof({ arbitrary: fc.constant(1), weight: 3 }, { arbitrary: int(2, 3), weight: 1 }),
});

/** The smallest input size with a positive output: size + 2p − d(k − 1) − 1 ≥ 0. */
const convMinSize = (a: ConvAxis): number => Math.max(1, a.d * (a.k - 1) + 1 - 2 * a.p);

/** Channels, groups and output channels: dense, grouped (1 < g < C) or depthwise (g = C). */
function convChannels(l: Limits): fc.Arbitrary<{ c: number; g: number; out: number }> {
  const dense = fc.record({ c: channels(l), out: channels(l) }).map(({ c, out }) => ({ c, g: 1, out }));
  const depthwise = fc.record({ c: channels(l), m: int(1, 2) }).map(({ c, m }) => ({ c, g: c, out: c * m }));
  if (l.maxChannels < 4) return fc.oneof(dense, depthwise);
  const grouped = int(2, Math.min(4, Math.floor(l.maxChannels / 2))).chain((g) =>
    fc
      .record({ cg: int(1, Math.floor(l.maxChannels / g)), og: int(1, 3) })
      .map(({ cg, og }) => ({ c: g * cg, g, out: g * og })),
  );
  return fc.oneof(dense, grouped, depthwise);
}

const conv2d: Gen = (l) => {
  const small = fc
    .record({
      n: batch(l),
      ch: convChannels(l),
      ah: convAxis,
      aw: convAxis,
      square: fc.boolean(),
      bare: fc.boolean(),
      explicit: fc.boolean(),
      bias: optionalBool,
    })
    .chain((r) => {
      const aw = r.square ? r.ah : r.aw;
      const size = (a: ConvAxis): fc.Arbitrary<number> => int(convMinSize(a), l.maxSpatial);
      return fc.tuple(size(r.ah), size(aw)).map(([h, w]): Body => {
        const opt = (x: number, y: number, dflt: number): number | [number, number] | undefined =>
          x === dflt && y === dflt && !r.explicit ? undefined : pair(x, y, r.bare);
        return {
          inputs: [[r.n, r.ch.c, h, w]],
          attrs: attrs({
            outChannels: r.ch.out,
            kernel: pair(r.ah.k, aw.k, r.bare),
            stride: opt(r.ah.s, aw.s, 1),
            padding: opt(r.ah.p, aw.p, 0),
            dilation: opt(r.ah.d, aw.d, 1),
            groups: r.ch.g === 1 && !r.explicit ? undefined : r.ch.g,
            bias: r.bias,
          }),
        };
      });
    });
  const big = fc.oneof(
    // pointwise over more than 1,000 channels
    fc
      .record({
        n: batch(l),
        c: int(1001, 1100),
        out: int(1, 4),
        h: int(1, 4),
        w: int(1, 4),
        bias: optionalBool,
      })
      .map((r): Body => ({
        inputs: [[r.n, r.c, r.h, r.w]],
        attrs: attrs({ outChannels: r.out, kernel: 1, bias: r.bias }),
      })),
    // 3×3 over 112..128 channels per group (> 1,000 terms), dense or two groups
    fc
      .record({
        n: batch(l),
        g: int(1, 2),
        cg: int(112, 128),
        og: int(1, 2),
        p: int(0, 1),
        s: int(1, 2),
        h: int(3, 6),
        w: int(3, 6),
      })
      .map((r): Body => ({
        inputs: [[r.n, r.g * r.cg, r.h, r.w]],
        attrs: { outChannels: r.g * r.og, kernel: 3, padding: r.p, stride: r.s, groups: r.g },
      })),
    // a 1×7 kernel over 145..160 channels
    fc
      .record({ n: batch(l), c: int(145, 160), out: int(1, 3), h: int(1, 4), w: int(7, 10), pw: int(0, 3) })
      .map((r): Body => ({
        inputs: [[r.n, r.c, r.h, r.w]],
        attrs: { outChannels: r.out, kernel: [1, 7], padding: [0, r.pw], bias: true },
      })),
  );
  return orLarge(l, small, big);
};

// ---- max_pool2d / avg_pool2d ----------------------------------------------------------------

interface PoolAxis {
  k: number;
  p: number;
  s: number;
}

/** Padding at most half the kernel. */
const poolAxis = (kMin: number, kMax: number, pMax: number, sMax: number): fc.Arbitrary<PoolAxis> =>
  int(kMin, kMax).chain((k) =>
    fc.record({ k: fc.constant(k), p: int(0, Math.min(pMax, Math.floor(k / 2))), s: int(1, sMax) }),
  );

const pool: Gen = (l) => {
  const make = (axis: fc.Arbitrary<PoolAxis>, c: fc.Arbitrary<number>, extra: number): fc.Arbitrary<Body> =>
    fc
      .record({
        n: batch(l),
        c,
        ah: axis,
        aw: axis,
        square: fc.boolean(),
        bare: fc.boolean(),
        stride: fc.constantFrom('kernel', 'given', 'given'),
        explicitPad: fc.boolean(),
        ceilMode: optionalBool,
      })
      .chain((r) => {
        const aw = r.square ? r.ah : r.aw;
        // The window must fit the padded input: size + 2p ≥ k (else PyTorch's span is negative).
        const size = (a: PoolAxis): fc.Arbitrary<number> =>
          int(Math.max(1, a.k - 2 * a.p), Math.max(l.maxSpatial, a.k + extra));
        return fc.tuple(size(r.ah), size(aw)).map(([h, w]): Body => ({
          inputs: [[r.n, r.c, h, w]],
          attrs: attrs({
            kernel: pair(r.ah.k, aw.k, r.bare),
            stride: r.stride === 'kernel' ? undefined : pair(r.ah.s, aw.s, r.bare),
            padding: r.ah.p === 0 && aw.p === 0 && !r.explicitPad ? undefined : pair(r.ah.p, aw.p, r.bare),
            ceilMode: r.ceilMode,
          }),
        }));
      });
  // Windows of 32..34 × 32..34 (more than 1,000 terms) over inputs a little larger.
  return orLarge(l, make(poolAxis(1, 5, 2, 3), channels(l), 0), make(poolAxis(32, 34, 1, 4), int(1, 3), 6));
};

/** avg_pool2d: the windows of max_pool2d, with the padding counted in the divisor or not. */
const avgPool: Gen = (l) =>
  fc
    .tuple(pool(l), optionalBool)
    .map(([b, countIncludePad]): Body => ({ ...b, attrs: attrs({ ...b.attrs, countIncludePad }) }));

// ---- reductions -----------------------------------------------------------------------------

const globalPool: Gen = (l) => {
  const small = nchw(l).map((s): Body => ({ inputs: [s], attrs: {} }));
  const hw = fc.oneof(
    fc.tuple(int(32, 40), int(32, 40)),
    int(1001, 1300).map((w) => [1, w] as const),
    int(1001, 1300).map((h) => [h, 1] as const),
  );
  const big = fc
    .tuple(batch(l), int(1, 4), hw)
    .map(([n, c, [h, w]]): Body => ({ inputs: [[n, c, h, w]], attrs: {} }));
  return orLarge(l, small, big);
};

const channelReduce: Gen = (l) => {
  const reduce = fc.constantFrom('mean', 'max');
  const small = fc.tuple(nchw(l), reduce).map(([s, r]): Body => ({ inputs: [s], attrs: { reduce: r } }));
  const big = fc
    .tuple(batch(l), int(1001, 1300), int(1, 4), int(1, 4), reduce)
    .map(([n, c, h, w, r]): Body => ({ inputs: [[n, c, h, w]], attrs: { reduce: r } }));
  return orLarge(l, small, big);
};

const directionalMean: Gen = (l) => {
  const over = fc.constantFrom('H', 'W');
  const small = fc.tuple(nchw(l), over).map(([s, o]): Body => ({ inputs: [s], attrs: { over: o } }));
  const big = fc
    .tuple(batch(l), int(1, 3), int(1, 3), int(1001, 1300), over)
    .map(([n, c, short, long, o]): Body => ({
      inputs: [o === 'W' ? [n, c, short, long] : [n, c, long, short]],
      attrs: { over: o },
    }));
  return orLarge(l, small, big);
};

const channelConv1d: Gen = (l) => {
  // Odd kernels 1..2C+1 (a kernel longer than C reads zero padding only).
  const make = (c: fc.Arbitrary<number>, jMin: number): fc.Arbitrary<Body> =>
    fc.record({ n: batch(l), c, bias: optionalBool }).chain((r) =>
      int(jMin, r.c).map((j): Body => ({
        inputs: [[r.n, r.c, 1, 1]],
        attrs: attrs({ kernel: 2 * j + 1, bias: r.bias }),
      })),
    );
  return orLarge(l, make(channels(l), 0), make(int(1001, 1400), 500));
};

const linear: Gen = (l) => {
  const small = fc
    .record({ s: anyShape(l, 2, 4), out: channels(l), bias: optionalBool })
    .map((r): Body => ({ inputs: [r.s], attrs: attrs({ outFeatures: r.out, bias: r.bias }) }));
  const lead = fc.oneof(
    batch(l).map((n) => [n]),
    fc.tuple(batch(l), int(1, 3)).map((s) => [...s]),
  );
  const big = fc
    .record({ lead, f: int(1001, 1500), out: int(1, 4), bias: optionalBool })
    .map((r): Body => ({ inputs: [[...r.lead, r.f]], attrs: attrs({ outFeatures: r.out, bias: r.bias }) }));
  return orLarge(l, small, big);
};

// ---- elementwise ----------------------------------------------------------------------------

const unary: Gen = (l) => anyShape(l).map((s): Body => ({ inputs: [s], attrs: {} }));

const batchNorm: Gen = (l) =>
  fc
    .record({
      s: anyShape(l, 2, 4),
      eps: fc.oneof(fc.constantFrom(undefined, 1e-5, 1e-3, 1), fc.double({ min: 1e-6, max: 1, noNaN: true })),
      affine: optionalBool,
    })
    .map((r): Body => ({ inputs: [r.s], attrs: attrs({ eps: r.eps, affine: r.affine }) }));

/** Operand shapes of add / mul relative to the full shape [N, C, H, W]. */
const PATTERNS = {
  same: (s: number[]) => s,
  NC11: ([n, c]: number[]) => [n, c, 1, 1],
  NCH1: ([n, c, h]: number[]) => [n, c, h, 1],
  NC1W: ([n, c, , w]: number[]) => [n, c, 1, w],
  N1HW: ([n, , h, w]: number[]) => [n, 1, h, w],
  '1C11': ([, c]: number[]) => [1, c, 1, 1],
  C11: ([, c]: number[]) => [c, 1, 1],
} as const;

const binary: Gen = (l) => {
  // The attention re-weighting patterns on either side.
  const named = fc
    .record({
      s: nchw(l),
      p: fc.constantFrom(...(Object.keys(PATTERNS) as (keyof typeof PATTERNS)[])),
      left: fc.boolean(),
    })
    .map(({ s, p, left }): Body => {
      const o = PATTERNS[p](s);
      return { inputs: left ? [o, s] : [s, o], attrs: {} };
    });
  // Any shape; each operand has some dims set to 1 and some leading dims dropped (both may broadcast).
  const masked = anyShape(l).chain((s) => {
    const mask = fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length });
    const drop = int(0, s.length - 1);
    return fc.record({ ma: mask, mb: mask, da: drop, db: drop }).map(({ ma, mb, da, db }): Body => {
      const a = s.map((d, i) => (ma[i] ? 1 : d)).slice(da);
      const b = s.map((d, i) => (mb[i] ? 1 : d)).slice(db);
      return { inputs: [a, b], attrs: {} };
    });
  });
  return fc.oneof(named, masked);
};

/** div: the operands of add / mul; denominators in [0.5, 2] ∪ [−2, −0.5], so float32 quotients are comparable. */
const div: Gen = (l) =>
  binary(l).map((b): Body => ({ ...b, inputData: [undefined, { magnitude: 2, minMagnitude: 0.5 }] }));

/** A constant a float32 kernel can hold: some round values, else any in [−8, 8] (tiny ones become 0). */
const constant = (round: readonly number[]): fc.Arbitrary<number> =>
  fc.oneof(
    fc.constantFrom(...round),
    fc.double({ min: -8, max: 8, noNaN: true }).map((v) => (Math.abs(v) < 1e-30 ? 0 : v + 0)),
  );

const scale: Gen = (l) =>
  fc
    .tuple(anyShape(l), constant([0.5, 1 / 3, 1 / 6, 2, -1, 0]))
    .map(([s, factor]): Body => ({ inputs: [s], attrs: { factor } }));

const offset: Gen = (l) =>
  fc
    .tuple(anyShape(l), constant([3, -3, 0.5, 1 / 3, 0]))
    .map(([s, value]): Body => ({ inputs: [s], attrs: { value } }));

/** Both bounds (min ≤ max), only min or only max; the absent one left out or given as null. */
const clip: Gen = (l) =>
  fc
    .record({
      s: anyShape(l),
      a: constant([0, 6, -1, 1, 0.5]),
      b: constant([0, 6, -1, 1, 0.5]),
      which: fc.constantFrom('both', 'min', 'max'),
      explicitNull: fc.boolean(),
    })
    .map((r): Body => {
      const absent = r.explicitNull ? null : undefined;
      const [lo, hi] = r.a <= r.b ? [r.a, r.b] : [r.b, r.a];
      const bounds =
        r.which === 'both'
          ? { min: lo, max: hi }
          : r.which === 'min'
            ? { min: r.a, max: absent }
            : { min: absent, max: r.a };
      return { inputs: [r.s], attrs: attrs(bounds) };
    });

const dropout: Gen = (l) =>
  fc
    .tuple(
      anyShape(l),
      fc.option(
        fc.oneof(
          fc.constantFrom(0, 0.2, 0.5, 1),
          fc.double({ min: 0, max: 1, noNaN: true }).map((v) => v + 0),
        ),
        { nil: undefined },
      ),
    )
    .map(([s, p]): Body => ({ inputs: [s], attrs: attrs({ p }) }));

// ---- movement -------------------------------------------------------------------------------

/** A shape and one of its axes. */
const shapeAndAxis = (l: Limits): fc.Arbitrary<[number[], number]> =>
  anyShape(l).chain((s) => fc.tuple(fc.constant(s), int(0, s.length - 1)));

const concat: Gen = (l) =>
  fc
    .tuple(shapeAndAxis(l), fc.array(spatial(l), { minLength: 1, maxLength: 4 }))
    .map(([[s, axis], sizes]): Body => ({
      inputs: sizes.map((k) => s.map((d, i) => (i === axis ? k : d))),
      attrs: { axis },
    }));

const split: Gen = (l) =>
  fc
    .tuple(shapeAndAxis(l), fc.array(spatial(l), { minLength: 1, maxLength: 4 }))
    .map(([[s, axis], sizes]): Body => ({
      inputs: [s.map((d, i) => (i === axis ? sizes.reduce((a, b) => a + b, 0) : d))],
      attrs: { axis, sizes },
    }));

/** start inside the axis; step 1 or 2..4; end inside the axis or past it (clamped), step defaulted sometimes. */
const slice: Gen = (l) =>
  shapeAndAxis(l).chain(([s, axis]) =>
    fc
      .record({
        start: int(0, s[axis] - 1),
        step: fc.oneof(fc.constant(1), int(2, 4)),
        past: fc.boolean(),
        extra: int(0, 6),
        explicitStep: fc.boolean(),
      })
      .chain((r) =>
        (r.past ? int(s[axis] + 1, s[axis] + 1 + r.extra) : int(r.start + 1, s[axis])).map((end): Body => ({
          inputs: [s],
          attrs: attrs({
            axis,
            start: r.start,
            end,
            step: r.step === 1 && !r.explicitStep ? undefined : r.step,
          }),
        })),
      ),
  );

const permute: Gen = (l) =>
  anyShape(l).chain((s) =>
    fc
      .shuffledSubarray(range(s.length), { minLength: s.length, maxLength: s.length })
      .map((perm): Body => ({ inputs: [s], attrs: { perm } })),
  );

/** A target shape of rank 1..5 with the same element count: the prime factors regrouped. */
const reshape: Gen = (l) =>
  anyShape(l).chain((s) => {
    const primes = s.flatMap(primeFactors);
    return fc
      .record({
        rank: int(1, 5),
        bucket: fc.array(fc.nat({ max: 4 }), { minLength: primes.length, maxLength: primes.length }),
      })
      .map(({ rank, bucket }): Body => {
        const shape = new Array<number>(rank).fill(1);
        primes.forEach((p, i) => (shape[bucket[i] % rank] *= p));
        return { inputs: [s], attrs: { shape } };
      });
  });

const flatten: Gen = (l) =>
  anyShape(l).chain((s) =>
    (s.length >= 2 ? fc.option(int(0, s.length - 1), { nil: undefined }) : fc.constant(0)).map(
      (startDim): Body => ({ inputs: [s], attrs: attrs({ startDim }) }),
    ),
  );

/**
 * resize: NCHW input (sometimes 1 × 1, a broadcast) to a size up to twice the largest spatial limit,
 * so both up- and downsampling occur; `mode` spelled out or defaulted.
 */
const resize: Gen = (l) =>
  fc
    .record({
      s: fc.oneof(
        nchw(l),
        fc.tuple(batch(l), channels(l)).map(([n, c]) => [n, c, 1, 1]),
      ),
      ho: int(1, 2 * l.maxSpatial),
      wo: int(1, 2 * l.maxSpatial),
      explicit: fc.boolean(),
    })
    .map((r): Body => ({
      inputs: [r.s],
      attrs: { size: [r.ho, r.wo], ...(r.explicit ? { mode: 'bilinear' } : {}) },
    }));

// ---- registry -------------------------------------------------------------------------------

const activation = Object.fromEntries(
  (Object.keys(ACTIVATIONS) as ActivationName[]).map((a) => [a, unary]),
) as Record<ActivationName, Gen>;

const GENERATORS: Record<OpName, Gen> = {
  ...activation,
  add: binary,
  avg_pool2d: avgPool,
  batch_norm: batchNorm,
  channel_conv1d: channelConv1d,
  channel_reduce: channelReduce,
  clip,
  concat,
  conv2d,
  directional_mean: directionalMean,
  div,
  dropout,
  flatten,
  global_avg_pool: globalPool,
  global_max_pool: globalPool,
  linear,
  max_pool2d: pool,
  mul: binary,
  offset,
  permute,
  reshape,
  resize,
  scale,
  slice,
  split,
  sub: binary,
};

/** Valid cases of one op. */
export function opCase(op: OpName, opts?: CaseOptions): fc.Arbitrary<OpCase> {
  const gen = GENERATORS[op];
  if (gen === undefined) throw new RangeError(`no case generator for op '${op}'`);
  return gen(limits(opts)).map((b): OpCase => ({
    op,
    inputs: b.inputs,
    attrs: b.attrs,
    ...(b.inputData !== undefined ? { inputData: b.inputData } : {}),
  }));
}

export const OP_CASES = Object.fromEntries(
  OP_NAMES.map((op) => [op, (opts?: CaseOptions) => opCase(op, opts)]),
) as Record<OpName, (opts?: CaseOptions) => fc.Arbitrary<OpCase>>;
