import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Dim, caMid, ecaAdaptiveK, floorDiv, max, type AttentionSpec } from '@coordattn/ir';
import { fcParams } from '@coordattn/ir/testing';
import { analyze, evaluate } from './analyze.js';
import { blockFormulas, buildBlock, prettyFormula } from './formulas.js';

/** Seed and runs of the properties here: 500 runs each unless FC_RUNS sets them. */
const FC = fcParams(500);

const C = Dim.sym('C');
const H = Dim.sym('H');
const W = Dim.sym('W');
const r = Dim.sym('r');

/** reference-numbers.md closed forms, written independently of the block code. */
const caClosed = (c: number, rr: number, h: number, w: number) => {
  const mid = Math.max(8, Math.floor(c / rr));
  return { params: 3 * c * mid + 2 * c + 3 * mid, macs: 2 * c * mid * (h + w), mid };
};

const ca = (reduction: Dim | number): AttentionSpec => ({ kind: 'ca', config: { reduction } });

function concrete(spec: AttentionSpec, c: number, h: number, w: number) {
  return evaluate(analyze(buildBlock(spec, { C: c, H: h, W: w }))).totals;
}

describe('CA formulas derived from the emitted graph', () => {
  const f = blockFormulas(ca(r), { C, H, W });
  const mid = max(8, floorDiv(C, r));

  it('are provably equal to the closed forms (canonical Dim equality)', () => {
    expect(f.params.equals(C.mul(mid).mul(3).add(C.mul(2)).add(mid.mul(3)))).toBe(true);
    expect(f.macs.equals(C.mul(mid).mul(2).mul(H.add(W)))).toBe(true);
    expect(f.symbols).toEqual(['C', 'H', 'W', 'r']);
  });

  it('C = 960, 7×7, r = 32 → mid 30, 88,410 params, 806,400 conv MACs', () => {
    const b = { C: 960, H: 7, W: 7, r: 32 };
    expect(f.params.evaluateInt(b)).toBe(88_410);
    expect(f.macs.evaluateInt(b)).toBe(806_400);
    const e = concrete(ca(32), 960, 7, 7);
    expect([e.params, e.macs]).toEqual([88_410, 806_400]);
    // the directional pools read 2·C·H·W, the re-weighting is 2·C·H·W multiplies
    expect(e.reductions).toBe(2 * 960 * 49);
    expect(e.elementwise).toBe(2 * 960 * 49);
  });

  it('formula = numeric analysis of a concrete graph = closed form, at random points', () => {
    const seen = { notDividing: 0, floorAt8: 0, oddOrUneven: 0, runs: 0 };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2048 }),
        fc.integer({ min: 1, max: 96 }),
        fc.integer({ min: 32, max: 512 }),
        fc.integer({ min: 32, max: 512 }),
        (c, rr, h, w) => {
          const want = caClosed(c, rr, h, w);
          seen.runs++;
          if (c % rr !== 0) seen.notDividing++;
          if (Math.floor(c / rr) < 8) seen.floorAt8++;
          if (h !== w || h % 2 === 1) seen.oddOrUneven++;
          const b = { C: c, r: rr, H: h, W: w };
          expect(f.params.evaluateInt(b)).toBe(want.params);
          expect(f.macs.evaluateInt(b)).toBe(want.macs);
          const e = concrete(ca(rr), c, h, w);
          expect(e.params).toBe(want.params);
          expect(e.macs).toBe(want.macs);
        },
      ),
      {
        ...FC,
        examples: [
          [960, 32, 7, 7], // the reference example
          [100, 7, 33, 97], // r does not divide C
          [64, 32, 224, 320], // mid floor: 64 // 32 = 2 → 8
          [7, 1, 511, 32], // C < 8 with r = 1: mid 8 > C
          [2048, 3, 512, 31 + 1],
        ],
      },
    );
    expect(seen.runs).toBeGreaterThanOrEqual(Math.min(500, FC.numRuns));
    expect(seen.notDividing).toBeGreaterThan(0);
    expect(seen.floorAt8).toBeGreaterThan(0);
    expect(seen.oddOrUneven).toBeGreaterThan(0);
  });

  it('every resolution 32..512 (odd included, H ≠ W)', () => {
    const c = 96;
    const rr = 5; // 96 / 5 = 19.2 → mid 19
    for (let h = 32; h <= 512; h++) {
      const w = 544 - h + (h % 3); // sweeps W the other way, so H ≠ W almost everywhere
      const want = caClosed(c, rr, h, w);
      const b = { C: c, r: rr, H: h, W: w };
      expect(f.macs.evaluateInt(b)).toBe(want.macs);
      expect(f.params.evaluateInt(b)).toBe(want.params);
      if (h % 16 === 1) expect(concrete(ca(rr), c, h, w).macs).toBe(want.macs);
    }
  });

  it('has a readable form with mid abbreviated, and LaTeX', () => {
    const p = prettyFormula(f.params, { mid: caMid(C, { reduction: r, minMid: 8 }) });
    expect(p.text).toBe('3 * C * mid + 2 * C + 3 * mid, where mid = max(floor(C / r), 8)');
    expect(p.latex).toContain('\\mathrm{mid}');
    expect(p.latex).toContain('\\left\\lfloor');
  });
});

describe('ECA and SE formulas', () => {
  it('ECA: params = k, MACs = k·C with adaptive k as a piecewise function of C', () => {
    const f = blockFormulas({ kind: 'eca' }, { C, H, W });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8191 }), fc.integer({ min: 1, max: 64 }), (c, h) => {
        const t = Math.floor((Math.log2(c) + 1) / 2);
        const k = t % 2 === 1 ? t : t + 1;
        expect(k).toBe(ecaAdaptiveK(c));
        const b = { C: c, H: h, W: h + 1 };
        expect(f.params.evaluateInt(b)).toBe(k);
        expect(f.macs.evaluateInt(b)).toBe(k * c);
      }),
      {
        ...FC,
        examples: [
          [7, 1],
          [8, 1],
          [127, 3],
          [128, 3],
          [2047, 9],
          [2048, 9],
          [8191, 2],
        ],
      },
    );
    const table: [number, number][] = [
      [7, 1],
      [8, 3],
      [127, 3],
      [128, 5],
      [2047, 5],
      [2048, 7],
      [8191, 7],
    ];
    for (const [c, k] of table) expect(f.params.evaluateInt({ C: c, H: 1, W: 1 })).toBe(k);
  });

  it('SE(C, r) with bias: params = 2·C·m + m + C, m = ⌊C/r⌋', () => {
    const f = blockFormulas({ kind: 'se', config: { reduction: r } }, { C, H, W });
    const m = floorDiv(C, r);
    expect(f.params.equals(C.mul(m).mul(2).add(m).add(C))).toBe(true);
    expect(f.macs.equals(C.mul(m).mul(2))).toBe(true);
  });
});
