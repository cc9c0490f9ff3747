import { COLUMN_NAMES } from '../columns.js';
import type { Report } from '../report.js';

function field(v: string | number | undefined): string {
  if (v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function lines(rows: readonly (readonly (string | number | undefined)[])[]): string {
  return rows.map((r) => r.map(field).join(',')).join('\n') + '\n';
}

/**
 * CSV (RFC 4180): one line per layer for a single model, one line per point for a sweep. Numbers
 * are exact integers without separators; the preset and unit are columns so the file says what
 * its numbers are.
 */
export function renderCsv(r: Report): string {
  if (r.rows) {
    const keys = r.sweep?.keys ?? [];
    const head = [
      ...keys,
      'preset',
      'unit',
      'scale',
      'params',
      'macs',
      'total',
      'delta_params',
      'delta_macs',
      'delta_total',
      'delta_params_pct',
      'delta_macs_pct',
      'delta_total_pct',
    ];
    return lines([
      head,
      ...r.rows.map((x) => [
        ...keys.map((k) => x.point[k]),
        r.preset.name,
        r.units.unit,
        r.units.scale,
        x.totals.params,
        x.totals.macs,
        x.total.value,
        x.delta.params,
        x.delta.macs,
        x.delta.total,
        x.delta.paramsPct,
        x.delta.macsPct,
        x.delta.totalPct,
      ]),
    ]);
  }
  const head = [
    'path',
    'op',
    'block',
    'stage',
    'output_shape',
    'params',
    ...COLUMN_NAMES,
    `${r.preset.name}_${r.units.unit}`,
  ];
  return lines([
    head,
    ...r.layers.map((l) => [
      l.path,
      l.op,
      l.block,
      l.stage,
      l.outputShape.join('x'),
      l.params,
      ...COLUMN_NAMES.map((c) => l[c]),
      l.presetValue,
    ]),
  ]);
}
