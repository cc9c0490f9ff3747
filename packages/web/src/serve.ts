/**
 * The local server of `coordattn serve`: the kernel runner page, its bundle, one model's files and
 * onnxruntime-web's wasm files, on 127.0.0.1 only.
 *
 * - A fixed table maps request paths to contents, built before the server listens. A request path
 *   is looked up as it arrives — never decoded, normalised or joined to a directory — so `..`
 *   (plain, `%2e%2e`, double-encoded), `%2f`, backslashes, absolute and absolute-form (`http://…`)
 *   paths simply are not in the table: 404. The query string is ignored.
 * - Entries backed by a file (the runner bundle, onnxruntime-web's files, a compiled directory's
 *   program and weights) are read when requested, after checking that the file's real path (links
 *   resolved) is a regular file inside the real path of its directory: a symlink out of a served
 *   directory is a 404.
 * - Every answer carries `Cross-Origin-Opener-Policy: same-origin`,
 *   `Cross-Origin-Embedder-Policy: require-corp` and `Cross-Origin-Resource-Policy: same-origin`
 *   (the page is then `crossOriginIsolated`: SharedArrayBuffer, which gpu.js's and
 *   onnxruntime-web's wasm threads need), `X-Content-Type-Options: nosniff` and no caching.
 * - Only GET and HEAD (405 otherwise); a Host header other than the server's own address
 *   (127.0.0.1 or localhost with its port) is refused (421), against DNS rebinding.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoordattnError, specToText, type Graph } from '@coordattn/ir';
import { compile, type CompileOptions, type ProgramData } from '@coordattn/codegen/core';
import { exportOnnx } from '@coordattn/onnx';
import { encodeWeights, formatManifest, type Tensor, type Weights } from '@coordattn/reference';
import { RUNNER_HTML } from './runner/html.js';

/** Content types by file extension. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.onnx': 'application/octet-stream',
};

export function contentType(path: string): string {
  const dot = path.lastIndexOf('.');
  return (dot >= 0 ? CONTENT_TYPES[path.slice(dot)] : undefined) ?? 'application/octet-stream';
}

/** One served path: bytes in memory, or a file read on request from inside `root`. */
export type ServedEntry =
  | { readonly data: Uint8Array; readonly type: string }
  | { readonly file: string; readonly root: string; readonly type: string };

/** The fixed table: request path (`/…`) → contents. */
export type FileTable = ReadonlyMap<string, ServedEntry>;

/** A model as the runner page gets it (see `modelEntries`). */
export interface ServedModel {
  /** What the page shows: the command line's model and flags, or the file's name. */
  readonly name: string;
  /** The IR graph and its weights: the page's float64 reference, and the ONNX export for the peers. */
  readonly graph?: Graph;
  readonly weights?: Weights;
  /** The compiled program and its tensors (a compiled directory gives only these). */
  readonly program: ProgramData;
  readonly params: ReadonlyMap<string, Tensor>;
  /** The ONNX model the peers run (default: exportOnnx of graph and weights, when given). */
  readonly onnx?: Uint8Array;
  /** Seed of the page's random input (uniform in [-1, 1], as `coordattn verify` draws it). */
  readonly seed?: number;
}

/**
 * A model to serve from a graph and its weights: compiled here (as `coordattn compile` does) and
 * exported to ONNX for the peers (an export failure leaves the peers without a model, said in the
 * page, not a failure of the server).
 */
