import { CoordattnError } from '../errors.js';
import type { Dim } from '../dim/index.js';
import { CheckContext, getOp, isOpName, parseAttrs, type OpName, OP_NAMES } from '../ops/index.js';
import { shapeToString, shapesEqual } from './shape.js';
import type { Assumption, Provenance, Shape, ValueRef, WeightRole } from './types.js';

export interface Node {
  /** Canonical path (`features.3.conv.1.attention.conv1`); `@k` marks the k-th extra call of a module. */
  readonly path: string;
  readonly op: OpName;
  readonly inputs: readonly ValueRef[];
  /** Validated attributes (dims as Dim, pairs normalised, defaults filled). */
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly outputs: readonly Shape[];
  /** Local weight name → parameter id (shared weights point at another node's parameters). */
  readonly params: Readonly<Record<string, string>>;
  readonly provenance: Provenance;
  /** Innermost block scope that emitted this node, if any. */
  readonly block?: string;
}

export interface Param {
  readonly id: string;
  readonly shape: Shape;
  readonly role: WeightRole;
  readonly trainable: boolean;
  /** Path of the node that declared it. */
  readonly owner: string;
}

export interface GraphInput {
  readonly name: string;
  readonly shape: Shape;
}

/** A composite (attention block, backbone block) instance: a named scope over primitive nodes. */
export interface BlockInstance {
  readonly path: string;
  readonly kind: string;
  readonly config: Readonly<Record<string, unknown>>;
}

export interface NodeSpec {
  readonly path: string;
  readonly op: string;
  readonly inputs: readonly ValueRef[];
  readonly attrs?: unknown;
  readonly provenance?: Partial<Provenance>;
  /** Reuse the parameters of this earlier node (CBAM's shared MLP). */
  readonly shareWeightsWith?: string;
  readonly block?: string;
}

/** Default PyTorch provenance per op, for nodes that do not state theirs. */
export const DEFAULT_TORCH: Record<OpName, { torchType: string; call: Provenance['call'] }> = {
  add: { torchType: 'add', call: 'tensor' },
  avg_pool2d: { torchType: 'AvgPool2d', call: 'module' },
  batch_norm: { torchType: 'BatchNorm2d', call: 'module' },
  channel_conv1d: { torchType: 'Conv1d', call: 'module' },
  channel_reduce: { torchType: 'mean', call: 'tensor' },
  clip: { torchType: 'clamp', call: 'tensor' },
  concat: { torchType: 'cat', call: 'functional' },
  conv2d: { torchType: 'Conv2d', call: 'module' },
  directional_mean: { torchType: 'AdaptiveAvgPool2d', call: 'module' },
  div: { torchType: 'div', call: 'tensor' },
  dropout: { torchType: 'Dropout', call: 'module' },
  flatten: { torchType: 'flatten', call: 'functional' },
  global_avg_pool: { torchType: 'AdaptiveAvgPool2d', call: 'module' },
  global_max_pool: { torchType: 'AdaptiveMaxPool2d', call: 'module' },
  hard_sigmoid: { torchType: 'Hardsigmoid', call: 'module' },
  hard_swish: { torchType: 'Hardswish', call: 'module' },
  identity: { torchType: 'Identity', call: 'module' },
  linear: { torchType: 'Linear', call: 'module' },
  max_pool2d: { torchType: 'MaxPool2d', call: 'module' },
  mul: { torchType: 'mul', call: 'tensor' },
  offset: { torchType: 'add', call: 'tensor' },
  permute: { torchType: 'permute', call: 'tensor' },
  relu: { torchType: 'ReLU', call: 'module' },
  relu6: { torchType: 'ReLU6', call: 'module' },
  reshape: { torchType: 'reshape', call: 'tensor' },
  resize: { torchType: 'interpolate', call: 'functional' },
  scale: { torchType: 'mul', call: 'tensor' },
  sigmoid: { torchType: 'Sigmoid', call: 'module' },
  slice: { torchType: 'slice', call: 'tensor' },
  split: { torchType: 'split', call: 'functional' },
  sub: { torchType: 'sub', call: 'tensor' },
  swish: { torchType: 'SiLU', call: 'module' },
};

const PATH_RE = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*(@[0-9]+)?$/;

export function parseRef(ref: ValueRef): { node: string; index: number } {
  const m = /^([^]*?)(?::(\d+))?$/.exec(ref)!;
  return { node: m[1], index: m[2] === undefined ? 0 : Number(m[2]) };
}

/** A shape-checked graph. Nodes are in execution order; every node is checked when added. */
export class Graph {
  readonly inputs: GraphInput[] = [];
  readonly nodes: Node[] = [];
  readonly params = new Map<string, Param>();
  readonly outputs: ValueRef[] = [];
  readonly assumptions: Assumption[] = [];
  readonly blocks: BlockInstance[] = [];
  readonly meta: Record<string, unknown> = {};
  /** Statements about where the graph came from that a report must carry (e.g. an import's caveats). */
  readonly notes: string[] = [];
  private readonly byPath = new Map<string, Node>();
  private readonly inputByName = new Map<string, GraphInput>();

  addInput(name: string, shape: Shape): void {
    if (!PATH_RE.test(name))
      throw new CoordattnError('E_GRAPH', `invalid input name '${name}'`, { path: name });
    if (this.inputByName.has(name) || this.byPath.has(name)) {
      throw new CoordattnError('E_GRAPH', `duplicate name '${name}'`, { path: name });
    }
    const ctx = new CheckContext(name);
    shape.forEach((d, i) => ctx.positive(d, `input dim ${i}`, [shape]));
    this.assumptions.push(...ctx.assumptions);
    const gi = { name, shape };
    this.inputs.push(gi);
    this.inputByName.set(name, gi);
  }

