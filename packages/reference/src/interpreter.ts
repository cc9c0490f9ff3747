/**
 * The reference interpreter: evaluates a concrete IR graph in float64 with the reference kernels,
 * node by node in graph order.
 *
 * - Every dim (inputs, node outputs, parameters, Dim-valued attributes) must be a constant; a
 *   symbolic one is E_EVAL before anything runs (bind the symbols when building the graph).
 * - Inputs: exactly the graph's inputs by name, with the graph's shapes (E_EVAL / E_SHAPE).
 * - Weights: by parameter id; a node reads its weights through `node.params` (local name → id),
 *   so shared weights (CBAM's MLP) are one tensor. Every parameter must be present with its shape
 *   (checked up front); extra tensors are ignored.
 * - Each kernel's output shapes are checked against the IR's inferred shapes (a disagreement
 *   between the reference and shape inference is E_EVAL naming the node).
 * - A value is dropped after its last use unless it is a graph output or asked for in `keep`.
 */
import {
  CoordattnError,
  Dim,
  parseRef,
  type Graph,
  type Node,
  type Shape,
  type ValueRef,
  withPath,
} from '@coordattn/ir';
import { kernelFor } from './ops/index.js';
import { numel, sameShape, shapeText, type Tensor } from './tensor.js';
import { paramShapes, type Weights } from './weights.js';

export interface RunOptions {
  /** Extra value references (`path` or `path:k`) to return besides the graph outputs. */
  readonly keep?: readonly ValueRef[];
  /**
   * Called after each node with its outputs and what is then held in memory (values still to be
   * read, graph outputs and kept values; graph inputs included): for tracing, per-node
   * comparisons and peak-memory checks.
   */
  readonly onNode?: (step: RunStep) => void;
}

export interface RunStep {
  readonly node: Node;
  readonly outputs: readonly Tensor[];
  /** Values held after this node's inputs that are no longer needed were dropped. */
  readonly liveValues: number;
  /** Their total size in bytes (float64). */
  readonly liveBytes: number;
}

/** Canonical key of a value reference: `node:index` (`x` and `x:0` are the same value). */
function keyOf(ref: ValueRef): string {
  const { node, index } = parseRef(ref);
  return `${node}:${index}`;
}

/** The integer dims of a shape, or E_EVAL naming the symbolic dim. */
export function concreteShape(s: Shape, where: string, what: string): number[] {
  return s.map((d, i) => {
    const v = d.toInt();
    if (v === undefined) {
      throw new CoordattnError('E_EVAL', `${what} dim ${i} is symbolic (${d.toString()})`, {
        path: where,
        expected: 'a concrete graph: every dim a constant',
      });
    }
    return v;
  });
}

/** Replaces every Dim in a validated attribute value by its integer value. */
export function concreteAttrs(v: unknown, where: string): unknown {
  if (v instanceof Dim) {
    const n = v.toInt();
    if (n === undefined) {
      throw new CoordattnError('E_EVAL', `attribute value ${v.toString()} is symbolic`, {
        path: `${where}.attrs`,
        expected: 'a concrete graph: every dim a constant',
      });
    }
    return n;
  }
  if (Array.isArray(v)) return v.map((x) => concreteAttrs(x, where));
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, concreteAttrs(x, where)]));
  }
  return v;
}

interface Prepared {
  readonly node: Node;
  readonly attrs: unknown;
  readonly outputs: number[][];
}

/** Checks that the whole graph is concrete and converts shapes and attributes once. */
function prepare(graph: Graph): Prepared[] {
  graph.inputs.forEach((i) => concreteShape(i.shape, i.name, 'input'));
  return graph.nodes.map((node) => ({
    node,
    attrs: concreteAttrs(node.attrs, node.path),
    outputs: node.outputs.map((s, k) => concreteShape(s, node.path, `output ${k}`)),
  }));
}

