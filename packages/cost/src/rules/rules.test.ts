import { describe, expect, it } from 'vitest';
import { CoordattnError, Dim, GraphBuilder, OP_NAMES, floor } from '@coordattn/ir';
import { analyze, evaluate } from '../analyze.js';
import { RULES, ruleFor } from './index.js';

describe('rule registry', () => {
  it('every op in OP_NAMES has exactly one rule, keyed by its name', () => {
    for (const op of OP_NAMES) {
      expect(RULES[op], op).toBeDefined();
      expect(RULES[op].op).toBe(op);
      expect(RULES[op].doc.length).toBeGreaterThan(0);
    }
    expect(Object.keys(RULES).sort()).toEqual([...OP_NAMES]);
  });
  it('an op without a rule is E_NO_RULE, never zero', () => {
    let err: unknown;
    try {
      ruleFor('layer_norm', 'blocks.0.norm');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CoordattnError);
    expect((err as CoordattnError).code).toBe('E_NO_RULE');
    expect((err as CoordattnError).message).toMatch(
      /^E_NO_RULE at blocks\.0\.norm: op 'layer_norm' has no cost rule/,
    );
  });
});

const N = Dim.sym('N');
const C = Dim.sym('C');
const H = Dim.sym('H');
const W = Dim.sym('W');

function one(build: (b: GraphBuilder) => void) {
  const b = new GraphBuilder();
  build(b);
  return analyze(b.build());
}

describe('per-op rules (symbolic)', () => {
  it('conv2d: N·Cout·(Cin/g)·kh·kw·Ho·Wo MACs and numel(out) bias adds', () => {
    const a = one((b) => {
      const x = b.input('x', [N, C, H, W]);
      b.op('conv2d', x, { outChannels: 64, kernel: [3, 5], stride: 2, padding: [1, 2], bias: true });
    });
    const ho = floor(H.sub(1).div(2)).add(1);
    const wo = floor(W.sub(1).div(2)).add(1);
    const out = N.mul(64).mul(ho).mul(wo);
    expect(a.totals.macs.equals(out.mul(C).mul(15))).toBe(true);
    expect(a.totals.biasAdds.equals(out)).toBe(true);
    expect(a.paramCounts.params.equals(C.mul(64 * 15).add(64))).toBe(true);
  });
  it('depthwise conv2d: groups = C gives 9 MACs per output', () => {
    const a = one((b) => {
      const x = b.input('x', [N, C, H, W]);
      b.op('conv2d', x, { outChannels: C, kernel: 3, padding: 1, groups: C });
    });
    expect(a.totals.macs.equals(N.mul(C).mul(H).mul(W).mul(9))).toBe(true);
    expect(a.totals.biasAdds.equals(Dim.const(0))).toBe(true);
  });
  it('linear, batch_norm, activations, elementwise, pools, movement', () => {
    const a = one((b) => {
      const x = b.input('x', [N, C, H, W]);
      const bn = b.op('batch_norm', x, {});
      const r = b.op('relu', bn, {});
      const r6 = b.op('relu6', r, {});
      const s = b.op('sigmoid', r6, {});
      const hs = b.op('hard_swish', s, {});
      const m = b.op('mul', [hs, b.op('global_avg_pool', x, {})], {});
      const mp = b.op('max_pool2d', m, { kernel: 2 });
      b.op('channel_reduce', m, { reduce: 'max' });
      b.op('directional_mean', m, { over: 'W' });
      const f = b.op('flatten', b.op('global_max_pool', mp, {}), {});
      b.op('linear', f, { outFeatures: 10 });
    });
    const e = evaluate(a, { N: 2, C: 8, H: 6, W: 4 }).totals;
    const n = 2 * 8 * 6 * 4;
    expect(e.normOps).toBe(2 * n);
    // relu n, relu6 2n, max_pool 2·2 reads per output = n, channel max n, global max n/4
    expect(e.comparisons).toBe(n + 2 * n + n + n + n / 4);
    expect(e.activations).toBe(2 * n); // sigmoid + hard_swish
    expect(e.elementwise).toBe(n); // broadcast mul
    expect(e.reductions).toBe(n + n); // global avg pool + directional mean
    expect(e.macs).toBe(2 * 8 * 10);
    expect(e.biasAdds).toBe(2 * 10);
    expect(e.params).toBe(2 * 8 + 8 * 10 + 10);
    expect(e.bnRunningStats).toBe(16);
  });
  it('sub, div, offset: one elementwise op per output; clip: one comparison per bound; slice free', () => {
    const a = one((b) => {
      const x = b.input('x', [N, C, H, W]);
      const g = b.op('global_avg_pool', x, {});
      const d = b.op('sub', [x, g], {});
      const q = b.op('div', [d, b.op('offset', g, { value: 2 })], {});
      const lo = b.op('clip', q, { min: -1 });
      const both = b.op('clip', lo, { min: -1, max: 1 });
      b.op('slice', both, { axis: 1, start: 0, end: 4, step: 3 });
    });
    const nchw = N.mul(C).mul(H).mul(W);
    expect(a.totals.elementwise.equals(nchw.mul(2).add(N.mul(C)))).toBe(true);
    expect(a.totals.comparisons.equals(nchw.mul(3))).toBe(true);
    expect(a.totals.reductions.equals(nchw)).toBe(true);
    expect(a.totals.macs.equals(Dim.const(0))).toBe(true);
  });
  it('avg_pool2d: kh·kw reads per output whether or not the padding counts in the divisor', () => {
    for (const countIncludePad of [true, false]) {
      const a = one((b) => {
        const x = b.input('x', [1, 2, 5, 7]);
        b.op('avg_pool2d', x, { kernel: 3, stride: 2, padding: 1, countIncludePad });
      });
      expect(evaluate(a).totals.reductions).toBe(1 * 2 * 3 * 4 * 9);
    }
  });
  it('E_EVAL when a count is not an integer or a symbol is unbound', () => {
    const a = one((b) => {
      const x = b.input('x', [1, C, 1, 1]);
      b.op('reshape', x, { shape: [1, C.div(2), 2, 1] });
    });
    expect(() => evaluate(a, {})).toThrow(/E_EVAL: .*needs a value for 'C'/);
    const b2 = new GraphBuilder();
    const x = b2.input('x', [1, 4, 4, 4]);
    b2.op('avg_pool2d', x, { kernel: 2 });
    const a2 = analyze(b2.build());
    const fake = { ...a2, totals: { ...a2.totals, reductions: Dim.sym('k').div(2) } };
    expect(() => evaluate(fake, { k: 3 })).toThrow(/E_EVAL: total reductions k \/ 2 is not an integer: 3\/2/);
  });
});

describe('documentation', () => {
  it('docs/costs.md names every column and preset', async () => {
    const { readFileSync } = await import('node:fs');
    const { COLUMN_NAMES } = await import('../columns.js');
    const { PRESET_NAMES } = await import('../presets/index.js');
    const doc = readFileSync(new URL('../../../../docs/costs.md', import.meta.url), 'utf8');
    for (const c of COLUMN_NAMES) expect(doc).toContain(`\`${c}\``);
    for (const p of PRESET_NAMES) expect(doc).toContain(`\`${p}\``);
  });
});
