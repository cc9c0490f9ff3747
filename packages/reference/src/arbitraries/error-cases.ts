/**
 * Error cases per op: inputs that break one of the op's constraints (rank, divisibility, positive
 * output sizes, pooling padding, odd kernels, split sums, slice bounds, clip bounds, permutations,
 * element counts, broadcasting, attribute schemas, arity), each with the error code and message the IR gives when
 * opGraph builds it. Exactly one constraint is broken per case, so the message is determined.
 */
import fc from 'fast-check';
import { getOp, OP_NAMES, type ErrorCode, type OpName } from '@coordattn/ir';
import { convOut, escapeRe, int, limits, nchw, numel, primeFactors, shapeStr } from './common.js';
import { NODE_PATH } from './graph.js';
import { opCase } from './op-cases.js';
import type { ErrorCase } from './types.js';

type Body = Omit<ErrorCase, 'op'>;
type Family = (op: OpName) => fc.Arbitrary<Body>;

const L = limits();

/** The whole message, `CODE at path: text`. */
function exact(code: ErrorCode, where: string, text: string): Pick<Body, 'code' | 'message'> {
  return { code, message: new RegExp(`^${escapeRe(`${code} at ${where}: ${text}`)}$`) };
}

/** An attribute error at `op.attrs.<field>` (or an element `<field>.k`) whose wording comes from zod. */
function attrError(field: string): Pick<Body, 'code' | 'message'> {
  return {
    code: 'E_ATTR',
    message: new RegExp(`^E_ATTR at ${escapeRe(`${NODE_PATH}.attrs.${field}`)}(\\.\\d+)?: .+`),
  };
}

const attrsAt = (field: string): string => `${NODE_PATH}.attrs.${field}`;
const notPositive = (what: string, v: number, s: number[]): string =>
  `${what} is ${v}, which is not positive: ${shapeStr(s)} (expected a dimension >= 1)`;
const doesNotHold = (relation: string, a: number, op: string, b: number): string =>
  `${relation} does not hold (${a} ${op} ${b} is false)`;

/** Valid attributes of op with one field replaced. */
const withAttr = (op: OpName, field: string, values: fc.Arbitrary<unknown>): fc.Arbitrary<Body> =>
  fc.tuple(opCase(op), values).map(([c, v]) => ({
    inputs: c.inputs,
    attrs: { ...c.attrs, [field]: v },
    ...attrError(field),
  }));

/**
 * Valid attributes of op with one required field left out. Fields that are plain numbers say
 * `missing required attribute`; Dim and pair fields give their schema's wording.
 */
const withoutAttr = (op: OpName, field: string, plain: boolean): fc.Arbitrary<Body> =>
  opCase(op).map((c) => {
    const { [field]: _dropped, ...rest } = c.attrs;
    return {
      inputs: c.inputs,
      attrs: rest,
      ...(plain
        ? exact('E_ATTR', attrsAt(field), `missing required attribute for op '${op}'`)
        : attrError(field)),
    };
  });

// ---- families every op has ------------------------------------------------------------------

const unknownAttr: Family = (op) =>
  fc.tuple(opCase(op), fc.constantFrom('pad', 'kernel_size', 'strides', 'inplace', 'dim')).map(([c, k]) => ({
    inputs: c.inputs,
    attrs: { ...c.attrs, [k]: 1 },
    ...exact('E_ATTR', `${NODE_PATH}.attrs`, `unknown attribute '${k}' for op '${op}'`),
  }));

/** One input too many (fixed arity), or one too few (variadic concat: none). */
const wrongArity: Family = (op) => {
  const { min, max } = getOp(op).arity;
  const takes = min === max ? `${min}` : `${min} to ${max}`;
  const n = min === max ? max + 1 : min - 1;
  return opCase(op).map((c) => {
    const inputs = Array.from({ length: n }, (_, i) => c.inputs[i] ?? c.inputs[0]);
    return {
      inputs,
      attrs: c.attrs,
      ...exact('E_GRAPH', NODE_PATH, `op '${op}' takes ${takes} input(s), got ${inputs.length}`),
    };
  });
};