function checkInputs(graph: Graph, inputs: Readonly<Record<string, Tensor>>): void {
  for (const gi of graph.inputs) {
    const t = inputs[gi.name];
    if (t === undefined)
      throw new CoordattnError('E_EVAL', `no value for graph input '${gi.name}'`, { path: gi.name });
    const want = concreteShape(gi.shape, gi.name, 'input');
    if (!sameShape(t.shape, want) || t.data.length !== numel(want)) {
      throw new CoordattnError('E_SHAPE', `graph input '${gi.name}' has the wrong shape`, {
        path: gi.name,
        shapes: [`${shapeText(t.shape)} (${t.data.length} values)`, shapeText(want)],
      });
    }
  }
  const known = new Set(graph.inputs.map((i) => i.name));
  const extra = Object.keys(inputs).filter((k) => !known.has(k));
  if (extra.length > 0) {
    throw new CoordattnError('E_EVAL', `unknown graph input(s): ${extra.join(', ')}`, {
      expected: `only ${[...known].join(', ')}`,
    });
  }
}

function checkParams(graph: Graph, weights: Weights): void {
  const missing: string[] = [];
  for (const [id, shape] of paramShapes(graph)) {
    const t = weights.get(id);
    if (t === undefined) {
      missing.push(id);
    } else if (!sameShape(t.shape, shape) || t.data.length !== numel(shape)) {
      throw new CoordattnError('E_SHAPE', `weight '${id}' has the wrong shape`, {
        path: id,
        shapes: [`${shapeText(t.shape)} (${t.data.length} values)`, shapeText(shape)],
      });
    }
  }
  if (missing.length > 0) {
    const head = missing.slice(0, 10).join(', ');
    throw new CoordattnError(
      'E_EVAL',
      `missing ${missing.length} weight(s): ${head}${missing.length > 10 ? ', …' : ''}`,
    );
  }
}

/**
 * Evaluates `graph` on `inputs` (by graph input name) with `weights` (by parameter id). Returns
 * the graph outputs and any `keep` values, keyed by their reference strings.
 */
export function run(
  graph: Graph,
  inputs: Readonly<Record<string, Tensor>>,
  weights: Weights,
  opts: RunOptions = {},
): Record<string, Tensor> {
  const prepared = prepare(graph);
  checkInputs(graph, inputs);
  checkParams(graph, weights);
  const wanted = [...graph.outputs, ...(opts.keep ?? [])];
  for (const ref of opts.keep ?? []) graph.shapeOf(ref, 'keep');
  const retained = new Set(wanted.map(keyOf));

  // Index of the last node that reads each value.
  const lastUse = new Map<string, number>();
  prepared.forEach(({ node }, i) => node.inputs.forEach((r) => lastUse.set(keyOf(r), i)));

  const values = new Map<string, Tensor>();
  for (const gi of graph.inputs) values.set(`${gi.name}:0`, inputs[gi.name]);

  prepared.forEach(({ node, attrs, outputs }, i) => {
    const args = node.inputs.map((r) => values.get(keyOf(r))!);
    const ws: Record<string, Tensor> = {};
    for (const [local, id] of Object.entries(node.params)) ws[local] = weights.get(id)!;
    const results = withPath(node.path, () => kernelFor(node.op)(args, attrs, ws));
    if (results.length !== outputs.length) {
      throw new CoordattnError(
        'E_EVAL',
        `reference kernel '${node.op}' returned ${results.length} output(s), the IR has ${outputs.length}`,
        { path: node.path },
      );
    }
    results.forEach((t, k) => {
      if (!sameShape(t.shape, outputs[k])) {
        throw new CoordattnError(
          'E_EVAL',
          `reference kernel '${node.op}' output ${k} disagrees with the IR's inferred shape`,
          { path: node.path, shapes: [shapeText(t.shape), shapeText(outputs[k])] },
        );
      }
      const key = `${node.path}:${k}`;
      if (lastUse.has(key) || retained.has(key)) values.set(key, t);
    });
    for (const r of node.inputs) {
      const key = keyOf(r);
      if (lastUse.get(key) === i && !retained.has(key)) values.delete(key);
    }
    if (opts.onNode) {
      let liveBytes = 0;
      for (const t of values.values()) liveBytes += t.data.byteLength;
      opts.onNode({ node, outputs: results, liveValues: values.size, liveBytes });
    }
  });

  const out: Record<string, Tensor> = {};
  for (const ref of wanted) out[ref] = values.get(keyOf(ref))!;
  return out;
}
