/**
 * The spec reader: text → JSON (json.ts) → structure (schema.ts, via zod) → Graph. A model spec
 * is built by `buildBackbone`; a graph spec node by node through `Graph.addNode`, the one place
 * where nodes are validated. Every failure is a CoordattnError whose path points into the JSON
 * (`model.json:nodes[3].attrs.kernel`).
 */
import { z } from 'zod';
import { ATTENTION_SCHEMAS, type AttentionSpec } from '../blocks/index.js';
import { buildBackbone } from '../backbones/index.js';
import type { BackboneOptions } from '../backbones/types.js';
import { Dim, EXPR_LIMITS, parseDim, signOf } from '../dim/index.js';
import { CoordattnError, type ErrorCode } from '../errors.js';
import { Graph } from '../graph/index.js';
import { getOp, OP_NAMES, type OpName } from '../ops/index.js';
import { checkJsonValue, parseJsonText, type JsonValue } from './json.js';
import { bareMessage, issueToError, showValue, validate } from './issues.js';
import { formatPath, shortName, withSourcePath, type PathSegment } from './paths.js';
import {
  GraphSpecJson,
  ModelSpecJson,
  SPEC_LIMITS,
  SPEC_VERSION,
  type GraphSpec,
  type ModelSpec,
} from './schema.js';

/** Reads spec text (a model or a graph spec). `source` (a file name) prefixes error paths. */
export function readSpec(text: string, source?: string): Graph {
  return parseSpec(parseJsonText(text, source), source);
}

/** Builds the graph of an already parsed spec value. `source` (a file name) prefixes error paths. */
export function parseSpec(json: unknown, source?: string): Graph {
  try {
    return build(json);
  } catch (e) {
    if (e instanceof CoordattnError && source) throw relocate(e, withSourcePath(source, e.details.path));
    throw e;
  }
}

// ---- errors -------------------------------------------------------------------------------------

function relocate(e: CoordattnError, path: string | undefined, message = bareMessage(e)): CoordattnError {
  const err = new CoordattnError(e.code, message, { ...e.details, path });
  err.stack = e.stack;
  return err;
}

function fail(code: ErrorCode, message: string, path: readonly PathSegment[], expected?: string): never {
  throw new CoordattnError(code, message, { path: formatPath(path) || undefined, expected });
}

// ---- dims ---------------------------------------------------------------------------------------

const DIM_EXPECTED = 'a positive integer or a dimension expression';

/**
 * A dimension from JSON: an integer >= 1 or an expression that is not provably <= 0. `code` is
 * E_DIM for graph shapes and E_OPTION for model options (resolution, batch).
 */
export function specDim(raw: number | string, path: readonly PathSegment[], code: ErrorCode = 'E_DIM'): Dim {
  const where = formatPath(path);
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw)) fail(code, `dimension ${raw} is not an integer`, path, DIM_EXPECTED);
    if (raw < 1) fail(code, `dimension ${raw} is not positive`, path, DIM_EXPECTED);
    if (raw > EXPR_LIMITS.maxAbsConstant) {
      fail(code, `dimension ${raw} is too large`, path, `an integer <= ${EXPR_LIMITS.maxAbsConstant}`);
    }
    return Dim.const(raw);
  }
  const d = parseDim(raw, where);
  const c = d.constValue();
  const shown = `dimension ${showValue(raw)}`;
  if (c) {
    if (!c.isInteger()) fail(code, `${shown} is ${c.toString()}, not an integer`, path, DIM_EXPECTED);
    if (c.sign() <= 0) fail(code, `${shown} is ${c.toString()}, which is not positive`, path, DIM_EXPECTED);
    return d;
  }
  const s = signOf(d);
  if (s === 'zero' || s === 'neg' || s === 'nonpos') {
    fail(code, `${shown} is never positive (symbols are positive integers)`, path, DIM_EXPECTED);
  }
  return d;
}

/** A dim whose canonical form is too long to work with (deeply nested floors). */
function checkSize(d: Dim, path: readonly PathSegment[], what = 'dimension', code: ErrorCode = 'E_DIM'): Dim {
  if (d.key.length > SPEC_LIMITS.maxDimKey) {
    fail(
      code,
      `${what} is too complex: its canonical form has ${d.key.length} characters`,
      path,
      `at most ${SPEC_LIMITS.maxDimKey}`,
    );
  }
  return d;
}