/** An input of a rank the op does not take (attributes valid). */
const wrongRank =
  (ranks: readonly number[]): Family =>
  (op) =>
    fc
      .tuple(
        opCase(op),
        fc
          .constantFrom(...[1, 2, 3, 4, 5, 6].filter((r) => !ranks.includes(r)))
          .chain((r) => fc.array(int(1, 5), { minLength: r, maxLength: r })),
      )
      .map(([c, s]) => ({
        inputs: [s],
        attrs: c.attrs,
        ...exact('E_SHAPE', NODE_PATH, `input must have rank ${ranks.join(' or ')}: ${shapeStr(s)}`),
      }));

const badEnum =
  (field: string, values: readonly string[]): Family =>
  (op) =>
    withAttr(op, field, fc.constantFrom(...values));

// ---- conv2d ---------------------------------------------------------------------------------

const convGroupsIn: Family = () =>
  fc
    .record({ n: int(1, 2), g: int(2, 4), q: int(0, 3), og: int(1, 3), h: int(1, 6), w: int(1, 6) })
    .chain((r) => int(1, r.g - 1).map((rem) => ({ ...r, c: r.g * r.q + rem })))
    .map((r) => {
      const s = [r.n, r.c, r.h, r.w];
      return {
        inputs: [s],
        attrs: { outChannels: r.g * r.og, kernel: 1, groups: r.g },
        ...exact(
          'E_SHAPE',
          NODE_PATH,
          `input channels divisible by groups: ${r.c} is not divisible by ${r.g}: ${shapeStr(s)}`,
        ),
      };
    });

const convGroupsOut: Family = () =>
  fc
    .record({ n: int(1, 2), g: int(2, 4), cg: int(1, 3), q: int(0, 3), h: int(1, 6), w: int(1, 6) })
    .chain((r) => int(1, r.g - 1).map((rem) => ({ ...r, out: r.g * r.q + rem })))
    .map((r) => {
      const s = [r.n, r.g * r.cg, r.h, r.w];
      return {
        inputs: [s],
        attrs: { outChannels: r.out, kernel: 1, groups: r.g },
        ...exact(
          'E_SHAPE',
          NODE_PATH,
          `output channels divisible by groups: ${r.out} is not divisible by ${r.g}: ${shapeStr(s)}`,
        ),
      };
    });

/** Kernel, dilation and padding whose receptive field exceeds the padded input on one axis. */
const convTooSmall: Family = () => {
  const bad = fc
    .record({ k: int(2, 5), d: int(1, 3), s: int(1, 3) })
    .chain((a) => int(0, Math.floor((a.d * (a.k - 1) - 1) / 2)).map((p) => ({ ...a, p })))
    .chain((a) => int(1, a.d * (a.k - 1) - 2 * a.p).map((size) => ({ ...a, size })));
  const good = fc
    .record({ k: int(1, 3), d: int(1, 2), s: int(1, 2), p: int(0, 1) })
    .chain((a) => int(Math.max(1, a.d * (a.k - 1) + 1 - 2 * a.p), 8).map((size) => ({ ...a, size })));
  return fc
    .record({ n: int(1, 2), c: int(1, 4), out: int(1, 4), bad, good, height: fc.boolean() })
    .map((r) => {
      const [ah, aw] = r.height ? [r.bad, r.good] : [r.good, r.bad];
      const s = [r.n, r.c, ah.size, aw.size];
      const v = convOut(r.bad.size, r.bad.k, r.bad.s, r.bad.p, r.bad.d);
      return {
        inputs: [s],
        attrs: {
          outChannels: r.out,
          kernel: [ah.k, aw.k],
          stride: [ah.s, aw.s],
          padding: [ah.p, aw.p],
          dilation: [ah.d, aw.d],
        },
        ...exact('E_DIM', NODE_PATH, notPositive(r.height ? 'output height' : 'output width', v, s)),
      };
    });
};

