/**
 * Random graphs, NNSmith-style: one 4-D NCHW input with small concrete dims, then a list of steps,
 * each of which picks a move (an op or an attention block) whose constraints some current value
 * satisfies, a value (or a pair) it applies to and the move's parameters, and appends it through
 * GraphBuilder. Every choice is a natural number taken modulo the number of options, so shrinking
 * leads to fewer steps and to the first options (most recent value, simplest parameters).
 */
import fc from 'fast-check';
import {
  attention,
  GraphBuilder,
  type ActivationName,
  type AttentionSpec,
  type Graph,
  type Value,
} from '@coordattn/ir';
import { broadcastShape } from '../ops/index.js';
import { convOut, numel, primeFactors } from './common.js';
import type { GraphOptions } from './types.js';

/** No value may hold more elements than this (keeps interpretation fast). */
const MAX_ELEMENTS = 16_384;
const MAX_FEATURES = 16;
const PARAMS = 12;

interface Step {
  readonly move: number;
  readonly value: number;
  readonly params: readonly number[];
}

/** Draws parameters from a step's numbers, one per call. */
class Choices {
  private i = 0;
  constructor(private readonly p: readonly number[]) {}
  /** 0..n−1. */
  pick(n: number): number {
    const v = this.p[this.i % this.p.length];
    this.i++;
    return n <= 1 ? 0 : v % n;
  }
  from<T>(xs: readonly T[]): T {
    return xs[this.pick(xs.length)];
  }
}

const dimsOf = (v: Value): number[] => v.shape.map((d) => d.toInt()!);

interface Ctx {
  readonly b: GraphBuilder;
  /** Every value so far, newest first. */
  readonly pool: readonly Value[];
  readonly name: string;
}

interface Move {
  readonly name: string;
  applies(s: readonly number[], ctx: Ctx): boolean;
  /** The new values (at least one). */
  emit(v: Value, ch: Choices, ctx: Ctx): Value[];
}

const ACTS: readonly ActivationName[] = [
  'relu',
  'relu6',
  'sigmoid',
  'hard_sigmoid',
  'hard_swish',
  'swish',
  'identity',
];
const is4d = (s: readonly number[]): boolean => s.length === 4;
const divisors = (n: number): number[] =>
  Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);

function fallback(v: Value, ctx: Ctx): Value[] {
  return [ctx.b.op('relu', v, {}, { name: ctx.name })];
}

/** Whether a and b broadcast (numpy rules). */
function broadcasts(a: readonly number[], b: readonly number[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 1; i <= n; i++) {
    const x = a[a.length - i];
    const y = b[b.length - i];
    if (x !== y && x !== 1 && y !== 1) return false;
  }
  return true;
}

/** The axis on which a and b differ, when they have one rank and differ on at most one axis (−1: equal). */
function concatAxis(a: readonly number[], b: readonly number[]): number | undefined {
  if (a.length !== b.length) return undefined;
  const diff = a.map((d, i) => i).filter((i) => a[i] !== b[i]);
  return diff.length === 0 ? -1 : diff.length === 1 ? diff[0] : undefined;
}

