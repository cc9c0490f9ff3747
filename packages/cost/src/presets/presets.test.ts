import { describe, expect, it } from 'vitest';
import { GraphBuilder, attention, type Graph } from '@coordattn/ir';
import { analyze, evaluate } from '../analyze.js';
import { compare } from '../compare.js';
import { applyPreset, PRESET_NAMES, PRESETS, getPreset, presetNotes } from './index.js';

/** torchvision-style SE on 1×576×14×14, squeeze 144 (counting-conventions.md §2.3). */
function seBlock(): Graph {
  const b = new GraphBuilder();
  const x = b.input('input', [1, 576, 14, 14]);
  const y = attention(b, x, {
    kind: 'se',
    config: { reduction: 4, innerActivation: 'relu', gate: 'sigmoid', form: 'conv', bias: true },
  });
  b.output(y);
  return b.build();
}

const C = 576;
const S = 144;
const HW = 14 * 14;

describe('presets on the SE worked example (counting-conventions.md §2.3)', () => {
  const a = analyze(seBlock());
  const total = (name: (typeof PRESET_NAMES)[number]): number => applyPreset(a, name).value.evaluateInt();

  it('ground-truth columns split like the table', () => {
    const e = evaluate(a).totals;
    expect(e.reductions).toBe(C * HW); // global average pool: 112,896
    expect(e.macs).toBe(2 * C * S); // 165,888
    expect(e.biasAdds).toBe(S + C); // 720
    expect(e.comparisons).toBe(S); // ReLU 144
    expect(e.activations).toBe(C); // sigmoid 576
    expect(e.elementwise).toBe(C * HW); // excite multiply 112,896
    expect(e.params).toBe(166_608); // 2CS + S + C
  });
  it('fvcore: 278,784 (CHW + 2CS)', () => expect(total('fvcore')).toBe(278_784));
  it('ptflops 0.7.6 defaults: 392,688 (2CHW + 2CS + C + 3S: the pool and ReLU modules count twice)', () =>
    expect(total('ptflops')).toBe(2 * C * HW + 2 * C * S + C + 3 * S));
  it('ptflops with count_functional=False: 279,648 (CHW + 2CS + C + 2S)', () =>
    expect(total('ptflops-modules')).toBe(279_648));
  it('thop 0.1.1: 279,360 (C(HW+1) + 2CS)', () => expect(total('thop')).toBe(279_360));
  it('FlopCounterMode: 331,776 FLOPs (4CS)', () => expect(total('torch-flop-counter')).toBe(331_776));
  it('paper: 165,888 (2CS, conv MACs only)', () => expect(total('paper')).toBe(165_888));
  it('thop-2019 = thop 0.1.1 (279,360 = C(HW+1) + 2CS) + conv biases (S + C) + ReLU (S)', () =>
    expect(total('thop-2019')).toBe(total('thop') + S + C + S));
  it('full: headline is the MACs column', () => expect(total('full')).toBe(165_888));

  it('compare explains each difference by op and column', () => {
    const c = compare(a);
    expect(c.paper).toBe(165_888);
    const fv = c.presets.find((p) => p.name === 'fvcore')!;
    expect(fv.deltaFromPaper).toBe(C * HW);
    expect(fv.explanation).toEqual([
      expect.objectContaining({ op: 'global_avg_pool', column: 'reductions', delta: C * HW, layers: 1 }),
    ]);
    const tf = c.presets.find((p) => p.name === 'torch-flop-counter')!;
    expect(tf.explanation.map((d) => [d.op, d.column, d.delta])).toEqual([['conv2d', 'macs', 2 * C * S]]);
    for (const p of c.presets) {
      expect(p.explanation.reduce((s, d) => s + d.delta, 0)).toBe(p.deltaFromPaper);
    }
  });
});

describe('preset registry', () => {
  it('every preset names its unit, scale and a one-sentence definition', () => {
    for (const name of PRESET_NAMES) {
      const p = PRESETS[name];
      expect(p.name).toBe(name);
      expect(['MACs', 'FLOPs']).toContain(p.unit);
      expect(['decimal', 'binary']).toContain(p.scale);
      expect(p.definition.length).toBeGreaterThan(20);
      expect(p.definition.trim().endsWith('.')).toBe(true);
    }
  });
  it('unknown preset → E_UNKNOWN_NAME', () => {
    expect(() => getPreset('thop-0.1')).toThrow(/E_UNKNOWN_NAME at preset: unknown preset 'thop-0.1'/);
  });
});