const convBadCount =
  (field: 'outChannels' | 'groups'): Family =>
  () =>
    fc.tuple(opCase('conv2d'), fc.constantFrom(0, -1, -4)).map(([c, v]) => ({
      inputs: c.inputs,
      attrs: { ...c.attrs, [field]: v },
      ...exact('E_ATTR', attrsAt(field), `expected an integer >= 1, got ${v}`),
    }));

// ---- pools ----------------------------------------------------------------------------------

const poolPadding: Family = () =>
  fc
    .record({
      s: nchw(L),
      k: int(1, 5),
      extra: int(1, 2),
      ok: int(1, 5).chain((k) => fc.tuple(fc.constant(k), int(0, Math.floor(k / 2)))),
      height: fc.boolean(),
    })
    .map((r) => {
      const p = Math.floor(r.k / 2) + r.extra;
      const [kh, kw] = r.height ? [r.k, r.ok[0]] : [r.ok[0], r.k];
      const [ph, pw] = r.height ? [p, r.ok[1]] : [r.ok[1], p];
      return {
        inputs: [r.s],
        attrs: { kernel: [kh, kw], padding: [ph, pw] },
        ...exact(
          'E_SHAPE',
          NODE_PATH,
          `${doesNotHold('padding at most half the kernel', 2 * p, '<=', r.k)}: ${shapeStr(r.s)}`,
        ),
      };
    });

/** A window larger than the padded input (floor mode): floor((size + 2p − k) / s) + 1 ≤ 0. */
const poolTooSmall: Family = () => {
  const bad = int(2, 5)
    .chain((k) => int(0, Math.floor((k - 2) / 2)).map((p) => ({ k, p })))
    .chain((a) => fc.record({ size: int(1, a.k - 2 * a.p - 1), s: int(1, 3) }).map((b) => ({ ...a, ...b })));
  return fc
    .record({
      n: int(1, 2),
      c: int(1, 4),
      bad,
      goodSize: int(3, 8),
      height: fc.boolean(),
      ceil: fc.constantFrom(false, undefined),
      strideGiven: fc.boolean(),
    })
    .map((r) => {
      const stride = r.strideGiven ? r.bad.s : r.bad.k;
      const [h, w] = r.height ? [r.bad.size, r.goodSize] : [r.goodSize, r.bad.size];
      const [kh, kw] = r.height ? [r.bad.k, 1] : [1, r.bad.k];
      const [ph, pw] = r.height ? [r.bad.p, 0] : [0, r.bad.p];
      const s = [r.n, r.c, h, w];
      const v = Math.floor((r.bad.size + 2 * r.bad.p - r.bad.k) / stride) + 1;
      const attrs: Record<string, unknown> = { kernel: [kh, kw], padding: [ph, pw] };
      if (r.strideGiven) attrs.stride = r.height ? [stride, 1] : [1, stride];
      if (r.ceil !== undefined) attrs.ceilMode = r.ceil;
      return {
        inputs: [s],
        attrs,
        ...exact('E_DIM', NODE_PATH, notPositive(r.height ? 'output height' : 'output width', v, s)),
      };
    });
};

// ---- channel_conv1d -------------------------------------------------------------------------

const evenKernel: Family = () =>
  fc.tuple(int(1, 4), int(1, 12), int(1, 4)).map(([n, c, j]) => ({
    inputs: [[n, c, 1, 1]],
    attrs: { kernel: 2 * j },
    ...exact('E_ATTR', attrsAt('kernel'), 'kernel must be odd'),
  }));

