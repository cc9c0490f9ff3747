/** The arbitraries: every op covered, valid cases run, error cases rejected, large cases, random graphs. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isCoordattnError,
  OP_NAMES,
  readSpec,
  specToText,
  type ErrorCode,
  type Graph,
  type OpName,
} from '@coordattn/ir';
import {
  caseData,
  ERROR_CASES,
  errorCase,
  OP_CASES,
  opCase,
  opGraph,
  randomGraph,
  tensorData,
  type CaseOptions,
  type OpCase,
} from '@coordattn/reference/arbitraries';
import { FC_SEED, fcParams } from '@coordattn/ir/testing';
import { initWeights } from '../init.js';
import { run } from '../interpreter.js';
import { numel, type Tensor } from '../tensor.js';
import { paramShapes } from '../weights.js';

const FLOAT32_MIN_NORMAL = 2 ** -126;

/** An [h, w] attribute (a bare number or a pair) as a pair, or the default. */
function pairOf(v: unknown, dflt: [number, number]): [number, number] {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v)) return [Number(v[0]), Number(v[1])];
  return dflt;
}

/** How many terms one output element of the case sums or maximises over (0: not a reduction). */
function reductionTerms(c: OpCase): number {
  const x = c.inputs[0];
  const [kh, kw] = pairOf(c.attrs.kernel, [1, 1]);
  switch (c.op) {
    case 'conv2d':
      return (x[1] / Number(c.attrs.groups ?? 1)) * kh * kw;
    case 'max_pool2d':
    case 'avg_pool2d':
      return kh * kw;
    case 'linear':
      return x[x.length - 1];
    case 'global_avg_pool':
    case 'global_max_pool':
      return x[2] * x[3];
    case 'channel_reduce':
      return x[1];
    case 'directional_mean':
      return c.attrs.over === 'W' ? x[3] : x[2];
    case 'channel_conv1d':
      return Number(c.attrs.kernel);
    default:
      return 0;
  }
}

const REDUCING: OpName[] = [
  'avg_pool2d',
  'channel_conv1d',
  'channel_reduce',
  'conv2d',
  'directional_mean',
  'global_avg_pool',
  'global_max_pool',
  'linear',
  'max_pool2d',
];

/** Elements of inputs, outputs and weights together. */
function totalElements(g: Graph): number {
  let n = 0;
  for (const i of g.inputs) n += numel(i.shape.map((d) => d.toInt()!));
  for (const node of g.nodes) for (const s of node.outputs) n += numel(s.map((d) => d.toInt()!));
  for (const s of paramShapes(g).values()) n += numel(s);
  return n;
}

/** A case with float32-exact data for each of its inputs. */
const withData = (c: OpCase): fc.Arbitrary<[OpCase, Float64Array[]]> =>
  fc.tuple(fc.constant(c), caseData(c, { magnitude: 2 }));

/** Builds and runs a case; every output finite. */
function runCase(c: OpCase, data: Float64Array[], seed: number, randomBnStats: boolean): void {
  const g = opGraph(c);
  expect(g.assumptions).toEqual([]);
  const inputs: Record<string, Tensor> = {};
  c.inputs.forEach((shape, i) => (inputs[`x${i}`] = { shape, data: data[i] }));
  const out = run(g, inputs, initWeights(g, seed, { randomBnStats }));
  expect(Object.keys(out)).toEqual(g.outputs);
  for (const t of Object.values(out)) expect(t.data.every(Number.isFinite)).toBe(true);
}

const sample = <T>(arb: fc.Arbitrary<T>, n: number): T[] => fc.sample(arb, { seed: FC_SEED, numRuns: n });

describe('coverage of the registry', () => {
  it('every op has an OP_CASES and an ERROR_CASES entry', () => {
    expect(Object.keys(OP_CASES).sort()).toEqual([...OP_NAMES]);
    expect(Object.keys(ERROR_CASES).sort()).toEqual([...OP_NAMES]);
    for (const op of OP_NAMES) {
      expect(sample(OP_CASES[op](), 3).every((c) => c.op === op)).toBe(true);
      expect(sample(ERROR_CASES[op](), 3).every((c) => c.op === op)).toBe(true);
    }
  });
});

