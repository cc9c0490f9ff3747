/**
 * The project's weights file: a JSON manifest plus little-endian float32 binary shards, after
 * TensorFlow.js's `model.json` + `group1-shard1of1.bin` convention:
 *
 * ```json
 * { "format": "coordattn-weights", "version": 1,
 *   "weightsManifest": [{ "paths": ["weights.bin"],
 *                         "weights": [{ "name": "features.0.0.weight", "shape": [16, 3, 3, 3], "dtype": "float32" }] }] }
 * ```
 *
 * Names are the IR's parameter ids (`Param.id`: module path + local name, BN running statistics
 * included). Within a group, the shards listed in `paths` are concatenated into one buffer and the
 * tensors lie in it back to back, in manifest order, row-major, 4 bytes each, no padding. Paths are
 * relative to the manifest's folder and may not leave it. An optional `meta` object is carried
 * along untouched (where the weights came from).
 *
 * Loading against a graph checks that the names are exactly the graph's parameters and every
 * shape matches: missing or unexpected tensors → E_IO listing them; a wrong shape → E_SHAPE with
 * the tensor name and both shapes; shard sizes that disagree with the manifest → E_IO.
 */
import { z } from 'zod';
import { CoordattnError, type Graph } from '@coordattn/ir';
import { nodeFs, nodePath } from './node-modules.js';
import { numel, sameShape, shapeText, type Tensor } from './tensor.js';

/** Weight tensors by parameter id. */
export type Weights = ReadonlyMap<string, Tensor>;

export const WEIGHTS_FORMAT = 'coordattn-weights';
export const WEIGHTS_VERSION = 1;

/** One tensor of a weights manifest. */
export const WeightsManifestEntrySchema = z
  .object({
    name: z.string().min(1),
    shape: z.array(z.number().int().min(0)).max(8),
    dtype: z.literal('float32'),
  })
  .strict();
const GROUP = z
  .object({ paths: z.array(z.string().min(1)).min(1), weights: z.array(WeightsManifestEntrySchema) })
  .strict();
/** The weights manifest (docs/weights.schema.json). */
export const WeightsManifestSchema = z
  .object({
    format: z.literal(WEIGHTS_FORMAT),
    version: z.literal(WEIGHTS_VERSION),
    weightsManifest: z.array(GROUP),
    meta: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type WeightsManifest = z.infer<typeof WeightsManifestSchema>;
export type WeightsManifestEntry = z.infer<typeof WeightsManifestEntrySchema>;

function ioError(file: string, message: string, expected?: string): CoordattnError {
  return new CoordattnError('E_IO', message, { path: file, ...(expected ? { expected } : {}) });
}

function listNames(names: readonly string[], max = 10): string {
  const head = names.slice(0, max).join(', ');
  return names.length > max ? `${head}, … (${names.length - max} more)` : head;
}

/** The concrete shape of every parameter of a graph, in declaration order (E_EVAL if symbolic). */
export function paramShapes(graph: Graph): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const p of graph.params.values()) {
    out.set(
      p.id,
      p.shape.map((d, i) => {
        const v = d.toInt();
        if (v === undefined) {
          throw new CoordattnError('E_EVAL', `parameter dim ${i} is symbolic (${d.toString()})`, {
            path: p.id,
            expected: 'a concrete graph (bind every symbol first)',
          });
        }
        return v;
      }),
    );
  }
  return out;
}

/**
 * Checks that `shapes` (by name) are exactly the graph's parameters with the same shapes.
 * `file` names the source in errors.
 */
export function checkWeightShapes(
  graph: Graph,
  shapes: ReadonlyMap<string, readonly number[]>,
  file = '<weights>',
): void {
  const expected = paramShapes(graph);
  const missing = [...expected.keys()].filter((k) => !shapes.has(k));
  const extra = [...shapes.keys()].filter((k) => !expected.has(k));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [
      ...(missing.length > 0 ? [`missing ${missing.length} tensor(s): ${listNames(missing)}`] : []),
      ...(extra.length > 0 ? [`${extra.length} tensor(s) the graph does not have: ${listNames(extra)}`] : []),
    ];
    throw ioError(file, `weights do not match the graph's parameters: ${parts.join('; ')}`);
  }
  const wrong = [...expected].filter(([k, s]) => !sameShape(shapes.get(k)!, s));
  if (wrong.length > 0) {
    const [name, want] = wrong[0];
    const more =
      wrong.length > 1
        ? ` (and ${wrong.length - 1} more: ${listNames(wrong.slice(1).map((w) => w[0]))})`
        : '';
    throw new CoordattnError('E_SHAPE', `weight '${name}' in ${file} has the wrong shape${more}`, {
      path: name,
      shapes: [shapeText(shapes.get(name)!), shapeText(want)],
      expected: `the graph's shape ${shapeText(want)}`,
    });
  }
}

