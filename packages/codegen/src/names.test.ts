/**
 * Kernel names are unique by construction: value ids that read alike once made identifiers
 * (`a.b` and `a_b`) get distinct kernel names, and the program runs and emits.
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '@coordattn/ir';
import { compile } from './compile.js';
import { emitModule } from './emit/emit.js';
import { KernelNamer } from './kernels/index.js';
import { seededTensor, seededWeights } from './test-util.js';
import { verifyCompiled } from './verify.js';

describe('kernel names', () => {
  it('a.b and a_b (and a_b_2 named by the user) become three distinct kernels that verify', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 4, 3, 3]);
    const y1 = b.op('conv2d', x, { outChannels: 4, kernel: 1 }, { name: 'a.b' });
    const y2 = b.op('conv2d', y1, { outChannels: 4, kernel: 1 }, { name: 'a_b' });
    const y3 = b.op('conv2d', y2, { outChannels: 4, kernel: 1 }, { name: 'a_b_2' });
    b.output(y3);
    const graph = b.build();
    const weights = seededWeights(graph, 1);
    const compiled = compile(graph, weights);
    const names = compiled.program.kernels.map((k) => k.name);
    expect(new Set(names).size).toBe(3);
    expect(names).toEqual(['conv2d_a_b', 'conv2d_a_b_2', 'conv2d_a_b_2_2']);
    for (const k of compiled.program.kernels) expect(k.source).toContain(`function ${k.name}(`);
    const r = verifyCompiled(graph, compiled, weights, { x: seededTensor([1, 4, 3, 3], 2) }, 'cpu');
    expect(r.pass).toBe(true);
    expect(() => emitModule(compiled)).not.toThrow();
  });

  it('the namer gives the first free numeric suffix, in order', () => {
    const n = new KernelNamer();
    expect(['k', 'k', 'k_2', 'k', 'j'].map((b) => n.take(b))).toEqual(['k', 'k_2', 'k_2_2', 'k_3', 'j']);
  });
});