describe('valid cases', () => {
  it.each(OP_NAMES)('%s cases build, run and give finite outputs; attrs are JSON', (op) => {
    fc.assert(
      fc.property(opCase(op).chain(withData), fc.nat(), fc.boolean(), ([c, data], seed, randomBn) => {
        expect(JSON.parse(JSON.stringify(c.attrs))).toEqual(c.attrs);
        runCase(c, data, seed, randomBn);
      }),
      fcParams(25),
    );
  });

  it.each(REDUCING)('%s large cases run too', (op) => {
    fc.assert(
      fc.property(opCase(op, { large: true }).chain(withData), ([c, data]) => runCase(c, data, 1, false)),
      fcParams(4),
    );
  });

  it('options bound the shapes', () => {
    const opts: CaseOptions = { maxBatch: 1, maxSpatial: 3, maxChannels: 2 };
    for (const c of sample(opCase('conv2d', opts), 100)) {
      const [n, ch, h, w] = c.inputs[0];
      expect(n).toBe(1);
      expect(ch).toBeLessThanOrEqual(2);
      // Sizes exceed maxSpatial only where the kernel's reach needs it.
      const [kh, kw] = pairOf(c.attrs.kernel, [1, 1]);
      const [dh, dw] = pairOf(c.attrs.dilation, [1, 1]);
      expect(h).toBeLessThanOrEqual(Math.max(3, dh * (kh - 1) + 1));
      expect(w).toBeLessThanOrEqual(Math.max(3, dw * (kw - 1) + 1));
    }
  });
});

describe('reach of the valid cases', () => {
  it('conv2d: odd sizes with stride 2, padding, dilation, H ≠ W, batch 1-3, groups, bias', () => {
    const cs = sample(opCase('conv2d'), 500);
    const seen = new Set<string>();
    for (const c of cs) {
      const [n, ch, h, w] = c.inputs[0];
      const [kh, kw] = pairOf(c.attrs.kernel, [1, 1]);
      const [sh, sw] = pairOf(c.attrs.stride, [1, 1]);
      const [ph, pw] = pairOf(c.attrs.padding, [0, 0]);
      const [dh, dw] = pairOf(c.attrs.dilation, [1, 1]);
      const g = Number(c.attrs.groups ?? 1);
      seen.add(`batch ${n}`);
      if (sh === 2 && h % 2 === 1) seen.add('odd H, stride 2');
      if (sw === 2 && w % 2 === 1) seen.add('odd W, stride 2');
      if (ph > 0) seen.add(`padding H, kernel ${kh}`);
      if (pw > 0) seen.add(`padding W, kernel ${kw}`);
      if (dh > 1 || dw > 1) seen.add('dilation');
      if (h !== w) seen.add('H != W');
      if (kh !== kw) seen.add('kh != kw');
      if (g > 1 && g === ch) seen.add('depthwise');
      if (g > 1 && g < ch) seen.add('grouped');
      seen.add(`bias ${String(c.attrs.bias)}`);
    }
    for (const f of [
      'batch 1',
      'batch 2',
      'batch 3',
      'odd H, stride 2',
      'odd W, stride 2',
      ...[1, 3, 5].flatMap((k) => [`padding H, kernel ${k}`, `padding W, kernel ${k}`]),
      'dilation',
      'H != W',
      'kh != kw',
      'depthwise',
      'grouped',
      'bias true',
      'bias false',
      'bias undefined',
    ])
      expect(seen, f).toContain(f);
  });

  it.each(['max_pool2d', 'avg_pool2d'] as const)('%s: ceil mode, padding, strides', (op) => {
    const seen = new Set<string>();
    for (const c of sample(opCase(op), 300)) {
      const [, , h] = c.inputs[0];
      const [kh] = pairOf(c.attrs.kernel, [1, 1]);
      const [sh] = pairOf(c.attrs.stride, [kh, kh]);
      const [ph] = pairOf(c.attrs.padding, [0, 0]);
      seen.add(`ceilMode ${String(c.attrs.ceilMode)}`);
      if (ph > 0) seen.add(`padding, kernel ${kh}`);
      if (ph > 0 && 2 * ph === kh) seen.add('padding = kernel / 2');
      if (sh !== kh) seen.add('stride != kernel');
      if (sh === 2 && h % 2 === 1) seen.add('odd H, stride 2');
      // ceil mode adds a window only when the span is not a multiple of the stride
      if (c.attrs.ceilMode === true && (h + 2 * ph - kh) % sh !== 0) seen.add('ceil mode matters');
    }
    for (const f of [
      'ceilMode true',
      'ceilMode false',
      'ceilMode undefined',
      'padding, kernel 2',
      'padding, kernel 3',
      'padding = kernel / 2',
      'stride != kernel',
      'odd H, stride 2',
      'ceil mode matters',
    ])
      expect(seen, f).toContain(f);
  });

  it.each(['add', 'sub', 'mul', 'div'] as const)(
    '%s: attention broadcasting patterns on either side',
    (op) => {
      const seen = new Set<string>();
      for (const c of sample(opCase(op), 400)) {
        c.inputs.forEach((s, side) => {
          const other = c.inputs[1 - side];
          if (s.length !== 4 || other.length !== 4) return;
          const [n, ch, h, w] = other;
          if (ch < 2 || h < 2 || w < 2) return;
          const name = (
            [
              ['NC11', [n, ch, 1, 1]],
              ['NCH1', [n, ch, h, 1]],
              ['NC1W', [n, ch, 1, w]],
              ['N1HW', [n, 1, h, w]],
            ] as const
          ).find(([, p]) => p.every((d, i) => d === s[i]))?.[0];
          if (name) seen.add(`${name} as input ${side}`);
        });
        if (c.inputs[0].length !== c.inputs[1].length) seen.add('ranks differ');
      }
      for (const p of ['NC11', 'NCH1', 'NC1W', 'N1HW'])
        for (const side of [0, 1]) expect(seen).toContain(`${p} as input ${side}`);
      expect(seen).toContain('ranks differ');
    },
  );
});

