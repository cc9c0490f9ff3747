/**
 * The report's charts, drawn by Observable Plot as SVG. Every mark that stands for one number of the
 * data (a dot, a bar) carries that number as `data-value` — the exact integer of the embedded JSON,
 * or its percentage as given there — plus `data-field` (where in a row it is), `data-x` and
 * `data-series`; each chart's <figure> says how many such marks it has (`data-marks`).
 */
import * as Plot from '@observablehq/plot';
import type { Comparison, GroupRow, Report } from '@coordattn/cost';
import { prefixFor, prefixNote, short, withCommas, type Scale } from './format.js';
import {
  KEY_LABELS,
  paretoFront,
  pointShort,
  sampleRows,
  seriesLabel,
  sweepLayout,
  type SweepLayout,
} from './sweep.js';

const WIDTH = 600;
const HEIGHT = 320;
const FONT = '"DejaVu Sans", sans-serif';

type Attrs = Readonly<Record<string, string | number>>;

/** A render transform that sets attributes on each element the mark draws (one per index). */
function tag<T>(data: readonly T[], attrs: (d: T) => Attrs): Plot.RenderFunction {
  return (index, scales, values, dimensions, context, next) => {
    const g = next!(index, scales, values, dimensions, context);
    if (g === null) return g;
    const els = [...g.children].filter((e) => e.tagName !== 'title');
    index.forEach((i, j) => {
      const el = els[j];
      if (el === undefined) return;
      el.classList.add('mark');
      for (const [k, v] of Object.entries(attrs(data[i]))) el.setAttribute(k, String(v));
    });
    return g;
  };
}

export interface Chart {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  /** Marks that carry data-value. */
  readonly marks: number;
  readonly node: Element;
}

function axisFormat(p: { divisor: number }): (d: number) => string {
  return (d) => {
    const v = d / p.divisor;
    return Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000);
  };
}

function unitLabel(
  name: string,
  max: number,
  scale: Scale,
): { label: string; format: (d: number) => string } {
  const p = prefixFor(max, scale);
  const note = prefixNote(p, scale);
  return { label: note === '' ? name : `${name} (${note})`, format: axisFormat(p) };
}

function plot(options: Plot.PlotOptions): Element {
  return Plot.plot({
    width: WIDTH,
    height: HEIGHT,
    marginTop: 30,
    marginLeft: 70,
    marginBottom: 48,
    style: { fontFamily: FONT, fontSize: '11px', background: 'transparent', overflow: 'visible' },
    ...options,
  });
}

/** One sweep point, flattened for the charts. */
interface PointDatum {
  readonly row: number;
  readonly label: string;
  readonly x: number | string;
  readonly series: string;
  readonly params: number;
  readonly total: number;
  readonly macs: number;
  readonly paramsPct: number;
  readonly totalPct: number;
}

function pointData(r: Report, layout: SweepLayout): PointDatum[] {
  const keys = r.sweep?.keys ?? [];
  return (r.rows ?? []).map((row, i) => ({
    row: i,
    label: pointShort(row.point, keys),
    x: row.point[layout.x] ?? i,
    series: seriesLabel(row.point, layout),
    params: row.totals.params,
    total: row.total.value,
    macs: row.totals.macs,
    paramsPct: row.delta.paramsPct,
    totalPct: row.delta.totalPct,
  }));
}

function headlineName(r: Report): string {
  return `${r.units.unit}, preset ${r.preset.name}`;
}