// ---- build --------------------------------------------------------------------------------------

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function build(json: unknown): Graph {
  checkJsonValue(json);
  if (!isObject(json)) {
    throw new CoordattnError('E_JSON', `a spec must be a JSON object, got ${showValue(json)}`, {
      expected: `an object with "coordattn": ${SPEC_VERSION} and "kind": "model" or "graph"`,
    });
  }
  if (!Object.hasOwn(json, 'coordattn')) {
    fail(
      'E_SPEC_VERSION',
      `missing the version field 'coordattn'`,
      ['coordattn'],
      `"coordattn": ${SPEC_VERSION}`,
    );
  }
  if (json.coordattn !== SPEC_VERSION) {
    fail(
      'E_SPEC_VERSION',
      `unsupported spec version ${showValue(json.coordattn)}`,
      ['coordattn'],
      `"coordattn": ${SPEC_VERSION}, the only version this reader supports`,
    );
  }
  if (!Object.hasOwn(json, 'kind')) fail('E_SPEC', `missing field 'kind'`, ['kind'], `'model' or 'graph'`);
  if (json.kind === 'model') return buildModel(json);
  if (json.kind === 'graph') return buildGraph(json);
  return fail('E_SPEC', `unknown spec kind ${showValue(json.kind)}`, ['kind'], `'model' or 'graph'`);
}

function buildModel(json: JsonValue): Graph {
  const spec: ModelSpec = validate(ModelSpecJson, json, {
    rangeCode: 'E_OPTION',
    unknownNameCodes: {
      backbone: 'E_UNKNOWN_NAME',
      placement: 'E_UNKNOWN_NAME',
      recipe: 'E_UNKNOWN_NAME',
      kind: 'E_UNKNOWN_NAME',
    },
    what: (p) =>
      p.length === 0 ? 'a model spec' : p.join('.') === 'attention' ? 'the attention field' : undefined,
  });
  let attention: AttentionSpec | undefined;
  if (spec.attention) {
    const { kind, config } = spec.attention;
    if (kind === 'none') {
      if (config && Object.keys(config).length > 0) {
        fail('E_SPEC', `attention kind 'none' takes no config`, ['attention', 'config'], 'no config, or {}');
      }
      attention = { kind: 'none' };
    } else {
      const parsed: Record<string, unknown> = validate(ATTENTION_SCHEMAS[kind], config ?? {}, {
        prefix: ['attention', 'config'],
        rangeCode: 'E_OPTION',
        what: (p) => (p.length === 0 ? `the '${kind}' attention config` : undefined),
      });
      // The kinds' schemas check constants only; a symbolic reduction such as "-r" is never valid.
      for (const [key, v] of Object.entries(parsed)) {
        if (v instanceof Dim && !v.isConst() && ['zero', 'neg', 'nonpos'].includes(signOf(v))) {
          fail(
            'E_OPTION',
            `${key} ${showValue(config?.[key])} is never positive (symbols are positive integers)`,
            ['attention', 'config', key],
            'a positive integer or a dimension expression',
          );
        }
      }
      attention = { kind, config: config ?? {} } as AttentionSpec;
    }
  }
  const res = spec.resolution ?? 224;
  const [h, w] = Array.isArray(res) ? res : [res, res];
  const resPath = (k: number): PathSegment[] => (Array.isArray(res) ? ['resolution', k] : ['resolution']);
  const option = (raw: number | string, path: PathSegment[]): Dim =>
    checkSize(specDim(raw, path, 'E_OPTION'), path, 'dimension', 'E_OPTION');
  const opts: BackboneOptions = {
    ...(spec.width !== undefined ? { width: spec.width } : {}),
    height: option(h, resPath(0)),
    widthPx: option(w, resPath(1)),
    ...(spec.batch !== undefined ? { batch: option(spec.batch, ['batch']) } : {}),
    ...(spec.classes !== undefined ? { classes: spec.classes } : {}),
    ...(attention ? { attention } : {}),
    ...(spec.placement !== undefined ? { placement: spec.placement } : {}),
    ...(spec.recipe !== undefined ? { recipe: spec.recipe } : {}),
    ...(spec.stages !== undefined ? { stages: spec.stages } : {}),
    ...(spec.ecaK !== undefined ? { ecaK: spec.ecaK } : {}),
  };
  const g = buildBackbone(spec.backbone, opts);
  if (spec.name !== undefined) g.meta.name = spec.name;
  return g;
}

/**
 * Runs fn; re-throws its CoordattnError at the JSON path `path`, its message prefixed by
 * `context`. A path under `nodePath` (`conv.attrs.stride.0`) maps to the same place under `path`
 * (`nodes[7].attrs.stride[0]`); a path already inside `path` is kept.
 */