const MOVES: readonly Move[] = [
  {
    name: 'activation',
    applies: () => true,
    emit: (v, ch, { b, name }) => [b.op(ch.from(ACTS), v, {}, { name })],
  },
  {
    name: 'scale',
    applies: () => true,
    emit: (v, ch, { b, name }) => [b.op('scale', v, { factor: ch.from([0.5, 1 / 3, 2, -1]) }, { name })],
  },
  {
    name: 'offset',
    applies: () => true,
    emit: (v, ch, { b, name }) => [b.op('offset', v, { value: ch.from([3, -1, 0.5]) }, { name })],
  },
  {
    name: 'clip',
    applies: () => true,
    emit: (v, ch, { b, name }) => [
      b.op('clip', v, ch.from([{ min: 0, max: 6 }, { min: -1 }, { max: 0.5 }, { min: -0.5, max: 0.5 }]), {
        name,
      }),
    ],
  },
  {
    name: 'dropout',
    applies: () => true,
    emit: (v, ch, { b, name }) => [b.op('dropout', v, { p: ch.from([0.2, 0.5]) }, { name })],
  },
  {
    name: 'batch_norm',
    applies: (s) => s.length >= 2,
    emit: (v, ch, { b, name }) => [
      b.op('batch_norm', v, { eps: ch.from([1e-5, 1e-3]), affine: ch.from([true, false]) }, { name }),
    ],
  },
  {
    name: 'conv2d',
    applies: is4d,
    emit(v, ch, ctx) {
      const [n, c, h, w] = dimsOf(v);
      const g = ch.from(divisors(c));
      const out = Math.min(g * (1 + ch.pick(4)), Math.max(g, MAX_FEATURES - (MAX_FEATURES % g)));
      const axis = (size: number): { k: number; s: number; p: number; d: number; o: number } => {
        const k = ch.from([1, 3, 5]);
        const d = ch.from([1, 1, 2]);
        const p = ch.pick(Math.floor(k / 2) + 2);
        const s = ch.from([1, 1, 2]);
        const o = convOut(size, k, s, p, d);
        return o >= 1 ? { k, s, p, d, o } : { k: 1, s, p: 0, d: 1, o: convOut(size, 1, s, 0, 1) };
      };
      const ah = axis(h);
      const aw = axis(w);
      if (numel([n, out, ah.o, aw.o]) > MAX_ELEMENTS) return fallback(v, ctx);
      const y = ctx.b.op(
        'conv2d',
        v,
        {
          outChannels: out,
          kernel: [ah.k, aw.k],
          stride: [ah.s, aw.s],
          padding: [ah.p, aw.p],
          dilation: [ah.d, aw.d],
          groups: g,
          bias: ch.from([false, true]),
        },
        { name: ctx.name },
      );
      return [y];
    },
  },
  {
    name: 'pool2d',
    applies: is4d,
    emit(v, ch, { b, name }) {
      const [, , h, w] = dimsOf(v);
      const axis = (size: number): [number, number] => {
        const k = Math.min(1 + ch.pick(3), size);
        return [k, Math.min(ch.pick(2), Math.floor(k / 2))];
      };
      const [kh, ph] = axis(h);
      const [kw, pw] = axis(w);
      const stride = ch.from([undefined, 1, 2]);
      const attrs = {
        kernel: [kh, kw] as [number, number],
        padding: [ph, pw] as [number, number],
        ceilMode: ch.from([false, true]),
        ...(stride === undefined ? {} : { stride }),
      };
      if (ch.pick(2) === 0) return [b.op('max_pool2d', v, attrs, { name })];
      return [b.op('avg_pool2d', v, { ...attrs, countIncludePad: ch.from([true, false]) }, { name })];
    },
  },
  {
    name: 'global_pool',
    applies: is4d,
    emit: (v, ch, { b, name }) => [
      b.op(ch.from(['global_avg_pool', 'global_max_pool'] as const), v, {}, { name }),
    ],
  },
  {
    name: 'directional_mean',
    applies: is4d,
    emit: (v, ch, { b, name }) => [
      b.op('directional_mean', v, { over: ch.from(['H', 'W'] as const) }, { name }),
    ],
  },
  {
    name: 'channel_reduce',
    applies: is4d,
    emit: (v, ch, { b, name }) => [
      b.op('channel_reduce', v, { reduce: ch.from(['mean', 'max'] as const) }, { name }),
    ],
  },
  {
    name: 'channel_conv1d',
    applies: (s) => is4d(s) && s[2] === 1 && s[3] === 1,
    emit: (v, ch, { b, name }) => [
      b.op('channel_conv1d', v, { kernel: ch.from([1, 3, 5]), bias: ch.from([false, true]) }, { name }),
    ],
  },
  {
    name: 'linear',
    applies: (s) => s.length >= 2 && s.length <= 4,
    emit(v, ch, ctx) {
      const s = dimsOf(v);
      const out = 1 + ch.pick(MAX_FEATURES);
      if (numel([...s.slice(0, -1), out]) > MAX_ELEMENTS) return fallback(v, ctx);
      return [ctx.b.op('linear', v, { outFeatures: out, bias: ch.from([true, false]) }, { name: ctx.name })];
    },
  },
  {
    name: 'flatten',
    applies: (s) => s.length >= 2,
    emit: (v, ch, { b, name }) => [b.op('flatten', v, { startDim: ch.pick(v.shape.length) }, { name })],
  },
  {
    name: 'reshape',
    applies: (s) => s.length >= 1,
    emit(v, ch, { b, name }) {
      // Keep the batch axis; regroup the prime factors of the rest into 1..3 axes.
      const [n, ...rest] = dimsOf(v);
      const axes = 1 + ch.pick(3);
      const target = new Array<number>(axes).fill(1);
      for (const p of rest.flatMap(primeFactors)) target[ch.pick(axes)] *= p;
      return [b.op('reshape', v, { shape: [n, ...target] }, { name })];
    },
  },
  {
    name: 'permute',
    applies: (s) => s.length >= 2,
    emit(v, ch, { b, name }) {
      const perm = v.shape.map((_, i) => i);
      for (let i = perm.length - 1; i > 0; i--) {
        const j = ch.pick(i + 1);
        [perm[i], perm[j]] = [perm[j], perm[i]];
      }
      return [b.op('permute', v, { perm }, { name })];
    },
  },
  {
    name: 'split',
    applies: (s) => s.some((d) => d >= 2),
    emit(v, ch, { b, name }) {
      const s = dimsOf(v);
      const axis = ch.from(s.map((_, i) => i).filter((i) => s[i] >= 2));
      const first = 1 + ch.pick(s[axis] - 1);
      return b.opMulti('split', v, { axis, sizes: [first, s[axis] - first] }, { name });
    },
  },
  {
    name: 'slice',
    applies: () => true,
    emit(v, ch, { b, name }) {
      const s = dimsOf(v);
      const axis = ch.pick(s.length);
      const start = ch.pick(s[axis]);
      // end may run up to 2 past the dim (clamped).
      const end = start + 1 + ch.pick(s[axis] - start + 2);
      return [b.op('slice', v, { axis, start, end, step: ch.from([1, 2, 3]) }, { name })];
    },
  },
  {
    name: 'resize',
    applies: (s) => s.length === 4,
    emit(v, ch, ctx) {
      const s = dimsOf(v);
      // halve, keep, grow by a non-integer factor, or broadcast a 1 × 1 value up
      const size = (d: number): number => ch.from([Math.max(1, d >> 1), d, d + 1 + (d >> 1), 3]);
      const [ho, wo] = [size(s[2]), size(s[3])];
      if (s[0] * s[1] * ho * wo > MAX_ELEMENTS) return fallback(v, ctx);
      return [ctx.b.op('resize', v, { size: [ho, wo] }, { name: ctx.name })];
    },
  },
  {
    name: 'concat',
    applies: (s) => 2 * numel(s) <= MAX_ELEMENTS,
    emit(v, ch, ctx) {
      const s = dimsOf(v);
      const partners = ctx.pool.filter((u) => concatAxis(s, dimsOf(u)) !== undefined);
      const u = ch.from(partners); // v itself is always one
      const diff = concatAxis(s, dimsOf(u))!;
      const axis = diff >= 0 ? diff : ch.pick(s.length);
      if (numel(s) + numel(dimsOf(u)) > MAX_ELEMENTS) return fallback(v, ctx);
      const pair = ch.pick(2) === 0 ? [v, u] : [u, v];
      return [ctx.b.op('concat', pair, { axis }, { name: ctx.name })];
    },
  },
  {
    name: 'add_mul',
    applies: () => true,
    emit(v, ch, ctx) {
      const s = dimsOf(v);
      const partners = ctx.pool.filter((u) => broadcasts(s, dimsOf(u)));
      const u = ch.from(partners); // v itself is always one
      if (numel(broadcastShape(s, dimsOf(u), 'add')) > MAX_ELEMENTS) return fallback(v, ctx);
      const pair = ch.pick(2) === 0 ? [v, u] : [u, v];
      return [ctx.b.op(ch.from(['add', 'sub', 'mul'] as const), pair, {}, { name: ctx.name })];
    },
  },
  {
    name: 'div',
    applies: () => true,
    emit(v, ch, ctx) {
      // The denominator is clipped away from 0 first, so every quotient is finite.
      const s = dimsOf(v);
      const u = ch.from(ctx.pool.filter((w) => broadcasts(s, dimsOf(w))));
      if (numel(broadcastShape(s, dimsOf(u), 'div')) > MAX_ELEMENTS) return fallback(v, ctx);
      const bound = ch.from([{ min: 0.5 }, { max: -0.5 }]);
      const den = ctx.b.op('clip', u, bound, { name: `${ctx.name}_den` });
      return [den, ctx.b.op('div', [v, den], {}, { name: ctx.name })];
    },
  },
];