const notPooled: Family = () =>
  fc
    .record({ n: int(1, 3), c: int(1, 8), h: int(1, 6), w: int(1, 6), k: int(0, 3) })
    .filter((r) => r.h !== 1 || r.w !== 1)
    .map((r) => {
      const s = [r.n, r.c, r.h, r.w];
      const [what, v] = r.h !== 1 ? ['height', r.h] : ['width', r.w];
      return {
        inputs: [s],
        attrs: { kernel: 2 * r.k + 1 },
        ...exact(
          'E_SHAPE',
          NODE_PATH,
          `${doesNotHold(`input ${what} is 1 (a pooled descriptor)`, v, '==', 1)}: ${shapeStr(s)}`,
        ),
      };
    });

// ---- movement -------------------------------------------------------------------------------

const smallShape = int(1, 4).chain((r) => fc.array(int(1, 5), { minLength: r, maxLength: r }));

/** An axis attribute (`axis` or `startDim`) at or past the rank (the schema allows up to 7). */
const axisOutOfRange =
  (field: 'axis' | 'startDim'): Family =>
  (op) =>
    smallShape
      .chain((s) => fc.tuple(fc.constant(s), int(s.length, 7)))
      .map(([s, a]) => {
        let attrs: Record<string, unknown>;
        if (op === 'split') attrs = { axis: a, sizes: [1] };
        else if (op === 'slice') attrs = { axis: a, start: 0, end: 1 };
        else if (op === 'flatten') attrs = a === 1 ? {} : { startDim: a };
        else attrs = { axis: a };
        return {
          inputs: op === 'concat' ? [s, s] : [s],
          attrs,
          ...exact('E_ATTR', attrsAt(field), `${field} ${a} is out of range for rank ${s.length}`),
        };
      });

/** Two to four inputs equal off the axis but one, which differs in one other dim. */
const concatMismatch: Family = () =>
  int(2, 4)
    .chain((r) => fc.array(int(1, 5), { minLength: r, maxLength: r }))
    .chain((s) =>
      fc.record({
        s: fc.constant(s),
        axis: int(0, s.length - 1),
        sizes: fc.array(int(1, 5), { minLength: 2, maxLength: 4 }),
        j: fc.nat(),
        dim: fc.nat(),
        delta: int(1, 3),
      }),
    )
    .map((r) => {
      const inputs = r.sizes.map((k) => r.s.map((d, i) => (i === r.axis ? k : d)));
      const j = 1 + (r.j % (inputs.length - 1));
      const others = r.s.map((_, i) => i).filter((i) => i !== r.axis);
      const dim = others[r.dim % others.length];
      inputs[j] = inputs[j].map((d, i) => (i === dim ? d + r.delta : d));
      const [a, b] = [inputs[0], inputs[j]];
      return {
        inputs,
        attrs: { axis: r.axis },
        ...exact(
          'E_SHAPE',
          NODE_PATH,
          `${doesNotHold(`concat: dims ${dim} of inputs 0 and ${j} are equal`, a[dim], '==', b[dim])}: ${shapeStr(a)} vs ${shapeStr(b)}`,
        ),
      };
    });

const concatRanks: Family = () =>
  fc
    .record({ s: smallShape, n: int(2, 4), j: fc.nat(), extra: int(1, 3), longer: fc.boolean() })
    .filter((r) => r.longer || r.s.length >= 2)
    .map((r) => {
      const j = 1 + (r.j % (r.n - 1));
      const inputs = Array.from({ length: r.n }, () => [...r.s]);
      inputs[j] = r.longer ? [...r.s, r.extra] : r.s.slice(0, -1);
      return {
        inputs,
        attrs: { axis: 0 },
        ...exact(
          'E_SHAPE',
          NODE_PATH,
          `concat inputs 0 and ${j} have different ranks: ${shapeStr(inputs[0])} vs ${shapeStr(inputs[j])}`,
        ),
      };
    });

