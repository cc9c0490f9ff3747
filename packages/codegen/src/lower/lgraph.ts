/**
 * The lowered graph: what the passes rewrite and the kernel templates read. One node = one kernel
 * launch with one output. It starts as a 1:1 copy of a concrete IR graph (split becomes one `slice`
 * node per piece; a `slice` op is one such node with its own start and step) and the passes in
 * ../passes fold and fuse nodes; every lowered node keeps the list of IR node paths it covers, so
 * reports and errors name the exact places.
 */
import {
  BINARY_OPS,
  CoordattnError,
  parseRef,
  type ActivationName,
  type BinaryOpName,
  type Graph,
  type OpName,
} from '@coordattn/ir';
import { concreteAttrs, concreteShape, type ConcreteAttrs, type Weights } from '@coordattn/reference';

/** A constant tensor a kernel reads (weights, BN statistics, folded weights), float64 at compile time. */
export interface ParamTensor {
  /** Name in the compiled weights file (an IR parameter id, or a derived name such as `…weight_folded`). */
  readonly id: string;
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** An elementwise step applied to a kernel's computed value before it is stored. */
export type Epilogue =
  | { readonly kind: 'act'; readonly fn: ActivationName; readonly node: string }
  | { readonly kind: 'scale'; readonly factor: number; readonly node: string }
  | { readonly kind: 'offset'; readonly value: number; readonly node: string }
  | { readonly kind: 'clip'; readonly min: number | null; readonly max: number | null; readonly node: string }
  | {
      readonly kind: 'binary';
      readonly op: BinaryOpName;
      /** Value id of the other operand (broadcast to the kernel's output shape). */
      readonly operand: string;
      readonly node: string;
    };

/**
 * One reduction of a `multi_reduce` kernel: a keep-dims mean or max of the input over `axes`,
 * optionally permuted (output axis d = reduced axis perm[d]), `length` entries along the concat axis.
 */
export interface ReduceSegment {
  readonly reduce: 'mean' | 'max';
  readonly axes: readonly number[];
  readonly perm: readonly number[] | null;
  readonly length: number;
}

/** The kernel templates; see ../kernels. `elementwise` reads its first input and applies the epilogue. */
export type Template =
  | 'conv2d'
  | 'linear'
  | 'batch_norm'
  | 'elementwise'
  | 'global_pool'
  | 'directional_mean'
  | 'multi_reduce'
  | 'channel_reduce'
  | 'window_pool'
  | 'channel_conv1d'
  | 'concat'
  | 'slice'
  | 'permute'
  | 'reshape'
  | 'resize';

/** A window pool (max or average): the pool attributes, `countIncludePad` true for max (unused). */
export type WindowPoolAttrs = ConcreteAttrs<'max_pool2d'> & { readonly countIncludePad: boolean };

/** What each template reads from its node: a discriminated union on `template` (see LNode). */
export interface TemplateAttrs {
  readonly conv2d: ConcreteAttrs<'conv2d'>;
  readonly linear: ConcreteAttrs<'linear'>;
  readonly batch_norm: ConcreteAttrs<'batch_norm'>;
  /** The computation is the epilogue. */
  readonly elementwise: Readonly<Record<string, never>>;
  readonly global_pool: { readonly reduce: 'mean' | 'max' };
  readonly directional_mean: ConcreteAttrs<'directional_mean'>;
  readonly multi_reduce: { readonly axis: number; readonly segments: readonly ReduceSegment[] };
  readonly channel_reduce: ConcreteAttrs<'channel_reduce'>;
  readonly window_pool: WindowPoolAttrs;
  readonly channel_conv1d: ConcreteAttrs<'channel_conv1d'>;
  readonly concat: ConcreteAttrs<'concat'>;
  /** A slice op, or piece `piece` of a split (step 1). */
  readonly slice: {
    readonly axis: number;
    readonly start: number;
    readonly step: number;
    readonly piece: number | null;
  };
  readonly permute: ConcreteAttrs<'permute'>;
  /** Reads the input in row-major order (flatten, dropout, reshape). */
  readonly reshape: Readonly<Record<string, never>>;
  readonly resize: ConcreteAttrs<'resize'>;
}

/** The fields every lowered node has, whatever its template. */
export interface LNodeBase {
  /** Value id of the output (the IR path of the node that produced it; `path:k` for split pieces). */
  id: string;
  /** The IR op the node came from (the first one, when several were fused). */
  op: OpName;
  /** IR path of that op's node: names the kernel (`conv2d_features_3_conv_1_0`). */
  anchor: string;
  /** Value ids read: graph input names or other nodes' ids. */
  inputs: string[];
  shape: number[];
  /** Local name (`weight`, `bias`, `running_mean`, ...) → constant tensor. */
  params: Record<string, ParamTensor>;
  /** Gates multiplied into every read of input 0 (value ids, broadcast to input 0's shape). */
  prologue: string[];
  epilogue: Epilogue[];
  /** IR node paths covered, in execution order. */
  nodes: string[];
  /** Names of the passes that changed this node. */
  passes: string[];
  /** Storage of a rank-4 output: channel-minor when set (the channel-minor pass), else row-major NCHW. */
  layout?: 'nhwc';
}

/** A lowered node of template T: its attributes are what that template reads. */
export type LNodeOf<T extends Template> = LNodeBase & { template: T; attrs: TemplateAttrs[T] };

/** One lowered node = one kernel launch (or one chain of partial sums) with one output. */
export type LNode = { [T in Template]: LNodeOf<T> }[Template];

/** Gives node `n` another template (a pass that fuses several nodes into one kernel). */
export function retemplate<T extends Template>(n: LNode, template: T, attrs: TemplateAttrs[T]): LNodeOf<T> {
  const m = n as LNodeBase & { template: Template; attrs: TemplateAttrs[Template] };
  m.template = template;
  m.attrs = attrs;
  return m as LNodeOf<T>;
}

/**
 * Templates whose reads of input 0 can multiply gates in (the `prologue`; TemplateContext.read0):
 * the fuse-gate pass folds a gate into readers of these templates only.
 */
export const GATE_READERS: ReadonlySet<Template> = new Set<Template>([
  'conv2d',
  'elementwise',
  'multi_reduce',
  'permute',
]);

export interface LGraph {
  readonly inputs: { readonly name: string; readonly shape: number[] }[];
  nodes: LNode[];
  /** Graph outputs: the IR reference and the value id that holds it. */
  outputs: { readonly ref: string; value: string }[];
}

/** Canonical value id of an IR reference: `path` for output 0, `path:k` otherwise. */
export function valueId(ref: string): string {
  const { node, index } = parseRef(ref);
  return index === 0 ? node : `${node}:${index}`;
}

/**
 * The kernel template that runs each IR primitive (a pass may lower it away altogether; see
 * LOWERED_AWAY in ../passes, and it still has a template for when that pass is switched off).
 */
export const OP_TEMPLATES: Readonly<Record<OpName, Template>> = {
  add: 'elementwise',
  avg_pool2d: 'window_pool',
  batch_norm: 'batch_norm',
  channel_conv1d: 'channel_conv1d',
  channel_reduce: 'channel_reduce',
  clip: 'elementwise',
  concat: 'concat',
  conv2d: 'conv2d',
  directional_mean: 'directional_mean',
  div: 'elementwise',
  dropout: 'reshape',
  flatten: 'reshape',
  global_avg_pool: 'global_pool',
  global_max_pool: 'global_pool',
  hard_sigmoid: 'elementwise',
  hard_swish: 'elementwise',
  identity: 'elementwise',
  linear: 'linear',
  max_pool2d: 'window_pool',
  mul: 'elementwise',
  offset: 'elementwise',
  permute: 'permute',
  relu: 'elementwise',
  relu6: 'elementwise',
  reshape: 'reshape',
  resize: 'resize',
  scale: 'elementwise',
  sigmoid: 'elementwise',
  slice: 'slice',
  split: 'slice',
  sub: 'elementwise',
  swish: 'elementwise',
};

/**
 * The 1:1 lowering of a concrete IR graph with its weights (by parameter id). Symbolic dims are
 * E_EVAL (bind them when building the graph); missing weights are E_EVAL naming them.
 */
export function lowerGraph(graph: Graph, weights: Weights): LGraph {
  const inputs = graph.inputs.map((i) => ({ name: i.name, shape: concreteShape(i.shape, i.name, 'input') }));
  const nodes: LNode[] = [];
  for (const node of graph.nodes) {
    const attrs = concreteAttrs(node.attrs, node.path) as Record<string, unknown>;
    const params: Record<string, ParamTensor> = {};
    for (const [local, id] of Object.entries(node.params)) {
      const t = weights.get(id);
      if (t === undefined) {
        throw new CoordattnError('E_EVAL', `missing weight '${id}'`, { path: node.path });
      }
      params[local] = { id, shape: t.shape, data: t.data };
    }
    const ins = node.inputs.map(valueId);
    const base = {
      op: node.op,
      anchor: node.path,
      params,
      prologue: [],
      nodes: [node.path],
      passes: [],
    };
    const shapes = node.outputs.map((s, k) => concreteShape(s, node.path, `output ${k}`));
    if (node.op === 'split') {
      // One slice kernel per piece: piece k starts at the sum of the sizes before it, step 1.
      const { axis, sizes } = attrs as ConcreteAttrs<'split'>;
      let offset = 0;
      shapes.forEach((shape, k) => {
        nodes.push({
          ...base,
          id: k === 0 ? node.path : `${node.path}:${k}`,
          template: 'slice',
          inputs: ins,
          attrs: { axis, start: offset, step: 1, piece: k },
          shape,
          epilogue: [],
        });
        offset += sizes[k];
      });
      continue;
    }
    const lowered = templateOf(node.op, attrs);
    const elementwise = lowered.template === 'elementwise';
    nodes.push({
      ...base,
      ...lowered,
      id: node.path,
      inputs: elementwise ? [ins[0]] : ins,
      shape: shapes[0],
      epilogue: elementwise ? [elementwiseStep(node.op, attrs, ins, node.path)] : [],
    });
  }
  return { inputs, nodes, outputs: graph.outputs.map((ref) => ({ ref, value: valueId(ref) })) };
}

type Lowered = { [T in Template]: { template: T; attrs: TemplateAttrs[T] } }[Template];

/**
 * The template of an op and the attributes it reads. `attrs` are the op's concrete attributes,
 * already validated by the IR op's schema (Graph.addNode): this is the one place they are taken
 * as the op's attribute type.
 */
function templateOf(op: OpName, attrs: Record<string, unknown>): Lowered {
  const as = <K extends OpName>(_: K): ConcreteAttrs<K> => attrs as ConcreteAttrs<K>;
  switch (OP_TEMPLATES[op]) {
    case 'conv2d':
      return { template: 'conv2d', attrs: as('conv2d') };
    case 'linear':
      return { template: 'linear', attrs: as('linear') };
    case 'batch_norm':
      return { template: 'batch_norm', attrs: as('batch_norm') };
    case 'channel_conv1d':
      return { template: 'channel_conv1d', attrs: as('channel_conv1d') };
    case 'channel_reduce':
      return { template: 'channel_reduce', attrs: as('channel_reduce') };
    case 'directional_mean':
      return { template: 'directional_mean', attrs: as('directional_mean') };
    case 'global_pool':
      return { template: 'global_pool', attrs: { reduce: op === 'global_max_pool' ? 'max' : 'mean' } };
    case 'window_pool':
      return {
        template: 'window_pool',
        attrs: op === 'avg_pool2d' ? as('avg_pool2d') : { ...as('max_pool2d'), countIncludePad: true },
      };
    case 'concat':
      return { template: 'concat', attrs: as('concat') };
    case 'slice': {
      const { axis, start, step } = as('slice');
      return { template: 'slice', attrs: { axis, start, step, piece: null } };
    }
    case 'permute':
      return { template: 'permute', attrs: as('permute') };
    case 'resize':
      return { template: 'resize', attrs: as('resize') };
    case 'multi_reduce':
      throw new CoordattnError('E_KERNEL', `op ${op} cannot lower to multi_reduce (a fusion's template)`);
    case 'elementwise':
    case 'reshape':
      return { template: OP_TEMPLATES[op] as 'elementwise' | 'reshape', attrs: {} };
  }
}

const isBinary = (op: OpName): op is BinaryOpName => (BINARY_OPS as readonly string[]).includes(op);

/** The epilogue step that computes an `elementwise` op on its input 0 (the kernel's value). */
function elementwiseStep(op: OpName, attrs: Record<string, unknown>, ins: string[], node: string): Epilogue {
  if (isBinary(op)) return { kind: 'binary', op, operand: ins[1], node };
  switch (op) {
    case 'scale':
      return { kind: 'scale', factor: attrs.factor as number, node };
    case 'offset':
      return { kind: 'offset', value: attrs.value as number, node };
    case 'clip':
      return { kind: 'clip', min: attrs.min as number | null, max: attrs.max as number | null, node };
    default:
      return { kind: 'act', fn: op as ActivationName, node };
  }
}

/** Every value id a node reads: its inputs, its gates and its epilogue operands. */
export function reads(n: LNode): string[] {
  const r = [...n.inputs, ...n.prologue];
  for (const e of n.epilogue) if (e.kind === 'binary') r.push(e.operand);
  return r;
}

/** Number of reads of each value id (a value read twice by one node counts twice), graph outputs included. */
export function useCounts(g: LGraph): Map<string, number> {
  const uses = new Map<string, number>();
  const bump = (id: string): void => void uses.set(id, (uses.get(id) ?? 0) + 1);
  for (const n of g.nodes) reads(n).forEach(bump);
  for (const o of g.outputs) bump(o.value);
  return uses;
}

/** Replaces every read of value `from` by `to` (inputs, gates, epilogue operands, graph outputs). */
export function replaceUses(g: LGraph, from: string, to: string): void {
  const sub = (id: string): string => (id === from ? to : id);
  for (const n of g.nodes) {
    n.inputs = n.inputs.map(sub);
    n.prologue = n.prologue.map(sub);
    n.epilogue = n.epilogue.map((e) => (e.kind === 'binary' ? { ...e, operand: sub(e.operand) } : e));
  }
  for (const o of g.outputs) o.value = sub(o.value);
}

/** The shape of a value id (graph input or node output). */
export function shapeOfValue(g: LGraph, id: string): number[] {
  const input = g.inputs.find((i) => i.name === id);
  if (input) return input.shape;
  const node = g.nodes.find((n) => n.id === id);
  if (!node) throw new CoordattnError('E_GRAPH', `unknown value '${id}'`);
  return node.shape;
}

/** The storage layout of a value id: its producer's (graph inputs are row-major). */
export function layoutOfValue(g: LGraph, id: string): 'nhwc' | undefined {
  return producerOf(g, id)?.layout;
}

/** A deep copy, so that passes can be applied to one graph in several configurations. */
export function cloneLGraph(g: LGraph): LGraph {
  return {
    inputs: g.inputs.map((i) => ({ name: i.name, shape: [...i.shape] })),
    nodes: g.nodes.map((n) => ({
      ...n,
      inputs: [...n.inputs],
      shape: [...n.shape],
      params: { ...n.params },
      prologue: [...n.prologue],
      epilogue: [...n.epilogue],
      nodes: [...n.nodes],
      passes: [...n.passes],
    })),
    outputs: g.outputs.map((o) => ({ ...o })),
  };
}

/** The node that produces value `id` (undefined for graph inputs). */
export function producerOf(g: LGraph, id: string): LNode | undefined {
  return g.nodes.find((n) => n.id === id);
}

/** Removes a node (its output must have no remaining readers). */
export function removeNode(g: LGraph, node: LNode): void {
  g.nodes = g.nodes.filter((n) => n !== node);
}

/** Records that `pass` changed `node` (once). */
export function mark(node: LNode, pass: string): void {
  if (!node.passes.includes(pass)) node.passes.push(pass);
}
