/**
 * The analyzer on the IR's backbones against independent numbers only: torchvision's documented
 * params, the PyTorch counts in test-data/torch-counts.json (tools/torch-counts), the published
 * CA and ECA-Net tables (reference-numbers.md).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Dim, buildBackbone, type BackboneName, type BackboneOptions } from '@coordattn/ir';
import { fcParams } from '@coordattn/ir/testing';
import { analyze, evaluate, type Analysis } from './analyze.js';
import { compare } from './compare.js';
import { backboneFormulas } from './formulas.js';
import { PRESETS, applyPreset } from './presets/index.js';
import { buildReport, validateReport } from './report.js';
import { sweep } from './sweep.js';
import { formatCount } from './units.js';
import { render } from './render/index.js';

interface TorchLayer {
  path: string;
  type: string;
  call: number;
  outputShape: number[];
  macs: number;
  params: number;
  thop2019?: number;
}
interface TorchEntry {
  params: number;
  bnRunningStats: number;
  macs: number;
  thop2019?: number;
  layers?: TorchLayer[];
}
const TORCH = JSON.parse(
  readFileSync(new URL('../test-data/torch-counts.json', import.meta.url), 'utf8'),
) as {
  models: Record<string, Record<string, TorchEntry>>;
};

/** torch-counts model name → the IR's backbone options (reference-numbers.md, tools/torch-counts/README.md). */
const MODELS: Record<string, [BackboneName, BackboneOptions]> = {
  mobilenetv2: ['mobilenetv2', {}],
  'mobilenetv2-w0.5': ['mobilenetv2', { width: 0.5 }],
  'mobilenetv2-w1.4': ['mobilenetv2', { width: 1.4 }],
  resnet18: ['resnet18', {}],
  resnet34: ['resnet34', {}],
  resnet50: ['resnet50', {}],
  resnet101: ['resnet101', {}],
  resnet152: ['resnet152', {}],
  'efficientnet-b0': ['efficientnet-b0', {}],
  'mobilenetv3-large': ['mobilenetv3-large', {}],
  'mobilenetv3-small': ['mobilenetv3-small', {}],
  'mobilenetv2-ca-r32': ['mobilenetv2', { attention: { kind: 'ca' }, recipe: 'ca-paper' }],
  'mobilenetv2-se-ca-paper': ['mobilenetv2', { attention: { kind: 'se' }, recipe: 'ca-paper' }],
  'eca-resnet50': ['resnet50', { attention: { kind: 'eca' }, recipe: 'eca-paper' }],
  'eca-resnet101': ['resnet101', { attention: { kind: 'eca' }, recipe: 'eca-paper' }],
  'eca-resnet152': ['resnet152', { attention: { kind: 'eca' }, recipe: 'eca-paper' }],
  'se-resnet50': ['resnet50', { attention: { kind: 'se' }, recipe: 'eca-paper' }],
  'se-resnet101': ['resnet101', { attention: { kind: 'se' }, recipe: 'eca-paper' }],
  'se-resnet152': ['resnet152', { attention: { kind: 'se' }, recipe: 'eca-paper' }],
  'eca-mobilenetv2': ['mobilenetv2', { attention: { kind: 'eca' }, recipe: 'eca-paper' }],
  'se-mobilenetv2-eca-paper': ['mobilenetv2', { attention: { kind: 'se' }, recipe: 'eca-paper' }],
};

const cache = new Map<string, Analysis>();
function analysisOf(model: string, h = 224, w = 224): Analysis {
  const key = `${model}@${h}x${w}`;
  let a = cache.get(key);
  if (!a) {
    const [name, opts] = MODELS[model];
    a = analyze(buildBackbone(name, { ...opts, height: h, widthPx: w }));
    cache.set(key, a);
  }
  return a;
}

const thop = (a: Analysis): number => applyPreset(a, 'thop-2019').value.evaluateInt();

