/**
 * Property tests of every kernel template against the float64 reference, in every mode under test
 * (cpu, webasm, headlessgl): for each IR op, random valid cases from @coordattn/reference's
 * arbitraries (odd sizes at stride 2, padding at every edge, H ≠ W, batch 1–3, grouped and
 * depthwise convs, reductions over more than 1,000 terms) are compiled, each kernel is run on the
 * reference's inputs and compared under float32Tolerance(reduction), and the whole program is
 * compared end to end. Then: the mutation check (a kernel with an off-by-one padding or a dropped
 * bias must fail these tests), the loop-bound rule, the index-limit rejection, the backend that
 * really ran, and GL's subnormal flushing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CoordattnError, GraphBuilder, OP_NAMES, type OpName } from '@coordattn/ir';
import { describeComparison, tensor, type Tensor } from '@coordattn/reference';
import { caseData, opCase, opGraph, type OpCase } from '@coordattn/reference/arbitraries';
import { compile } from '../compile.js';
import { OP_TEMPLATES } from '../lower/lgraph.js';
import { EXPECTED_BACKEND, Runtime } from '../runtime/runtime.js';
import {
  assertProperty,
  faultyTemplates,
  MUTATIONS,
  runsFor,
  seededTensor,
  seededWeights,
  TEST_MODES,
  type Mutation,
} from '../test-util.js';
import { verifyCompiled, type VerifyResult } from '../verify.js';
import { MAX_FLAT_INDEX, MAX_TERMS } from './index.js';
import { MAX_UNROLLED } from './contraction.js';

const FILE = 'src/kernels/kernels.test.ts';

/** A case with its input data: values in [-2, 2] (unless the case says otherwise), float32-exact, no subnormals. */
const withData = (c: fc.Arbitrary<OpCase>) =>
  c.chain((oc) =>
    fc.record({
      oc: fc.constant(oc),
      data: caseData(oc, { magnitude: 2 }),
      seed: fc.integer({ min: 1, max: 1 << 20 }),
    }),
  );

/** Small cases, and a share that reduce over more than 1,000 terms. */
const caseFor = (op: OpName) =>
  withData(
    fc.oneof({ arbitrary: opCase(op), weight: 3 }, { arbitrary: opCase(op, { large: true }), weight: 1 }),
  );

function check(
  oc: OpCase,
  data: readonly Float64Array[],
  seed: number,
  mode: (typeof TEST_MODES)[number],
  mutation?: Mutation,
): VerifyResult {
  const graph = opGraph(oc);
  const weights = seededWeights(graph, seed);
  const inputs: Record<string, Tensor> = {};
  oc.inputs.forEach((s, i) => (inputs[`x${i}`] = tensor(s, data[i])));
  const templates = mutation ? faultyTemplates(mutation) : undefined;
  return verifyCompiled(
    graph,
    compile(graph, weights, templates ? { templates } : {}),
    weights,
    inputs,
    mode,
  );
}

function explain(r: VerifyResult): string {
  return [
    ...r.kernels.map((k) => describeComparison(k.comparison, `${k.kernel} on ${k.backend}`)),
    ...r.outputs.map((o) => describeComparison(o.comparison, `output ${o.ref}`)),
  ].join('\n');
}

describe.each(TEST_MODES)('every op kernel vs the reference on %s', (mode) => {
  for (const op of OP_NAMES) {
    it(`${op}`, () => {
      assertProperty(
        fc.property(caseFor(op), ({ oc, data, seed }) => {
          const r = check(oc, data, seed, mode);
          if (!r.pass) throw new Error(`${JSON.stringify(oc)}\n${explain(r)}`);
          for (const k of r.kernels) expect(k.backend).toBe(EXPECTED_BACKEND[mode]);
        }),
        runsFor(mode),
        { file: FILE, test: `on ${mode} > ${op}` },
      );
    });
  }
});

describe('the arbitraries reach what the kernels must handle', () => {
  it('reductions over more than 1,000 terms (gpu.js caps argument-bounded loops at 1,000)', () => {
    const reductions = OP_NAMES.flatMap((op) =>
      fc.sample(caseFor(op), { seed: 1, numRuns: 40 }).map(({ oc, data, seed }) => {
        const graph = opGraph(oc);
        const compiled = compile(graph, seededWeights(graph, seed));
        void data;
        return Math.max(0, ...compiled.program.kernels.map((k) => k.reduction));
      }),
    );
    expect(reductions.filter((r) => r > 1000).length).toBeGreaterThan(20);
  });
});

