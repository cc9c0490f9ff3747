/**
 * `importOnnx(bytes)`: an ONNX file → a shape-checked IR graph + its weights. Steps: decode and check
 * the file (proto.ts); order the nodes and check names (cycles, dangling inputs, duplicates);
 * convert node by node, folding constants (convert.ts); lift exporter patterns to IR ops (lift.ts);
 * recognise attention blocks by structure (blocks.ts); name nodes after torch's module scopes
 * (names.ts) and emit into a `Graph`, where every node is checked once more.
 */
import { CoordattnError, Dim, Graph, isCoordattnError, type Shape } from '@coordattn/ir';
import type { Tensor, Weights } from '@coordattn/reference';
import { recogniseBlocks, type RecognisedBlock } from './blocks.js';
import { convertNode, describeOnnx, type ConvertContext } from './convert.js';
import { lift } from './lift.js';
import { commonModule, fallbackName, modulePathOf, sanitizeComponent } from './names.js';
import { PendingGraph, type PNode, type PRef, type WeightData } from './pending.js';
import {
  DTYPE,
  decodeModel,
  decodeRaw,
  dtypeName,
  type ExternalRef,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from './proto.js';
import { ConstBudget, valShape, type Val } from './values.js';

export interface ImportOptions {
  /** The file's name, for messages. */
  readonly file?: string;
  /**
   * Values for the file's symbolic dims (`dim_param`s, and `N` for a batch dimension that is
   * symbolic or unknown). Unbound ones stay symbols of the IR graph.
   */
  readonly dims?: Readonly<Record<string, number>>;
  /**
   * Reads the bytes of an externally stored tensor. Called only with locations that passed
   * `checkExternalLocation`; without it, a model with external data is an error.
   */
  readonly readExternal?: (ref: ExternalRef, tensor: string) => Uint8Array;
}

/** What an import found that a report should say (assumptions, lifted patterns, blocks). */
export interface ImportNotes {
  readonly opset: number;
  readonly producer: string;
  readonly irVersion: number;
  /** The file has no BatchNormalization although it has convolutions (torch's default folds BN). */
  readonly bnFolded: boolean;
  /** Nodes whose names carry no torch module scope. */
  readonly unnamedNodes: number;
  readonly lifted: Readonly<Record<string, number>>;
  readonly blocks: readonly RecognisedBlock[];
  /** Human-readable sentences for a report's assumptions. */
  readonly assumptions: readonly string[];
  /** ONNX node name → the IR node paths it became part of. */
  readonly nodeMap: ReadonlyMap<string, readonly string[]>;
}

export interface ImportResult {
  readonly graph: Graph;
  readonly weights: Weights;
  readonly notes: ImportNotes;
}

/** Rejects external-data locations that could leave the model's folder (absolute, `..`, drive). */
export function checkExternalLocation(location: string, tensor: string): void {
  const bad =
    location.length === 0 ||
    location.includes('\0') ||
    location.startsWith('/') ||
    location.startsWith('\\') ||
    /^[A-Za-z]:/.test(location) ||
    location.split(/[/\\]/).some((p) => p === '..');
  if (bad) {
    throw new CoordattnError(
      'E_ONNX',
      `external data location '${location.slice(0, 200)}' leaves the model's folder`,
      {
        path: `initializer '${tensor}'`,
        expected: "a relative path inside the model's own directory, without '..'",
      },
    );
  }
}

function resolveTensor(t: OnnxTensor, opts: ImportOptions): OnnxTensor {
  if (t.data || !t.external) return t;
  checkExternalLocation(t.external.location, t.name);
  if (!opts.readExternal) {
    throw new CoordattnError(
      'E_ONNX',
      'tensor data is stored outside the file, and no folder was given to read it from',
      {
        path: `initializer '${t.name}'`,
      },
    );
  }
  const bytes = opts.readExternal(t.external, t.name);
  const size = t.dims.reduce((p, d) => p * d, 1);
  return { ...t, data: decodeRaw(t.dtype, bytes, size, `initializer '${t.name}' (external data)`) };
}

function tensorVal(t: OnnxTensor, key: string | undefined): Val {
  const data = t.data!;
  if (data.kind === 'float')
    return { kind: 'float', shape: t.dims, data: data.values, ...(key ? { key } : {}) };
  return { kind: 'int', shape: t.dims, data: data.values.map((v) => Dim.const(v)) };
}

/** Nodes in an order where every input is defined first (Kahn); cycles and dangling names are errors. */
function orderNodes(m: OnnxModel, file: string): OnnxNode[] {
  const producer = new Map<string, OnnxNode>();
  const defined = new Set<string>([...m.initializers.map((t) => t.name), ...m.inputs.map((i) => i.name)]);
  for (const n of m.nodes) {
    for (const o of n.outputs) {
      if (o === '') continue;
      if (producer.has(o) || defined.has(o)) {
        throw new CoordattnError('E_ONNX', `value '${o.slice(0, 200)}' is produced twice`, {
          path: `${file}: ${describeOnnx([n])}`,
          expected: 'unique value names (SSA form)',
        });
      }
      producer.set(o, n);
    }
  }
  // A file in topological order (as ONNX requires, and as exporters write) keeps its order.
  const seen = new Set(defined);
  const sorted = m.nodes.every((n) => {
    const ok = n.inputs.every((i) => i === '' || seen.has(i));
    for (const o of n.outputs) seen.add(o);
    return ok;
  });
  if (sorted) {
    for (const n of m.nodes) {
      for (const i of n.inputs) {
        if (i !== '' && !defined.has(i) && !producer.has(i)) {
          throw new CoordattnError(
            'E_ONNX',
            `input '${i.slice(0, 200)}' is produced by no node, initializer or graph input`,
            {
              path: `${file}: ${describeOnnx([n])}`,
            },
          );
        }
      }
    }
    checkOutputs(m, producer, defined, file);
    return [...m.nodes];
  }
  const pending = new Map<OnnxNode, number>();
  const waiting = new Map<string, OnnxNode[]>();
  const ready: OnnxNode[] = [];
  for (const n of m.nodes) {
    let k = 0;
    for (const i of n.inputs) {
      if (i === '' || defined.has(i)) continue;
      if (!producer.has(i)) {
        throw new CoordattnError(
          'E_ONNX',
          `input '${i.slice(0, 200)}' is produced by no node, initializer or graph input`,
          {
            path: `${file}: ${describeOnnx([n])}`,
          },
        );
      }
      k++;
      const list = waiting.get(i);
      if (list) list.push(n);
      else waiting.set(i, [n]);
    }
    pending.set(n, k);
    if (k === 0) ready.push(n);
  }
  const order: OnnxNode[] = [];
  // FIFO from file order: a file that is already sorted (as ONNX requires) keeps its order.
  for (let head = 0; head < ready.length; head++) {
    const n = ready[head];
    order.push(n);
    for (const o of n.outputs) {
      for (const w of waiting.get(o) ?? []) {
        const left = pending.get(w)! - 1;
        pending.set(w, left);
        if (left === 0) ready.push(w);
      }
      waiting.delete(o);
    }
  }
  if (order.length !== m.nodes.length) {
    const stuck = m.nodes.filter((n) => pending.get(n)! > 0).slice(0, 3);
    throw new CoordattnError('E_ONNX', 'the graph has a cycle', {
      path: `${file}: ${stuck.map((n) => describeOnnx([n])).join(', ')}`,
      expected: 'a directed acyclic graph',
    });
  }
  checkOutputs(m, producer, defined, file);
  return order;
}

function checkOutputs(
  m: OnnxModel,
  producer: ReadonlyMap<string, OnnxNode>,
  defined: ReadonlySet<string>,
  file: string,
): void {
  for (const o of m.outputs) {
    if (!producer.has(o.name) && !defined.has(o.name)) {
      throw new CoordattnError('E_ONNX', `graph output '${o.name.slice(0, 200)}' is produced by no node`, {
        path: file,
      });
    }
  }
}

function symbolName(s: string): string {
  const t = s.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(t) ? t : `d_${t}`;
}

/** A graph input's shape: concrete dims, dim_params as symbols (bound by opts.dims), batch → N. */
function inputShape(v: OnnxValueInfo, opts: ImportOptions, file: string): Shape {
  if (v.dtype !== DTYPE.FLOAT && v.dtype !== DTYPE.DOUBLE && v.dtype !== DTYPE.FLOAT16) {
    throw new CoordattnError('E_UNSUPPORTED', `graph input '${v.name}' has dtype ${dtypeName(v.dtype)}`, {
      path: file,
      expected: 'a float tensor (float32; float64 and float16 are read as float32)',
    });
  }
  if (!v.dims) {
    throw new CoordattnError('E_UNSUPPORTED', `graph input '${v.name}' has no shape`, {
      path: file,
      expected: 'a ranked input (export with a concrete example input)',
    });
  }
  return v.dims.map((d, i) => {
    if (typeof d === 'number') return Dim.const(d);
    const name =
      d === undefined ? (i === 0 ? 'N' : `${symbolName(v.name)}_d${i}`) : i === 0 ? 'N' : symbolName(d);
    const bound = opts.dims?.[name] ?? (d !== undefined ? opts.dims?.[d] : undefined);
    if (bound !== undefined) {
      if (!Number.isInteger(bound) || bound < 1) {
        throw new CoordattnError('E_OPTION', `dim ${name} = ${bound} is not a positive integer`, {
          path: `--dim ${name}`,
        });
      }
      return Dim.const(bound);
    }
    return Dim.sym(name);
  });
}

/** Imports an ONNX model from its bytes. */
export function importOnnx(bytes: Uint8Array, opts: ImportOptions = {}): ImportResult {
  const file = opts.file ?? '<model>';
  const m = decodeModel(bytes, file);
  const order = orderNodes(m, file);
  const pg = new PendingGraph();
  const values = new Map<string, Val>();
  for (const t of m.initializers) values.set(t.name, tensorVal(resolveTensor(t, opts), t.name));
  const inputNames = new Map<string, string>();
  for (const v of m.inputs) {
    const name = sanitizeComponent(v.name);
    if (inputNames.has(name))
      throw new CoordattnError('E_ONNX', `duplicate graph input '${v.name}'`, { path: file });
    inputNames.set(name, v.name);
    values.set(v.name, { kind: 'dyn', ref: pg.input(name, inputShape(v, opts, file)) });
  }
  const useCounts = new Map<string, number>();
  for (const n of m.nodes) for (const i of n.inputs) useCounts.set(i, (useCounts.get(i) ?? 0) + 1);
  for (const o of m.outputs) useCounts.set(o.name, (useCounts.get(o.name) ?? 0) + 1);
  const ctx: ConvertContext = {
    pg,
    opset: m.opset,
    tensorFromAttr: (t, where) => {
      if (!t.data)
        throw new CoordattnError('E_UNSUPPORTED', 'a Constant with external data', { path: where });
      return tensorVal(t, undefined);
    },
    useCount: (name) => useCounts.get(name) ?? 0,
    budget: new ConstBudget(),
  };
  for (const n of order) {
    const ins = n.inputs.map((i) => (i === '' ? undefined : values.get(i)));
    let outs: (Val | undefined)[];
    try {
      outs = convertNode(ctx, n, ins);
    } catch (e) {
      if (isCoordattnError(e) && !e.details.path?.includes('ONNX node')) {
        throw new CoordattnError(e.code, e.message.replace(/^E_[A-Z_]+( at [^:]*)?: /, ''), {
          ...e.details,
          path: `${describeOnnx([n])}${e.details.path ? ` (${e.details.path})` : ''}`,
        });
      }
      throw e;
    }
    n.outputs.forEach((o, i) => {
      if (o === '') return;
      const v = outs[i];
      if (!v)
        throw new CoordattnError('E_UNSUPPORTED', `output ${i} of ${n.opType} is not supported`, {
          path: describeOnnx([n]),
        });
      values.set(o, v);
    });
  }
  for (const o of m.outputs) {
    const v = values.get(o.name)!;
    if (v.kind !== 'dyn') {
      throw new CoordattnError('E_UNSUPPORTED', `graph output '${o.name}' is a constant`, {
        path: file,
        expected: 'outputs computed from the inputs',
      });
    }
    checkDeclared(o, valShape(v), file);
    pg.outputs.push({ name: o.name, ref: v.ref });
  }
  const lifted = lift(pg);
  const live = pg.live();
  const blocks = recogniseBlocks(pg);
  return emit(m, pg, live, blocks ?? [], blocks === undefined, lifted, file);
}

function checkDeclared(o: OnnxValueInfo, s: Shape, file: string): void {
  if (!o.dims) return;
  const bad =
    o.dims.length !== s.length ||
    o.dims.some((d, i) => typeof d === 'number' && s[i].toInt() !== undefined && s[i].toInt() !== d);
  if (bad) {
    throw new CoordattnError(
      'E_ONNX',
      `graph output '${o.name}' is declared [${o.dims.map((d) => d ?? '?').join(',')}] but the graph computes [${s.map((d) => d.toString()).join(',')}]`,
      {
        path: file,
      },
    );
  }
}

/**
 * Ops that torch code writes as functions or tensor operators (`x + y`, `torch.cat`, `.view`), never
 * as a module of their own: such a node is named `<module>.<op>` even when it is its module's only
 * node, as the built-in backbones name them (`features.3.add`).
 */
const FUNCTIONAL = new Set([
  'add',
  'sub',
  'mul',
  'div',
  'scale',
  'offset',
  'concat',
  'split',
  'slice',
  'permute',
  'reshape',
  'flatten',
  'channel_reduce',
  'resize',
]);

function toTensor(w: WeightData): Tensor {
  return { shape: [...w.shape], data: Float64Array.from(w.values) };
}

function emit(
  m: OnnxModel,
  pg: PendingGraph,
  live: PNode[],
  blocks: readonly RecognisedBlock[],
  searchCut: boolean,
  lifted: readonly string[],
  file: string,
): ImportResult {
  // Module of each live node: the deepest module of its ONNX nodes' scopes.
  let unnamed = 0;
  for (const n of m.nodes) if (modulePathOf(n.name) === undefined) unnamed++;
  const moduleOf = new Map<PNode, string | undefined>();
  for (const n of live) {
    const mods = n.origin.map((o) => modulePathOf(o.name));
    moduleOf.set(n, mods.every((p) => p !== undefined) ? commonModule(mods as string[]) : undefined);
  }
  const perModule = new Map<string, number>();
  for (const mod of moduleOf.values())
    if (mod !== undefined) perModule.set(mod, (perModule.get(mod) ?? 0) + 1);
  const blockOf = new Map<PNode, RecognisedBlock>();
  for (const b of blocks) for (const n of b.nodes) blockOf.set(n, b);

  const g = new Graph();
  const taken = new Set<string>();
  const unique = (base: string): string => {
    let p = base;
    for (let k = 1; taken.has(p) || g.has(p); k++) p = `${base}_${k}`;
    taken.add(p);
    return p;
  };
  const inputRefs = new Map<string, string>();
  for (const i of pg.inputs) {
    g.addInput(i.name, i.shape);
    taken.add(i.name);
    inputRefs.set(i.name, i.name);
  }
  const pathOf = new Map<PNode, string>();
  const ref = (r: PRef): string => {
    if (r.node.kind === 'input') return inputRefs.get(r.node.name)!;
    const p = pathOf.get(r.node)!;
    return r.out === 0 ? p : `${p}:${r.out}`;
  };
  const weights = new Map<string, Tensor>();
  const sharedBy = new Map<string, string>(); // weight key signature → first node path
  const nodeMap = new Map<string, string[]>();
  for (const n of live) {
    const mod = moduleOf.get(n);
    const opName = n.op as string;
    let base: string;
    if (mod === undefined) base = fallbackName(n.origin);
    else if (mod === '') base = opName;
    else base = perModule.get(mod) === 1 && !FUNCTIONAL.has(opName) ? mod : `${mod}.${opName}`;
    const path = unique(base);
    pathOf.set(n, path);
    const sig = [...n.weights.entries()].map(([k, w]) => `${k}=${w.key}`).join('|');
    const share = sig !== '' ? sharedBy.get(`${n.op}|${sig}`) : undefined;
    if (sig !== '' && !share) sharedBy.set(`${n.op}|${sig}`, path);
    const block = blockOf.get(n);
    const node = g.addNode({
      path,
      op: n.op,
      inputs: n.inputs.map(ref),
      attrs: n.attrs,
      provenance: { module: mod ?? path, object: mod ?? path },
      ...(share ? { shareWeightsWith: share } : {}),
      ...(block ? { block: block.path } : {}),
    });
    if (!share) {
      for (const [local, id] of Object.entries(node.params)) {
        const w = n.weights.get(local);
        const p = g.params.get(id)!;
        const want = p.shape.map((d) => d.toInt());
        if (!w)
          throw new CoordattnError('E_ONNX', `no data for weight '${local}'`, {
            path: describeOnnx(n.origin),
          });
        if (want.length !== w.shape.length || want.some((d, i) => d !== w.shape[i])) {
          throw new CoordattnError('E_SHAPE', `weight '${local}' has shape [${w.shape.join(',')}]`, {
            path: describeOnnx(n.origin),
            expected: `[${want.join(',')}] for ${n.op} at ${path}`,
          });
        }
        weights.set(id, toTensor(w));
      }
    }
    for (const o of n.origin) nodeMap.set(o.name, [...(nodeMap.get(o.name) ?? []), path]);
  }
  for (const b of blocks) g.blocks.push({ path: b.path, kind: b.kind, config: b.config });
  for (const o of pg.outputs) g.addOutput(ref(o.ref));
  const hasConv = live.some((n) => n.op === 'conv2d');
  const bnFolded = hasConv && !m.nodes.some((n) => n.opType === 'BatchNormalization');
  const liftedCounts: Record<string, number> = {};
  for (const r of lifted) liftedCounts[r] = (liftedCounts[r] ?? 0) + 1;
  const assumptions: string[] = [];
  if (bnFolded) {
    assumptions.push(
      'the file has no BatchNormalization nodes: an exporter that folds BN into the preceding Conv (torch.onnx.export in eval mode does) leaves params equal to the file, not to the PyTorch model (BN γ, β and statistics are gone; folded convs gained a bias)',
    );
  }
  if (unnamed > 0) {
    assumptions.push(
      `${unnamed} of ${m.nodes.length} ONNX nodes have names without torch module scopes: their IR paths come from the node names or op types, and per-module grouping cannot be recovered for them`,
    );
  }
  if (searchCut)
    assumptions.push('the graph is too large for attention-block recognition: no blocks are reported');
  assumptions.push(
    'provenance (module vs functional call) is inferred from ONNX op types, not read from PyTorch: presets that count by module calls (thop, ptflops) are approximate on imported models',
  );
  g.notes.push(...assumptions);
  for (const b of blocks) {
    g.notes.push(
      `recognised by structure: ${b.kind} block at ${b.path} (${Object.entries(b.config)
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(', ')})`,
    );
  }
  g.meta.source = 'onnx';
  g.meta.file = file;
  g.meta.opset = m.opset;
  g.meta.producer = `${m.producer} ${m.producerVersion}`.trim();
  return {
    graph: g,
    weights,
    notes: {
      opset: m.opset,
      producer: m.producer,
      irVersion: m.irVersion,
      bnFolded,
      unnamedNodes: unnamed,
      lifted: liftedCounts,
      blocks,
      assumptions,
      nodeMap,
    },
  };
}