export function prepareModel(
  name: string,
  graph: Graph,
  weights: Weights,
  opts: { seed?: number; compile?: CompileOptions } = {},
): ServedModel & { onnxError?: string } {
  const compiled = compile(graph, weights, opts.compile ?? {});
  let onnx: Uint8Array | undefined;
  let onnxError: string | undefined;
  try {
    onnx = exportOnnx(graph, weights);
  } catch (e) {
    onnxError = (e as Error).message;
  }
  return {
    name,
    graph,
    weights,
    program: compiled.program,
    params: compiled.params,
    ...(onnx ? { onnx } : {}),
    ...(onnxError ? { onnxError } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
  };
}

/** What `/model/info.json` says about the model. */
export interface ModelInfo {
  readonly name: string;
  readonly inputs: ProgramData['inputs'];
  readonly kernels: number;
  /** The page can compute the reference (spec.json and weights are served). */
  readonly reference: boolean;
  /** model.onnx is served (the peers run it). */
  readonly onnx: boolean;
  readonly seed: number;
}

const json = (v: unknown): ServedEntry => ({
  data: new TextEncoder().encode(`${JSON.stringify(v)}\n`),
  type: CONTENT_TYPES['.json'],
});
const text = (s: string, type: string): ServedEntry => ({ data: new TextEncoder().encode(s), type });
const bytes = (data: Uint8Array, type = CONTENT_TYPES['.bin']): ServedEntry => ({ data, type });

/**
 * The model's entries: `/model/info.json`, `/model/program.json` and `/model/params.{json,bin}`
 * (the kernels' tensors), and with a graph `/model/spec.json` and `/model/weights.{json,bin}` (the
 * reference's), and `/model/model.onnx` when an ONNX model is given.
 */
export function modelEntries(m: ServedModel): Map<string, ServedEntry> {
  const out = new Map<string, ServedEntry>();
  const reference = m.graph !== undefined && m.weights !== undefined;
  const info: ModelInfo = {
    name: m.name,
    inputs: m.program.inputs,
    kernels: m.program.kernels.length,
    reference,
    onnx: m.onnx !== undefined,
    seed: m.seed ?? 0,
  };
  out.set('/model/info.json', json(info));
  out.set('/model/program.json', json(m.program));
  const params = encodeWeights(m.params, { binName: 'params.bin' });
  out.set('/model/params.json', text(formatManifest(params.manifest), CONTENT_TYPES['.json']));
  out.set('/model/params.bin', bytes(params.bin));
  if (m.graph !== undefined && m.weights !== undefined) {
    out.set('/model/spec.json', text(specToText(m.graph), CONTENT_TYPES['.json']));
    const w = encodeWeights(m.weights, { graph: m.graph, binName: 'weights.bin' });
    out.set('/model/weights.json', text(formatManifest(w.manifest), CONTENT_TYPES['.json']));
    out.set('/model/weights.bin', bytes(w.bin));
  }
  if (m.onnx !== undefined) out.set('/model/model.onnx', bytes(m.onnx));
  return out;
}

/**
 * A compiled directory's entries (`coordattn compile --out DIR`): its program.json, weights.json
 * and the shard weights.bin, read from DIR on request (no graph: the page runs the kernels and
 * compares the backends with cpu).
 */
export function compiledDirEntries(dir: string, name: string): Map<string, ServedEntry> {
  let program: ProgramData;
  try {
    program = JSON.parse(readFileSync(join(dir, 'program.json'), 'utf8')) as ProgramData;
  } catch (e) {
    throw new CoordattnError('E_IO', `cannot read the compiled program: ${(e as Error).message}`, {
      path: join(dir, 'program.json'),
    });
  }
  if (program.format !== 'coordattn-program' || !Array.isArray(program.kernels)) {
    throw new CoordattnError('E_IO', 'not a coordattn program (format coordattn-program)', {
      path: join(dir, 'program.json'),
    });
  }
  const info: ModelInfo = {
    name,
    inputs: program.inputs,
    kernels: program.kernels.length,
    reference: false,
    onnx: false,
    seed: 0,
  };
  const manifest = JSON.parse(readFileSync(join(dir, 'weights.json'), 'utf8')) as {
    weightsManifest?: { paths?: unknown }[];
  };
  const shards = (manifest.weightsManifest ?? []).flatMap((g) => (Array.isArray(g.paths) ? g.paths : []));
  if (shards.length !== 1 || shards[0] !== 'weights.bin') {
    throw new CoordattnError('E_IO', 'a compiled directory has one weights shard, weights.bin', {
      path: join(dir, 'weights.json'),
    });
  }
  // The page asks for params.json / params.bin; the manifest's shard path is rewritten to match.
  const rewritten = {
    ...manifest,
    weightsManifest: (manifest.weightsManifest ?? []).map((g) => ({ ...g, paths: ['params.bin'] })),
  };
  return new Map<string, ServedEntry>([
    ['/model/info.json', json(info)],
    ['/model/program.json', { file: join(dir, 'program.json'), root: dir, type: CONTENT_TYPES['.json'] }],
    ['/model/params.json', json(rewritten)],
    ['/model/params.bin', { file: join(dir, 'weights.bin'), root: dir, type: CONTENT_TYPES['.bin'] }],
  ]);
}

/** The folder of @coordattn/web's package.json, from this module (src/, dist/ or dist/chunks/). */
function packageDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === '@coordattn/web') return dir;
    } catch {
      // none here: go up
    }
    if (dirname(dir) === dir) throw new CoordattnError('E_IO', "cannot find @coordattn/web's package.json");
  }
}