/** Checks a weights map against a graph (see checkWeightShapes). */
export function checkWeights(graph: Graph, weights: Weights, where = '<weights>'): void {
  checkWeightShapes(graph, new Map([...weights].map(([k, t]) => [k, t.shape])), where);
}

export interface EncodeOptions {
  /** Tensor order in the file; default: the graph's parameter order if a graph is given, else the map's. */
  readonly graph?: Graph;
  /** Shard file name written into the manifest (default `weights.bin`). */
  readonly binName?: string;
  readonly meta?: Record<string, unknown>;
}

/** Builds the manifest and the single float32 shard (values rounded to float32). */
export function encodeWeights(
  weights: Weights,
  opts: EncodeOptions = {},
): { manifest: WeightsManifest; bin: Uint8Array } {
  if (opts.graph) checkWeights(opts.graph, weights);
  const names = opts.graph ? [...opts.graph.params.keys()] : [...weights.keys()];
  const entries: WeightsManifestEntry[] = [];
  let total = 0;
  for (const name of names) {
    const t = weights.get(name)!;
    if (t.data.length !== numel(t.shape)) {
      throw new CoordattnError(
        'E_SHAPE',
        `weight '${name}' has ${t.data.length} values for shape ${shapeText(t.shape)}`,
        {
          path: name,
        },
      );
    }
    entries.push({ name, shape: [...t.shape], dtype: 'float32' });
    total += t.data.length;
  }
  const bin = new Uint8Array(4 * total);
  const view = new DataView(bin.buffer);
  let offset = 0;
  for (const name of names) {
    for (const v of weights.get(name)!.data) {
      view.setFloat32(offset, v, true);
      offset += 4;
    }
  }
  const manifest: WeightsManifest = {
    format: WEIGHTS_FORMAT,
    version: WEIGHTS_VERSION,
    weightsManifest: [{ paths: [opts.binName ?? 'weights.bin'], weights: entries }],
    ...(opts.meta ? { meta: opts.meta } : {}),
  };
  return { manifest, bin };
}

export interface DecodeOptions {
  /** Check names and shapes against this graph's parameters. */
  readonly graph?: Graph;
  /** The manifest's name, for errors. */
  readonly file?: string;
}

/** Validates a parsed manifest (E_IO naming the file and the offending field). */
export function parseManifest(json: unknown, file = '<manifest>'): WeightsManifest {
  const obj = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  if (obj.format !== WEIGHTS_FORMAT) {
    throw ioError(
      file,
      `not a weights manifest (format ${JSON.stringify(obj.format)})`,
      `format '${WEIGHTS_FORMAT}'`,
    );
  }
  if (obj.version !== WEIGHTS_VERSION) {
    throw ioError(
      file,
      `unsupported weights manifest version ${JSON.stringify(obj.version)}`,
      `version ${WEIGHTS_VERSION}`,
    );
  }
  const r = WeightsManifestSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw ioError(file, `invalid weights manifest at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const seen = new Set<string>();
  for (const g of r.data.weightsManifest) {
    for (const p of g.paths) {
      if (leavesFolder(p)) {
        throw ioError(file, `shard path '${p}' leaves the manifest's folder`, 'a relative path inside it');
      }
    }
    for (const w of g.weights) {
      if (seen.has(w.name)) throw ioError(file, `duplicate tensor '${w.name}'`);
      seen.add(w.name);
    }
  }
  return r.data;
}

/**
 * Decodes weights from a parsed manifest; `readShard` returns the bytes of a shard path. With a
 * graph, checks names and shapes against its parameters before reading any data.
 */
