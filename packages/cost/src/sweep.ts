/**
 * Sweeps over reduction ratio, attention kind, width, resolution and placement. Graph construction
 * is passed in (`build`, `buildSymbolic`), so this module does not depend on the backbones. Each row
 * carries the point's totals, headline, groups and its delta from the attention-free backbone at the
 * same width and resolution.
 *
 * **Formulas instead of rebuilds.** Points that differ only in the reduction ratio and / or the
 * resolution have one graph structure: only dims change. Given `buildSymbolic`, such a *class* of
 * points is built once with `r` and / or `H`, `W` symbolic, analysed once, and every point is the
 * exact evaluation (bigint rationals) of the same symbolic counts. A class takes this fast path only
 * when it is proved valid, point by point:
 *
 * 1. the symbolic build succeeds, its only free symbols are the swept ones, and every relation of
 *    shape inference that it could not decide for all positive integers is recorded with its Dims
 *    (`Assumption.check`) — ops branch on dims only through these three-outcome decisions, blocks
 *    and backbones only on channel counts, which must be concrete (`channelsOf`);
 * 2. at the point, every recorded relation holds (so a concrete build there takes the same
 *    branches and passes the same checks), and every count that is not provably integer-valued —
 *    per layer and per output dim — evaluates to an integer; totals, groups and the headline
 *    evaluate to non-negative safe integers;
 * 3. the first and the last point of the class that evaluate are also built concretely, and their
 *    rows must equal the evaluated ones (a check of `buildSymbolic` against `build`: a symbolic
 *    build that ignored an axis differs at one of them; if so, the whole class is rebuilt).
 *
 * Anything else — a failed symbolic build, an undecided relation that fails or a count that is not
 * an integer at a point, a class of fewer than three points — is rebuilt concretely, which gives
 * the numbers (or the error) of a one-point report. Width, attention and placement change channel
 * counts and the op list, which the IR keeps concrete, so they are always rebuild axes; a grid over
 * them and a symbolic axis builds one symbolic graph per rebuild-axis value.
 */
import {
  CoordattnError,
  Dim,
  cmpHolds,
  isCoordattnError,
  type AssumptionCheck,
  type AttentionKind,
  type Graph,
  type Provenance,
  type Rational,
  type Shape,
} from '@coordattn/ir';
import {
  activationPeak,
  activationPlan,
  analyze,
  type ActivationPlan,
  type AnalyzeOptions,
} from './analyze.js';
import { COLUMN_NAMES, type ColumnName, type Columns } from './columns.js';
import { applyPreset, getPreset } from './presets/index.js';
import type { Preset } from './presets/types.js';
import {
  buildReport,
  groupName,
  type GroupBy,
  type GroupRow,
  type LayerRow,
  type ModelInfo,
  type Report,
  type ReportOptions,
  type ReportTotals,
  type SweepRow,
} from './report.js';
import { layerStages } from './stages.js';
import { displayTotal } from './units.js';

export const SWEEP_KEYS = ['reduction', 'attention', 'width', 'resolution', 'placement'] as const;
export type SweepKey = (typeof SWEEP_KEYS)[number];

/** The most points one sweep may have (the product over its keys). */
export const MAX_SWEEP_POINTS = 10_000;

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

/** The symbols a symbolic build uses for the swept axes. */
export const SWEEP_SYMBOLS = { reduction: 'r', height: 'H', width: 'W' } as const;

/** Axes to build symbolically: the Dim to use instead of the point's value. */
export interface SymbolicAxes {
  readonly reduction?: Dim;
  /** [H, W]. */
  readonly resolution?: readonly [Dim, Dim];
}