function at<T>(path: readonly PathSegment[], fn: () => T, context?: string, nodePath?: string): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof CoordattnError)) throw e;
    const p = e.details.path;
    const base = formatPath(path);
    let target = base;
    if (p !== undefined && (p === base || p.startsWith(`${base}.`) || p.startsWith(`${base}[`))) target = p;
    else if (nodePath && p !== undefined && p.startsWith(`${nodePath}.`)) {
      const rest = p
        .slice(nodePath.length + 1)
        .split('.')
        .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
      target = formatPath([...path, ...rest]);
    }
    throw relocate(e, target, context ? `${context}: ${bareMessage(e)}` : bareMessage(e));
  }
}

/** The first issue of a node's attributes under its op's own schema, as an E_ATTR at its JSON path. */
function attrError(attrs: unknown, op: OpName, i: number): CoordattnError | undefined {
  const schema = getOp(op).attrs;
  const r = z.safeParse(schema, attrs);
  if (r.success) return undefined;
  return issueToError(r.error.issues[0], {
    root: attrs,
    schema,
    prefix: ['nodes', i, 'attrs'],
    code: 'E_ATTR',
    fieldNoun: 'attribute',
    what: (p) => (p.length === 0 ? `op '${op}'` : undefined),
  });
}

function buildGraph(json: JsonValue): Graph {
  const spec: GraphSpec = validate(GraphSpecJson, json, {
    unknownNameCodes: { op: 'E_UNKNOWN_OP' },
    what: (p) =>
      p.length === 0
        ? 'a graph spec'
        : p[0] === 'nodes' && p.length === 2
          ? 'a node'
          : p[0] === 'inputs' && p.length === 2
            ? 'a graph input'
            : p[0] === 'blocks' && p.length === 2
              ? 'a block'
              : p[p.length - 1] === 'provenance'
                ? 'a provenance'
                : undefined,
    onUnknownValue: (path, value) => {
      if (path[0] !== 'nodes' || path[2] !== 'op') return undefined;
      const node = (json as { nodes: { path?: unknown }[] }).nodes[Number(path[1])];
      const where = typeof node.path === 'string' ? ` in node '${shortName(node.path)}'` : '';
      return new CoordattnError('E_UNKNOWN_OP', `unknown op ${showValue(value)}${where}`, {
        path: formatPath(path),
        expected: `one of ${OP_NAMES.join(', ')}`,
      });
    },
  });
  const g = new Graph();
  for (const [k, v] of Object.entries(spec.meta ?? {})) g.meta[k] = v;
  if (spec.name !== undefined) g.meta.name = spec.name;

  spec.inputs.forEach((inp, i) => {
    const shape = inp.shape.map((d, j) =>
      checkSize(specDim(d, ['inputs', i, 'shape', j]), ['inputs', i, 'shape', j]),
    );
    at(['inputs', i], () => g.addInput(inp.name, shape), `graph input '${inp.name}'`);
  });

  let shapeChars = 0;
  const blockPaths = new Set<string>();
  (spec.blocks ?? []).forEach((b) => {
    blockPaths.add(b.path);
    g.blocks.push({ path: b.path, kind: b.kind, config: b.config });
  });

  spec.nodes.forEach((n, i) => {
    if (n.block !== undefined && !blockPaths.has(n.block)) {
      fail(
        'E_SPEC',
        `node '${n.path}' names block '${n.block}', which is not listed in "blocks"`,
        ['nodes', i, 'block'],
        'the path of a block in "blocks"',
      );
    }
    const attrs = n.attrs ?? {};
    const add = (): void => {
      try {
        g.addNode({
          path: n.path,
          op: n.op,
          inputs: n.inputs,
          attrs,
          ...(n.provenance ? { provenance: n.provenance } : {}),
          ...(n.shareWeightsWith !== undefined ? { shareWeightsWith: n.shareWeightsWith } : {}),
          ...(n.block !== undefined ? { block: n.block } : {}),
        });
      } catch (e) {
        // parseAttrs' wording is terse; say what was given and what the op's schema expects.
        if (e instanceof CoordattnError && e.code === 'E_ATTR') throw attrError(attrs, n.op, i) ?? e;
        throw e;
      }
    };
    at(['nodes', i], add, `node '${n.path}' (${n.op})`, n.path);
    for (const [k, shape] of g.nodes[g.nodes.length - 1].outputs.entries()) {
      shape.forEach((d, j) => checkSize(d, ['nodes', i], `output ${k} dim ${j} of node '${n.path}'`));
      for (const d of shape) shapeChars += d.key.length;
    }
    if (shapeChars > SPEC_LIMITS.maxShapeChars) {
      fail(
        'E_SPEC',
        `the graph's shapes exceed ${SPEC_LIMITS.maxShapeChars} characters of dimension expressions`,
        ['nodes', i],
        'a smaller graph',
      );
    }
  });

  spec.outputs.forEach((ref, k) => at(['outputs', k], () => g.addOutput(ref), `graph output '${ref}'`));
  return g;
}