const splitSum: Family = () =>
  smallShape
    .chain((s) =>
      fc.tuple(fc.constant(s), int(0, s.length - 1), fc.array(int(1, 5), { minLength: 1, maxLength: 4 })),
    )
    .filter(([s, axis, sizes]) => sizes.reduce((a, b) => a + b, 0) !== s[axis])
    .map(([s, axis, sizes]) => ({
      inputs: [s],
      attrs: { axis, sizes },
      ...exact(
        'E_SHAPE',
        NODE_PATH,
        `${doesNotHold(
          `split: sizes sum to dim ${axis} of the input`,
          sizes.reduce((a, b) => a + b, 0),
          '==',
          s[axis],
        )}: ${shapeStr(s)}`,
      ),
    }));

/** A perm of the wrong length, or of the right length with a repeated axis. */
const notAPermutation: Family = () =>
  smallShape
    .chain((s) =>
      fc
        .oneof(
          fc
            .integer({ min: 1, max: 5 })
            .filter((n) => n !== s.length)
            .chain((n) => fc.shuffledSubarray([0, 1, 2, 3, 4], { minLength: n, maxLength: n })),
          ...(s.length >= 2
            ? [
                fc
                  .tuple(
                    fc.shuffledSubarray(
                      s.map((_, i) => i),
                      { minLength: s.length, maxLength: s.length },
                    ),
                    fc.nat(),
                    fc.nat(),
                  )
                  .map(([p, i, d]) => {
                    const at = i % p.length;
                    const from = (at + 1 + (d % (p.length - 1))) % p.length;
                    return p.map((v, k) => (k === at ? p[from] : v));
                  }),
              ]
            : []),
        )
        .map((perm) => [s, perm] as const),
    )
    .map(([s, perm]) => ({
      inputs: [s],
      attrs: { perm },
      ...exact(
        'E_ATTR',
        attrsAt('perm'),
        `perm [${perm.join(',')}] is not a permutation of the ${s.length} axes: ${shapeStr(s)}`,
      ),
    }));

/** A target shape with f times the input's element count (the prime factors regrouped, one dim scaled). */
const reshapeCount: Family = () =>
  smallShape
    .chain((s) => {
      const primes = s.flatMap(primeFactors);
      return fc.record({
        s: fc.constant(s),
        rank: int(1, 4),
        bucket: fc.array(fc.nat({ max: 3 }), { minLength: primes.length, maxLength: primes.length }),
        f: fc.constantFrom(2, 3, 5),
        at: fc.nat(),
        fewer: fc.boolean(),
      });
    })
    .map((r) => {
      const target = new Array<number>(r.rank).fill(1);
      r.s.flatMap(primeFactors).forEach((p, i) => (target[r.bucket[i] % r.rank] *= p));
      const at = r.at % r.rank;
      // Either f times as many elements, or (when a dim is a multiple of f) f times fewer.
      if (r.fewer && target[at] % r.f === 0) target[at] /= r.f;
      else target[at] *= r.f;
      return {
        inputs: [r.s],
        attrs: { shape: target },
        ...exact(
          'E_SHAPE',
          NODE_PATH,
          `${doesNotHold('reshape keeps the number of elements', numel(target), '==', numel(r.s))}: ${shapeStr(r.s)} vs ${shapeStr(target)}`,
        ),
      };
    });

/** A slice starting at or past the end of its axis (end > start, so the end is clamped). */
const sliceStartOutside: Family = () =>
  smallShape
    .chain((s) =>
      fc.record({
        s: fc.constant(s),
        axis: int(0, s.length - 1),
        over: int(0, 3),
        extra: int(1, 4),
        step: fc.option(int(1, 3), { nil: undefined }),
      }),
    )
    .map((r) => {
      const start = r.s[r.axis] + r.over;
      return {
        inputs: [r.s],
        attrs: {
          axis: r.axis,
          start,
          end: start + r.extra,
          ...(r.step === undefined ? {} : { step: r.step }),
        },
        ...exact(
          'E_SHAPE',
          NODE_PATH,
          `${doesNotHold(`slice: start lies inside dim ${r.axis}`, start, '<', r.s[r.axis])}: ${shapeStr(r.s)}`,
        ),
      };
    });