export interface SweepSpec {
  /** The point every swept key varies from. */
  readonly base: SweepPoint;
  /** Values per swept key; several keys give their cartesian product (in SWEEP_KEYS order). */
  readonly values: SweepValues;
  /** Builds the graph of one point (e.g. `p => buildBackbone('mobilenetv2', ...)`). */
  readonly build: (point: SweepPoint) => Graph;
  /**
   * Builds the graph of `point` with the given axes symbolic (the reduction ratio where the
   * point's attention takes one, the input's H and W), everything else as `build` does. Without
   * it every point is rebuilt.
   */
  readonly buildSymbolic?: (point: SweepPoint, axes: SymbolicAxes) => Graph;
  /** Model fields of the report's top level (name, backbone, ...), which describes the base point. */
  readonly model?: (point: SweepPoint) => ModelInfo;
  /** Preset, grouping, analysis options shared by every point. */
  readonly report?: Omit<ReportOptions, 'model' | 'analysis'>;
  /** `auto` (default): formulas where proved valid, else rebuild; `rebuild`: build every point. */
  readonly method?: 'auto' | 'rebuild';
}

/** How a sweep got its rows. */
export interface SweepStats {
  readonly points: number;
  /** Points (and baselines) evaluated from a symbolic graph. */
  readonly evaluated: number;
  /** Points (and baselines) built concretely, the check point of each symbolic class included. */
  readonly rebuilt: number;
  /** Symbolic graphs built and analysed. */
  readonly symbolicBuilds: number;
  /** Why a class or a point was rebuilt although it could have been evaluated. */
  readonly fallbacks: readonly string[];
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
  let count = 1;
  for (const k of keys) {
    const n = (spec.values[k] as readonly unknown[]).length;
    if (n === 0) {
      throw new CoordattnError('E_OPTION', `sweep key '${k}' has no values`, { path: `sweep.${k}` });
    }
    count *= n;
  }
  if (count > MAX_SWEEP_POINTS) {
    const sizes = keys.map((k) => `${k} ${(spec.values[k] as readonly unknown[]).length}`).join(' × ');
    throw new CoordattnError(
      'E_OPTION',
      `a sweep has at most ${MAX_SWEEP_POINTS} points; this one has ${count} (${sizes})`,
      { path: 'sweep', expected: `at most ${MAX_SWEEP_POINTS} points` },
    );
  }
  let points: SweepPoint[] = [spec.base];
  for (const k of keys) {
    const vals = spec.values[k] as readonly unknown[];
    points = points.flatMap((p) => vals.map((v) => ({ ...p, [k]: v }) as SweepPoint));
  }
  return { keys, points };
}

function pct(delta: number, base: number): number {
  return base === 0 ? 0 : Math.round((delta / base) * 1e6) / 1e4;
}

// ---- the cost model of one graph: symbolic counts computed once, evaluated per point ----------

interface GroupDims {
  readonly name: string;
  readonly layers: number;
  readonly params: Dim;
  readonly presetValue: Dim;
  readonly columns: Columns;
}

interface LayerDims {
  readonly path: string;
  readonly op: string;
  readonly block?: string;
  readonly stage: string;
  readonly provenance: LayerRow['provenance'];
  readonly outputShape: Shape;
  readonly params: Dim;
  readonly columns: Columns;
  readonly presetValue: Dim;
}

interface CostModel {
  readonly params: Dim;
  readonly paramsWithoutBN: Dim;
  readonly bnRunningStats: Dim;
  readonly paramBytes: Dim;
  readonly columns: Columns;
  readonly headline: Dim;
  /** Row detail (not needed for baselines). */
  readonly detail?: {
    readonly groups: readonly GroupDims[];
    readonly layers?: readonly LayerDims[];
    readonly plan: ActivationPlan;
    /** Index of each plan value's numel in `numels` (deduplicated by key). */
    readonly numelIndex: readonly number[];
    readonly numels: readonly Dim[];
  };
  /** Undecided relations of the symbolic build, each checked at every point. */
  readonly checks: readonly AssumptionCheck[];
  /** An assumption came without its relation (`check`): the model cannot be evaluated elsewhere. */
  readonly unchecked: boolean;
  /** Counts and dims that are not provably integer-valued, each checked at every point. */
  readonly integral: readonly Dim[];
}

/** A point's numbers: what a sweep row carries besides `point` and `delta`. */
interface PointCost {
  readonly totals: ReportTotals;
  readonly total: number;
  readonly groups?: GroupRow[];
  readonly layers?: LayerRow[];
}

interface CostOptions {
  readonly preset: Preset;
  readonly groupBy: GroupBy;
  readonly analyze: AnalyzeOptions;
  readonly bytesPerElement: number;
}

