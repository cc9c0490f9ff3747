/**
 * The analysis: one pass over the graph in execution order applying each op's cost rule, giving
 * per-layer symbolic columns and their symbolic totals, plus parameters from `graph.params`
 * (shared weights once). `evaluate` turns it into exact integers at given symbol bindings.
 */
import {
  CoordattnError,
  Dim,
  parseRef,
  type Bindings,
  type Graph,
  type Node,
  type OpAttrs,
  type OpName,
  type Param,
  type Provenance,
  type Shape,
} from '@coordattn/ir';
import {
  COLUMN_NAMES,
  ZERO_COLUMNS,
  addColumns,
  fullColumns,
  mapColumns,
  numel,
  type Columns,
} from './columns.js';
import { ruleFor } from './rules/index.js';

export interface AnalyzeOptions {
  /** Count BN γ and β as parameters (default true, like PyTorch's `parameters()`). */
  readonly includeBnAffine?: boolean;
  /** Bytes per stored element for parameter and activation memory (default 4, float32). */
  readonly bytesPerElement?: number;
}

/** Parameter counts (symbolic). */
export interface ParamCounts {
  /** Trainable parameters (conv/linear weights and biases, BN γ/β unless excluded). */
  readonly params: Dim;
  /** Trainable parameters without BN γ/β. */
  readonly paramsWithoutBN: Dim;
  /** BN running_mean + running_var (buffers, not parameters). */
  readonly bnRunningStats: Dim;
  /** Every stored tensor (all parameters + running statistics) × bytesPerElement. */
  readonly paramBytes: Dim;
}

export interface LayerCost {
  readonly path: string;
  readonly op: OpName;
  readonly node: Node;
  readonly inputShapes: readonly Shape[];
  /** The first output's shape (split has several: outputShapes). */
  readonly outputShape: Shape;
  readonly outputShapes: readonly Shape[];
  readonly provenance: Provenance;
  readonly block?: string;
  readonly columns: Columns;
  /** Trainable parameters declared by this node (a shared weight counts at its declaring node only). */
  readonly params: Dim;
}

export interface Analysis {
  readonly graph: Graph;
  readonly layers: readonly LayerCost[];
  readonly totals: Columns;
  readonly paramCounts: ParamCounts;
  readonly options: Required<AnalyzeOptions>;
}

const BN_AFFINE = new Set(['gamma', 'beta']);
const RUNNING = new Set(['running_mean', 'running_var']);

function paramSize(p: Param): Dim {
  return numel(p.shape);
}

function countsParam(p: Param, includeBnAffine: boolean): boolean {
  return p.trainable && (includeBnAffine || !BN_AFFINE.has(p.role));
}

/** Applies the cost rule of every node; throws E_NO_RULE for an op without a rule. */
export function analyze(graph: Graph, options: AnalyzeOptions = {}): Analysis {
  const opts: Required<AnalyzeOptions> = {
    includeBnAffine: options.includeBnAffine ?? true,
    bytesPerElement: options.bytesPerElement ?? 4,
  };
  const ownParams = new Map<string, Dim>();
  let params = Dim.const(0);
  let paramsWithoutBN = Dim.const(0);
  let bnRunningStats = Dim.const(0);
  let stored = Dim.const(0);
  for (const p of graph.params.values()) {
    const n = paramSize(p);
    stored = stored.add(n);
    if (RUNNING.has(p.role)) bnRunningStats = bnRunningStats.add(n);
    if (p.trainable && !BN_AFFINE.has(p.role)) paramsWithoutBN = paramsWithoutBN.add(n);
    if (countsParam(p, opts.includeBnAffine)) {
      params = params.add(n);
      ownParams.set(p.owner, (ownParams.get(p.owner) ?? Dim.const(0)).add(n));
    }
  }
  let totals = ZERO_COLUMNS;
  const layers = graph.nodes.map((node): LayerCost => {
    const rule = ruleFor(node.op, node.path);
    const inputShapes = node.inputs.map((r) => graph.shapeOf(r, node.path));
    const columns = fullColumns(
      rule.cost({ node, inputs: inputShapes, outputs: node.outputs, attrs: node.attrs as OpAttrs<OpName> }),
    );
    totals = addColumns(totals, columns);
    return {
      path: node.path,
      op: node.op,
      node,
      inputShapes,
      outputShape: node.outputs[0],
      outputShapes: node.outputs,
      provenance: node.provenance,
      ...(node.block !== undefined ? { block: node.block } : {}),
      columns,
      params: ownParams.get(node.path) ?? Dim.const(0),
    };
  });
  return {
    graph,
    layers,
    totals,
    paramCounts: {
      params,
      paramsWithoutBN,
      bnRunningStats,
      paramBytes: stored.mul(opts.bytesPerElement),
    },
    options: opts,
  };
}

// ---- evaluation -------------------------------------------------------------------------------

export interface EvaluatedLayer {
  readonly path: string;
  readonly op: OpName;
  readonly outputShape: readonly number[];
  readonly provenance: Provenance;
  readonly block?: string;
  readonly columns: Columns<number>;
  readonly params: number;
}

export interface EvaluatedTotals extends Columns<number> {
  readonly params: number;
  readonly paramsWithoutBN: number;
  readonly bnRunningStats: number;
  readonly paramBytes: number;
  /** Peak bytes of live activations in execution order (see activationBytes). */
  readonly activationBytes: number;
}

export interface EvaluatedAnalysis {
  readonly bindings: Readonly<Record<string, number>>;
  readonly layers: readonly EvaluatedLayer[];
  readonly totals: EvaluatedTotals;
}