describe('reach of the cases of the ops the ONNX importer adds', () => {
  it('slice: start > 0, step > 1, an end past the dim, every axis of rank 4', () => {
    const seen = new Set<string>();
    for (const c of sample(opCase('slice'), 400)) {
      const [x] = c.inputs;
      const axis = Number(c.attrs.axis);
      const [start, end] = [Number(c.attrs.start), Number(c.attrs.end)];
      const step = c.attrs.step === undefined ? 1 : Number(c.attrs.step);
      expect(start).toBeLessThan(x[axis]);
      if (start > 0) seen.add('start > 0');
      if (step > 1) seen.add('step > 1');
      if (c.attrs.step === undefined) seen.add('step default');
      if (end > x[axis]) seen.add('end past the dim');
      if (end < x[axis]) seen.add('end inside the dim');
      if (step > 1 && (Math.min(end, x[axis]) - start) % step !== 0) seen.add('partial last step');
      if (x.length === 4) seen.add(`axis ${axis} of rank 4`);
    }
    for (const f of [
      'start > 0',
      'step > 1',
      'step default',
      'end past the dim',
      'end inside the dim',
      'partial last step',
      'axis 0 of rank 4',
      'axis 1 of rank 4',
      'axis 2 of rank 4',
      'axis 3 of rank 4',
    ])
      expect(seen, f).toContain(f);
  });

  it('resize: up- and downsampling on each axis, from 1 × 1, mode spelled out and defaulted', () => {
    const seen = new Set<string>();
    for (const c of sample(opCase('resize'), 300)) {
      const [x] = c.inputs;
      const [ho, wo] = c.attrs.size as [number, number];
      expect(x).toHaveLength(4);
      if (ho > x[2]) seen.add('H up');
      if (ho < x[2]) seen.add('H down');
      if (wo > x[3]) seen.add('W up');
      if (wo < x[3]) seen.add('W down');
      if (x[2] === 1 && x[3] === 1) seen.add('from 1x1');
      seen.add(c.attrs.mode === undefined ? 'mode default' : `mode ${String(c.attrs.mode)}`);
    }
    for (const f of ['H up', 'H down', 'W up', 'W down', 'from 1x1', 'mode default', 'mode bilinear'])
      expect(seen, f).toContain(f);
  });

  it('clip: both bounds, only min, only max (left out or null)', () => {
    const seen = new Set<string>();
    for (const c of sample(opCase('clip'), 200)) {
      const { min, max } = c.attrs;
      const set = (v: unknown): boolean => typeof v === 'number';
      seen.add(`min ${set(min) ? 'set' : String(min)}, max ${set(max) ? 'set' : String(max)}`);
      if (set(min) && set(max)) expect(min as number).toBeLessThanOrEqual(max as number);
    }
    for (const f of [
      'min set, max set',
      'min set, max undefined',
      'min set, max null',
      'min undefined, max set',
      'min null, max set',
    ])
      expect(seen, f).toContain(f);
  });

  it('div: denominators in [0.5, 2] ∪ [−2, −0.5], numerators anywhere in [−2, 2]', () => {
    const data = sample(opCase('div').chain(withData), 100);
    let small = 0;
    for (const [c, [a, b]] of data) {
      expect(c.inputData).toEqual([undefined, { magnitude: 2, minMagnitude: 0.5 }]);
      for (const v of b) {
        expect(Math.abs(v)).toBeGreaterThanOrEqual(0.5);
        expect(Math.abs(v)).toBeLessThanOrEqual(2);
      }
      small += [...a].filter((v) => Math.abs(v) < 0.5).length;
    }
    expect(small).toBeGreaterThan(0);
    expect(
      data.some(([, [, b]]) => b.some((v) => v < 0)) && data.some(([, [, b]]) => b.some((v) => v > 0)),
    ).toBe(true);
  });

  it('avg_pool2d: countIncludePad true, false and left out', () => {
    const seen = new Set(sample(opCase('avg_pool2d'), 100).map((c) => String(c.attrs.countIncludePad)));
    expect([...seen].sort()).toEqual(['false', 'true', 'undefined']);
  });
});