/** Params or the headline against the swept key (lines, or bars for categories; a series per other key). */
function metricChart(r: Report, metric: 'params' | 'total'): Chart {
  const keys = r.sweep?.keys ?? [];
  const layout = sweepLayout(keys, r.rows ?? []);
  const data = pointData(r, layout);
  const scale: Scale = metric === 'params' ? 'decimal' : r.units.scale;
  const value = (d: PointDatum): number => (metric === 'params' ? d.params : d.total);
  const y = unitLabel(
    metric === 'params' ? 'params' : headlineName(r),
    Math.max(...data.map(value), 1),
    scale,
  );
  const field = metric === 'params' ? 'rows[].totals.params' : 'rows[].total.value';
  const attrs = (d: PointDatum): Attrs => ({
    'data-value': value(d),
    'data-field': field,
    'data-x': String(d.x),
    'data-series': d.series,
    'data-row': d.row,
  });
  const title = (d: PointDatum): string => `${d.label}: ${withCommas(value(d))}`;
  const xLabel = KEY_LABELS[layout.x] ?? layout.x;
  const many = layout.series.length > 0;
  let node: Element;
  if (layout.mark === 'line') {
    const domain = layout.xKind === 'ordinal' ? [...new Set(data.map((d) => d.x))] : undefined;
    node = plot({
      x: {
        label: xLabel,
        type: layout.xKind === 'linear' ? 'linear' : 'point',
        ...(domain ? { domain } : {}),
      },
      y: { label: y.label, tickFormat: y.format, grid: true, zero: false, nice: true },
      color: many ? { legend: true, domain: [...new Set(data.map((d) => d.series))] } : undefined,
      marks: [
        Plot.line(data, { x: 'x', y: value, stroke: many ? 'series' : '#4e79a7', strokeWidth: 1.5 }),
        Plot.dot(data, {
          x: 'x',
          y: value,
          r: data.length > 60 ? 2.5 : 4,
          fill: many ? 'series' : '#e15759',
          title,
          render: tag(data, attrs),
        }),
      ],
    });
  } else {
    const xs = [...new Set(data.map((d) => String(d.x)))];
    node = plot({
      x: many
        ? { axis: null, domain: [...new Set(data.map((d) => d.series))] }
        : { label: xLabel, domain: xs },
      ...(many ? { fx: { label: xLabel, domain: xs } } : {}),
      y: { label: y.label, tickFormat: y.format, grid: true },
      color: many ? { legend: true } : undefined,
      marks: [
        Plot.barY(data, {
          ...(many
            ? { fx: (d: PointDatum) => String(d.x), x: 'series', fill: 'series' }
            : { x: (d: PointDatum) => String(d.x), fill: '#4e79a7' }),
          y: value,
          title,
          render: tag(data, attrs),
        }),
        // The values on the bars: bars of nearly equal height still read apart.
        !many && data.length <= 12
          ? Plot.text(data, {
              x: (d: PointDatum) => String(d.x),
              y: value,
              text: (d: PointDatum) => short(value(d), scale),
              dy: -7,
              fontSize: 10,
            })
          : null,
        Plot.ruleY([0]),
      ],
    });
  }
  const what = metric === 'params' ? 'Parameters' : `${r.units.unit} (preset ${r.preset.name})`;
  return {
    id: `chart-${metric}`,
    title: `${what} vs ${keys.length === 1 ? xLabel : keys.join(' × ')}`,
    caption:
      metric === 'params'
        ? 'Trainable parameters of each point (totals.params).'
        : `The preset's headline of each point (total.value), in ${r.units.unit}, ${r.units.scale} units.`,
    marks: data.length,
    node,
  };
}

/** Δparams % and Δheadline % from the attention-free backbone, side by side per point. */
function overheadChart(r: Report, max: number): Chart {
  const keys = r.sweep?.keys ?? [];
  const layout = sweepLayout(keys, r.rows ?? []);
  const all = pointData(r, layout);
  const shown = sampleRows(all.length, max).map((i) => all[i]);
  const metrics = ['params', r.units.unit] as const;
  type D = {
    readonly p: PointDatum;
    readonly metric: string;
    readonly value: number;
    readonly field: string;
  };
  const data: D[] = shown.flatMap((p) => [
    { p, metric: metrics[0], value: p.paramsPct, field: 'rows[].delta.paramsPct' },
    { p, metric: metrics[1], value: p.totalPct, field: 'rows[].delta.totalPct' },
  ]);
  const labels = shown.map((p) => p.label);
  const node = plot({
    fx: {
      label: keys.map((k) => KEY_LABELS[k] ?? k).join(' · '),
      domain: labels,
      tickRotate: labels.some((l) => l.length > 8) ? -20 : 0,
    },
    x: { axis: null, domain: [...metrics] },
    y: { label: '% over the attention-free backbone', grid: true },
    color: { legend: true, domain: [...metrics], range: ['#4e79a7', '#f28e2b'] },
    marginBottom: labels.some((l) => l.length > 8) ? 80 : 48,
    marks: [
      Plot.barY(data, {
        fx: (d: D) => d.p.label,
        x: 'metric',
        y: 'value',
        fill: 'metric',
        title: (d: D) => `${d.p.label}: ${d.metric} ${d.value >= 0 ? '+' : ''}${d.value.toFixed(3)}%`,
        render: tag(data, (d) => ({
          'data-value': d.value,
          'data-field': d.field,
          'data-x': d.p.label,
          'data-series': d.metric,
          'data-row': d.p.row,
        })),
      }),
      Plot.ruleY([0]),
    ],
  });
  return {
    id: 'chart-overhead',
    title: 'Cost of attention: params and ' + r.units.unit + ' added, side by side',
    caption: `delta.paramsPct and delta.totalPct of each point: the increase over the same backbone without attention (same width and resolution)${
      shown.length < all.length ? `; ${shown.length} of ${all.length} points shown` : ''
    }.`,
    marks: data.length,
    node,
  };
}

