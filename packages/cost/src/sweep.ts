/**
 * Sweeps over reduction ratio, attention kind, width, resolution and placement. Graph construction
 * is passed in (`build`), so this module does not depend on the backbones. Each row is a full
 * report plus its delta from the attention-free backbone at the same width and resolution.
 */
import { CoordattnError, type AttentionKind, type Graph } from '@coordattn/ir';
import { buildReport, type ModelInfo, type Report, type ReportOptions, type RowReport } from './report.js';

export const SWEEP_KEYS = ['reduction', 'attention', 'width', 'resolution', 'placement'] as const;
export type SweepKey = (typeof SWEEP_KEYS)[number];

export interface SweepPoint {
  readonly attention: AttentionKind;
  /** Reduction ratio r (CA, SE, CBAM); undefined: the block's default. */
  readonly reduction?: number;
  readonly width: number;
  /** [H, W] in pixels. */
  readonly resolution: readonly [number, number];
  /** undefined: the backbone's default for the attention kind. */
  readonly placement?: string;
}

export interface SweepValues {
  readonly reduction?: readonly number[];
  readonly attention?: readonly AttentionKind[];
  readonly width?: readonly number[];
  readonly resolution?: readonly (readonly [number, number])[];
  readonly placement?: readonly string[];
}

export interface SweepSpec {
  /** The point every swept key varies from. */
  readonly base: SweepPoint;
  /** Values per swept key; several keys give their cartesian product (in SWEEP_KEYS order). */
  readonly values: SweepValues;
  /** Builds the graph of one point (e.g. `p => buildBackbone('mobilenetv2', ...)`). */
  readonly build: (point: SweepPoint) => Graph;
  /** Model fields of the report of a point (name, backbone, ...). */
  readonly model?: (point: SweepPoint) => ModelInfo;
  /** Preset, grouping, analysis options shared by every point. */
  readonly report?: Omit<ReportOptions, 'model' | 'analysis'>;
}

/** The value of a point on a key, as it appears in `row.point`. */
export function pointValue(p: SweepPoint, key: SweepKey): number | string {
  switch (key) {
    case 'reduction':
      return p.reduction ?? 'default';
    case 'attention':
      return p.attention;
    case 'width':
      return p.width;
    case 'resolution':
      return `${p.resolution[0]}x${p.resolution[1]}`;
    case 'placement':
      return p.placement ?? 'default';
  }
}

/** The points of a sweep: the cartesian product of the given values over the base point. */
export function sweepPoints(spec: Pick<SweepSpec, 'base' | 'values'>): {
  keys: SweepKey[];
  points: SweepPoint[];
} {
  const keys = SWEEP_KEYS.filter((k) => spec.values[k] !== undefined);
  if (keys.length === 0) {
    throw new CoordattnError('E_OPTION', 'a sweep needs values for at least one key', {
      path: 'sweep',
      expected: `one of ${SWEEP_KEYS.join(', ')}`,
    });
  }
  let points: SweepPoint[] = [spec.base];
  for (const k of keys) {
    const vals = spec.values[k] as readonly unknown[];
    if (vals.length === 0) {
      throw new CoordattnError('E_OPTION', `sweep key '${k}' has no values`, { path: `sweep.${k}` });
    }
    points = points.flatMap((p) => vals.map((v) => ({ ...p, [k]: v }) as SweepPoint));
  }
  return { keys, points };
}

function pct(delta: number, base: number): number {
  return base === 0 ? 0 : Math.round((delta / base) * 1e6) / 1e4;
}

/** Runs a sweep: a report whose top level describes the base point and whose rows are the points. */
export function sweep(spec: SweepSpec): Report {
  const { keys, points } = sweepPoints(spec);
  const baselines = new Map<string, Report>();
  const reportOf = (p: SweepPoint): Report =>
    buildReport(spec.build(p), { ...spec.report, model: spec.model?.(p) ?? { width: p.width } });
  const baselineOf = (p: SweepPoint): Report => {
    const key = `${p.width}|${p.resolution.join('x')}`;
    let r = baselines.get(key);
    if (!r) {
      const { reduction: _r, placement: _p, ...rest } = p;
      r = reportOf({ ...rest, attention: 'none' });
      baselines.set(key, r);
    }
    return r;
  };
  const rows: RowReport[] = points.map((p) => {
    const r = reportOf(p);
    const b = baselineOf(p);
    const d = {
      params: r.totals.params - b.totals.params,
      macs: r.totals.macs - b.totals.macs,
      total: r.total.value - b.total.value,
    };
    return {
      ...r,
      point: Object.fromEntries(keys.map((k) => [k, pointValue(p, k)])),
      delta: {
        baseline: { params: b.totals.params, macs: b.totals.macs, total: b.total.value },
        ...d,
        paramsPct: pct(d.params, b.totals.params),
        macsPct: pct(d.macs, b.totals.macs),
        totalPct: pct(d.total, b.total.value),
      },
    };
  });
  return { ...reportOf(spec.base), sweep: { keys: [...keys] }, rows };
}