/** A slice whose end is not after its start (both valid on their own). */
const sliceEmpty: Family = () =>
  fc
    .record({ s: smallShape, start: int(1, 6) })
    .chain((r) => fc.tuple(fc.constant(r), int(1, r.start)))
    .map(([r, end]) => ({
      inputs: [r.s],
      attrs: { axis: 0, start: r.start, end },
      ...exact('E_ATTR', attrsAt('end'), 'end must be greater than start'),
    }));

// ---- clip -----------------------------------------------------------------------------------

const clipNoBound: Family = (op) =>
  fc
    .tuple(opCase(op), fc.constantFrom({}, { min: null }, { max: null }, { min: null, max: null }))
    .map(([c, bounds]) => ({
      inputs: c.inputs,
      attrs: bounds,
      ...exact('E_ATTR', `${NODE_PATH}.attrs`, 'clip needs min, max or both'),
    }));

const clipMinAboveMax: Family = (op) =>
  fc
    .tuple(
      opCase(op),
      fc.double({ min: -8, max: 8, noNaN: true }),
      fc.double({ min: 1e-3, max: 8, noNaN: true }),
    )
    .map(([c, max, gap]) => ({
      inputs: c.inputs,
      attrs: { min: max + gap, max },
      ...exact('E_ATTR', attrsAt('max'), 'min must be at most max'),
    }));

// ---- add / mul ------------------------------------------------------------------------------

/**
 * Two operands that broadcast in every dim but one, where both are ≥ 2 and differ. Each operand
 * has some other dims set to 1 and some leading dims dropped (never the conflicting one).
 */
const broadcastConflict: Family = (op) =>
  int(1, 4)
    .chain((r) => fc.tuple(fc.array(int(1, 5), { minLength: r, maxLength: r }), int(0, r - 1)))
    .chain(([s, i]) => {
      const mask = fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length });
      return fc.record({
        s: fc.constant(s),
        i: fc.constant(i),
        ma: mask,
        mb: mask,
        da: int(0, i),
        db: int(0, i),
        delta: int(1, 3),
        swap: fc.boolean(),
      });
    })
    .map((r) => {
      const full = r.s.map((d, k) => (k === r.i ? Math.max(d, 2) : d));
      const a = full.map((d, k) => (k !== r.i && r.ma[k] ? 1 : d)).slice(r.da);
      const b = full.map((d, k) => (k === r.i ? d + r.delta : r.mb[k] ? 1 : d)).slice(r.db);
      const inputs = r.swap ? [b, a] : [a, b];
      const padded = r.i - Math.min(r.da, r.db);
      return {
        inputs,
        attrs: {},
        ...exact(
          'E_SHAPE',
          NODE_PATH,
          `${op}: dims ${padded} differ and neither is 1: ${shapeStr(inputs[0])} vs ${shapeStr(inputs[1])}`,
        ),
      };
    });

// ---- registry -------------------------------------------------------------------------------

const rank4 = wrongRank([4]);
const rank234 = wrongRank([2, 3, 4]);
const poolFamilies: Family[] = [
  rank4,
  poolPadding,
  poolTooSmall,
  (op) => withAttr(op, 'kernel', fc.constantFrom(0, -1, '3', [3])),
  (op) => withAttr(op, 'ceilMode', fc.constantFrom('yes', 1)),
];

