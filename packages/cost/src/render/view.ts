/**
 * The tabular view shared by the table, Markdown, CSV and LaTeX renderers: which columns a report
 * shows and their cells as exact integers (or text).
 */
import { COLUMN_NAMES, type ColumnName } from '../columns.js';
import type { GroupRow, Report, SweepRow } from '../report.js';

export type Cell = number | string;

export interface TableView {
  readonly title: string;
  readonly headers: readonly string[];
  /** Columns holding numbers (right-aligned). */
  readonly numeric: readonly boolean[];
  readonly rows: readonly (readonly Cell[])[];
  /** Last row is a total (rendered after a rule). */
  readonly hasTotal: boolean;
}

const COLUMN_LABELS: Record<ColumnName, string> = {
  macs: 'MACs',
  biasAdds: 'bias adds',
  normOps: 'norm ops',
  elementwise: 'elementwise',
  activations: 'activations',
  reductions: 'reductions',
  comparisons: 'comparisons',
};

/** True when the headline is just the MACs column (no separate preset column needed). */
function headlineIsMacs(r: Report): boolean {
  return r.preset.name === 'paper' || r.preset.name === 'full';
}

function shownColumns(r: Report): ColumnName[] {
  return r.preset.name === 'full' ? [...COLUMN_NAMES] : ['macs'];
}

export function headlineLabel(r: Report): string {
  return `${r.preset.name} ${r.units.unit}`;
}

export function modelTitle(r: Report): string {
  const m = r.model;
  const parts = [m.name];
  if (m.attention && m.attention !== 'none') parts.push(`+ ${m.attention}`);
  if (m.width !== 1) parts.push(`×${m.width}`);
  parts.push(`${m.resolution[0]}×${m.resolution[1]}`);
  if (m.batch !== 1) parts.push(`batch ${m.batch}`);
  return parts.join(' ');
}

/** Per-group rows (by layer, block, stage or op) and a total row. */
export function groupView(r: Report): TableView {
  const cols = shownColumns(r);
  const withPreset = !headlineIsMacs(r);
  const headers = [
    r.groups.by,
    'layers',
    'params',
    ...cols.map((c) => COLUMN_LABELS[c]),
    ...(withPreset ? [headlineLabel(r)] : []),
  ];
  const row = (g: Pick<GroupRow, 'name' | 'layers' | 'params' | 'presetValue' | ColumnName>): Cell[] => [
    g.name,
    g.layers,
    g.params,
    ...cols.map((c) => g[c]),
    ...(withPreset ? [g.presetValue] : []),
  ];
  const total = {
    name: 'total',
    layers: r.layers.length,
    params: r.totals.params,
    presetValue: r.total.value,
    ...Object.fromEntries(COLUMN_NAMES.map((c) => [c, r.totals[c]])),
  } as Pick<GroupRow, 'name' | 'layers' | 'params' | 'presetValue' | ColumnName>;
  return {
    title: `${modelTitle(r)} — ${r.preset.name} preset, by ${r.groups.by}`,
    headers,
    numeric: headers.map((_, i) => i > 0),
    rows: [...r.groups.rows.map(row), row(total)],
    hasTotal: true,
  };
}

function signed(n: number): string {
  return n > 0 ? `+${withCommas(n)}` : withCommas(n);
}

function signedPct(n: number): string {
  return `${n > 0 ? '+' : ''}${n.toFixed(2)}%`;
}

/** One row per sweep point with its delta from the attention-free backbone. */
export function sweepView(r: Report): TableView {
  const rows: readonly SweepRow[] = r.rows ?? [];
  const keys = r.sweep?.keys ?? [];
  const withPreset = !headlineIsMacs(r);
  const headers = [
    ...keys,
    'params',
    'Δ params',
    'Δ params %',
    'MACs',
    'Δ MACs',
    'Δ MACs %',
    ...(withPreset ? [headlineLabel(r), 'Δ', 'Δ %'] : []),
  ];
  return {
    title: `${r.model.name} sweep over ${keys.join(', ')} — ${r.preset.name} preset (Δ vs no attention)`,
    headers,
    numeric: headers.map((_, i) => i >= keys.length),
    rows: rows.map((x) => [
      ...keys.map((k) => x.point[k]),
      x.totals.params,
      signed(x.delta.params),
      signedPct(x.delta.paramsPct),
      x.totals.macs,
      signed(x.delta.macs),
      signedPct(x.delta.macsPct),
      ...(withPreset ? [x.total.value, signed(x.delta.total), signedPct(x.delta.totalPct)] : []),
    ]),
    hasTotal: false,
  };
}

export function mainView(r: Report): TableView {
  return r.rows ? sweepView(r) : groupView(r);
}

/** 3504872 → "3,504,872" (exact; no locale dependence). */
export function withCommas(n: number): string {
  const s = Math.abs(n).toString();
  const body = s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${body}` : body;
}

export function cellText(c: Cell): string {
  return typeof c === 'number' ? withCommas(c) : c;
}

/** The header lines every text format prints: model, preset, units, what the total means. */
export function headerLines(r: Report): string[] {
  const lines = [
    `model: ${modelTitle(r)}`,
    `preset: ${r.preset.name} — ${r.preset.description}`,
    `units: ${r.units.unit}, ${r.units.scale}`,
    `total: ${withCommas(r.total.value)} ${r.total.unit} (${r.total.display}) — ${r.total.definition}`,
    `params: ${withCommas(r.totals.params)}; conv+linear MACs: ${withCommas(r.totals.macs)}`,
  ];
  if (r.formulas) {
    lines.push(`params(${r.formulas.symbols.join(', ')}) = ${r.formulas.params.text}`);
    lines.push(`MACs(${r.formulas.symbols.join(', ')}) = ${r.formulas.macs.text}`);
  }
  return lines;
}