describe('error cases', () => {
  const codes = new Set<ErrorCode>();
  it.each(OP_NAMES)('%s error cases are rejected with their code and message', (op) => {
    fc.assert(
      fc.property(errorCase(op), (e) => {
        let err: unknown;
        try {
          opGraph(e);
        } catch (x) {
          err = x;
        }
        expect(isCoordattnError(err), `no CoordattnError for ${JSON.stringify(e)}`).toBe(true);
        if (!isCoordattnError(err)) return;
        expect(err.code).toBe(e.code);
        expect(err.message).toMatch(e.message);
        codes.add(err.code);
      }),
      fcParams(40),
    );
  });

  it('the error cases reach shape, dim, attribute and graph errors', () => {
    for (const c of ['E_SHAPE', 'E_DIM', 'E_ATTR', 'E_GRAPH'] as const) expect(codes).toContain(c);
  });
});

describe('large cases', () => {
  it.each(REDUCING)(
    '%s: over 20%% of large cases reduce over more than 1,000 terms, < 200k elements',
    (op) => {
      const cs = sample(opCase(op, { large: true }), 200);
      const share = cs.filter((c) => reductionTerms(c) > 1000).length / cs.length;
      expect(share).toBeGreaterThan(0.2);
      for (const c of cs) expect(totalElements(opGraph(c))).toBeLessThan(200_000);
    },
  );

  it('default cases stay small', () => {
    for (const op of REDUCING)
      for (const c of sample(opCase(op), 100)) expect(reductionTerms(c)).toBeLessThanOrEqual(1000);
  });
});