describe('exact integers (reference-numbers.md)', () => {
  const rows: [string, number, number][] = [
    ['mobilenetv2', 3_504_872, 300_774_272],
    ['resnet50', 25_557_032, 4_089_184_256],
    ['efficientnet-b0', 5_288_548, 385_814_752],
    ['mobilenetv2-ca-r32', 3_950_648, 306_666_368],
  ];
  it.each(rows)('%s: %i params, %i MACs', (model, params, macs) => {
    const r = buildReport(analysisOf(model).graph, { analysis: analysisOf(model) });
    expect([r.totals.params, r.totals.macs, r.total.value]).toEqual([params, macs, macs]);
  });
  it("torchvision's documented parameter counts", () => {
    const doc: [BackboneName, number][] = [
      ['resnet18', 11_689_512],
      ['resnet34', 21_797_672],
      ['resnet101', 44_549_160],
      ['resnet152', 60_192_808],
      ['mobilenetv3-large', 5_483_032],
      ['mobilenetv3-small', 2_542_856],
    ];
    for (const [m, p] of doc) expect(evaluate(analysisOf(m)).totals.params, m).toBe(p);
  });
});

describe('torch-counts.json: every model and resolution', () => {
  for (const [model, byRes] of Object.entries(TORCH.models)) {
    it(model, () => {
      expect(MODELS[model], `no IR mapping for ${model}`).toBeDefined();
      for (const [res, want] of Object.entries(byRes)) {
        const [h, w] = res.split('x').map(Number);
        const a = analysisOf(model, h, w);
        const e = evaluate(a).totals;
        const got = { params: e.params, bnRunningStats: e.bnRunningStats, macs: e.macs };
        expect(got, `${model} ${res}`).toEqual({
          params: want.params,
          bnRunningStats: want.bnRunningStats,
          macs: want.macs,
        });
        if (want.thop2019 !== undefined) expect(thop(a), `${model} ${res} thop2019`).toBe(want.thop2019);
        if (want.layers) compareLayers(model, res, a, want.layers);
      }
    });
  }
});

/** Leaf-module calls with a nonzero count, in call order: type, output shape, MACs, per-call 2019 thop. */
function compareLayers(model: string, res: string, a: Analysis, torch: readonly TorchLayer[]): void {
  const withThop = torch.some((l) => l.thop2019 !== undefined);
  const batch = a.graph.inputs[0].shape[0];
  const typeOf = (t: string): string => (t === 'h_swish' ? 'ReLU6' : t);
  const ours = a.layers
    .filter((l) => l.provenance.call === 'module')
    .map((l) => ({
      type: typeOf(l.provenance.torchType),
      shape: l.outputShapes[0].map((d) => d.evaluateInt()),
      macs: l.columns.macs.evaluateInt(),
      // the preset on one layer alone: the per-call value, before the last-call quirk
      thop: withThop ? PRESETS['thop-2019'].layerValues([l], { batch })[0].value.evaluateInt() : 0,
    }))
    .filter((l) => l.macs > 0 || l.thop > 0);
  const theirs = torch
    .map((l) => ({
      type: l.type,
      // ECA's Conv1d runs on the squeezed [N, 1, C] view; the IR keeps [N, C, 1, 1]
      shape: l.type === 'Conv1d' ? [l.outputShape[0], l.outputShape[2], 1, 1] : l.outputShape,
      macs: l.macs,
      thop: l.thop2019 ?? 0,
    }))
    .filter((l) => l.macs > 0 || l.thop > 0);
  expect(ours.length, `${model} ${res}: number of counted leaf calls`).toBe(theirs.length);
  ours.forEach((o, i) =>
    expect(o, `${model} ${res} layer ${i} (${torch.length} leaf calls)`).toEqual(theirs[i]),
  );
  // per-module params at each module's first call
  const ourParams = a.layers.map((l) => l.params.evaluateInt()).filter((p) => p > 0);
  const theirParams = torch.filter((l) => l.call === 0 && l.params > 0).map((l) => l.params);
  expect(ourParams, `${model} ${res}: per-module params`).toEqual(theirParams);
}