function provenanceRow(p: Provenance): LayerRow['provenance'] {
  const { folded, ...rest } = p;
  return { ...rest, ...(folded !== undefined ? { folded: [...folded] } : {}) };
}

function sumColumns(cs: readonly Columns[]): Columns {
  const out = {} as Record<ColumnName, Dim>;
  for (const k of COLUMN_NAMES) out[k] = cs.reduce((s, c) => s.add(c[k]), Dim.const(0));
  return out;
}

/** Analyses a graph once: its symbolic totals, headline and (with `detail`) groups and layers. */
function costModel(graph: Graph, o: CostOptions, detail: boolean): CostModel {
  const a = analyze(graph, o.analyze);
  const pt = applyPreset(a, o.preset);
  const pc = a.paramCounts;
  const integral = new Map<string, Dim>();
  const needInt = (d: Dim): void => {
    if (!d.isIntegerValued() && !integral.has(d.key)) integral.set(d.key, d);
  };
  a.layers.forEach((l, i) => {
    for (const k of COLUMN_NAMES) needInt(l.columns[k]);
    needInt(l.params);
    needInt(pt.layers[i].value);
    for (const s of l.outputShapes) s.forEach(needInt);
  });
  for (const d of [pc.params, pc.paramsWithoutBN, pc.bnRunningStats, pc.paramBytes, pt.value]) needInt(d);
  const checks = graph.assumptions.flatMap((x) => (x.check ? [x.check] : []));
  const base = {
    params: pc.params,
    paramsWithoutBN: pc.paramsWithoutBN,
    bnRunningStats: pc.bnRunningStats,
    paramBytes: pc.paramBytes,
    columns: a.totals,
    headline: pt.value,
    checks,
    unchecked: checks.length < graph.assumptions.length,
    integral: [...integral.values()],
  };
  if (!detail) return base;
  const stages = layerStages(graph);
  const byName = new Map<string, { layers: number; params: Dim[]; presetValue: Dim[]; columns: Columns[] }>();
  a.layers.forEach((l, i) => {
    const name = groupName({ path: l.path, op: l.op, stage: stages[i], block: l.block }, o.groupBy);
    let g = byName.get(name);
    if (!g) {
      g = { layers: 0, params: [], presetValue: [], columns: [] };
      byName.set(name, g);
    }
    g.layers += 1;
    g.params.push(l.params);
    g.presetValue.push(pt.layers[i].value);
    g.columns.push(l.columns);
  });
  const groups: GroupDims[] = [...byName].map(([name, g]) => ({
    name,
    layers: g.layers,
    params: g.params.reduce((s, d) => s.add(d), Dim.const(0)),
    presetValue: g.presetValue.reduce((s, d) => s.add(d), Dim.const(0)),
    columns: sumColumns(g.columns),
  }));
  const layers: LayerDims[] | undefined =
    o.groupBy === 'layer'
      ? a.layers.map((l, i) => ({
          path: l.path,
          op: l.op,
          ...(l.block !== undefined ? { block: l.block } : {}),
          stage: stages[i],
          provenance: provenanceRow(l.provenance),
          outputShape: l.outputShape,
          params: l.params,
          columns: l.columns,
          presetValue: pt.layers[i].value,
        }))
      : undefined;
  const plan = activationPlan(graph);
  const uniq = new Map<string, number>();
  const numels: Dim[] = [];
  const numelIndex = plan.numels.map((d) => {
    let k = uniq.get(d.key);
    if (k === undefined) {
      k = numels.length;
      uniq.set(d.key, k);
      numels.push(d);
    }
    return k;
  });
  return { ...base, detail: { groups, ...(layers ? { layers } : {}), plan, numelIndex, numels } };
}

/** Why a point cannot be evaluated from a cost model (the caller rebuilds it). */
class NotExact extends Error {}

function checkHolds(c: AssumptionCheck, ev: (d: Dim) => Rational): boolean {
  const l = ev(c.lhs);
  const r = ev(c.rhs);
  if (c.op === 'divisible') return !r.isZero() && l.div(r).isInteger();
  return cmpHolds(c.op, l.cmp(r));
}

