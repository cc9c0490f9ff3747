/**
 * Each lowering pass on its own (what it rewrites, what it must leave alone), and the metamorphic
 * properties: fused ≡ unfused (every pass switched off in turn, and all off), BN-folded ≡ unfolded,
 * every mode ≡ every other mode, and a program on batch N ≡ N programs on batch 1.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACTIVATIONS,
  attention,
  GraphBuilder,
  type ActivationName,
  type AttentionSpec,
  type Graph,
} from '@coordattn/ir';
import { compare, describeComparison, FLOAT32_TOLERANCE, tensor, type Tensor } from '@coordattn/reference';
import { compile, float32Params } from '../compile.js';
import { relayout, Runtime } from '../runtime/runtime.js';
import { lowerGraph } from '../lower/lgraph.js';
import {
  assertProperty,
  blockGraph,
  runsFor,
  seededTensor,
  seededWeights,
  TEST_MODES,
} from '../test-util.js';
import { runCompiled, verifyCompiled } from '../verify.js';
import { applyPasses, PASS_NAMES, PASSES, type PassSwitches } from './index.js';

const FILE = 'src/passes/passes.test.ts';

function lowered(graph: Graph, switches: PassSwitches = {}) {
  const g = lowerGraph(graph, seededWeights(graph, 1));
  applyPasses(g, switches);
  return g;
}

/** conv(3×3) → BN → act → + x (residual), then dropout → global pool → flatten → linear. */
function convChain(act: ActivationName = 'relu6'): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', [2, 8, 6, 5]);
  let y = b.op('conv2d', x, { outChannels: 8, kernel: 3, padding: 1 }, { name: 'conv' });
  y = b.op('batch_norm', y, {}, { name: 'bn' });
  y = b.op(act, y, {}, { name: 'act' });
  y = b.op('add', [x, y], {}, { name: 'residual' });
  y = b.op('dropout', y, {}, { name: 'drop' });
  y = b.op('global_avg_pool', y, {}, { name: 'pool' });
  y = b.op('flatten', y, {}, { name: 'flat' });
  b.output(b.op('linear', y, { outFeatures: 5 }, { name: 'fc' }));
  return b.build();
}

const caWithConsumer = (): Graph =>
  blockGraph([2, 16, 7, 9], { kind: 'ca', config: { reduction: 4 } }, { outChannels: 8, kernel: 1 });