export function decodeWeights(
  json: unknown,
  readShard: (path: string) => Uint8Array,
  opts: DecodeOptions = {},
): Map<string, Tensor> {
  const file = opts.file ?? '<manifest>';
  const manifest = parseManifest(json, file);
  if (opts.graph) {
    const shapes = new Map(
      manifest.weightsManifest.flatMap((g) => g.weights.map((w) => [w.name, w.shape] as const)),
    );
    checkWeightShapes(opts.graph, shapes, file);
  }
  const out = new Map<string, Tensor>();
  for (const g of manifest.weightsManifest) {
    const shards = g.paths.map(readShard);
    const have = shards.reduce((s, b) => s + b.length, 0);
    const need = 4 * g.weights.reduce((s, w) => s + numel(w.shape), 0);
    if (have !== need) {
      throw ioError(
        file,
        `shard(s) ${g.paths.join(', ')} hold ${have} bytes but the manifest's ${g.weights.length} float32 tensors need ${need}`,
      );
    }
    const buf = new Uint8Array(have);
    let at = 0;
    for (const s of shards) {
      buf.set(s, at);
      at += s.length;
    }
    const view = new DataView(buf.buffer);
    let offset = 0;
    for (const w of g.weights) {
      const data = new Float64Array(numel(w.shape));
      for (let i = 0; i < data.length; i++, offset += 4) data[i] = view.getFloat32(offset, true);
      out.set(w.name, { shape: w.shape, data });
    }
  }
  return out;
}

/** The manifest as JSON text with one tensor entry per line. */
export function formatManifest(m: WeightsManifest): string {
  const groups = m.weightsManifest.map((g) => {
    const entries = g.weights.map((w) => `        ${JSON.stringify(w)}`).join(',\n');
    return `    {\n      "paths": ${JSON.stringify(g.paths)},\n      "weights": [\n${entries}\n      ]\n    }`;
  });
  const meta = m.meta ? `  "meta": ${JSON.stringify(m.meta)},\n` : '';
  return (
    `{\n  "format": ${JSON.stringify(m.format)},\n  "version": ${m.version},\n${meta}` +
    `  "weightsManifest": [\n${groups.join(',\n')}\n  ]\n}\n`
  );
}

/**
 * Whether a shard path is absolute (POSIX, `\\`, `C:`) or climbs out of the manifest's folder
 * with `..` (any `..` segment after normalising, as before: pure string logic, no node:path).
 */
function leavesFolder(p: string): boolean {
  if (/^[\\/]/.test(p) || /^[A-Za-z]:/.test(p)) return true;
  const kept: string[] = [];
  for (const seg of p.split(/[\\/]/)) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && kept.length > 0 && kept[kept.length - 1] !== '..') kept.pop();
    else kept.push(seg);
  }
  return kept.includes('..');
}

function readBytes(path: string): Uint8Array {
  try {
    return nodeFs('reading weights').readFileSync(path);
  } catch (e) {
    throw ioError(path, `cannot read: ${(e as Error).message}`);
  }
}

/** Loads a weights manifest and its shards from disk (see decodeWeights). */
export function loadWeights(manifestPath: string, opts: { graph?: Graph } = {}): Map<string, Tensor> {
  const text = new TextDecoder().decode(readBytes(manifestPath));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CoordattnError('E_JSON', `weights manifest is not valid JSON: ${(e as Error).message}`, {
      path: manifestPath,
    });
  }
  const { dirname, join } = nodePath('loadWeights');
  const dir = dirname(manifestPath);
  return decodeWeights(json, (p) => readBytes(join(dir, p)), { ...opts, file: manifestPath });
}

/**
 * Writes `<name>.json` and its shard `<name>.bin` beside it (the manifest path must end in
 * `.json`). Values are rounded to float32.
 */
export function saveWeights(
  manifestPath: string,
  weights: Weights,
  opts: Omit<EncodeOptions, 'binName'> = {},
): WeightsManifest {
  if (!manifestPath.endsWith('.json')) throw ioError(manifestPath, 'a weights manifest must end in .json');
  const { basename, dirname, join } = nodePath('saveWeights');
  const { writeFileSync } = nodeFs('saveWeights');
  const binName = basename(manifestPath).replace(/\.json$/, '.bin');
  const { manifest, bin } = encodeWeights(weights, { ...opts, binName });
  try {
    writeFileSync(join(dirname(manifestPath), binName), bin);
    writeFileSync(manifestPath, formatManifest(manifest));
  } catch (e) {
    throw ioError(manifestPath, `cannot write: ${(e as Error).message}`);
  }
  return manifest;
}