describe('randomGraph', () => {
  it('graphs are concrete, survive a spec round trip and run with finite outputs', () => {
    fc.assert(
      fc.property(
        randomGraph().chain((g) =>
          fc.tuple(fc.constant(g), tensorData(g.inputs[0].shape.map((d) => d.toInt()!))),
        ),
        fc.nat(),
        ([g, x], seed) => {
          expect(g.inputs.map((i) => i.name)).toEqual(['x']);
          expect(g.inputs[0].shape).toHaveLength(4);
          expect(g.symbols()).toEqual([]);
          expect(g.assumptions).toEqual([]);
          expect(g.outputs.length).toBeGreaterThanOrEqual(1);
          const text = specToText(g);
          expect(specToText(readSpec(text))).toBe(text);
          const shape = g.inputs[0].shape.map((d) => d.toInt()!);
          const out = run(g, { x: { shape, data: x } }, initWeights(g, seed, { randomBnStats: true }));
          for (const t of Object.values(out)) expect(t.data.every(Number.isFinite)).toBe(true);
        },
      ),
      fcParams(60),
    );
  });

  it('reaches every op and every attention block, and CA in all three directions', () => {
    const gs = sample(randomGraph({ maxNodes: 10 }), 300);
    const ops = new Set(gs.flatMap((g) => g.nodes.map((n) => n.op)));
    expect([...ops].sort()).toEqual([...OP_NAMES]);
    const withBlocks = gs.filter((g) => g.blocks.length > 0);
    expect(withBlocks.length).toBeGreaterThan(gs.length / 10);
    const kinds = new Set(gs.flatMap((g) => g.blocks.map((b) => String(b.config.kind))));
    expect([...kinds].sort()).toEqual(['ca', 'cbam', 'eca', 'se', 'triplet']);
    const dirs = new Set(
      gs.flatMap((g) =>
        g.blocks.filter((b) => b.config.kind === 'ca').map((b) => String(b.config.directions)),
      ),
    );
    expect([...dirs].sort()).toEqual(['both', 'h', 'w']);
  });

  it('respects its options', () => {
    for (const g of sample(randomGraph({ blocks: false, maxNodes: 3, maxBatch: 1 }), 50)) {
      expect(g.blocks).toEqual([]);
      // Node paths name their step: n<i>, or n<i>_den for a div's clipped denominator.
      const steps = new Set(g.nodes.map((n) => /^n(\d+)/.exec(n.path)![1]));
      expect(steps.size).toBeLessThanOrEqual(3);
      expect(g.nodes.length).toBeLessThanOrEqual(6);
      expect(g.inputs[0].shape[0].toInt()).toBe(1);
    }
  });
});

describe('tensorData', () => {
  it('values are float32-exact, normal or zero, within the magnitude', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 4 }),
        fc.constantFrom(1, 0.1, 3, 1e-3, 1e6, 2 ** -100),
        fc.boolean(),
        (shape, magnitude, positive) => {
          const [data] = fc.sample(tensorData(shape, { magnitude, positive }), { seed: FC_SEED, numRuns: 1 });
          expect(data).toBeInstanceOf(Float64Array);
          expect(data.length).toBe(numel(shape));
          for (const v of data) {
            expect(Math.fround(v)).toBe(v);
            expect(Math.abs(v)).toBeLessThanOrEqual(magnitude);
            expect(v === 0 || Math.abs(v) >= FLOAT32_MIN_NORMAL).toBe(true);
            if (positive) expect(v).toBeGreaterThan(0);
          }
        },
      ),
      fcParams(100),
    );
  });

  it('shrinks to one offending value, all others zero', () => {
    const r = fc.check(
      fc.property(tensorData([3, 4]), (d) => d.every((v) => Math.abs(v) < 0.5)),
      { seed: FC_SEED },
    );
    expect(r.failed).toBe(true);
    const [d] = r.counterexample!;
    expect([...d].filter((v) => v !== 0).map(Math.abs)).toEqual([0.5]);
  });

  it('minMagnitude keeps values away from 0, on the same float32-exact grid', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 3, 1e-3),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.boolean(),
        (magnitude, share, positive) => {
          const minMagnitude = share * magnitude;
          const [data] = fc.sample(tensorData([50], { magnitude, minMagnitude, positive }), {
            seed: FC_SEED,
            numRuns: 1,
          });
          for (const v of data) {
            expect(Math.fround(v)).toBe(v);
            expect(Math.abs(v)).toBeGreaterThanOrEqual(minMagnitude);
            expect(Math.abs(v)).toBeLessThanOrEqual(magnitude);
            if (positive) expect(v).toBeGreaterThan(0);
          }
        },
      ),
      fcParams(50),
    );
    expect(() => tensorData([2], { magnitude: 1, minMagnitude: 2 })).toThrow(RangeError);
    expect(() => tensorData([2], { minMagnitude: 0 })).toThrow(RangeError);
  });

  it('rejects a magnitude that would give subnormals', () => {
    expect(() => tensorData([2], { magnitude: 2 ** -110 })).toThrow(RangeError);
  });
});
