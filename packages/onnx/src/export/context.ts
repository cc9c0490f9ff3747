/**
 * The state of one export: the ONNX nodes and initializers written so far, the names in use, and
 * the per-node context handed to each op's export rule.
 */
import { CoordattnError, Dim, type Graph, type Node, type Shape } from '@coordattn/ir';
import type { Tensor, Weights } from '@coordattn/reference';
import {
  attributeProto,
  float32Bytes,
  FLOAT,
  int64Bytes,
  INT64,
  tensorProto,
  type Attr,
  type OnnxDim,
  type OnnxShape,
} from './proto.js';
import type onnxProto from 'onnx-proto';

/** A dim as ONNX writes it: a constant, or a plain symbol (`N`) as a `dim_param`; else E_EVAL. */
export function onnxDim(d: Dim, where: string, what: string): OnnxDim {
  const v = d.toInt();
  if (v !== undefined) return v;
  const syms = [...d.symbols()];
  if (syms.length === 1 && d.equals(Dim.sym(syms[0]))) return syms[0];
  throw new CoordattnError('E_EVAL', `${what} is the expression ${d.toString()}`, {
    path: where,
    expected: 'for ONNX export, every dim a constant or a plain symbol (bind the other symbols first)',
  });
}

export function onnxShape(s: Shape, where: string, what: string): OnnxDim[] {
  return s.map((d, i) => onnxDim(d, where, `${what} dim ${i}`));
}

/** Everything an op's export rule may do for its node. */
export interface NodeContext {
  readonly node: Node;
  /** ONNX value names of the node's inputs, in order. */
  readonly x: readonly string[];
  /** ONNX value names of the node's outputs (`path`, `path:1`, ...). */
  readonly y: readonly string[];
  readonly inShapes: readonly OnnxShape[];
  readonly outShapes: readonly OnnxShape[];
  /** The initializer holding the node's weight `local` (its IR parameter id). */
  param(local: string): string;
  /** Whether the node has the weight `local` (an optional bias). */
  hasParam(local: string): boolean;
  /** A transposed copy of a 2-D weight (one initializer per parameter, shared like the weight). */
  transposedParam(local: string): string;
  /**
   * A float32 constant initializer named `<path>.<suffix>` (dims [] for a scalar; `<path>/<suffix>`
   * if the IR already has that name).
   */
  floatConst(suffix: string, dims: readonly number[], values: readonly number[]): string;
  /** A 1-D int64 constant initializer named `<path>.<suffix>` (or `<path>/<suffix>`, as floatConst). */
  int64Const(suffix: string, values: readonly number[]): string;
  /** The name of an intermediate value, `<path>/<suffix>`. */
  tmp(suffix: string): string;
  /**
   * Appends an ONNX node, named by the IR path (`suffix` → `<path>/<suffix>` for the extra nodes
   * of a multi-node lowering).
   */
  emit(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attrs?: Readonly<Record<string, Attr>>,
    suffix?: string,
  ): void;
  /** A concrete dim of this node (E_EVAL when it is a symbol). */
  int(d: OnnxDim, what: string): number;
}

export class ExportState {
  readonly nodes: onnxProto.onnx.INodeProto[] = [];
  readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly names = new Set<string>();
  private readonly nodeNames = new Set<string>();
  private readonly written = new Set<string>();
  /** Parameter id → its transposed initializer. */
  private readonly transposed = new Map<string, string>();
  /** The names the IR defines (graph inputs, node outputs, parameter ids). */
  private readonly irNames = new Set<string>();

  constructor(
    readonly graph: Graph,
    private readonly weights: Weights,
  ) {
    for (const gi of graph.inputs) this.irNames.add(gi.name);
    for (const n of graph.nodes)
      n.outputs.forEach((_, k) => this.irNames.add(k === 0 ? n.path : `${n.path}:${k}`));
    for (const id of graph.params.keys()) this.irNames.add(id);
  }

  /**
   * A name the exporter makes up (`<path>.min`, `<weight>.transposed`): `preferred`, or, when the
   * IR or an earlier export step already uses it, `fallback` (with a `/`, which IR names never hold).
   */
  private derived(preferred: string, fallback: string, where: string): string {
    const taken = this.irNames.has(preferred) || this.names.has(preferred);
    return this.claim(taken ? fallback : preferred, where);
  }