/** Params against the headline, every point a dot, the Pareto front (min params, min cost) joined. */
function paretoChart(r: Report): Chart {
  const keys = r.sweep?.keys ?? [];
  const layout = sweepLayout(keys, r.rows ?? []);
  const data = pointData(r, layout);
  const front = paretoFront(data.map((d) => ({ params: d.params, cost: d.total })));
  const onFront = new Set(front);
  const frontData = front.map((i) => data[i]);
  const dominated = data.filter((d) => !onFront.has(d.row));
  const x = unitLabel('params', Math.max(...data.map((d) => d.params), 1), 'decimal');
  const y = unitLabel(headlineName(r), Math.max(...data.map((d) => d.total), 1), r.units.scale);
  const node = plot({
    x: { label: x.label, tickFormat: x.format, grid: true, nice: true, zero: false },
    y: { label: y.label, tickFormat: y.format, grid: true, nice: true, zero: false },
    color: { legend: true, domain: ['Pareto front', 'dominated'], range: ['#e15759', '#bab0ac'] },
    marks: [
      Plot.line(frontData, {
        x: 'params',
        y: 'total',
        stroke: '#e15759',
        strokeDasharray: '4 3',
        curve: 'step-after',
      }),
      // Dominated points first, so that the front is drawn on top of any point it coincides with.
      ...[dominated, frontData].map((subset) =>
        Plot.dot(subset, {
          x: 'params',
          y: 'total',
          r: data.length > 60 ? 3 : 5,
          fill: (d: PointDatum) => (onFront.has(d.row) ? 'Pareto front' : 'dominated'),
          stroke: 'white',
          title: (d: PointDatum) =>
            `${d.label}: ${withCommas(d.params)} params, ${withCommas(d.total)} ${r.units.unit}`,
          render: tag(subset, (d) => ({
            'data-value': d.total,
            'data-field': 'rows[].total.value',
            'data-x': d.params,
            'data-series': d.label,
            'data-row': d.row,
            'data-pareto': onFront.has(d.row) ? 'true' : 'false',
          })),
        }),
      ),
      data.length <= 24
        ? Plot.text(labelClusters(data), {
            x: 'params',
            y: 'total',
            text: 'label',
            dy: -10,
            fontSize: 10,
            fill: '#333',
          })
        : null,
    ],
  });
  return {
    id: 'chart-pareto',
    title: `Params vs ${r.units.unit}: the Pareto front`,
    caption: `Each point of the sweep; red: not dominated (no other point has fewer or equal params and ${r.units.unit}, one of them fewer). ${front.length} of ${data.length} on the front.`,
    marks: data.length,
    node,
  };
}

/**
 * Labels for the scatter: points that (nearly) coincide — within 2% of the axis ranges — share one
 * label (`none, eca`), placed at the first of them.
 */
function labelClusters(data: readonly PointDatum[]): { params: number; total: number; label: string }[] {
  const span = (v: readonly number[]): number => Math.max(...v) - Math.min(...v) || 1;
  const dx = 0.02 * span(data.map((d) => d.params));
  const dy = 0.02 * span(data.map((d) => d.total));
  const out: { params: number; total: number; label: string }[] = [];
  for (const d of data) {
    const near = out.find((o) => Math.abs(o.params - d.params) <= dx && Math.abs(o.total - d.total) <= dy);
    if (near !== undefined) near.label += `, ${d.label}`;
    else out.push({ params: d.params, total: d.total, label: d.label });
  }
  return out;
}

/** Params and the headline per stage: bars per stage, the points side by side. */
function stageCharts(
  r: Report,
  points: readonly {
    readonly label: string;
    readonly row: number | undefined;
    readonly stages: readonly GroupRow[];
  }[],
  note: string,
): Chart[] {
  type D = {
    readonly stage: string;
    readonly label: string;
    readonly row: number | undefined;
    readonly g: GroupRow;
  };
  const data: D[] = points.flatMap((p) =>
    p.stages.map((g) => ({ stage: g.name, label: p.label, row: p.row, g })),
  );
  const stages = [...new Set(data.map((d) => d.stage))];
  const labels = points.map((p) => p.label);
  const many = points.length > 1;
  return (['params', 'presetValue'] as const).map((metric): Chart => {
    const scale: Scale = metric === 'params' ? 'decimal' : r.units.scale;
    const value = (d: D): number => d.g[metric];
    const y = unitLabel(
      metric === 'params' ? 'params' : headlineName(r),
      Math.max(...data.map(value), 1),
      scale,
    );
    const node = plot({
      ...(many ? { fx: { label: 'stage', domain: stages } } : {}),
      x: many ? { axis: null, domain: labels } : { label: 'stage', domain: stages },
      y: { label: y.label, tickFormat: y.format, grid: true },
      color: many ? { legend: true, domain: labels } : undefined,
      marks: [
        Plot.barY(data, {
          ...(many ? { fx: 'stage', x: 'label', fill: 'label' } : { x: 'stage', fill: '#4e79a7' }),
          y: value,
          title: (d: D) => `${d.stage}${many ? ` (${d.label})` : ''}: ${withCommas(value(d))}`,
          render: tag(data, (d) => ({
            'data-value': value(d),
            'data-field': `groups[stage].${metric}`,
            'data-x': d.stage,
            'data-series': d.label,
            ...(d.row !== undefined ? { 'data-row': d.row } : {}),
          })),
        }),
        Plot.ruleY([0]),
      ],
    });
    const what = metric === 'params' ? 'Parameters' : `${r.units.unit} (preset ${r.preset.name})`;
    return {
      id: `chart-stages-${metric === 'params' ? 'params' : 'total'}`,
      title: `${what} per stage`,
      caption: `${metric === 'params' ? 'Trainable parameters' : "The preset's headline"} of each stage (stem, the placement table's stages, head)${note}.`,
      marks: data.length,
      node,
    };
  });
}

