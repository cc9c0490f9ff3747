/**
 * SVG charts, elements written by hand, scales and ticks from d3-scale:
 * - a sweep: params and the preset's headline against the swept key (one circle per point);
 * - a single model: params and the headline per stage (one bar per stage).
 * Every mark carries `data-value` (the exact integer of the JSON report), `data-field` (where in a
 * row that value is) and `data-label`.
 */
import { scaleBand, scaleLinear, scalePoint } from 'd3-scale';
import type { Report } from '../report.js';
import { groupRows } from '../report.js';
import type { Scale } from '../presets/types.js';
import { autoPrefix, divisorOf, type Prefix } from '../units.js';

const W = 760;
const H = 380;
const PANEL_W = 340;
const M = { top: 56, right: 16, bottom: 64, left: 76 };

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
}

interface Mark {
  readonly label: string;
  /** Numeric x for a linear axis; undefined for categorical. */
  readonly x?: number;
  readonly value: number;
}

interface Panel {
  readonly yLabel: string;
  readonly field: string;
  readonly scale: Scale;
  readonly marks: readonly Mark[];
}

function tickText(v: number, step: number): string {
  const decimals = step >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log10(step) - 1e-9));
  return v.toFixed(decimals);
}

function prefixLabel(p: Prefix, scale: Scale): string {
  if (p === '') return 'count';
  return scale === 'binary' ? `${p}, ×2^${10 * ['', 'K', 'M', 'G', 'T'].indexOf(p)}` : p;
}

function panelSvg(p: Panel, ox: number, kind: 'points' | 'bars', xLabel: string): string[] {
  const iw = PANEL_W - M.left - M.right;
  const ih = H - M.top - M.bottom;
  const values = p.marks.map((m) => m.value);
  const maxV = Math.max(...values, 1);
  const minV = Math.min(...values, maxV);
  const prefix = autoPrefix(maxV, p.scale);
  const div = Number(divisorOf(prefix, p.scale));
  let lo = 0;
  let hi = maxV;
  if (kind === 'points') {
    const pad = maxV === minV ? Math.max(1, maxV * 0.01) : (maxV - minV) * 0.1;
    lo = Math.max(0, minV - pad);
    hi = maxV + pad;
  }
  // Scale in display units (value / divisor) so that the ticks are round numbers in that unit.
  const ys = scaleLinear()
    .domain([lo / div, hi / div])
    .nice(6)
    .range([ih, 0]);
  const y = (v: number): number => ys(v / div);
  const ticks = ys.ticks(6);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : hi / div;
  const out: string[] = [
    `<g class="panel" data-field="${xml(p.field)}" transform="translate(${ox + M.left},${M.top})">`,
  ];
  // y axis
  out.push(`<g class="axis y-axis"><line x1="0" y1="0" x2="0" y2="${ih}" stroke="#333"/>`);
  for (const t of ticks) {
    const ty = fmt(ys(t));
    out.push(
      `<g class="tick" transform="translate(0,${ty})"><line x1="-5" x2="${iw}" stroke="#ddd"/><text x="-8" dy="0.32em" text-anchor="end" font-size="10">${tickText(t, step)}</text></g>`,
    );
  }
  out.push(
    `<text class="axis-label" transform="translate(${-M.left + 16},${ih / 2}) rotate(-90)" text-anchor="middle" font-size="11">${xml(
      `${p.yLabel} (${prefixLabel(prefix, p.scale)})`,
    )}</text></g>`,
  );
  // x axis
  out.push(`<g class="axis x-axis" transform="translate(0,${ih})"><line x1="0" x2="${iw}" stroke="#333"/>`);
  const numeric = kind === 'points' && p.marks.every((m) => m.x !== undefined);
  let xOf: (m: Mark) => number;
  if (kind === 'bars') {
    const x = scaleBand<string>()
      .domain(p.marks.map((m) => m.label))
      .range([0, iw])
      .padding(0.2);
    xOf = (m) => x(m.label) ?? 0;
    for (const m of p.marks) {
      out.push(
        `<text x="${fmt((x(m.label) ?? 0) + x.bandwidth() / 2)}" y="14" text-anchor="end" font-size="9" transform="rotate(-35 ${fmt(
          (x(m.label) ?? 0) + x.bandwidth() / 2,
        )} 14)">${xml(m.label)}</text>`,
      );
    }
    out.push(axisLabel(xLabel, iw), '</g>');
    for (const m of p.marks) {
      const top = y(m.value);
      out.push(
        `<rect class="mark" x="${fmt(xOf(m))}" y="${fmt(top)}" width="${fmt(x.bandwidth())}" height="${fmt(
          ih - top,
        )}" fill="#4e79a7" data-field="${xml(p.field)}" data-label="${xml(m.label)}" data-value="${m.value}"><title>${xml(
          `${m.label}: ${m.value}`,
        )}</title></rect>`,
      );
    }
  } else {
    if (numeric) {
      const xs = p.marks.map((m) => m.x!);
      const [a, b] = [Math.min(...xs), Math.max(...xs)];
      const x = scaleLinear()
        .domain(a === b ? [a - 1, b + 1] : [a, b])
        .nice()
        .range([0, iw]);
      xOf = (m) => x(m.x!);
      for (const t of x.ticks(Math.min(8, p.marks.length + 1))) {
        out.push(
          `<g class="tick" transform="translate(${fmt(x(t))},0)"><line y2="5" stroke="#333"/><text y="16" text-anchor="middle" font-size="10">${fmt(t)}</text></g>`,
        );
      }
    } else {
      const x = scalePoint<string>()
        .domain(p.marks.map((m) => m.label))
        .range([0, iw])
        .padding(0.5);
      xOf = (m) => x(m.label) ?? 0;
      for (const m of p.marks) {
        out.push(
          `<g class="tick" transform="translate(${fmt(x(m.label) ?? 0)},0)"><line y2="5" stroke="#333"/><text y="16" text-anchor="middle" font-size="10">${xml(m.label)}</text></g>`,
        );
      }
    }
    out.push(axisLabel(xLabel, iw), '</g>');
    const pts = p.marks.map((m) => `${fmt(xOf(m))},${fmt(y(m.value))}`).join(' ');
    // a line only where x is numeric; categories are not ordered
    if (numeric) out.push(`<polyline points="${pts}" fill="none" stroke="#4e79a7" stroke-width="1.5"/>`);
    for (const m of p.marks) {
      out.push(
        `<circle class="mark" cx="${fmt(xOf(m))}" cy="${fmt(y(m.value))}" r="4" fill="#e15759" data-field="${xml(
          p.field,
        )}" data-label="${xml(m.label)}" data-value="${m.value}"><title>${xml(`${m.label}: ${m.value}`)}</title></circle>`,
      );
    }
  }
  out.push('</g>');
  return out;
}

