import { describe, expect, it } from 'vitest';
import { GraphBuilder, attention } from '@coordattn/ir';
import { activationBytes, analyze, evaluate } from './analyze.js';

describe('params', () => {
  it('CBAM: shared MLP weights count once, MACs twice; BN γ/β optional; running stats apart', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 64, 8, 8]);
    b.output(attention(b, x, { kind: 'cbam', config: { reduction: 16 } }));
    const g = b.build();
    const e = evaluate(analyze(g)).totals;
    const mlp = 64 * 4 + 4 + 4 * 64 + 64;
    expect(e.params).toBe(mlp + 2 * 49 + 2); // MLP once + 7×7 conv 2→1 + BN(1) γβ
    expect(e.paramsWithoutBN).toBe(mlp + 98);
    expect(e.bnRunningStats).toBe(2);
    expect(e.macs).toBe(2 * (64 * 4 + 4 * 64) + 2 * 49 * 64);
    expect(e.paramBytes).toBe(4 * (mlp + 98 + 2 + 2));
    const noBn = evaluate(analyze(g, { includeBnAffine: false })).totals;
    expect(noBn.params).toBe(mlp + 98);
  });
});

describe('activation memory', () => {
  it('peak of live values in execution order (float32)', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 10, 1, 1]); // 40 B
    const a = b.op('relu', x, {}); // 40
    const c = b.op('sigmoid', a, {}); // x dead after a; a live until d
    const d = b.op('add', [a, c], {});
    b.output(d);
    // step relu: x + a = 80; sigmoid: a + c = 80; add: a + c + d = 120
    expect(activationBytes(b.build(), {})).toBe(120);
  });
  it('graph outputs stay live to the end; split outputs are separate values', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 4, 2, 1]); // 32 B
    const [p, q] = b.opMulti('split', x, { axis: 1, sizes: [1, 3] }); // 8 + 24
    b.output(p);
    const r = b.op('relu', q, {}); // 24
    b.output(r);
    // split: x 32 + p 8 + q 24 = 64; then x dies; relu: p 8 + q 24 + r 24 = 56
    expect(activationBytes(b.build(), {})).toBe(64);
  });
});