const BOOL = [true, false] as const;

/** An attention block spec that the value's channel count admits. */
function blockSpec(c: number, ch: Choices): AttentionSpec {
  const upToC = (xs: readonly number[]): number[] => xs.filter((r) => r <= c);
  switch (ch.from(['ca', 'se', 'eca', 'cbam', 'triplet'] as const)) {
    case 'ca':
      return {
        kind: 'ca',
        config: {
          directions: ch.from(['both', 'h', 'w'] as const),
          reduction: ch.from([1, 2, 4, 32]),
          minMid: ch.from([1, 2, 8]),
          activation: ch.from(['hard_swish', 'relu', 'swish', 'sigmoid'] as const),
          bias: ch.from(BOOL),
        },
      };
    case 'se': {
      const form = ch.from(['conv', 'linear'] as const);
      const common = {
        form,
        innerActivation: ch.from(['relu', 'relu6', 'swish', 'hard_swish'] as const),
        gate: ch.from(['sigmoid', 'hard_sigmoid'] as const),
        bias: ch.from(BOOL),
      };
      switch (ch.from(['divide', 'make_divisible', 'fixed'] as const)) {
        case 'divide':
          return {
            kind: 'se',
            config: { ...common, squeeze: 'divide', reduction: ch.from(upToC([1, 2, 4, 16])) },
          };
        case 'make_divisible':
          return {
            kind: 'se',
            config: {
              ...common,
              squeeze: 'make_divisible',
              reduction: ch.from([2, 4]),
              divisor: ch.from([1, 2, 8]),
            },
          };
        case 'fixed':
          return { kind: 'se', config: { ...common, squeeze: 'fixed', squeezeChannels: 1 + ch.pick(4) } };
      }
      break;
    }
    case 'eca':
      return { kind: 'eca', config: { kernel: ch.from(['adaptive', 1, 3, 5] as const) } };
    case 'cbam':
      return {
        kind: 'cbam',
        config: {
          ...(ch.pick(2) === 0
            ? { reduction: ch.from(upToC([1, 2, 4, 16])) }
            : { squeezeChannels: 1 + ch.pick(4) }),
          activation: ch.from(['relu', 'relu6'] as const),
          bias: ch.from(BOOL),
          spatialKernel: ch.from([1, 3, 5, 7]),
          bn: ch.from(BOOL),
        },
      };
    case 'triplet':
      return { kind: 'triplet', config: { kernel: ch.from([1, 3, 5, 7]), noSpatial: ch.from(BOOL) } };
  }
  return { kind: 'none' };
}