describe('ECA-Net Table 3 under thop-2019 (binary units, round half up)', () => {
  // [model, params (M), FLOPs, printed FLOPs unit, decimals]
  const rows: [string, string, string, 'G' | 'M', number][] = [
    ['resnet50', '24.37', '3.86', 'G', 2],
    ['se-resnet50', '26.77', '3.87', 'G', 2],
    ['eca-resnet50', '24.37', '3.86', 'G', 2],
    ['resnet101', '42.49', '7.34', 'G', 2],
    ['se-resnet101', '47.01', '7.35', 'G', 2],
    ['eca-resnet101', '42.49', '7.35', 'G', 2],
    ['resnet152', '57.40', '10.82', 'G', 2],
    ['se-resnet152', '63.68', '10.85', 'G', 2],
    ['eca-resnet152', '57.40', '10.83', 'G', 2],
    ['mobilenetv2', '3.34', '319.4', 'M', 1],
    ['eca-mobilenetv2', '3.34', '319.9', 'M', 1],
  ];
  it.each(rows)('%s: %sM params, %s%s', (model, params, flops, prefix, decimals) => {
    const a = analysisOf(model);
    const r = buildReport(a.graph, { analysis: a, preset: 'thop-2019' });
    expect(r.units).toEqual({ unit: 'MACs', scale: 'binary' });
    expect(formatCount(r.totals.params, 'binary', { prefix: 'M', decimals: 2 })).toBe(`${params}M`);
    expect(formatCount(r.total.value, 'binary', { prefix, decimals })).toBe(`${flops}${prefix}`);
  });
  it('SE-MobileNetV2: params 3.40M match; FLOPs 320.0M against the printed 320.1M (documented exception)', () => {
    const a = analysisOf('se-mobilenetv2-eca-paper');
    const v = thop(a);
    expect(v).toBe(335_557_688);
    expect(formatCount(evaluate(a).totals.params, 'binary', { prefix: 'M', decimals: 2 })).toBe('3.40M');
    expect(formatCount(v, 'binary', { prefix: 'M', decimals: 1 })).toBe('320.0M');
  });
  it('the ECA ResNet-50 kernel params total 80 (the paper\'s "80")', () => {
    expect(
      evaluate(analysisOf('eca-resnet50')).totals.params - evaluate(analysisOf('resnet50')).totals.params,
    ).toBe(80);
  });
});

describe('Coordinate Attention paper table (paper preset, decimal M)', () => {
  const rows: [BackboneOptions['attention'], string, string, number][] = [
    [{ kind: 'none' }, '3.5', '300', 1],
    [{ kind: 'se' }, '3.89', '300', 2],
    [{ kind: 'cbam' }, '3.89', '300', 2],
    [{ kind: 'ca' }, '3.95', '310', 2],
  ];
  it.each(rows)('MobileNetV2 + %o: %sM params, %sM M-Adds', (attention, params, madds, decimals) => {
    const r = buildReport(buildBackbone('mobilenetv2', { attention, recipe: 'ca-paper' }), {
      preset: 'paper',
    });
    expect(formatCount(r.totals.params, 'decimal', { prefix: 'M', decimals })).toBe(`${params}M`);
    // the table rounds M-Adds to two significant figures
    const m = r.total.value / 1e6;
    expect(String(Number(m.toPrecision(2)))).toBe(madds);
  });
  it('SE at the CA position: 3,888,208 params', () => {
    expect(evaluate(analysisOf('mobilenetv2-se-ca-paper')).totals.params).toBe(3_888_208);
  });
});

describe('whole-backbone formulas', () => {
  it('MobileNetV2 + CA with symbolic H, W: the formula equals PyTorch at every resolution', () => {
    const f = backboneFormulas(
      () =>
        buildBackbone('mobilenetv2', {
          attention: { kind: 'ca' },
          recipe: 'ca-paper',
          height: Dim.sym('H'),
          widthPx: Dim.sym('W'),
        }),
      { preset: 'thop-2019' },
    );
    expect(f.symbols).toEqual(['H', 'W']);
    expect(f.params.evaluateInt()).toBe(3_950_648);
    for (const [res, want] of Object.entries(TORCH.models['mobilenetv2-ca-r32'])) {
      const [H, W] = res.split('x').map(Number);
      expect(f.macs.evaluateInt({ H, W }), res).toBe(want.macs);
      expect(f.headline!.evaluateInt({ H, W }), res).toBe(want.thop2019);
    }
  });
  it('ResNet-50 with symbolic H, W equals the numeric analysis at random resolutions (odd, H ≠ W)', () => {
    const f = backboneFormulas(() =>
      buildBackbone('resnet50', { height: Dim.sym('H'), widthPx: Dim.sym('W') }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 32, max: 512 }), fc.integer({ min: 32, max: 512 }), (H, W) => {
        expect(f.macs.evaluateInt({ H, W })).toBe(
          evaluate(analyze(buildBackbone('resnet50', { height: H, widthPx: W }))).totals.macs,
        );
      }),
      fcParams(10), // each run builds and analyses ResNet-50
    );
  });
});

