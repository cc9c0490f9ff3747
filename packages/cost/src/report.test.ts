import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Dim, GraphBuilder, attention, type AttentionKind, type Graph } from '@coordattn/ir';
import { blockFormulas, buildBlock } from './formulas.js';
import { ReportSchema, buildReport, reportJsonSchema, validateReport, type Report } from './report.js';
import { sweep, type SweepPoint } from './sweep.js';
import { FORMATS, render } from './render/index.js';

const SCHEMA_FILE = fileURLToPath(new URL('../../../docs/report.schema.json', import.meta.url));

/** A small hand-built network: stem conv + BN + ReLU6, one attention block, pooled classifier. */
function tiny(p: SweepPoint): Graph {
  const b = new GraphBuilder();
  let x = b.input('input', [1, 3, p.resolution[0], p.resolution[1]]);
  x = b.scope('stage1', () => {
    let y = b.op(
      'conv2d',
      x,
      { outChannels: Math.round(64 * p.width), kernel: 3, stride: 2, padding: 1 },
      { name: 'conv' },
    );
    y = b.op('batch_norm', y, {}, { name: 'bn' });
    y = b.op('relu6', y, {}, { name: 'act' });
    const kind: AttentionKind = p.attention;
    const config =
      p.reduction !== undefined && (kind === 'ca' || kind === 'se' || kind === 'cbam')
        ? { reduction: p.reduction }
        : {};
    return attention(b, y, { kind, config } as Parameters<typeof attention>[2]);
  });
  x = b.scope('head', () => {
    const g = b.op(
      'global_avg_pool',
      x,
      {},
      { name: 'pool', provenance: { call: 'functional', torchType: 'adaptive_avg_pool2d' } },
    );
    const f = b.op('flatten', g, { startDim: 1 }, { name: 'flatten' });
    return b.op('linear', f, { outFeatures: 10 }, { name: 'fc' });
  });
  b.output(x);
  return b.build();
}

const base: SweepPoint = { attention: 'ca', reduction: 32, width: 1, resolution: [64, 48] };