describe('passes one by one', () => {
  it('the pass list is named, ordered and documented', () => {
    expect(PASSES.map((p) => p.name)).toEqual([...PASS_NAMES]);
    for (const p of PASSES) expect(p.summary.length).toBeGreaterThan(10);
  });

  it('with every pass off the lowering is one kernel per IR node (split: one per piece)', () => {
    const graph = convChain();
    expect(lowered(graph, Object.fromEntries(PASS_NAMES.map((n) => [n, false]))).nodes.length).toBe(
      graph.nodes.length,
    );
  });

  it('eliminate-identity drops dropout and a [N,C,1,1] flatten read by linear', () => {
    const g = lowered(convChain(), { 'fold-bn': false, 'fuse-epilogue': false });
    expect(g.nodes.map((n) => n.op)).not.toContain('dropout');
    expect(g.nodes.map((n) => n.op)).not.toContain('flatten');
    const fc1 = g.nodes.find((n) => n.template === 'linear')!;
    expect(fc1.inputs).toEqual(['pool']);
    expect(fc1.nodes).toEqual(['flat', 'fc']);
  });

  it('fold-bn folds BN into the conv (derived weights) and keeps a BN with no foldable producer', () => {
    const g = lowered(convChain(), { 'fuse-epilogue': false });
    expect(g.nodes.map((n) => n.template)).not.toContain('batch_norm');
    const conv = g.nodes.find((n) => n.template === 'conv2d')!;
    expect(conv.id).toBe('bn');
    expect(conv.params.weight.id).toBe('conv.weight_folded');
    expect(conv.params.bias.id).toBe('conv.bias_folded');
    // BN directly on a graph input has nothing to fold into.
    const b = new GraphBuilder();
    b.output(b.op('batch_norm', b.input('x', [1, 4, 3, 3]), {}, { name: 'bn' }));
    expect(lowered(b.build()).nodes.map((n) => n.template)).toEqual(['batch_norm']);
  });

  it('fuse-epilogue makes conv + bias + act + residual add one kernel', () => {
    const g = lowered(convChain());
    const conv = g.nodes.find((n) => n.template === 'conv2d')!;
    expect(
      conv.epilogue.map((e) => (e.kind === 'binary' ? e.op : e.kind === 'act' ? e.fn : 'scale')),
    ).toEqual(['relu6', 'add']);
    expect(conv.nodes).toEqual(['conv', 'bn', 'act', 'residual', 'drop']);
    expect(g.nodes.map((n) => n.template)).toEqual(['conv2d', 'global_pool', 'linear']);
  });

  it('fuse-epilogue fuses sub and div through input 0 only (they do not commute)', () => {
    const build = (op: 'add' | 'sub' | 'mul' | 'div', convFirst: boolean) => {
      const b = new GraphBuilder();
      const x = b.input('x', [1, 4, 5, 3]);
      const c = b.op('conv2d', x, { outChannels: 4, kernel: 1 }, { name: 'conv' });
      b.output(b.op(op, convFirst ? [c, x] : [x, c], {}, { name: 'out' }));
      return b.build();
    };
    for (const op of ['add', 'sub', 'mul', 'div'] as const) {
      expect(
        lowered(build(op, true)).nodes.map((n) => n.nodes),
        `${op}(conv, x)`,
      ).toEqual([['conv', 'out']]);
      const second = lowered(build(op, false)).nodes.map((n) => n.nodes);
      expect(second, `${op}(x, conv)`).toEqual(
        op === 'add' || op === 'mul' ? [['conv', 'out']] : [['conv'], ['out']],
      );
    }
  });

  it("fuse-reductions turns CA's pool_h, pool_w, permute and concat into one multi_reduce kernel", () => {
    const g = lowered(caWithConsumer());
    const pool = g.nodes.find((n) => n.template === 'multi_reduce')!;
    expect(pool.nodes).toEqual([
      'attention.pool_h',
      'attention.pool_w',
      'attention.permute_w',
      'attention.cat',
    ]);
    expect(pool.inputs).toEqual(['x']);
    expect(g.nodes.some((n) => n.template === 'directional_mean' || n.template === 'concat')).toBe(false);
    const off = lowered(caWithConsumer(), { 'fuse-reductions': false });
    expect(off.nodes.filter((n) => n.template === 'directional_mean').length).toBe(2);
  });

  it("fuse-reductions fuses CBAM's and Triplet's channel pools (max ‖ mean along C) by the same rule", () => {
    const cbam = lowered(blockGraph([1, 16, 7, 9], { kind: 'cbam', config: { reduction: 4 } }));
    const pools = cbam.nodes.filter((n) => n.template === 'multi_reduce');
    expect(pools.length).toBe(1);
    expect(pools[0].nodes).toEqual(
      expect.arrayContaining([
        'attention.channel_gate.mul',
        'attention.spatial_gate.compress.max',
        'attention.spatial_gate.compress.mean',
        'attention.spatial_gate.compress.cat',
      ]),
    );
    // Its input is the channel-gated x: the gate multiply is folded into its reads (fuse-gate).
    expect(pools[0].prologue.length).toBe(1);
    const triplet = lowered(blockGraph([1, 16, 7, 9], { kind: 'triplet' }));
    // One Z-pool per branch: channel-wise, and over the two permuted views.
    expect(triplet.nodes.filter((n) => n.template === 'multi_reduce').length).toBe(3);
    expect(triplet.nodes.some((n) => n.template === 'channel_reduce')).toBe(false);
  });

  it('fuse-reductions leaves a concat alone when a reduction has another reader or another input', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 8, 5, 5]);
    const y = b.input('y', [1, 8, 5, 5]);
    const mx = b.op('channel_reduce', x, { reduce: 'max' }, { name: 'max' });
    const my = b.op('channel_reduce', y, { reduce: 'mean' }, { name: 'mean' });
    b.output(b.op('concat', [mx, my], { axis: 1 }, { name: 'cat' }));
    expect(lowered(b.build()).nodes.some((n) => n.template === 'multi_reduce')).toBe(false);
    const b2 = new GraphBuilder();
    const x2 = b2.input('x', [1, 8, 5, 5]);
    const m2 = b2.op('channel_reduce', x2, { reduce: 'max' }, { name: 'max' });
    const a2 = b2.op('channel_reduce', x2, { reduce: 'mean' }, { name: 'mean' });
    b2.output(b2.op('concat', [m2, a2], { axis: 1 }, { name: 'cat' }));
    b2.output(m2);
    expect(lowered(b2.build()).nodes.some((n) => n.template === 'multi_reduce')).toBe(false);
  });

  it.each(['ca', 'se', 'eca', 'cbam', 'triplet'] as const)(
    'every attention block gets fused kernels: %s before a conv',
    (kind) => {
      const spec = (
        kind === 'eca' || kind === 'triplet' ? { kind } : { kind, config: { reduction: 4 } }
      ) as AttentionSpec;
      const graph = blockGraph([1, 16, 7, 9], spec, { outChannels: 8, kernel: 1 });
      const none = lowered(graph, Object.fromEntries(PASS_NAMES.map((p) => [p, false])));
      const all = lowered(graph);
      expect(none.nodes.length).toBeGreaterThanOrEqual(graph.nodes.length);
      expect(all.nodes.length).toBeLessThan(none.nodes.length);
      // The gate multiplies are never kernels of their own: they run in their readers' reads (the
      // consuming conv; Triplet's permutes back).
      const muls = (g: typeof all) => g.nodes.filter((n) => n.op === 'mul').length;
      expect(muls(all)).toBeLessThan(muls(none));
      if (kind !== 'triplet') expect(muls(all)).toBe(0);
      expect(all.nodes.some((n) => n.passes.includes('fuse-gate'))).toBe(true);
      // No kernel is a bare activation: each runs in its producer's epilogue.
      expect(all.nodes.filter((n) => n.op in ACTIVATIONS)).toEqual([]);
    },
  );

  it('fuse-gate folds x·a_w·a_h into the consuming conv: the gated tensor is never written', () => {
    const g = lowered(caWithConsumer());
    const consumer = g.nodes.find((n) => n.id === 'consumer')!;
    expect(consumer.inputs).toEqual(['x']);
    expect(consumer.prologue).toEqual(['attention.sigmoid_w', 'attention.sigmoid_h']);
    expect(g.nodes.some((n) => n.template === 'elementwise')).toBe(false);
    const off = lowered(caWithConsumer(), { 'fuse-gate': false });
    expect(off.nodes.find((n) => n.id === 'consumer')!.prologue).toEqual([]);
  });

  it('fuse-gate leaves a gate alone when the gated value has another reader', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 8, 5, 5]);
    const s = b.op('sigmoid', b.op('global_avg_pool', x, {}, { name: 'pool' }), {}, { name: 'sig' });
    const gated = b.op('mul', [x, s], {}, { name: 'gate' });
    b.output(b.op('conv2d', gated, { outChannels: 4, kernel: 1 }, { name: 'conv' }));
    b.output(gated);
    const g = lowered(b.build());
    expect(g.nodes.find((n) => n.id === 'conv')!.prologue).toEqual([]);
    expect(g.nodes.some((n) => n.id === 'gate')).toBe(true);
  });
});

