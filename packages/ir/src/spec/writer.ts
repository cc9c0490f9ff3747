/**
 * The spec writer: Graph → low-level (`"kind": "graph"`) JSON. Dims are written as integers when
 * constant, else as their printed expression (which parseDim reads back to the same canonical
 * Dim); attributes in a form their op's schema accepts; provenance only where it differs from
 * what the reader would default to. readSpec(specToText(g)) rebuilds g; writing that again gives
 * the same JSON.
 */
import { Dim, Rational, printDim } from '../dim/index.js';
import { CoordattnError } from '../errors.js';
import { DEFAULT_TORCH, type Graph, type Node } from '../graph/index.js';
import { getOp } from '../ops/index.js';
import type { JsonValue } from './json.js';
import { objectKeys } from './issues.js';
import { formatPath, type PathSegment } from './paths.js';
import { SPEC_LIMITS, SPEC_VERSION, type GraphSpec } from './schema.js';

type JsonObject = { [key: string]: JsonValue };

/** A Dim as JSON: a safe integer when constant and integral, else its expression text. */
export function dimToJson(d: Dim): number | string {
  const v = d.constValue();
  if (v && v.isInteger()) {
    const n = Number(v.num);
    return Number.isSafeInteger(n) ? n : v.num.toString();
  }
  return printDim(d);
}

function cannotWrite(what: string, path: readonly PathSegment[]): never {
  throw new CoordattnError('E_SPEC', `cannot write ${what} as JSON`, {
    path: formatPath(path) || undefined,
    expected: 'JSON data, Dims and Rationals',
  });
}

/** Attribute, config and meta values as JSON: Dims and Rationals converted, undefined fields dropped. */
export function toJsonValue(v: unknown, path: PathSegment[] = []): JsonValue {
  if (path.length > SPEC_LIMITS.maxDepth) cannotWrite('a value nested this deep (or cyclic)', path);
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : cannotWrite(`the number ${v}`, path);
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Dim) return dimToJson(v);
  if (v instanceof Rational) return dimToJson(Dim.const(v));
  if (Array.isArray(v)) return v.map((x, i) => toJsonValue(x, [...path, i]));
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null)
      cannotWrite(`an object of class ${v.constructor?.name}`, path);
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) continue;
      if (k === '__proto__') cannotWrite(`a field named '__proto__'`, path);
      out[k] = toJsonValue(x, [...path, k]);
    }
    return out;
  }
  return cannotWrite(`a ${typeof v}`, path);
}

/** Attributes in the order of the op's schema (transforms may append defaulted fields). */
function orderedAttrs(n: Node, attrs: JsonObject): JsonObject {
  const order = objectKeys(getOp(n.op).attrs);
  const rank = (k: string): number => {
    const i = order.indexOf(k);
    return i === -1 ? order.length : i;
  };
  const keys = Object.keys(attrs).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.map((k) => [k, attrs[k]]));
}

/** The node that owns all of this node's parameters, when they are shared (shareWeightsWith). */
function sharedOwner(g: Graph, n: Node): string | undefined {
  const owners = new Set(Object.values(n.params).map((id) => g.params.get(id)?.owner));
  if (owners.size !== 1) return undefined;
  const [owner] = owners;
  return owner !== undefined && owner !== n.path ? owner : undefined;
}

function provenanceJson(n: Node): JsonObject | undefined {
  const moduleName = n.path.replace(/@\d+$/, '');
  const d = DEFAULT_TORCH[n.op];
  const p = n.provenance;
  const out: JsonObject = {};
  if (p.module !== moduleName) out.module = p.module;
  if (p.call !== d.call) out.call = p.call;
  if (p.torchType !== d.torchType) out.torchType = p.torchType;
  if (p.object !== p.module) out.object = p.object;
  if (p.inplace === true) out.inplace = true;
  if (p.folded !== undefined && p.folded.length > 0) out.folded = [...p.folded];
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The low-level spec of a graph (a fresh JSON object; see specToText for text). */
export function writeSpec(graph: Graph): GraphSpec {
  const { name, ...meta } = graph.meta;
  const nodes = graph.nodes.map((n, i) => {
    const share = sharedOwner(graph, n);
    const prov = provenanceJson(n);
    return {
      path: n.path,
      op: n.op,
      inputs: [...n.inputs],
      attrs: orderedAttrs(n, toJsonValue(n.attrs, ['nodes', i, 'attrs']) as JsonObject),
      ...(prov ? { provenance: prov } : {}),
      ...(share !== undefined ? { shareWeightsWith: share } : {}),
      ...(n.block !== undefined ? { block: n.block } : {}),
    };
  });
  const metaJson = toJsonValue(meta, ['meta']) as JsonObject;
  return {
    coordattn: SPEC_VERSION,
    kind: 'graph',
    ...(typeof name === 'string' ? { name } : {}),
    inputs: graph.inputs.map((inp) => ({ name: inp.name, shape: inp.shape.map(dimToJson) })),
    nodes,
    outputs: [...graph.outputs],
    ...(graph.blocks.length > 0
      ? {
          blocks: graph.blocks.map((b, i) => ({
            path: b.path,
            kind: b.kind,
            config: toJsonValue(b.config, ['blocks', i, 'config']) as JsonObject,
          })),
        }
      : {}),
    ...(Object.keys(metaJson).length > 0 ? { meta: metaJson } : {}),
  } as GraphSpec;
}

/**
 * JSON text of a graph's spec: two-space indentation, with any array or object that fits in
 * `width` columns on one line (shapes, attributes, provenance).
 */
export function specToText(graph: Graph, width = 110): string {
  return `${formatJson(writeSpec(graph) as unknown as JsonValue, width)}\n`;
}

function inline(v: JsonValue): string {
  if (Array.isArray(v)) return `[${v.map(inline).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${inline(x)}`);
    return entries.length ? `{ ${entries.join(', ')} }` : '{}';
  }
  return JSON.stringify(v);
}

/** Pretty JSON: arrays and objects that fit stay on one line; the top-level object is expanded. */
export function formatJson(v: JsonValue, width = 110, indent = '', keyLen = 0): string {
  const flat = inline(v);
  if (v === null || typeof v !== 'object' || indent.length + keyLen + flat.length <= width) {
    if (!(indent === '' && v !== null && typeof v === 'object' && !Array.isArray(v))) return flat;
  }
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => `${inner}${formatJson(x, width, inner)}`).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(v as JsonObject);
  if (entries.length === 0) return '{}';
  const lines = entries.map(([k, x]) => {
    const key = `${JSON.stringify(k)}: `;
    return `${inner}${key}${formatJson(x, width, inner, key.length + 1)}`;
  });
  return `{\n${lines.join(',\n')}\n${indent}}`;
}
