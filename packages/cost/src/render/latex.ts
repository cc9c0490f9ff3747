import type { Report } from '../report.js';
import type { Scale } from '../presets/types.js';
import { autoPrefix, formatCount, type Prefix } from '../units.js';
import { modelTitle } from './view.js';

/** Escapes LaTeX special characters in text. */
export function texEscape(s: string): string {
  return s.replace(/[\\{}$&#^_%~]/g, (c) =>
    c === '\\' ? '\\textbackslash{}' : c === '^' ? '\\^{}' : c === '~' ? '\\~{}' : `\\${c}`,
  );
}

const EXP: Record<Prefix, number> = { '': 0, K: 10, M: 20, G: 30, T: 40 };

function unitLabel(p: Prefix, scale: Scale): string {
  if (p === '') return '';
  return scale === 'binary' ? `${p} = $2^{${EXP[p]}}$` : p;
}

function num(n: number, p: Prefix, scale: Scale): string {
  return p === '' ? String(n) : formatCount(n, scale, { prefix: p, decimals: 2 }).replace(/[KMGT]$/, '');
}

function delta(n: number, p: Prefix, scale: Scale): string {
  return n === 0 ? '--' : `${n > 0 ? '+' : '$-$'}${num(Math.abs(n), p, scale)}`;
}

function head(label: string, p: Prefix, scale: Scale): string {
  const u = unitLabel(p, scale);
  return u ? `${label} (${u})` : label;
}

/**
 * A booktabs table for a paper: params and the preset's headline per group (or per sweep point,
 * with the change from the attention-free backbone), in the preset's decimal or binary units with
 * one prefix per column. Needs \usepackage{booktabs}.
 */
export function renderLatex(r: Report): string {
  const scale = r.units.scale;
  const rows = r.rows ?? [];
  const pP = autoPrefix(Math.max(r.totals.params, ...rows.map((x) => x.totals.params)), scale);
  const pT = autoPrefix(Math.max(r.total.value, ...rows.map((x) => x.total.value)), scale);
  const caption = texEscape(
    `${modelTitle(r)}: parameters and ${r.units.unit} (${r.preset.name} preset, ${scale} units). ${r.total.definition}`,
  );
  const lines: string[] = ['\\begin{table}[t]', '\\centering', `\\caption{${caption}}`];
  const unit = texEscape(r.units.unit);
  if (r.rows) {
    const keys = r.sweep?.keys ?? [];
    lines.push(
      `\\begin{tabular}{${'l'.repeat(keys.length)}rrrr}`,
      '\\toprule',
      `${keys.map(texEscape).join(' & ')} & ${head('Params', pP, scale)} & $\\Delta$ & ${head(unit, pT, scale)} & $\\Delta$ \\\\`,
      '\\midrule',
    );
    for (const x of rows) {
      const cells = [
        ...keys.map((k) => texEscape(String(x.point[k]))),
        num(x.totals.params, pP, scale),
        delta(x.delta.params, pP, scale),
        num(x.total.value, pT, scale),
        delta(x.delta.total, pT, scale),
      ];
      lines.push(`${cells.join(' & ')} \\\\`);
    }
  } else {
    lines.push(
      '\\begin{tabular}{lrr}',
      '\\toprule',
      `${texEscape(r.groups.by)} & ${head('Params', pP, scale)} & ${head(unit, pT, scale)} \\\\`,
      '\\midrule',
    );
    for (const g of r.groups.rows) {
      lines.push(
        `${texEscape(g.name)} & ${num(g.params, pP, scale)} & ${num(g.presetValue, pT, scale)} \\\\`,
      );
    }
    lines.push(
      '\\midrule',
      `${texEscape(r.model.name)} & ${num(r.totals.params, pP, scale)} & ${num(r.total.value, pT, scale)} \\\\`,
    );
  }
  lines.push('\\bottomrule', '\\end{tabular}', '\\end{table}', '');
  return lines.join('\n');
}