/** Evaluates a count exactly; E_EVAL when it is not an integer (or a symbol is unbound). */
export function evalCount(d: Dim, bindings: Bindings, what: string): number {
  const missing = [...d.symbols()].filter((s) => bindings[s] === undefined);
  if (missing.length > 0) {
    throw new CoordattnError(
      'E_EVAL',
      `${what} needs a value for ${missing.map((s) => `'${s}'`).join(', ')}`,
      {
        expected: 'bindings for every free symbol, e.g. { H: 224, W: 224 }',
      },
    );
  }
  return d.evaluateInt(bindings, what);
}

function evalShape(s: Shape, bindings: Bindings, what: string): number[] {
  return s.map((d, i) => evalCount(d, bindings, `${what} dim ${i}`));
}

/** Evaluates every column, parameter count and the activation peak at the bindings, exactly. */
export function evaluate(
  analysis: Analysis,
  bindings: Readonly<Record<string, number>> = {},
): EvaluatedAnalysis {
  const layers = analysis.layers.map((l): EvaluatedLayer => {
    const columns = mapColumns(l.columns, (d, k) => evalCount(d, bindings, `${k} of ${l.path}`));
    return {
      path: l.path,
      op: l.op,
      outputShape: evalShape(l.outputShape, bindings, `output of ${l.path}`),
      provenance: l.provenance,
      ...(l.block !== undefined ? { block: l.block } : {}),
      columns,
      params: evalCount(l.params, bindings, `params of ${l.path}`),
    };
  });
  const sum = {} as Record<(typeof COLUMN_NAMES)[number], number>;
  for (const k of COLUMN_NAMES) sum[k] = evalCount(analysis.totals[k], bindings, `total ${k}`);
  const pc = analysis.paramCounts;
  return {
    bindings: { ...bindings },
    layers,
    totals: {
      ...sum,
      params: evalCount(pc.params, bindings, 'params'),
      paramsWithoutBN: evalCount(pc.paramsWithoutBN, bindings, 'params without BN'),
      bnRunningStats: evalCount(pc.bnRunningStats, bindings, 'BN running statistics'),
      paramBytes: evalCount(pc.paramBytes, bindings, 'parameter bytes'),
      activationBytes: activationBytes(analysis.graph, bindings, analysis.options.bytesPerElement),
    },
  };
}

/**
 * The structure of the activation peak, without sizes: every value (graph input or node output)
 * with its element count as a Dim, and per node which values come alive and which die after it.
 * It depends only on the graph's structure, so a sweep computes it once and evaluates the sizes
 * per point (`activationPeak`).
 */
export interface ActivationPlan {
  /** Element count of every value: graph inputs first, then node outputs in execution order. */
  readonly numels: readonly Dim[];
  /** Indices of the graph inputs in `numels`. */
  readonly inputs: readonly number[];
  /** Per node: the values it creates, and those that die once it has run. */
  readonly steps: readonly { readonly create: readonly number[]; readonly free: readonly number[] }[];
  /** `what` of each value, for evaluation errors. */
  readonly names: readonly string[];
}

/**
 * Every node output is its own buffer (no in-place ops, views or aliasing), and a node's inputs
 * and outputs are live together while it runs; a value lives from its producer until its last
 * consumer, graph outputs to the end. Parameters are not included.
 */
export function activationPlan(graph: Graph): ActivationPlan {
  const index = new Map<string, number>();
  const numels: Dim[] = [];
  const names: string[] = [];
  const lastUse = new Map<string, number>();
  const end = graph.nodes.length;
  const key = (ref: string): string => {
    if (graph.inputs.some((i) => i.name === ref)) return ref;
    const { node, index: k } = parseRef(ref);
    return k === 0 ? node : `${node}:${k}`;
  };
  for (const gi of graph.inputs) {
    index.set(gi.name, numels.length);
    numels.push(numel(gi.shape));
    names.push(`input ${gi.name}`);
    lastUse.set(gi.name, -1);
  }
  graph.nodes.forEach((n, i) => {
    for (const r of n.inputs) lastUse.set(key(r), i);
  });
  for (const r of graph.outputs) lastUse.set(key(r), end);
  const dying = new Map<number, number[]>();
  const schedule = (v: number, at: number): void => {
    const list = dying.get(at) ?? [];
    list.push(v);
    dying.set(at, list);
  };
  for (const gi of graph.inputs) schedule(index.get(gi.name)!, lastUse.get(gi.name)!);
  const creates = graph.nodes.map((n, i) =>
    n.outputs.map((s, k) => {
      const id = k === 0 ? n.path : `${n.path}:${k}`;
      const v = numels.length;
      numels.push(numel(s));
      names.push(`output of ${n.path}`);
      schedule(v, Math.max(lastUse.get(id) ?? i, i));
      return v;
    }),
  );
  const steps = creates.map((create, i) => ({
    create,
    free: [...(dying.get(i) ?? []), ...(i === 0 ? (dying.get(-1) ?? []) : [])],
  }));
  return { numels, inputs: graph.inputs.map((gi) => index.get(gi.name)!), steps, names };
}

/** The peak of a plan given every value's size in bytes (same order as `plan.numels`). */
export function activationPeak(plan: ActivationPlan, bytes: readonly number[]): number {
  let live = plan.inputs.reduce((a, v) => a + bytes[v], 0);
  let peak = live;
  for (const st of plan.steps) {
    for (const v of st.create) live += bytes[v];
    peak = Math.max(peak, live);
    for (const v of st.free) live -= bytes[v];
  }
  return peak;
}

/**
 * Peak live activation bytes in execution order (see `activationPlan` for what is live when).
 */
export function activationBytes(graph: Graph, bindings: Bindings, bytesPerElement = 4): number {
  const plan = activationPlan(graph);
  return activationPeak(
    plan,
    plan.numels.map((d, i) => evalCount(d, bindings, plan.names[i]) * bytesPerElement),
  );
}