const SPECIFIC: Partial<Record<OpName, Family[]>> = {
  add: [broadcastConflict],
  sub: [broadcastConflict],
  mul: [broadcastConflict],
  div: [broadcastConflict],
  avg_pool2d: [...poolFamilies, (op) => withAttr(op, 'countIncludePad', fc.constantFrom('yes', 1, null))],
  max_pool2d: [
    ...poolFamilies,
    (op) =>
      opCase(op).map((c) => ({
        inputs: c.inputs,
        attrs: { ...c.attrs, countIncludePad: false },
        ...exact('E_ATTR', `${NODE_PATH}.attrs`, `unknown attribute 'countIncludePad' for op '${op}'`),
      })),
  ],
  clip: [
    clipNoBound,
    clipMinAboveMax,
    (op) => withAttr(op, 'min', fc.constantFrom('0', [0], true)),
    (op) => withAttr(op, 'max', fc.constantFrom('6', [6], false)),
  ],
  batch_norm: [
    rank234,
    (op) => withAttr(op, 'eps', fc.constantFrom(0, -1e-5, 2, '1e-5')),
    (op) => withAttr(op, 'affine', fc.constantFrom('yes', 0)),
  ],
  channel_conv1d: [rank4, evenKernel, notPooled],
  channel_reduce: [rank4, badEnum('reduce', ['sum', 'min', 'avg', 'MEAN'])],
  concat: [axisOutOfRange('axis'), concatMismatch, concatRanks],
  conv2d: [
    rank4,
    convGroupsIn,
    convGroupsOut,
    convTooSmall,
    convBadCount('outChannels'),
    convBadCount('groups'),
    (op) => withAttr(op, 'stride', fc.constantFrom(0, '2', [1, 2, 3])),
    (op) => withAttr(op, 'padding', fc.constantFrom(-1, [0, -1])),
    (op) => withoutAttr(op, 'kernel', false),
  ],
  directional_mean: [rank4, badEnum('over', ['C', 'N', 'h', 'w', 'HW'])],
  dropout: [(op) => withAttr(op, 'p', fc.constantFrom(-0.5, 1.5, 2, '0.5'))],
  flatten: [axisOutOfRange('startDim')],
  global_avg_pool: [rank4],
  global_max_pool: [rank4],
  linear: [
    rank234,
    (op) => withoutAttr(op, 'outFeatures', false),
    (op) =>
      fc.tuple(opCase(op), fc.constantFrom(0, -2)).map(([c, v]) => ({
        inputs: c.inputs,
        attrs: { ...c.attrs, outFeatures: v },
        ...exact('E_ATTR', attrsAt('outFeatures'), `expected an integer >= 1, got ${v}`),
      })),
  ],
  permute: [notAPermutation],
  reshape: [reshapeCount],
  resize: [
    rank4,
    badEnum('mode', ['nearest', 'linear', 'bicubic', 'Bilinear']),
    (op) => withAttr(op, 'size', fc.constantFrom([0, 3], [3], [2, 2, 2], '4', 4, [-1, 2], [1.5, 2])),
    (op) => withoutAttr(op, 'size', true),
  ],
  offset: [
    (op) => withoutAttr(op, 'value', true),
    (op) => withAttr(op, 'value', fc.constantFrom('3', null, [1])),
  ],
  scale: [
    (op) => withoutAttr(op, 'factor', true),
    (op) => withAttr(op, 'factor', fc.constantFrom('0.5', null, [1])),
  ],
  slice: [
    axisOutOfRange('axis'),
    sliceStartOutside,
    sliceEmpty,
    (op) => withAttr(op, 'start', fc.constantFrom(-1, 0.5, '0')),
    (op) => withAttr(op, 'step', fc.constantFrom(0, -1, 1.5, '2')),
    (op) => withoutAttr(op, 'end', true),
  ],
  split: [axisOutOfRange('axis'), splitSum],
};

/** Inputs the IR must reject when building opGraph, with the code and message it gives. */
export function errorCase(op: OpName): fc.Arbitrary<ErrorCase> {
  const families = [...(SPECIFIC[op] ?? []), unknownAttr, wrongArity];
  return fc.oneof(...families.map((f) => f(op))).map((b): ErrorCase => ({ op, ...b }));
}

export const ERROR_CASES = Object.fromEntries(OP_NAMES.map((op) => [op, () => errorCase(op)])) as Record<
  OpName,
  () => fc.Arbitrary<ErrorCase>
>;