const BLOCK: Move = {
  name: 'attention',
  applies: is4d,
  emit: (v, ch, { b, name }) => [attention(b, v, blockSpec(dimsOf(v)[1], ch), name)],
};

/** Builds the graph that a list of steps describes (deterministic). */
function build(
  input: readonly number[],
  steps: readonly Step[],
  extraOutputs: readonly number[],
  blocks: boolean,
): Graph {
  const b = new GraphBuilder();
  const moves = blocks ? [...MOVES, BLOCK] : MOVES;
  let pool: Value[] = [b.input('x', input)];
  const made: Value[] = [];
  steps.forEach((step, i) => {
    const ctx: Ctx = { b, pool, name: `n${i}` };
    const usable = moves
      .map((m) => ({ m, values: pool.filter((v) => m.applies(dimsOf(v), ctx)) }))
      .filter((u) => u.values.length > 0);
    const { m, values } = usable[step.move % usable.length];
    const v = values[step.value % values.length];
    const out = m.emit(v, new Choices(step.params), m === BLOCK ? { ...ctx, name: `block${i}` } : ctx);
    made.push(...out);
    pool = [...out.reverse(), ...pool];
  });
  const last = made[made.length - 1];
  const outputs = [last, ...extraOutputs.map((k) => made[k % made.length])];
  const seen = new Set<string>();
  for (const o of outputs) {
    if (seen.has(o.ref)) continue;
    seen.add(o.ref);
    b.output(o);
  }
  return b.build();
}

export function randomGraph(opts: GraphOptions = {}): fc.Arbitrary<Graph> {
  const maxNodes = Math.max(1, Math.floor(opts.maxNodes ?? 8));
  const maxBatch = Math.max(1, Math.floor(opts.maxBatch ?? 2));
  const nat = fc.nat({ max: 1023 });
  const step: fc.Arbitrary<Step> = fc.record({
    move: nat,
    value: nat,
    params: fc.array(nat, { minLength: PARAMS, maxLength: PARAMS }),
  });
  return fc
    .record({
      input: fc.tuple(
        fc.integer({ min: 1, max: maxBatch }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 8 }),
      ),
      steps: fc.array(step, { minLength: 1, maxLength: maxNodes }),
      outputs: fc.array(nat, { maxLength: 2 }),
    })
    .map((r) => build(r.input, r.steps, r.outputs, opts.blocks ?? true));
}