  has(path: string): boolean {
    return this.byPath.has(path) || this.inputByName.has(path);
  }

  node(path: string): Node {
    const n = this.byPath.get(path);
    if (!n) throw new CoordattnError('E_GRAPH', `no node '${path}'`, { path });
    return n;
  }

  /** The shape of a value reference (`path`, `path:k`, or a graph input name). */
  shapeOf(ref: ValueRef, where?: string): Shape {
    const gi = this.inputByName.get(ref);
    if (gi) return gi.shape;
    const { node, index } = parseRef(ref);
    const n = this.byPath.get(node);
    if (!n) {
      throw new CoordattnError('E_GRAPH', `input '${ref}' refers to no earlier node or graph input`, {
        path: where,
      });
    }
    if (index >= n.outputs.length) {
      throw new CoordattnError(
        'E_GRAPH',
        `'${node}' has ${n.outputs.length} output(s); '${ref}' asks for output ${index}`,
        {
          path: where,
        },
      );
    }
    return n.outputs[index];
  }

  /** Validates and shape-checks one node, then appends it. The one place nodes are created. */
  addNode(spec: NodeSpec): Node {
    const where = spec.path;
    if (!PATH_RE.test(where)) {
      throw new CoordattnError('E_GRAPH', `invalid node path '${where}'`, {
        path: where,
        expected: 'dot-separated names of letters, digits and _ with an optional @k call suffix',
      });
    }
    if (this.has(where))
      throw new CoordattnError('E_GRAPH', `duplicate node path '${where}'`, { path: where });
    if (!isOpName(spec.op)) {
      throw new CoordattnError('E_UNKNOWN_OP', `unknown op '${spec.op}'`, {
        path: where,
        expected: `one of ${OP_NAMES.join(', ')}`,
      });
    }
    const def = getOp(spec.op);
    const { min, max } = def.arity;
    if (spec.inputs.length < min || spec.inputs.length > max) {
      throw new CoordattnError(
        'E_GRAPH',
        `op '${spec.op}' takes ${min === max ? min : `${min} to ${max}`} input(s), got ${spec.inputs.length}`,
        {
          path: where,
        },
      );
    }
    const inShapes = spec.inputs.map((r) => this.shapeOf(r, where));
    const attrs = parseAttrs(def.attrs, spec.attrs, where, spec.op);
    const ctx = new CheckContext(where);
    const outputs = def.infer(ctx, inShapes, attrs);
    outputs.forEach((s) => s.forEach((d, i) => ctx.positive(d, `output dim ${i}`, [s])));
    const weights = def.weights(inShapes, attrs);
    const params: Record<string, string> = {};
    const moduleName = where.replace(/@\d+$/, '');
    if (spec.shareWeightsWith !== undefined) {
      const src = this.node(spec.shareWeightsWith);
      if (src.op !== spec.op) {
        throw new CoordattnError('E_GRAPH', `cannot share weights with '${src.path}', a ${src.op} node`, {
          path: where,
        });
      }
      for (const w of weights) {
        const id = src.params[w.name];
        const p = id === undefined ? undefined : this.params.get(id);
        if (!p || !shapesEqual(p.shape, w.shape)) {
          throw new CoordattnError('E_SHAPE', `shared weight '${w.name}' differs from '${src.path}'`, {
            path: where,
            shapes: [p ? shapeToString(p.shape) : 'none', shapeToString(w.shape)],
          });
        }
        params[w.name] = id!;
      }
    } else {
      for (const w of weights) {
        const id = `${moduleName}.${w.name}`;
        if (this.params.has(id)) {
          throw new CoordattnError(
            'E_GRAPH',
            `parameter '${id}' already exists; use shareWeightsWith to reuse a module's weights`,
            {
              path: where,
            },
          );
        }
        this.params.set(id, { id, shape: w.shape, role: w.role, trainable: w.trainable, owner: where });
        params[w.name] = id;
      }
    }
    const dflt = DEFAULT_TORCH[spec.op];
    const module = spec.provenance?.module ?? moduleName;
    const provenance: Provenance = {
      module,
      call: spec.provenance?.call ?? dflt.call,
      torchType: spec.provenance?.torchType ?? dflt.torchType,
      object: spec.provenance?.object ?? module,
      ...(spec.provenance?.inplace === true ? { inplace: true } : {}),
      ...(spec.provenance?.folded !== undefined && spec.provenance.folded.length > 0
        ? { folded: [...spec.provenance.folded] }
        : {}),
    };
    const node: Node = {
      path: where,
      op: spec.op,
      inputs: [...spec.inputs],
      attrs: attrs as Record<string, unknown>,
      outputs,
      params,
      provenance,
      ...(spec.block !== undefined ? { block: spec.block } : {}),
    };
    this.nodes.push(node);
    this.byPath.set(where, node);
    this.assumptions.push(...ctx.assumptions);
    return node;
  }

  addOutput(ref: ValueRef): void {
    this.shapeOf(ref, 'outputs');
    this.outputs.push(ref);
  }

  /** Free symbols of all shapes in the graph. */
  symbols(): string[] {
    const s = new Set<string>();
    const visit = (sh: Shape): void => sh.forEach((d: Dim) => d.symbols().forEach((x) => s.add(x)));
    this.inputs.forEach((i) => visit(i.shape));
    this.nodes.forEach((n) => n.outputs.forEach(visit));
    this.params.forEach((p) => visit(p.shape));
    return [...s].sort();
  }
}