/**
 * Evaluates a cost model at the bindings, exactly. Throws NotExact when a recorded relation fails
 * (with `checked`) or a count is not a non-negative safe integer there.
 */
function evaluateModel(
  m: CostModel,
  bindings: Readonly<Record<string, number>>,
  o: CostOptions,
  what: string,
  checked: boolean,
): PointCost {
  const memo = new Map<string, Rational>();
  const ev = (d: Dim): Rational => d.evaluate(bindings, memo);
  for (const c of checked ? m.checks : []) {
    if (!checkHolds(c, ev)) {
      const rel = c.op === 'divisible' ? 'divisible by' : c.op;
      throw new NotExact(`${c.lhs.toString()} ${rel} ${c.rhs.toString()} does not hold at ${what}`);
    }
  }
  for (const d of m.integral) {
    if (!ev(d).isInteger()) throw new NotExact(`${d.toString()} is not an integer at ${what}`);
  }
  const int = (d: Dim, name: string): number => {
    let v: number;
    try {
      v = d.evaluateInt(bindings, `${name} at ${what}:`, memo);
    } catch (e) {
      if (isCoordattnError(e)) throw new NotExact(e.message);
      throw e;
    }
    if (v < 0) throw new NotExact(`${name} is negative (${v}) at ${what}`);
    return v;
  };
  const cols = (c: Columns, name: string): Columns<number> => {
    const out = {} as Record<ColumnName, number>;
    for (const k of COLUMN_NAMES) out[k] = int(c[k], `${k} of ${name}`);
    return out;
  };
  const det = m.detail;
  let activationBytes = 0;
  if (det) {
    const sizes = det.numels.map((d, i) => int(d, `activation ${i}`) * o.bytesPerElement);
    activationBytes = activationPeak(
      det.plan,
      det.numelIndex.map((k) => sizes[k]),
    );
  }
  const totals: ReportTotals = {
    ...cols(m.columns, 'total'),
    params: int(m.params, 'params'),
    paramsWithoutBN: int(m.paramsWithoutBN, 'params without BN'),
    bnRunningStats: int(m.bnRunningStats, 'BN running statistics'),
    paramBytes: int(m.paramBytes, 'parameter bytes'),
    activationBytes,
  };
  const total = int(m.headline, 'headline');
  if (!det) return { totals, total };
  const groups: GroupRow[] = det.groups.map((g) => ({
    name: g.name,
    layers: g.layers,
    params: int(g.params, `params of ${g.name}`),
    presetValue: int(g.presetValue, `preset value of ${g.name}`),
    ...cols(g.columns, g.name),
  }));
  const layers = det.layers?.map((l): LayerRow => ({
    path: l.path,
    op: l.op,
    outputShape: l.outputShape.map((d, i) => int(d, `dim ${i} of ${l.path}`)),
    ...(l.block !== undefined ? { block: l.block } : {}),
    stage: l.stage,
    provenance: l.provenance,
    params: int(l.params, `params of ${l.path}`),
    ...cols(l.columns, l.path),
    presetValue: int(l.presetValue, `preset value of ${l.path}`),
  }));
  return { totals, total, groups, ...(layers ? { layers } : {}) };
}

// ---- classes of points: one symbolic graph, or a rebuild per point -----------------------------

interface Axes {
  readonly reduction: boolean;
  readonly resolution: boolean;
}

function pointBindings(p: SweepPoint, axes: Axes): Record<string, number> {
  return {
    ...(axes.reduction && p.reduction !== undefined ? { [SWEEP_SYMBOLS.reduction]: p.reduction } : {}),
    ...(axes.resolution
      ? { [SWEEP_SYMBOLS.height]: p.resolution[0], [SWEEP_SYMBOLS.width]: p.resolution[1] }
      : {}),
  };
}

function classKey(p: SweepPoint, axes: Axes): string {
  return JSON.stringify([
    p.attention,
    axes.reduction ? '*' : (p.reduction ?? null),
    p.width,
    axes.resolution ? '*' : p.resolution,
    p.placement ?? null,
  ]);
}