describe('presets on resize (bilinear F.interpolate / nn.Upsample)', () => {
  // x [2,8,3,5] → resize to 6×7: numel(out) = 2·8·6·7 = 672, one sample 336.
  function resized(provenance?: { call: 'module' | 'functional'; torchType: string }): Graph {
    const b = new GraphBuilder();
    const x = b.input('x', [2, 8, 3, 5]);
    b.output(b.op('resize', x, { size: [6, 7] }, { name: 'up', provenance }));
    return b.build();
  }
  const each = (g: Graph) =>
    Object.fromEntries(PRESET_NAMES.map((p) => [p, applyPreset(analyze(g), p).value.evaluateInt()]));

  it('F.interpolate (default provenance): fvcore 4·numel(out), ptflops N·C·prod(size), others 0', () => {
    expect(evaluate(analyze(resized())).totals.reductions).toBe(4 * 672);
    // fvcore: aten::upsample_bilinear2d elementwise_flop_counter(0, 4); ptflops:
    // _interpolate_functional_flops_hook prod(size)·N·C, not divided by the batch; thop and
    // ptflops-modules see modules only; FlopCounterMode and the paper count conv/linear only.
    expect(each(resized())).toEqual({
      paper: 0,
      'thop-2019': 0,
      thop: 0,
      fvcore: 4 * 672,
      ptflops: 672,
      'ptflops-modules': 0,
      'torch-flop-counter': 0,
      full: 0,
    });
  });

  it('nn.Upsample module: thop count_upsample 11·numel(out); ptflops hook C·H·W ÷ batch + F.interpolate', () => {
    const v = each(resized({ call: 'module', torchType: 'Upsample' }));
    expect(v.thop).toBe(11 * 672);
    expect(v['thop-2019']).toBe(0); // no upsample rule in the 2019 thop
    expect(v.fvcore).toBe(4 * 672);
    // upsample_flops_counter_hook: output[0] → 8·6·7 = 336, averaged over the batch of 2: 168
    expect(v['ptflops-modules']).toBe(168);
    expect(v.ptflops).toBe(168 + 672);
  });

  it('fvcore lists no skipped op for it', () => {
    expect(presetNotes(analyze(resized()), 'fvcore')).toEqual(['fvcore skips no op of this graph']);
  });
});

describe('presets on the ops the ONNX importer adds (sub, div, clip, offset, slice)', () => {
  const N = 2;
  const n = N * 8 * 6 * 4;
  type Provenance = Partial<{ call: 'module' | 'functional' | 'tensor'; torchType: string }>;
  /** x [2,8,6,4]: clip → sub → offset → div → slice, with default provenance unless given. */
  function importedOps(prov: { clip?: Provenance; offset?: Provenance } = {}): Graph {
    const b = new GraphBuilder();
    const x = b.input('x', [N, 8, 6, 4]);
    const c = b.op('clip', x, { min: 0, max: 6 }, { name: 'clip', provenance: prov.clip });
    const d = b.op('sub', [x, c], {}, { name: 'sub' });
    const o = b.op('offset', c, { value: 1 }, { name: 'offset', provenance: prov.offset });
    const q = b.op('div', [d, o], {}, { name: 'div' });
    b.output(b.op('slice', q, { axis: 3, start: 1, end: 10, step: 2 }, { name: 'slice' }));
    return b.build();
  }

  it('columns: clip 2 comparisons per element, sub/offset/div one elementwise op each, slice free', () => {
    const e = evaluate(analyze(importedOps())).totals;
    expect(e.comparisons).toBe(2 * n);
    expect(e.elementwise).toBe(3 * n);
    expect(e.macs + e.activations + e.reductions + e.normOps + e.biasAdds).toBe(0);
  });

  it('every preset counts 0 for them with default (tensor-call) provenance', () => {
    const a = analyze(importedOps());
    for (const p of PRESET_NAMES) expect(applyPreset(a, p).value.evaluateInt(), p).toBe(0);
  });

  it('provenance decides: clip as an nn.ReLU6 module, offset as torch.add', () => {
    const a = analyze(
      importedOps({
        clip: { call: 'module', torchType: 'ReLU6' },
        offset: { call: 'functional', torchType: 'torch.add' },
      }),
    );
    const perLayer = (p: (typeof PRESET_NAMES)[number]) =>
      applyPreset(a, p).layers.map((v) => v.value.evaluateInt());
    // ptflops: the ReLU6 module hook numel(out) per sample; torch.add numel, undivided.
    expect(perLayer('ptflops')).toEqual([n / N, 0, n, 0, 0]);
    // thop-2019: the ReLU6 module numel(out); functional calls are invisible.
    expect(perLayer('thop-2019')).toEqual([n, 0, 0, 0, 0]);
    expect(applyPreset(a, 'fvcore').value.evaluateInt()).toBe(0);
  });
});