describe('report', () => {
  const r = buildReport(tiny(base), {
    model: { name: 'tiny', attention: 'ca', width: 1 },
    preset: 'ptflops',
    groupBy: 'stage',
  });

  it('validates against the schema, names its preset, units and headline', () => {
    expect(() => validateReport(r)).not.toThrow();
    expect(r.schemaVersion).toBe(2);
    expect(r.preset.name).toBe('ptflops');
    expect(r.units).toEqual({ unit: 'MACs', scale: 'decimal' });
    expect(r.total.definition.length).toBeGreaterThan(20);
    expect(r.model.resolution).toEqual([64, 48]);
    expect(r.model.classes).toBe(10);
    expect(r.groups.rows.map((g) => g.name)).toEqual(['stage1', 'head']);
    expect(r.layers.reduce((s, l) => s + l.presetValue, 0)).toBe(r.total.value);
    expect(r.groups.rows.reduce((s, g) => s + g.macs, 0)).toBe(r.totals.macs);
    expect(r.totals.macs).toBe(r.layers.reduce((s, l) => s + l.macs, 0));
  });

  it('always carries params and conv+linear MACs, whatever the preset', () => {
    const t = buildReport(tiny(base), { preset: 'torch-flop-counter' });
    expect(t.totals.params).toBe(r.totals.params);
    expect(t.totals.macs).toBe(r.totals.macs);
    expect(t.total.value).toBe(2 * r.totals.macs);
    expect(t.total.unit).toBe('FLOPs');
  });

  it('with --symbolic: params and MACs as text and LaTeX', () => {
    const sym = buildBlock(
      { kind: 'ca', config: { reduction: Dim.sym('r') } },
      { C: Dim.sym('C'), H: Dim.sym('H'), W: Dim.sym('W') },
    );
    const rep = buildReport(sym, { symbolic: true, bindings: { C: 960, H: 7, W: 7, r: 32 } });
    validateReport(rep);
    expect(rep.totals.params).toBe(88_410);
    expect(rep.totals.macs).toBe(806_400);
    expect(rep.model.resolution).toEqual(['H', 'W']);
    expect(rep.formulas!.symbols).toEqual(['C', 'H', 'W', 'r']);
    expect(rep.formulas!.macs.text).toBe(
      blockFormulas(
        { kind: 'ca', config: { reduction: Dim.sym('r') } },
        { C: Dim.sym('C'), H: Dim.sym('H'), W: Dim.sym('W') },
      ).macs.toString(),
    );
    expect(rep.formulas!.params.latex).toMatch(/lfloor/);
    expect(() => buildReport(sym, {})).toThrow(/E_EVAL: .*needs a value for/);
  });

  it('docs/report.schema.json is the schema generated from zod', () => {
    const generated = reportJsonSchema();
    // On failure, regenerate: npx tsx --conditions=@coordattn/source tools/gen-schemas.ts (from the repository root)
    expect(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'))).toEqual(generated);
  });

  it('rejects malformed reports', () => {
    expect(ReportSchema.safeParse({ ...r, schemaVersion: 1 }).success).toBe(false);
    expect(ReportSchema.safeParse({ ...r, totals: { ...r.totals, macs: 1.5 } }).success).toBe(false);
    expect(ReportSchema.safeParse({ ...r, extra: 1 }).success).toBe(false);
  });
});

describe('sweep', () => {
  const s = sweep({
    base,
    values: { reduction: [4, 8, 16, 32, 64] },
    build: tiny,
    model: (p) => ({ name: 'tiny', attention: p.attention, width: p.width }),
  });
  it('one row per point with totals and delta vs the attention-free network', () => {
    validateReport(s);
    expect(s.sweep!.keys).toEqual(['reduction']);
    expect(s.rows!.map((x) => x.point.reduction)).toEqual([4, 8, 16, 32, 64]);
    const none = buildReport(tiny({ ...base, attention: 'none' }));
    for (const x of s.rows!) {
      const c = 64;
      const mid = Math.max(8, Math.floor(c / (x.point.reduction as number)));
      expect(x.delta.params).toBe(3 * c * mid + 2 * c + 3 * mid);
      expect(x.delta.macs).toBe(2 * c * mid * (32 + 24));
      expect(x.delta.baseline.params).toBe(none.totals.params);
      expect(x.totals.params - x.delta.params).toBe(none.totals.params);
      expect(x.delta.paramsPct).toBeCloseTo((100 * x.delta.params) / none.totals.params, 3);
    }
  });
  it('attention kinds × widths', () => {
    const k = sweep({
      base,
      values: { attention: ['none', 'se', 'eca', 'ca'], width: [0.5, 1] },
      build: tiny,
    });
    expect(k.rows!).toHaveLength(8);
    expect(k.rows!.filter((x) => x.point.attention === 'none').every((x) => x.delta.params === 0)).toBe(true);
    expect(() => sweep({ base, values: {}, build: tiny })).toThrow(/E_OPTION/);
  });
});

/** Minimal XML well-formedness check: balanced tags, quoted attributes; returns the elements. */
function parseXml(s: string): { name: string; attrs: Record<string, string> }[] {
  const els: { name: string; attrs: Record<string, string> }[] = [];
  const stack: string[] = [];
  const re = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<[^>]*>/g;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(s))) {
    expect(s.slice(last, m.index)).not.toMatch(/[<>]/);
    last = re.lastIndex;
    if (!m[2]) throw new Error(`bad tag ${m[0]}`);
    if (m[1]) {
      expect(stack.pop()).toBe(m[2]);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of m[3].matchAll(/([\w:-]+)="([^"]*)"/g))
      attrs[a[1]] = a[2]
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
    els.push({ name: m[2], attrs });
    if (!m[4]) stack.push(m[2]);
  }
  expect(stack).toEqual([]);
  return els;
}

function textOf(svg: string): string {
  return svg.replace(/<[^>]*>/g, ' ');
}