function axisLabel(text: string, iw: number): string {
  return `<text class="axis-label" x="${iw / 2}" y="${M.bottom - 14}" text-anchor="middle" font-size="11">${xml(text)}</text>`;
}

const KEY_LABELS: Record<string, string> = {
  reduction: 'reduction ratio r',
  width: 'width multiplier',
  resolution: 'input resolution H×W (pixels)',
  attention: 'attention block',
  placement: 'placement',
};

function document(title: string, subtitle: string, desc: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" role="img">`,
    `<title>${xml(title)}</title>`,
    `<desc>${xml(desc)}</desc>`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text class="title" x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${xml(title)}</text>`,
    `<text class="subtitle" x="${W / 2}" y="38" text-anchor="middle" font-size="11">${xml(subtitle)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** The chart of a report: a sweep chart when it has rows, per-stage bars otherwise. */
export function renderSvg(r: Report): string {
  const unit = r.units.unit;
  const headlineLabel = `${unit}, ${r.preset.name} preset`;
  const subtitle = `${r.model.name} · preset ${r.preset.name} · ${r.units.unit}, ${r.units.scale} units`;
  const desc = `preset ${r.preset.name} (${r.preset.description}): ${r.total.definition}`;
  if (r.rows) {
    const keys = r.sweep?.keys ?? [];
    const one = keys.length === 1 ? keys[0] : undefined;
    const label = (pt: Readonly<Record<string, number | string>>): string =>
      keys.map((k) => (one ? String(pt[k]) : `${k}=${pt[k]}`)).join(', ');
    const xOf = (pt: Readonly<Record<string, number | string>>): number | undefined =>
      one && typeof pt[one] === 'number' ? (pt[one] as number) : undefined;
    const params: Panel = {
      yLabel: 'params',
      field: 'totals.params',
      scale: r.units.scale,
      marks: r.rows.map((x) => ({ label: label(x.point), x: xOf(x.point), value: x.totals.params })),
    };
    const total: Panel = {
      yLabel: headlineLabel,
      field: 'total.value',
      scale: r.units.scale,
      marks: r.rows.map((x) => ({ label: label(x.point), x: xOf(x.point), value: x.total.value })),
    };
    const xLabel = one ? (KEY_LABELS[one] ?? one) : keys.join(' × ');
    return document(`${r.model.name}: params and ${unit} vs ${one ?? keys.join(', ')}`, subtitle, desc, [
      ...panelSvg(params, 0, 'points', xLabel),
      ...panelSvg(total, W - PANEL_W - 20, 'points', xLabel),
    ]);
  }
  const stages = groupRows(r.layers, 'stage');
  const params: Panel = {
    yLabel: 'params',
    field: 'groups[stage].params',
    scale: r.units.scale,
    marks: stages.map((g) => ({ label: g.name, value: g.params })),
  };
  const total: Panel = {
    yLabel: headlineLabel,
    field: 'groups[stage].presetValue',
    scale: r.units.scale,
    marks: stages.map((g) => ({ label: g.name, value: g.presetValue })),
  };
  return document(`${r.model.name}: params and ${unit} per stage`, subtitle, desc, [
    ...panelSvg(params, 0, 'bars', 'stage'),
    ...panelSvg(total, W - PANEL_W - 20, 'bars', 'stage'),
  ]);
}