describe('reports and comparisons of real models', () => {
  it('MobileNetV2 + CA: groups by stage sum to the totals; every format renders', () => {
    const a = analysisOf('mobilenetv2-ca-r32');
    const r = buildReport(a.graph, {
      analysis: a,
      groupBy: 'stage',
      model: { name: 'mobilenetv2', backbone: 'mobilenetv2', attention: 'ca', recipe: 'ca-paper' },
    });
    validateReport(r);
    expect(r.groups.rows.map((g) => g.name)).toEqual([
      'stem',
      'stage1',
      'stage2',
      'stage3',
      'stage4',
      'stage5',
      'stage6',
      'stage7',
      'head',
    ]);
    expect(r.groups.rows.reduce((s, g) => s + g.params, 0)).toBe(3_950_648);
    const byBlock = buildReport(a.graph, { analysis: a, groupBy: 'block' });
    const ca = byBlock.groups.rows.filter((g) => g.name.endsWith('attention'));
    expect(ca).toHaveLength(16);
    expect(ca.reduce((s, g) => s + g.macs, 0)).toBe(306_666_368 - 300_774_272);
    for (const f of ['table', 'md', 'csv', 'json', 'latex', 'svg'])
      expect(render(r, f).length).toBeGreaterThan(100);
  });
  it('compare: ResNet-50 under every preset; thop-2019 = torch-counts, explained op by op', () => {
    const c = compare(analysisOf('resnet50'));
    expect(c.paper).toBe(4_089_184_256);
    const byName = Object.fromEntries(c.presets.map((p) => [p.name, p]));
    expect(byName['thop-2019'].value).toBe(TORCH.models.resnet50['224x224'].thop2019);
    expect(byName['torch-flop-counter'].value).toBe(2 * 4_089_184_256);
    for (const p of c.presets)
      expect(
        p.explanation.reduce((s, d) => s + d.delta, 0),
        p.name,
      ).toBe(p.deltaFromPaper);
    const t = byName['thop-2019'].explanation;
    expect(t.some((d) => d.op === 'batch_norm' && d.column === 'normOps')).toBe(true);
    expect(t.some((d) => d.op === 'linear' && d.column === 'other' && d.delta === 2048 * 1000 - 1000)).toBe(
      true,
    );
  });
  it('sweep over r on MobileNetV2 + CA: params piecewise in r, delta vs the plain backbone', () => {
    const s = sweep({
      base: { attention: 'ca', width: 1, resolution: [224, 224] },
      values: { reduction: [8, 16, 32, 64] },
      build: (p) =>
        buildBackbone('mobilenetv2', {
          attention:
            p.attention === 'none'
              ? { kind: 'none' }
              : { kind: 'ca', config: { reduction: p.reduction ?? 32 } },
          recipe: 'ca-paper',
          width: p.width,
          height: p.resolution[0],
          widthPx: p.resolution[1],
        }),
    });
    const r32 = s.rows!.find((x) => x.point.reduction === 32)!;
    expect([r32.totals.params, r32.totals.macs]).toEqual([3_950_648, 306_666_368]);
    expect(r32.delta.params).toBe(3_950_648 - 3_504_872);
    expect(r32.delta.macs).toBe(306_666_368 - 300_774_272);
    const p = s.rows!.map((x) => x.totals.params);
    expect([...p].sort((x, y) => y - x)).toEqual(p); // larger r, fewer params
  });
});