describe('renderers', () => {
  const single = buildReport(tiny(base), { model: { name: 'tiny' }, preset: 'thop-2019', groupBy: 'stage' });
  const sw = sweep({ base, values: { reduction: [2, 4, 8] }, build: tiny, report: { preset: 'paper' } });

  it('every format names the preset, and text formats the unit and the definition', () => {
    for (const f of FORMATS) {
      for (const rep of [single, sw] as Report[]) {
        const out = render(rep, f);
        expect(out.length).toBeGreaterThan(0);
        expect(out).toContain(rep.preset.name);
        if (f !== 'csv') expect(out).toContain(rep.units.unit);
      }
    }
    expect(render(single, 'table')).toContain(single.total.definition);
    expect(render(single, 'md')).toContain('| stage |');
    expect(() => render(single, 'pdf')).toThrow(/E_UNKNOWN_NAME at format/);
  });

  it('json round-trips and validates', () => {
    expect(validateReport(JSON.parse(render(sw, 'json')))).toEqual(sw);
  });

  it('csv: one line per layer (single) or point (sweep), exact integers', () => {
    const lines = render(single, 'csv').trim().split('\n');
    expect(lines).toHaveLength(single.layers.length + 1);
    const head = lines[0].split(',');
    const i = head.indexOf('macs');
    expect(lines.slice(1).reduce((s, l) => s + Number(l.split(',')[i]), 0)).toBe(single.totals.macs);
    expect(render(sw, 'csv').trim().split('\n')).toHaveLength(4);
  });

  it('latex: a booktabs table', () => {
    const t = render(sw, 'latex');
    for (const k of ['\\toprule', '\\midrule', '\\bottomrule', '\\begin{tabular}', '\\caption{'])
      expect(t).toContain(k);
    expect(render(single, 'latex')).toContain('Params (K = $2^{10}$) & MACs (M = $2^{20}$)');
    expect(t).toContain('reduction & Params (K) & $\\Delta$ & MACs (M) & $\\Delta$ \\\\');
  });

  it('svg (sweep): valid, viewBox, labelled axes, one mark per point with data-value = JSON value', () => {
    const svg = render(sw, 'svg');
    const els = parseXml(svg);
    expect(els[0].name).toBe('svg');
    expect(els[0].attrs.viewBox).toMatch(/^0 0 \d+ \d+$/);
    expect(els[0].attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    const text = textOf(svg);
    expect(text).toContain('reduction ratio r');
    expect(text).toContain('params (K)');
    expect(text).toContain('MACs, paper preset');
    const marks = els.filter((e) => e.attrs.class === 'mark');
    const params = marks
      .filter((e) => e.attrs['data-field'] === 'totals.params')
      .map((e) => Number(e.attrs['data-value']));
    const totals = marks
      .filter((e) => e.attrs['data-field'] === 'total.value')
      .map((e) => Number(e.attrs['data-value']));
    expect(params).toEqual(sw.rows!.map((x) => x.totals.params));
    expect(totals).toEqual(sw.rows!.map((x) => x.total.value));
  });

  it('svg (single model): one bar per stage with data-value = the stage group value', () => {
    const svg = render(single, 'svg');
    const els = parseXml(svg);
    const bars = els.filter((e) => e.name === 'rect' && e.attrs.class === 'mark');
    const byField = (f: string) => bars.filter((e) => e.attrs['data-field'] === f);
    expect(
      byField('groups[stage].presetValue').map((e) => [e.attrs['data-label'], Number(e.attrs['data-value'])]),
    ).toEqual(single.groups.rows.map((g) => [g.name, g.presetValue]));
    expect(byField('groups[stage].params').map((e) => Number(e.attrs['data-value']))).toEqual(
      single.groups.rows.map((g) => g.params),
    );
    expect(textOf(svg)).toContain('thop-2019');
    expect(textOf(svg)).toContain('binary');
  });
});

describe('block grouping of backbone layers', () => {
  it('follows torchvision block paths', async () => {
    const { backboneBlock } = await import('./report.js');
    expect(backboneBlock('features.3.conv.0.0')).toBe('features.3');
    expect(backboneBlock('features.0.0')).toBe('features.0');
    expect(backboneBlock('layer1.0.relu@2')).toBe('layer1.0');
    expect(backboneBlock('features.2.0.block.1.0')).toBe('features.2.0');
    expect(backboneBlock('classifier.1')).toBe('classifier');
    expect(backboneBlock('fc')).toBe('fc');
  });
});