/** The runner page's bundle (dist/pages/runner.js, built by the package's build). */
export function runnerBundle(): string {
  return join(packageDir(), 'dist', 'pages', 'runner.js');
}

/**
 * onnxruntime-web's dist folder, resolved from `from` (a module URL or path of a package that has
 * it as a dependency); undefined when it is not installed (the page then shows the peers as not
 * started).
 */
export function ortWebDist(from: string): string | undefined {
  try {
    return dirname(createRequire(from).resolve('onnxruntime-web'));
  } catch {
    return undefined;
  }
}

/** The onnxruntime-web files the page loads: its WebGPU+wasm entry and the wasm builds' glue and binaries. */
const ORT_FILE = /^(ort\.webgpu\.min\.mjs|ort-wasm-simd-threaded(\.[a-z]+)?\.(mjs|wasm))$/;

/** The ESM entry of onnxruntime-web the page imports (wasm and webgpu execution providers). */
export const ORT_ENTRY = '/ort/ort.webgpu.min.mjs';

/** The whole table: page, bundle, model entries, and onnxruntime-web's files under /ort/. */
export function fileTable(
  model: ReadonlyMap<string, ServedEntry>,
  opts: { ortDist?: string } = {},
): FileTable {
  const bundle = runnerBundle();
  const table = new Map<string, ServedEntry>([
    ['/', text(RUNNER_HTML, CONTENT_TYPES['.html'])],
    ['/index.html', text(RUNNER_HTML, CONTENT_TYPES['.html'])],
    ['/runner.js', { file: bundle, root: dirname(bundle), type: CONTENT_TYPES['.js'] }],
  ]);
  for (const [p, e] of model) table.set(p, e);
  if (opts.ortDist !== undefined) {
    let names: string[] = [];
    try {
      names = readdirSync(opts.ortDist);
    } catch {
      names = [];
    }
    for (const n of names.filter((x) => ORT_FILE.test(x)).sort()) {
      table.set(`/ort/${n}`, { file: join(opts.ortDist, n), root: opts.ortDist, type: contentType(n) });
    }
  }
  return table;
}

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/** The bytes of a file entry, or undefined when it is missing, not a regular file, or outside its root. */
function readEntryFile(e: { file: string; root: string }): Uint8Array | undefined {
  try {
    const root = realpathSync(e.root);
    const real = realpathSync(e.file);
    if (!real.startsWith(root + sep) || !statSync(real).isFile()) return undefined;
    return readFileSync(real);
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, body: Uint8Array, type: string, head: boolean): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': String(body.length) });
  res.end(head ? undefined : body);
}

const plain = (s: string): Uint8Array => new TextEncoder().encode(`${s}\n`);

/** Answers one request from the table (exported for tests that bypass the socket). */
export function handle(
  table: FileTable,
  port: () => number,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const head = req.method === 'HEAD';
  const txt = 'text/plain; charset=utf-8';
  if (req.method !== 'GET' && !head) {
    res.setHeader('Allow', 'GET, HEAD');
    send(res, 405, plain('method not allowed'), txt, head);
    return;
  }
  const host = req.headers.host ?? '';
  const p = port();
  if (host !== `127.0.0.1:${p}` && host !== `localhost:${p}`) {
    send(res, 421, plain('misdirected request'), txt, head);
    return;
  }
  const raw = req.url ?? '';
  const q = raw.indexOf('?');
  const path = q >= 0 ? raw.slice(0, q) : raw;
  const entry = table.get(path);
  const body = entry === undefined ? undefined : 'data' in entry ? entry.data : readEntryFile(entry);
  if (entry === undefined || body === undefined) {
    send(res, 404, plain('not found'), txt, head);
    return;
  }
  send(res, 200, body, entry.type, head);
}

export interface RunningServer {
  readonly server: Server;
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Serves `table` on 127.0.0.1 (port 0: any free port). */
export async function startServer(table: FileTable, opts: { port?: number } = {}): Promise<RunningServer> {
  let port = 0;
  const server = createServer((req, res) => handle(table, () => port, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new CoordattnError('E_IO', `cannot listen on 127.0.0.1:${opts.port ?? 0}: ${e.code ?? e.message}`, {
          path: '--port',
        }),
      ),
    );
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
