/**
 * The importer's working graph: IR ops (plus two pseudo ops that lifting must remove) with shapes
 * inferred as nodes are added, the ONNX nodes each came from, and weights as float32 data. Lifting
 * rules rewrite it; only then is it emitted into a checked IR `Graph`.
 */
import {
  CheckContext,
  CoordattnError,
  Dim,
  broadcast,
  getOp,
  isOpName,
  parseAttrs,
  type OpName,
  type Shape,
} from '@coordattn/ir';
import type { OnnxNode } from './proto.js';

/** Ops that exist only while importing; a lifting rule must turn each into IR ops. */
export type PseudoOp = 'conv1d' | 'expand';
export type PendingOp = OpName | PseudoOp;

export interface WeightData {
  /** Identity of the data: the initializer name (plus a transform tag); equal keys share weights. */
  readonly key: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

export interface PRef {
  readonly node: PNode | GraphIn;
  readonly out: number;
}

export interface GraphIn {
  readonly kind: 'input';
  readonly name: string;
  readonly shape: Shape;
}

export interface PNode {
  readonly kind: 'node';
  readonly id: number;
  op: PendingOp;
  inputs: PRef[];
  attrs: Record<string, unknown>;
  shapes: Shape[];
  /** Local weight name (`weight`, `bias`, `running_mean`, …) → data. */
  weights: Map<string, WeightData>;
  /** The ONNX nodes this node stands for (several after lifting). */
  origin: OnnxNode[];
  /** Replaced or dead: skipped at emission. */
  dead: boolean;
}

export function describeOnnx(nodes: readonly OnnxNode[]): string {
  const n = nodes[0];
  const more = nodes.length > 1 ? ` (+${nodes.length - 1} more)` : '';
  return n ? `ONNX node '${n.name}' (${n.opType})${more}` : 'ONNX graph';
}

export function shapeOf(r: PRef): Shape {
  return r.node.kind === 'input' ? r.node.shape : r.node.shapes[r.out];
}

/** Output shapes of a pending op (IR ops through their own `infer`; the pseudo ops here). */
export function inferPending(
  op: PendingOp,
  attrs: Record<string, unknown>,
  ins: readonly Shape[],
  where: string,
): Shape[] {
  if (op === 'expand') {
    const ctx = new CheckContext(where);
    return [broadcast(ctx, ins[0], attrs.shape as Shape, 'expand')];
  }
  if (op === 'conv1d') {
    const x = ins[0];
    if (x.length !== 3)
      throw new CoordattnError('E_UNSUPPORTED', 'a 1-D Conv needs a rank-3 input', { path: where });
    const k = attrs.kernel as number;
    const pad = attrs.pads as [number, number];
    const l = x[2].add(pad[0] + pad[1] - ((attrs.dilation as number) * (k - 1) + 1));
    const s = attrs.stride as number;
    const out = s === 1 ? l.add(1) : Dim.const(Math.floor((l.toInt() ?? NaN) / s) + 1);
    return [[x[0], Dim.const(attrs.outChannels as number), out]];
  }
  if (!isOpName(op)) throw new CoordattnError('E_UNKNOWN_OP', `unknown op '${op}'`, { path: where });
  const def = getOp(op);
  const ctx = new CheckContext(where);
  return def.infer(ctx, ins, parseAttrs(def.attrs, attrs, where, op));
}

/** The working graph. Nodes stay in a valid topological order: new nodes are appended. */
export class PendingGraph {
  readonly inputs: GraphIn[] = [];
  readonly nodes: PNode[] = [];
  outputs: { name: string; ref: PRef }[] = [];
  private nextId = 0;

  input(name: string, shape: Shape): PRef {
    const gi: GraphIn = { kind: 'input', name, shape };
    this.inputs.push(gi);
    return { node: gi, out: 0 };
  }

  /** Builds a node (shapes inferred, positivity checked) and appends it. */
  add(
    op: PendingOp,
    inputs: PRef[],
    attrs: Record<string, unknown>,
    origin: OnnxNode[],
    weights: Map<string, WeightData> = new Map(),
  ): PNode {
    const n = this.make(op, inputs, attrs, origin, weights);
    this.nodes.push(n);
    return n;
  }

  /** Consumers of each node output: `id:out` → [node, input index]. */
  uses(): Map<string, { node: PNode; index: number }[]> {
    const m = new Map<string, { node: PNode; index: number }[]>();
    for (const n of this.nodes) {
      if (n.dead) continue;
      n.inputs.forEach((r, index) => {
        if (r.node.kind !== 'node') return;
        const k = `${r.node.id}:${r.out}`;
        const list = m.get(k) ?? [];
        list.push({ node: n, index });
        m.set(k, list);
      });
    }
    for (const o of this.outputs) {
      if (o.ref.node.kind !== 'node') continue;
      const k = `${o.ref.node.id}:${o.ref.out}`;
      if (!m.has(k)) m.set(k, []);
    }
    return m;
  }

  /** Every use of `from` now reads `to` (graph outputs included). */
  replaceUses(from: PRef, to: PRef): void {
    const same = (r: PRef): boolean => r.node === from.node && r.out === from.out;
    for (const n of this.nodes) n.inputs = n.inputs.map((r) => (same(r) ? to : r));
    this.outputs = this.outputs.map((o) => (same(o.ref) ? { ...o, ref: to } : o));
  }

  /** Inserts a node right after `after` (keeps topological order). */
  insertAfter(after: PNode, n: PNode): void {
    const i = this.nodes.indexOf(after);
    this.nodes.splice(i + 1, 0, n);
  }

  /** Builds a node without appending it (for rewrites that place it themselves). */
  make(
    op: PendingOp,
    inputs: PRef[],
    attrs: Record<string, unknown>,
    origin: OnnxNode[],
    weights: Map<string, WeightData> = new Map(),
  ): PNode {
    const where = describeOnnx(origin);
    const shapes = inferPending(op, attrs, inputs.map(shapeOf), where);
    for (const s of shapes) {
      for (const d of s) {
        const v = d.toInt();
        if (v !== undefined && v < 1) {
          throw new CoordattnError('E_SHAPE', `output dim ${d.toString()} is not positive`, { path: where });
        }
      }
    }
    return { kind: 'node', id: this.nextId++, op, inputs, attrs, shapes, weights, origin, dead: false };
  }

  /** Marks nodes that no graph output depends on as dead. */
  removeDead(): void {
    const live = new Set<PNode>();
    const stack: PRef[] = this.outputs.map((o) => o.ref);
    while (stack.length > 0) {
      const r = stack.pop()!;
      if (r.node.kind !== 'node' || live.has(r.node)) continue;
      live.add(r.node);
      stack.push(...r.node.inputs);
    }
    for (const n of this.nodes) if (!live.has(n)) n.dead = true;
  }

  live(): PNode[] {
    return this.nodes.filter((n) => !n.dead);
  }
}