describe('mutation check: the property tests catch a broken kernel', () => {
  const affected: Record<Mutation, OpName[]> = {
    'padding-off-by-one': ['conv2d', 'max_pool2d', 'avg_pool2d', 'channel_conv1d'],
    'drop-bias': ['conv2d', 'linear', 'channel_conv1d'],
  };
  for (const mutation of MUTATIONS) {
    for (const op of affected[mutation]) {
      it(`${mutation} in ${op} fails the ${op} property`, () => {
        // Only cases where the mutation changes the generated kernel (source or constants) count.
        const text = (c: ReturnType<typeof compile>) =>
          c.program.kernels.map((k) => k.source + JSON.stringify(k.constants)).join();
        const mutated = caseFor(op).filter(({ oc, seed }) => {
          const graph = opGraph(oc);
          const w = seededWeights(graph, seed);
          return (
            text(compile(graph, w)) !== text(compile(graph, w, { templates: faultyTemplates(mutation) }))
          );
        });
        const details = fc.check(
          fc.property(mutated, ({ oc, data, seed }) => check(oc, data, seed, 'cpu', mutation).pass),
          { seed: 7, numRuns: 30 },
        );
        expect(details.failed, `${mutation} in ${op} was not detected`).toBe(true);
      });
    }
  }
});

