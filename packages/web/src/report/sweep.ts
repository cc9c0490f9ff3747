/**
 * The shape of a sweep's charts: which key goes on the x axis, which keys make the series, the
 * label of each point, and the Pareto front of params against the headline. No DOM.
 */
import type { SweepRow } from '@coordattn/cost';

export const KEY_LABELS: Readonly<Record<string, string>> = {
  reduction: 'reduction ratio r',
  width: 'width multiplier',
  resolution: 'input resolution H×W (pixels)',
  attention: 'attention block',
  placement: 'placement',
};

export type PointValues = Readonly<Record<string, number | string>>;

export interface SweepLayout {
  /** The key on the x axis: the first key whose values are all numbers, else the first key. */
  readonly x: string;
  /** Linear x axis (numbers) or categories in the order of the rows. */
  readonly xKind: 'linear' | 'ordinal';
  /** Lines and dots (numbers, resolutions) or bars (attention kinds, placements). */
  readonly mark: 'line' | 'bar';
  /** The other keys: each combination of their values is one series. */
  readonly series: readonly string[];
}

export function sweepLayout(keys: readonly string[], rows: readonly Pick<SweepRow, 'point'>[]): SweepLayout {
  const numeric = (k: string): boolean => rows.every((r) => typeof r.point[k] === 'number');
  const x = keys.find(numeric) ?? keys[0] ?? 'point';
  const xKind = numeric(x) ? 'linear' : 'ordinal';
  const mark = xKind === 'linear' || x === 'resolution' ? 'line' : 'bar';
  return { x, xKind, mark, series: keys.filter((k) => k !== x) };
}

/** `se` for a one-key sweep; `attention=se, reduction=16` for a grid. */
export function pointLabel(point: PointValues, keys: readonly string[]): string {
  if (keys.length === 1) return String(point[keys[0]]);
  return keys.map((k) => `${k}=${point[k]}`).join(', ');
}

/** A chart label: the point's values only (`16 · 160x160` for a grid; the axis names the keys). */
export function pointShort(point: PointValues, keys: readonly string[]): string {
  return keys.map((k) => String(point[k])).join(' · ');
}

/** The series a point belongs to (`all` when only one key is swept). */
export function seriesLabel(point: PointValues, layout: SweepLayout): string {
  if (layout.series.length === 0) return 'all';
  return layout.series.map((k) => `${k}=${point[k]}`).join(', ');
}

/**
 * The points not dominated in (params, cost), both to be minimised: no other point is at most as
 * large in both and smaller in one. Returned in order of increasing params (decreasing cost).
 * Equal points are all on the front.
 */
export function paretoFront(points: readonly { readonly params: number; readonly cost: number }[]): number[] {
  const order = points
    .map((_, i) => i)
    .sort((a, b) => points[a].params - points[b].params || points[a].cost - points[b].cost);
  const front: number[] = [];
  let best = Infinity;
  let lastParams = NaN;
  for (const i of order) {
    const p = points[i];
    if (p.cost < best) {
      front.push(i);
      best = p.cost;
      lastParams = p.params;
    } else if (p.cost === best && p.params === lastParams) {
      front.push(i);
    }
  }
  return front;
}

/** At most `max` rows for charts that show every point side by side: evenly spaced, ends included. */
export function sampleRows(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const out = new Set<number>();
  for (let j = 0; j < max; j++) out.add(Math.round((j * (n - 1)) / (max - 1)));
  return [...out].sort((a, b) => a - b);
}
