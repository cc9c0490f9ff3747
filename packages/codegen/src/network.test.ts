/**
 * Whole-block and whole-network tests of compiled kernels against the reference interpreter, in
 * every mode under test: each attention block (CA in all directions, SE, ECA, CBAM, Triplet) with a
 * conv consumer (so gate fusion is exercised), MobileNetV2+CA at a small resolution, and the
 * PyTorch fixture network (MobileNetV2 0.35 + CA, 64×64) matched by the compiled kernels.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildBackbone, type AttentionSpec } from '@coordattn/ir';
import { compare, describeComparison, FLOAT32_TOLERANCE, loadWeights, readNpy } from '@coordattn/reference';
import { compile, float32Params } from './compile.js';
import { EXPECTED_BACKEND, Runtime } from './runtime/runtime.js';
import { blockGraph, seededTensor, seededWeights, TEST_MODES } from './test-util.js';
import { runCompiled, verifyCompiled, type VerifyResult } from './verify.js';

function summary(r: VerifyResult): string {
  const bad = r.kernels.filter((k) => !k.comparison.pass);
  return [
    ...bad.map((k) => describeComparison(k.comparison, `${k.kernel} (${k.nodes.join(', ')})`)),
    ...r.outputs.map((o) => describeComparison(o.comparison, `output ${o.ref}`)),
  ].join('\n');
}

function expectVerified(r: VerifyResult, backend: string): void {
  expect(r.pass, summary(r)).toBe(true);
  expect(new Set(r.kernels.map((k) => k.backend))).toEqual(new Set([backend]));
}

const BLOCKS: readonly { name: string; spec: AttentionSpec }[] = [
  { name: 'CA both', spec: { kind: 'ca', config: { reduction: 4 } } },
  { name: 'CA h', spec: { kind: 'ca', config: { reduction: 4, directions: 'h' } } },
  { name: 'CA w', spec: { kind: 'ca', config: { reduction: 4, directions: 'w', activation: 'relu6' } } },
  { name: 'SE', spec: { kind: 'se', config: { reduction: 4 } } },
  {
    name: 'SE hard-sigmoid',
    spec: { kind: 'se', config: { reduction: 4, gate: 'hard_sigmoid', form: 'linear' } },
  },
  { name: 'ECA', spec: { kind: 'eca', config: { kernel: 'adaptive' } } },
  { name: 'CBAM', spec: { kind: 'cbam', config: { reduction: 4 } } },
  { name: 'Triplet', spec: { kind: 'triplet' } },
];

describe.each(TEST_MODES)('blocks compiled on %s', (mode) => {
  for (const { name, spec } of BLOCKS) {
    it(`${name}: every kernel and the block output match the reference (batch 2, H ≠ W)`, () => {
      const shape = [2, 24, 7, 10];
      const graph = blockGraph(shape, spec, {
        outChannels: 16,
        kernel: 3,
        padding: 1,
        stride: 2,
        bias: true,
      });
      const weights = seededWeights(graph, 11);
      const compiled = compile(graph, weights);
      const r = verifyCompiled(graph, compiled, weights, { x: seededTensor(shape, 12, 2) }, mode);
      expectVerified(r, EXPECTED_BACKEND[mode]);
    });
  }
});

describe.each(TEST_MODES)('MobileNetV2 + CA compiled on %s', (mode) => {
  it('width 0.35, 32×32, batch 2: every kernel and the logits match the interpreter', () => {
    const graph = buildBackbone('mobilenetv2', {
      width: 0.35,
      height: 32,
      widthPx: 32,
      batch: 2,
      classes: 10,
      attention: { kind: 'ca' },
    });
    const weights = seededWeights(graph, 3);
    const compiled = compile(graph, weights);
    const templates = new Set(compiled.program.kernels.map((k) => k.template));
    expect(templates).toContain('multi_reduce');
    expect(compiled.program.kernels.some((k) => k.passes.includes('fuse-gate'))).toBe(true);
    const r = verifyCompiled(graph, compiled, weights, { input: seededTensor([2, 3, 32, 32], 4) }, mode);
    expectVerified(r, EXPECTED_BACKEND[mode]);
  });
});

describe.each(TEST_MODES)('PyTorch fixture network through compiled kernels on %s', (mode) => {
  const dir = fileURLToPath(new URL('../../reference/test-data/mbv2-ca-w035-64px/', import.meta.url));
  it('MobileNetV2 0.35 + CA r=32, 64×64: compiled output matches PyTorch within rtol 1e-4', () => {
    const graph = buildBackbone('mobilenetv2', {
      width: 0.35,
      height: 64,
      widthPx: 64,
      classes: 10,
      attention: { kind: 'ca', config: { reduction: 32 } },
    });
    const weights = loadWeights(`${dir}weights.json`, { graph });
    const input = readNpy(`${dir}input.npy`);
    const expected = readNpy(`${dir}output.npy`);
    const y = runCompiled(compile(graph, weights), { input }, mode)[graph.outputs[0]];
    const c = compare(y, expected, FLOAT32_TOLERANCE);
    console.log(describeComparison(c, `fixture network (${mode})`));
    expect(c.pass, describeComparison(c, 'fixture network')).toBe(true);
  });
});

describe('webasm pipeline (runAsync)', () => {
  it('the fused synchronous plan gives the kernel-by-kernel result', async () => {
    const shape = [1, 16, 9, 8];
    const graph = blockGraph(shape, { kind: 'se', config: { reduction: 4 } }, { outChannels: 8, kernel: 1 });
    const weights = seededWeights(graph, 31);
    const compiled = compile(graph, weights);
    const x = seededTensor(shape, 32);
    const sync = runCompiled(compiled, { x }, 'webasm')[graph.outputs[0]];
    const rt = new Runtime(compiled.program, float32Params(compiled.params), { mode: 'webasm' });
    try {
      const y = (await rt.runAsync({ x: Float32Array.from(x.data) }))[graph.outputs[0]];
      expect(Array.from(y)).toEqual(Array.from(sync.data, Math.fround));
      expect(rt.executor).toEqual({ kind: 'fused-sync', fallbackReason: null });
    } finally {
      rt.destroy();
    }
  });
});

describe('webasm async (threaded) form', () => {
  it('runAsync with asyncMode kernels gives the synchronous result', async () => {
    const shape = [2, 16, 6, 7];
    const graph = blockGraph(
      shape,
      { kind: 'ca', config: { reduction: 4 } },
      { outChannels: 8, kernel: 3, padding: 1 },
    );
    const weights = seededWeights(graph, 21);
    const compiled = compile(graph, weights);
    const x = seededTensor(shape, 22);
    const sync = runCompiled(compiled, { x }, 'webasm')[graph.outputs[0]];
    const rt = new Runtime(compiled.program, float32Params(compiled.params), { mode: 'webasm', async: true });
    try {
      const y = (await rt.runAsync({ x: Float32Array.from(x.data) }))[graph.outputs[0]];
      expect(Array.from(y)).toEqual(Array.from(sync.data, Math.fround));
      expect(new Set(rt.backends.values())).toEqual(new Set(['WebAssemblyKernel']));
      // One fused plan over a shared memory, on the worker pool when the plan is big enough.
      expect(rt.executor?.kind).toMatch(/^fused-(threaded|sync)$/);
    } finally {
      rt.destroy();
    }
  });
});