  /** Reserves a value or initializer name; a clash is an internal naming bug made visible. */
  claim(name: string, where: string): string {
    if (this.names.has(name)) {
      throw new CoordattnError('E_GRAPH', `ONNX export: the name '${name}' would be defined twice`, {
        path: where,
      });
    }
    this.names.add(name);
    return name;
  }

  private weight(id: string): Tensor {
    const t = this.weights.get(id);
    if (t === undefined) throw new CoordattnError('E_EVAL', `missing weight '${id}'`, { path: id });
    return t;
  }

  /** The initializer of parameter `id` (written once, however many nodes read it). */
  paramInitializer(id: string, where: string): string {
    if (!this.written.has(id)) {
      const t = this.weight(id);
      this.initializers.push(tensorProto(this.claim(id, where), FLOAT, t.shape, float32Bytes(t.data)));
      this.written.add(id);
    }
    return id;
  }

  /** The initializer `<id>.transposed` of a 2-D parameter, written once. */
  transposedInitializer(id: string, where: string): string {
    let name = this.transposed.get(id);
    if (name === undefined) {
      const t = this.weight(id);
      if (t.shape.length !== 2) {
        throw new CoordattnError('E_SHAPE', `cannot transpose weight '${id}': rank ${t.shape.length}`, {
          path: where,
        });
      }
      const [r, c] = t.shape;
      const tr = new Float64Array(r * c);
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) tr[j * r + i] = t.data[i * c + j];
      name = this.derived(`${id}.transposed`, `${id}/transposed`, where);
      this.initializers.push(tensorProto(name, FLOAT, [c, r], float32Bytes(tr), `transpose of ${id}`));
      this.transposed.set(id, name);
    }
    return name;
  }

  context(
    node: Node,
    x: readonly string[],
    y: readonly string[],
    inShapes: readonly OnnxShape[],
  ): NodeContext {
    const path = node.path;
    const outShapes = node.outputs.map((s, k) => onnxShape(s, path, `output ${k}`));
    const doc = [
      `coordattn op ${node.op}`,
      ...(node.block !== undefined ? [`block ${node.block}`] : []),
      `torch ${node.provenance.torchType} (${node.provenance.module})`,
    ].join('; ');
    const paramId = (local: string): string => {
      const id = node.params[local];
      if (id === undefined) {
        throw new CoordattnError('E_EVAL', `node has no weight '${local}'`, { path });
      }
      return id;
    };
    return {
      node,
      x,
      y,
      inShapes,
      outShapes,
      param: (local) => this.paramInitializer(paramId(local), path),
      hasParam: (local) => node.params[local] !== undefined,
      transposedParam: (local) => this.transposedInitializer(paramId(local), path),
      floatConst: (suffix, dims, values) => {
        const name = this.derived(`${path}.${suffix}`, `${path}/${suffix}`, path);
        this.initializers.push(tensorProto(name, FLOAT, dims, float32Bytes(values)));
        return name;
      },
      int64Const: (suffix, values) => {
        const name = this.derived(`${path}.${suffix}`, `${path}/${suffix}`, path);
        this.initializers.push(tensorProto(name, INT64, [values.length], int64Bytes(values)));
        return name;
      },
      tmp: (suffix) => this.claim(`${path}/${suffix}`, path),
      emit: (opType, inputs, outputs, attrs = {}, suffix) => {
        const name = suffix === undefined ? path : `${path}/${suffix}`;
        if (this.nodeNames.has(name)) {
          throw new CoordattnError('E_GRAPH', `ONNX export: node name '${name}' used twice`, { path });
        }
        this.nodeNames.add(name);
        this.nodes.push({
          name,
          opType,
          input: [...inputs],
          output: [...outputs],
          attribute: Object.entries(attrs).map(([k, a]) => attributeProto(k, a)),
          docString: doc,
        });
      },
      int: (d, what) => {
        if (typeof d === 'number') return d;
        throw new CoordattnError('E_EVAL', `${what} is the symbol ${d}`, {
          path,
          expected: `a constant for ONNX op ${node.op}`,
        });
      },
    };
  }
}