describe('kernel sources follow the gpu.js rules', () => {
  it('every op has a kernel template, and loop bounds are constants or literals, never arguments', () => {
    for (const op of OP_NAMES) expect(OP_TEMPLATES[op]).toBeDefined();
    for (const op of OP_NAMES) {
      for (const { oc, seed } of fc.sample(caseFor(op), { seed: 3, numRuns: 10 })) {
        const graph = opGraph(oc);
        for (const k of compile(graph, seededWeights(graph, seed)).program.kernels) {
          const loops = [...k.source.matchAll(/for \(let (\w+) = [^;]+; \1 < ([^;]+);/g)].map((m) => m[2]);
          for (const bound of loops) expect(bound, k.source).toMatch(/^(this\.constants\.\w+|\d+)$/);
          expect(k.source.startsWith(`function ${k.name}(`)).toBe(true);
        }
      }
    }
  });

  it(`rejects a kernel whose flat index would pass 2^24 (${MAX_FLAT_INDEX}) with E_KERNEL`, () => {
    const b = new GraphBuilder();
    b.output(b.op('relu', b.input('x', [1, 64, 1024, 257]), {}, { name: 'act' }));
    const graph = b.build();
    let err: unknown;
    try {
      compile(graph, new Map());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CoordattnError);
    expect((err as CoordattnError).code).toBe('E_KERNEL');
    expect((err as Error).message).toMatch(/at act: .*16842752 elements, more than the 2\^24/);
  });

  it('rejects a constant that float32 cannot hold (a subnormal scale factor) with E_KERNEL', () => {
    const b = new GraphBuilder();
    b.output(b.op('scale', b.input('x', [1, 2]), { factor: 1e-320 }, { name: 'tiny' }));
    expect(() => compile(b.build(), new Map())).toThrow(
      /E_KERNEL at tiny: constant 1e-320 is not a normal float32 number/,
    );
  });

  it('split and slice along a leading axis (folded into z) read the right rows', () => {
    // [3, 2, 2, 2]: the batch coordinate n is multiplied by its stride 8 in the flat index, so an
    // offset on n must be parenthesised: x0[(n + 1) * 8 + …], not x0[n + 1 * 8 + …].
    const b = new GraphBuilder();
    const x = b.input('x', [3, 2, 2, 2]);
    const pieces = b.opMulti('split', x, { axis: 0, sizes: [1, 2] }, { name: 'split' });
    pieces.forEach((p) => b.output(p));
    b.output(b.op('slice', x, { axis: 0, start: 1, end: 9, step: 2 }, { name: 'odd' }));
    b.output(b.op('slice', x, { axis: 1, start: 1, end: 2 }, { name: 'c1' }));
    const graph = b.build();
    const data = Float64Array.from({ length: 24 }, (_, i) => i);
    for (const mode of TEST_MODES) {
      const r = verifyCompiled(
        graph,
        compile(graph, new Map()),
        new Map(),
        { x: tensor([3, 2, 2, 2], data) },
        mode,
      );
      expect(r.pass, explain(r)).toBe(true);
    }
    const src = compile(graph, new Map())
      .program.kernels.map((k) => k.source)
      .join('\n');
    expect(src).toContain('x0[(n + 1) * 8 + c * 4 + y * 2 + x]');
    // A size-1 output axis has the literal coordinate 0: its read index folds to a literal (GL
    // rejects `x0[0 + 1]`).
    const one = new GraphBuilder();
    const y = one.input('x', [2, 1, 1, 2]);
    one.opMulti('split', y, { axis: 0, sizes: [1, 1] }, { name: 'split' }).forEach((p) => one.output(p));
    const g1 = one.build();
    expect(compile(g1, new Map()).program.kernels[1].source).toContain('x0[x + 2]');
    for (const mode of TEST_MODES) {
      const r = verifyCompiled(
        g1,
        compile(g1, new Map()),
        new Map(),
        { x: tensor([2, 1, 1, 2], [1, 2, 3, 4]) },
        mode,
      );
      expect(r.pass, explain(r)).toBe(true);
    }
  });

  it('clip, offset, sub and div are epilogue lines', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 4, 3, 3]);
    const g = b.op('global_avg_pool', x, {}, { name: 'pool' });
    const c = b.op('clip', b.op('offset', g, { value: 3 }, { name: 'off' }), { min: 0.5 }, { name: 'lo' });
    const q = b.op('div', [b.op('sub', [x, g], {}, { name: 'centre' }), c], {}, { name: 'q' });
    b.output(b.op('clip', q, { min: -1, max: 1 }, { name: 'both' }));
    b.output(b.op('clip', x, { max: 0.25 }, { name: 'hi' }));
    const kernels = compile(b.build(), new Map()).program.kernels;
    const src = kernels.map((k) => k.source).join('\n');
    expect(src).toContain('v = v + 3.0; // offset (off)');
    expect(src).toContain('v = Math.max(v, 0.5); // clip (lo)');
    expect(src).toContain('v = v - e0[z]; // sub (centre)');
    expect(src).toContain('v = v / e1[z]; // div (q)');
    expect(src).toContain('v = Math.min(Math.max(v, -1.0), 1.0); // clip (both)');
    expect(src).toContain('v = Math.min(v, 0.25); // clip (hi)');
    // The pool has two readers, so it stays alone; offset + clip, and centre − pool, / lo,
    // clip(−1, 1) each run as one kernel (sub and div fuse through their input 0).
    expect(kernels.map((k) => k.nodes)).toEqual([['pool'], ['off', 'lo'], ['centre', 'q', 'both'], ['hi']]);
  });

  it('conv2d sums up to MAX_UNROLLED terms unrolled (chained), longer ones in a channel loop: both verify', () => {
    for (const [c, k] of [
      [MAX_TERMS * 2 + 5, 1],
      [Math.ceil(MAX_UNROLLED / 9) + 3, 3],
    ] as const) {
      const b = new GraphBuilder();
      const x = b.input('x', [1, c, 5, 6]);
      b.output(b.op('conv2d', x, { outChannels: 3, kernel: k, padding: (k - 1) / 2 }, { name: 'conv' }));
      const graph = b.build();
      const weights = seededWeights(graph, 4);
      const compiled = compile(graph, weights);
      const loop = c * k * k > MAX_UNROLLED;
      expect(compiled.program.kernels.length).toBe(loop ? 1 : Math.ceil((c * k * k) / MAX_TERMS));
      expect(compiled.program.kernels.at(-1)!.source.includes('for (let ci = 0;')).toBe(loop);
      for (const mode of TEST_MODES) {
        const r = verifyCompiled(graph, compiled, weights, { x: seededTensor([1, c, 5, 6], 5) }, mode);
        expect(r.pass, explain(r)).toBe(true);
      }
    }
  });

  it('DEBUG=kernels prints every kernel with its name and cache key', () => {
    const b = new GraphBuilder();
    b.output(b.op('relu6', b.input('x', [1, 4, 3, 3]), {}, { name: 'act' }));
    const lines: string[] = [];
    compile(b.build(), new Map(), { debug: true, log: (l) => lines.push(l) });
    // A 3 × 3 map (W not a multiple of 4) is generated over H·W = 9 cells per row (spatial view).
    expect(lines.join('\n')).toMatch(
      /kernel elementwise_act {2}\(act\)\n\/\/ cache key: elementwise;relu6;.*\n\/\/ output \[9, 1, 4\].*\nfunction elementwise_act\(x0\)/,
    );
  });
});

describe.each(TEST_MODES)('backend and float semantics on %s', (mode) => {
  const double = (v: number): number => {
    const b = new GraphBuilder();
    b.output(b.op('scale', b.input('x', [1, 1, 1, 2]), { factor: 2 }, { name: 's' }));
    const c = compile(b.build(), new Map());
    const rt = new Runtime(c.program, new Map(), { mode });
    try {
      const y = rt.run({ x: new Float32Array([v, 1]) })['s'];
      expect(rt.backends.get(c.program.kernels[0].name)).toBe(EXPECTED_BACKEND[mode]);
      return y[0];
    } finally {
      rt.destroy();
    }
  };

  it(`runs on ${EXPECTED_BACKEND[mode]} (a silent fallback would fail here)`, () => {
    expect(double(0.5)).toBe(1);
  });

  it(mode === 'headlessgl' ? 'flushes subnormals to zero (GL)' : 'keeps subnormals', () => {
    // 1e-40 · 2 is still subnormal in float32: GL flushes it to 0 (toolchain notes §2).
    const tiny = Math.fround(1e-40);
    expect(double(tiny)).toBe(mode === 'headlessgl' ? 0 : Math.fround(2 * tiny));
  });
});