/** Every preset's headline on the model, with its display. */
function compareChart(c: Comparison, model: string): Chart {
  const data = c.presets;
  type P = (typeof data)[number];
  const x = unitLabel('headline, in each preset’s unit', Math.max(...data.map((p) => p.value), 1), 'decimal');
  const node = plot({
    marginLeft: 130,
    marginRight: 150,
    height: 40 + 26 * data.length,
    y: { label: null, domain: data.map((p) => p.name) },
    x: { label: x.label, tickFormat: x.format, grid: true },
    marks: [
      Plot.barX(data, {
        y: 'name',
        x: 'value',
        fill: (p: P) => (p.unit === 'FLOPs' ? '#f28e2b' : '#4e79a7'),
        title: (p: P) => `${p.name}: ${withCommas(p.value)} ${p.unit} (${p.display})`,
        render: tag(data, (p) => ({
          'data-value': p.value,
          'data-field': 'compare.presets[].value',
          'data-x': p.name,
          'data-series': p.unit,
        })),
      }),
      Plot.text(data, {
        y: 'name',
        x: 'value',
        text: (p: P) => p.display,
        textAnchor: 'start',
        dx: 6,
        fontSize: 10,
      }),
      Plot.ruleX([0]),
    ],
  });
  return {
    id: 'chart-compare',
    title: `${model} under every preset`,
    caption:
      'Each preset’s headline (FLOPs in orange, MACs in blue); the table below lists the ops that explain each difference from paper.',
    marks: data.length,
    node,
  };
}

export interface ChartInput {
  readonly report: Report;
  readonly compare?: Comparison;
  /** Sweeps: each row's stage groups. */
  readonly stages?: readonly (readonly GroupRow[])[];
}

/** The charts of a report: for a sweep, metric, overhead, Pareto and stage charts; else stages and presets. */
export function buildCharts(input: ChartInput): Chart[] {
  const r = input.report;
  const out: Chart[] = [];
  if (r.rows !== undefined && r.rows.length > 0) {
    out.push(metricChart(r, 'params'), metricChart(r, 'total'), overheadChart(r, 24), paretoChart(r));
    if (input.stages !== undefined) {
      const keys = r.sweep?.keys ?? [];
      const shown = sampleRows(r.rows.length, 6);
      const rows = r.rows;
      const stages = input.stages;
      out.push(
        ...stageCharts(
          r,
          shown.map((i) => ({ label: pointShort(rows[i].point, keys), row: i, stages: stages[i] })),
          shown.length < rows.length ? `; ${shown.length} of ${rows.length} points shown` : '',
        ),
      );
    }
  } else {
    out.push(...stageCharts(r, [{ label: r.model.name, row: undefined, stages: stageGroups(r) }], ''));
  }
  if (input.compare !== undefined) out.push(compareChart(input.compare, r.model.name));
  return out;
}

/** The report's layers summed per stage (the `--by stage` groups), in order of first appearance. */
export function stageGroups(r: Pick<Report, 'layers'>): GroupRow[] {
  const map = new Map<string, { -readonly [K in keyof GroupRow]: GroupRow[K] }>();
  for (const l of r.layers) {
    let g = map.get(l.stage);
    if (g === undefined) {
      g = {
        name: l.stage,
        layers: 0,
        params: 0,
        presetValue: 0,
        macs: 0,
        biasAdds: 0,
        normOps: 0,
        elementwise: 0,
        activations: 0,
        reductions: 0,
        comparisons: 0,
      };
      map.set(l.stage, g);
    }
    g.layers += 1;
    g.params += l.params;
    g.presetValue += l.presetValue;
    g.macs += l.macs;
    g.biasAdds += l.biasAdds;
    g.normOps += l.normOps;
    g.elementwise += l.elementwise;
    g.activations += l.activations;
    g.reductions += l.reductions;
    g.comparisons += l.comparisons;
  }
  return [...map.values()];
}