describe('channel-minor', () => {
  it('stores rank-4 values with C % 4 = 0 NHWC, with conv weights transposed to [K, O]', () => {
    const graph = caWithConsumer();
    const g = lowered(graph);
    const off = lowered(graph, { 'channel-minor': false });
    expect(off.nodes.every((n) => n.layout === undefined)).toBe(true);
    const byId = new Map(g.nodes.map((n) => [n.id, n]));
    // CA's pooled descriptor [2,16,16,1] and its gates: C = 16 → NHWC
    const pool = g.nodes.find((n) => n.template === 'multi_reduce')!;
    expect(pool.layout).toBe('nhwc');
    expect(pool.passes).toContain('channel-minor');
    // the squeeze conv (+ BN + act, fused) has max(8, 16/4) = 8 channels: a multiple of 4 too
    const conv1 = byId.get('attention.act')!;
    expect(conv1.template).toBe('conv2d');
    expect(conv1.layout).toBe('nhwc');
    const w = conv1.params.weight;
    const wt = conv1.params.weight_cm;
    const [O] = w.shape;
    const K = w.data.length / O;
    expect(wt.shape).toEqual([K, O]);
    for (let o = 0; o < O; o++)
      for (let t = 0; t < K; t++) expect(wt.data[t * O + o]).toBe(w.data[o * K + t]);
    // the graph output stays row-major for the host
    expect(byId.get(g.outputs[0].value)!.layout).toBeUndefined();
  });

  it('keeps row-major values read by reshape, values with C % 4 ≠ 0 and 1 × 1 maps', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 8, 4, 4]);
    const a = b.op('conv2d', x, { outChannels: 8, kernel: 1 }, { name: 'a' });
    const odd = b.op('conv2d', a, { outChannels: 6, kernel: 1 }, { name: 'odd' });
    const c = b.op('conv2d', odd, { outChannels: 8, kernel: 1 }, { name: 'c' });
    const pooled = b.op('global_avg_pool', c, {}, { name: 'pool' });
    const d = b.op('conv2d', c, { outChannels: 8, kernel: 1 }, { name: 'd' });
    const flat = b.op('flatten', d, {}, { name: 'flat' });
    b.output(b.op('linear', flat, { outFeatures: 3 }, { name: 'fc' }));
    b.output(pooled);
    const g = lowered(b.build());
    const layout = (id: string) => g.nodes.find((n) => n.id === id)!.layout;
    expect(layout('a')).toBe('nhwc');
    expect(layout('odd')).toBeUndefined(); // 6 channels
    expect(layout('c')).toBe('nhwc');
    expect(layout('pool')).toBeUndefined(); // [1,8,1,1]
    expect(layout('d')).toBeUndefined(); // read by the flatten's reshape kernel
  });

  it('every kernel of a channel-minor program matches the reference, reading both layouts', () => {
    // 7 × 9 maps (H ≠ W, both > 1), batch 2: stem → CA → pointwise → depthwise stride 2 (output)
    const b = new GraphBuilder();
    const x = b.input('x', [2, 12, 7, 9]);
    const stem = b.op('conv2d', x, { outChannels: 16, kernel: 3, padding: 1 }, { name: 'stem' });
    const ca = attention(b, stem, { kind: 'ca', config: { reduction: 4 } }, 'ca');
    const pw = b.op('conv2d', ca, { outChannels: 8, kernel: 1 }, { name: 'pw' });
    b.output(
      b.op('conv2d', pw, { outChannels: 8, kernel: 3, padding: 1, stride: 2, groups: 8 }, { name: 'dw' }),
    );
    const graph = b.build();
    const weights = seededWeights(graph, 3);
    const compiled = compile(graph, weights);
    const ks = compiled.program.kernels;
    const kernel = (value: string) => ks.find((k) => k.value === value)!;
    expect(kernel('stem').layout).toBe('nhwc');
    expect(kernel('pw').layout).toBe('nhwc');
    expect(kernel('dw').layout).toBeUndefined();
    expect(ks.some((k) => k.layout === 'nhwc' && k.args.some((a) => a.layout === undefined))).toBe(true);
    expect(ks.some((k) => k.layout === undefined && k.args.some((a) => a.layout === 'nhwc'))).toBe(true);
    // runKernel exchanges row-major data by default, storage-order data with { stored: true }
    const rt = new Runtime(compiled.program, float32Params(compiled.params), { mode: 'cpu' });
    try {
      const x = Float32Array.from(seededTensor([2, 12, 7, 9], 4, 2).data);
      const i = ks.findIndex((k) => k.layout === 'nhwc' && k.args.every((a) => a.ref === 'x'));
      const logical = rt.runKernel(i, new Map([['x', x]]));
      const stored = rt.runKernel(i, new Map([['x', x]]), { stored: true });
      expect(stored).toEqual(relayout(logical, ks[i].shape, true));
      expect(stored).not.toEqual(logical);
    } finally {
      rt.destroy();
    }
    for (const mode of TEST_MODES) {
      const r = verifyCompiled(graph, compiled, weights, { x: seededTensor([2, 12, 7, 9], 4, 2) }, mode);
      const bad = r.kernels.filter((k) => !k.comparison.pass).map((k) => k.kernel);
      expect(r.pass, `${mode}: ${bad.join(', ')}`).toBe(true);
    }
  });
});