function describePoint(p: SweepPoint): string {
  const parts = [`attention ${p.attention}`];
  if (p.reduction !== undefined) parts.push(`r ${p.reduction}`);
  parts.push(`width ${p.width}`, `${p.resolution[0]}x${p.resolution[1]}`);
  if (p.placement !== undefined) parts.push(`placement ${p.placement}`);
  return parts.join(', ');
}

interface Evaluator {
  /** The numbers of each point, in order (`detail`: groups and layers too). */
  costs(points: readonly SweepPoint[], detail: boolean): PointCost[];
  /** So far (`points` is left to the caller). */
  readonly stats: Omit<SweepStats, 'points'>;
}

function evaluator(spec: SweepSpec, keys: readonly SweepKey[], o: CostOptions): Evaluator {
  const userBindings = spec.report?.bindings ?? {};
  const axes: Axes = {
    reduction: keys.includes('reduction'),
    resolution: keys.includes('resolution'),
  };
  const symbolic =
    spec.method !== 'rebuild' && spec.buildSymbolic !== undefined && (axes.reduction || axes.resolution);
  const stats = { evaluated: 0, rebuilt: 0, symbolicBuilds: 0, fallbacks: [] as string[] };

  const rebuild = (p: SweepPoint, detail: boolean): PointCost => {
    stats.rebuilt++;
    const m = costModel(spec.build(p), o, detail);
    try {
      return evaluateModel(m, userBindings, o, describePoint(p), false);
    } catch (e) {
      // A concrete graph decides every relation; what is left is a real evaluation error.
      if (e instanceof NotExact) throw new CoordattnError('E_EVAL', e.message);
      throw e;
    }
  };

  const symbolicModel = (p: SweepPoint, detail: boolean): CostModel | string => {
    const sym: SymbolicAxes = {
      ...(axes.reduction ? { reduction: Dim.sym(SWEEP_SYMBOLS.reduction) } : {}),
      ...(axes.resolution
        ? { resolution: [Dim.sym(SWEEP_SYMBOLS.height), Dim.sym(SWEEP_SYMBOLS.width)] as const }
        : {}),
    };
    let g: Graph;
    try {
      g = spec.buildSymbolic!(p, sym);
    } catch (e) {
      if (isCoordattnError(e)) return `symbolic build failed: ${e.message}`;
      throw e;
    }
    stats.symbolicBuilds++;
    const allowed = new Set([...Object.keys(pointBindings(p, axes)), ...Object.keys(userBindings)]);
    const extra = g.symbols().filter((s) => !allowed.has(s));
    if (extra.length > 0) return `symbolic graph has other free symbols: ${extra.join(', ')}`;
    let m: CostModel;
    try {
      m = costModel(g, o, detail);
    } catch (e) {
      if (isCoordattnError(e)) return `symbolic analysis failed: ${e.message}`;
      throw e;
    }
    return m.unchecked ? 'an assumption of the symbolic graph has no relation to check' : m;
  };

  const evalAt = (m: CostModel, p: SweepPoint): PointCost =>
    evaluateModel(m, { ...userBindings, ...pointBindings(p, axes) }, o, describePoint(p), true);

  const costs = (points: readonly SweepPoint[], detail: boolean): PointCost[] => {
    const out: PointCost[] = new Array<PointCost>(points.length);
    const classes = new Map<string, number[]>();
    points.forEach((p, i) => {
      const k = symbolic ? classKey(p, axes) : String(i);
      const list = classes.get(k);
      if (list) list.push(i);
      else classes.set(k, [i]);
    });
    for (const [key, idx] of classes) {
      // A class of fewer than 3 points saves nothing: 2 of its points are built to check it.
      if (!symbolic || idx.length < 3) {
        for (const i of idx) out[i] = rebuild(points[i], detail);
        continue;
      }
      const m = symbolicModel(points[idx[0]], detail);
      if (typeof m === 'string') {
        stats.fallbacks.push(`${key}: ${m}`);
        for (const i of idx) out[i] = rebuild(points[i], detail);
        continue;
      }
      const evaluated = new Map<number, PointCost>();
      for (const i of idx) {
        try {
          evaluated.set(i, evalAt(m, points[i]));
        } catch (e) {
          if (!(e instanceof NotExact)) throw e;
          stats.fallbacks.push(`${key}: ${e.message}`);
        }
      }
      // The first and the last point that evaluate are also built concretely: their rows must be
      // the evaluated ones (a symbolic build that ignored an axis differs at one of them).
      const ok = [...evaluated.keys()];
      let agrees = true;
      for (const i of new Set(ok.length > 0 ? [ok[0], ok[ok.length - 1]] : [])) {
        out[i] = rebuild(points[i], detail);
        if (JSON.stringify(out[i]) !== JSON.stringify(evaluated.get(i))) {
          stats.fallbacks.push(
            `${key}: the formulas disagree with a concrete build at ${describePoint(points[i])}`,
          );
          agrees = false;
          break;
        }
      }
      for (const i of idx) {
        if (out[i] !== undefined) continue;
        const c = agrees ? evaluated.get(i) : undefined;
        if (c !== undefined) {
          out[i] = c;
          stats.evaluated++;
        } else out[i] = rebuild(points[i], detail);
      }
    }
    return out;
  };
  return { costs, stats };
}