/** Compiles `graph` with `switches` and runs it on cpu. */
function output(
  graph: Graph,
  switches: PassSwitches,
  input: Tensor,
  mode: (typeof TEST_MODES)[number] = 'cpu',
) {
  const weights = seededWeights(graph, 5);
  const ys = runCompiled(compile(graph, weights, { passes: switches }), { x: input }, mode);
  return ys[graph.outputs[0]];
}

function expectSame(a: Tensor, b: Tensor, what: string): void {
  const c = compare(a, b, FLOAT32_TOLERANCE);
  expect(c.pass, describeComparison(c, what)).toBe(true);
}

const SPECS: readonly AttentionSpec[] = [
  { kind: 'ca', config: { reduction: 4 } },
  { kind: 'ca', config: { reduction: 4, directions: 'h' } },
  { kind: 'ca', config: { reduction: 4, directions: 'w' } },
  { kind: 'se', config: { reduction: 4 } },
  { kind: 'eca' },
  { kind: 'cbam', config: { reduction: 4 } },
  { kind: 'triplet' },
];

/** An attention block followed by a conv (stride, padding, groups drawn), on random shapes. */
const blockCase = fc.record({
  spec: fc.constantFrom(...SPECS),
  n: fc.integer({ min: 1, max: 3 }),
  c: fc.constantFrom(8, 12, 16),
  h: fc.integer({ min: 3, max: 9 }),
  w: fc.integer({ min: 3, max: 9 }),
  k: fc.constantFrom(1, 3),
  stride: fc.constantFrom(1, 2),
  depthwise: fc.boolean(),
  act: fc.constantFrom(...(Object.keys(ACTIVATIONS) as ActivationName[])),
  seed: fc.integer({ min: 1, max: 1 << 20 }),
});