function resolvePreset(p: ReportOptions['preset']): Preset {
  return typeof p === 'object' ? p : getPreset(p ?? 'paper');
}

/**
 * Runs a sweep: a report whose top level describes the base point (built concretely, with its
 * layers) and whose rows are the points; plus how each row was obtained.
 */
export function runSweep(spec: SweepSpec): { report: Report; stats: SweepStats } {
  const { keys, points } = sweepPoints(spec);
  const preset = resolvePreset(spec.report?.preset);
  const o: CostOptions = {
    preset,
    groupBy: spec.report?.groupBy ?? 'block',
    analyze: {
      ...(spec.report?.includeBnAffine !== undefined ? { includeBnAffine: spec.report.includeBnAffine } : {}),
      ...(spec.report?.bytesPerElement !== undefined ? { bytesPerElement: spec.report.bytesPerElement } : {}),
    },
    bytesPerElement: spec.report?.bytesPerElement ?? 4,
  };
  const ev = evaluator(spec, keys, o);
  const costs = ev.costs(points, true);
  // Baselines: the attention-free backbone at each distinct width and resolution.
  const baseKey = (p: SweepPoint): string => `${p.width}|${p.resolution.join('x')}`;
  const basePoints = new Map<string, SweepPoint>();
  for (const p of points) {
    const k = baseKey(p);
    if (!basePoints.has(k))
      basePoints.set(k, { attention: 'none', width: p.width, resolution: p.resolution });
  }
  const baseCosts = ev.costs([...basePoints.values()], false);
  const baselines = new Map([...basePoints.keys()].map((k, i) => [k, baseCosts[i]]));
  const rows: SweepRow[] = points.map((p, i) => {
    const c = costs[i];
    const b = baselines.get(baseKey(p))!;
    const d = {
      params: c.totals.params - b.totals.params,
      macs: c.totals.macs - b.totals.macs,
      total: c.total - b.total,
    };
    return {
      point: Object.fromEntries(keys.map((k) => [k, pointValue(p, k)])),
      totals: c.totals,
      total: { value: c.total, display: displayTotal(c.total, preset.unit, preset.scale) },
      delta: {
        baseline: { params: b.totals.params, macs: b.totals.macs, total: b.total },
        ...d,
        paramsPct: pct(d.params, b.totals.params),
        macsPct: pct(d.macs, b.totals.macs),
        totalPct: pct(d.total, b.total),
      },
      groups: { by: o.groupBy, rows: c.groups ?? [] },
      ...(c.layers ? { layers: c.layers } : {}),
    };
  });
  const top = buildReport(spec.build(spec.base), {
    ...spec.report,
    model: spec.model?.(spec.base) ?? { width: spec.base.width },
  });
  return {
    report: { ...top, sweep: { keys: [...keys] }, rows },
    stats: { points: points.length, ...ev.stats, fallbacks: [...ev.stats.fallbacks] },
  };
}

/** Runs a sweep (see `runSweep`). */
export function sweep(spec: SweepSpec): Report {
  return runSweep(spec).report;
}