type BlockCase = typeof blockCase extends fc.Arbitrary<infer T> ? T : never;

function caseGraph(c: BlockCase): Graph {
  return blockGraph([c.n, c.c, c.h, c.w], c.spec, {
    outChannels: c.c,
    kernel: c.k,
    padding: (c.k - 1) / 2,
    stride: c.stride,
    groups: c.depthwise ? c.c : 1,
    bias: true,
  });
}

/** x → conv → clip → (x − ·) / offset(·) → slice: the ops the ONNX importer adds, fused or not. */
function importedChain(lo: number, hi: number | null, value: number, step: number): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', [2, 8, 6, 5]);
  const c = b.op('conv2d', x, { outChannels: 8, kernel: 3, padding: 1 }, { name: 'conv' });
  const k = b.op('clip', c, { min: lo, max: hi }, { name: 'clip' });
  const d = b.op('sub', [x, k], {}, { name: 'sub' });
  const q = b.op('div', [d, b.op('offset', k, { value }, { name: 'offset' })], {}, { name: 'div' });
  b.output(b.op('slice', q, { axis: 3, start: 1, end: 9, step }, { name: 'slice' }));
  return b.build();
}

describe('metamorphic properties', () => {
  it('fused ≡ unfused for clip, sub, offset, div and slice (cpu)', () => {
    assertProperty(
      fc.property(
        fc.constantFrom(0, 0.5),
        fc.constantFrom(null, 6),
        fc.constantFrom(1, 2.5),
        fc.constantFrom(1, 2),
        fc.integer({ min: 1, max: 1 << 20 }),
        (lo, hi, value, step, seed) => {
          // clip ≥ 0 and offset ≥ 1 keep the denominator ≥ 1.
          const graph = importedChain(lo, hi, value, step);
          const x = seededTensor([2, 8, 6, 5], seed, 2);
          const all = output(graph, {}, x);
          expectSame(output(graph, Object.fromEntries(PASS_NAMES.map((p) => [p, false])), x), all, 'all off');
        },
      ),
      runsFor('cpu', 0.5),
      { file: FILE, test: 'fused ≡ unfused for clip' },
    );
  });

  it('fused ≡ unfused: all passes on, each pass off, all off give the same outputs (cpu)', () => {
    assertProperty(
      fc.property(blockCase, (c) => {
        const graph = caseGraph(c);
        const x = seededTensor([c.n, c.c, c.h, c.w], c.seed, 2);
        const all = output(graph, {}, x);
        for (const name of PASS_NAMES) expectSame(output(graph, { [name]: false }, x), all, `${name} off`);
        expectSame(output(graph, Object.fromEntries(PASS_NAMES.map((p) => [p, false])), x), all, 'all off');
      }),
      runsFor('cpu', 0.5),
      { file: FILE, test: 'fused ≡ unfused' },
    );
  });

  it('BN-folded ≡ unfolded for conv → BN → every activation (+ residual), batch 1–3', () => {
    assertProperty(
      fc.property(
        fc.constantFrom(...(Object.keys(ACTIVATIONS) as ActivationName[])),
        fc.integer({ min: 1, max: 1 << 20 }),
        (act, seed) => {
          const graph = convChain(act);
          const x = seededTensor([2, 8, 6, 5], seed, 3);
          expectSame(output(graph, { 'fold-bn': false }, x), output(graph, {}, x), `fold-bn (${act})`);
        },
      ),
      runsFor('cpu'),
      { file: FILE, test: 'BN-folded' },
    );
  });

  it('every mode ≡ every other mode on the same program', () => {
    if (TEST_MODES.length < 2) return;
    assertProperty(
      fc.property(blockCase, (c) => {
        const graph = caseGraph(c);
        const x = seededTensor([c.n, c.c, c.h, c.w], c.seed, 2);
        const [first, ...rest] = TEST_MODES.map((m) => output(graph, {}, x, m));
        rest.forEach((y, i) => expectSame(y, first, `${TEST_MODES[i + 1]} vs ${TEST_MODES[0]}`));
      }),
      runsFor('headlessgl'),
      { file: FILE, test: 'every mode' },
    );
  });

  it('a program on batch N ≡ N programs on batch 1', () => {
    assertProperty(
      fc.property(blockCase, (c) => {
        const n = Math.max(2, c.n);
        const batched = caseGraph({ ...c, n });
        const single = caseGraph({ ...c, n: 1 });
        const x = seededTensor([n, c.c, c.h, c.w], c.seed, 2);
        const weights = seededWeights(batched, 5);
        const yN = runCompiled(compile(batched, weights), { x }, 'cpu')[batched.outputs[0]];
        const per = yN.data.length / n;
        const plane = x.data.length / n;
        for (let i = 0; i < n; i++) {
          const xi = tensor([1, c.c, c.h, c.w], x.data.subarray(i * plane, (i + 1) * plane));
          const y1 = runCompiled(compile(single, weights), { x: xi }, 'cpu')[single.outputs[0]];
          const yi = tensor(y1.shape, yN.data.subarray(i * per, (i + 1) * per));
          expect(compare(yi, y1, { rtol: 0, atolScale: 0 }).pass, `batch element ${i}`).toBe(true);
        }
      }),
      runsFor('cpu', 0.5),
      { file: FILE, test: 'batch N' },
    );
  });
});
