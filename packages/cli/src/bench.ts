/**
 * `coordattn bench`: how fast the compiled kernels run, beside onnxruntime on the same model.
 *
 * One process, one model, one seeded input. Per mode (cpu, webasm, webasm-async, headlessgl) the
 * time from the graph to ready kernels is split into `compile()`, `new Runtime` and the first call
 * (gpu.js builds each kernel on its first call); then forward passes are timed. The peers run the
 * plain ONNX export of the same graph and weights (`exportOnnx`): onnxruntime-node and
 * onnxruntime-web's wasm backend, each with 1 and 2 intra-op threads and graphOptimizationLevel
 * 'all'; the float64 reference interpreter is timed too (fewer runs). Measurements are interleaved:
 * each round runs every mode and peer once, in an order rotated round by round, so that all of them
 * see the same machine load. Every output is compared with onnxruntime's and with the reference's.
 *
 * onnxruntime-web fixes its thread count when its wasm module first initialises (once per module
 * instance), so each onnxruntime-web configuration runs in a worker thread of its own, which
 * imports the package afresh and times `session.run` inside the worker.
 */
import { cpus, availableParallelism, arch, platform } from 'node:os';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import Table from 'cli-table3';
import { z } from 'zod';
import { CoordattnError, type Graph } from '@coordattn/ir';
import { float32Params, Runtime, type Compiled } from '@coordattn/codegen';
import { exportOnnx, onnxValueName } from '@coordattn/onnx';
import { compare, FLOAT32_NETWORK_TOLERANCE, run as interpret, type Weights } from '@coordattn/reference';
import type { Io } from './commands.js';
import {
  available,
  CLI_MODES,
  compileModel,
  modeAvailability,
  runtimeMode,
  runtimeOptions,
  seededInputs,
  seedOf,
  tuneFor,
  weightsOf,
  type CliMode,
} from './kernels.js';
import { loadModel } from './model.js';
import { MODEL_FLAG_NAMES, modelFlags, positiveInt, str, type Flags } from './options.js';

// ---------------------------------------------------------------------------------------------
// The JSON result (docs/bench.schema.json is generated from this schema; bench.test.ts checks it)
// ---------------------------------------------------------------------------------------------

export const PEER_NAMES = ['onnxruntime-node', 'onnxruntime-web-wasm'] as const;
export type PeerName = (typeof PEER_NAMES)[number];
/** The npm packages behind the peers (`--peers` takes these names). */
export const PEER_PACKAGES = ['onnxruntime-node', 'onnxruntime-web'] as const;
export type PeerPackage = (typeof PEER_PACKAGES)[number];
const PEER_OF: Readonly<Record<PeerPackage, PeerName>> = {
  'onnxruntime-node': 'onnxruntime-node',
  'onnxruntime-web': 'onnxruntime-web-wasm',
};
/** Intra-op threads each peer runs with. */
export const PEER_THREADS = [1, 2] as const;

const ms = z.number().nonnegative().describe('milliseconds');
const count = z.number().int().nonnegative();
const relErr = z
  .number()
  .nonnegative()
  .describe('max |y - ref| / max |ref| over every output (0 when both are all zeros)');

const ModeRowSchema = z
  .object({
    mode: z.enum(CLI_MODES),
    kernels: count.describe('kernels in the compiled program'),
    compileMs: ms.describe('compile(): IR graph + weights -> kernel descriptors'),
    runtimeMs: ms.describe('new Runtime(...): gpu.js kernels created (built on their first call)'),
    firstMs: ms.describe('the first forward pass (includes building every kernel)'),
    readyMs: ms.describe('compileMs + runtimeMs + firstMs: graph to ready kernels'),
    medianMs: ms.describe('median of the timed forward passes'),
    minMs: ms,
    p90Ms: ms.describe('90th percentile (nearest rank) of the timed forward passes'),
    runs: count.describe('timed forward passes'),
    backends: z.array(z.string()).describe('gpu.js kernel classes that ran the kernels'),
    maxRelError: relErr
      .nullable()
      .describe(
        'against onnxruntime (the peer named in settings.errorBaseline); null when no peer ran or the output is not finite',
      ),
    maxRelErrorReference: relErr
      .nullable()
      .describe('against the float64 reference interpreter; null when the output is not finite'),
    withinTolerance: z
      .boolean()
      .describe(
        'the output is within FLOAT32_NETWORK_TOLERANCE (rtol 1e-4, atol 1e-5 max|ref|) of the reference',
      ),
  })
  .strict();

const PeerRowSchema = z
  .object({
    name: z.enum(PEER_NAMES),
    threads: z.number().int().min(1).describe('intra-op threads (onnxruntime-web: env.wasm.numThreads)'),
    version: z.string(),
    sessionMs: ms.describe('InferenceSession.create on the exported bytes'),
    firstMs: ms,
    medianMs: ms,
    minMs: ms,
    p90Ms: ms,
    runs: count,
    maxRelErrorReference: relErr.nullable().describe('against the float64 reference interpreter'),
  })
  .strict();

const SkippedSchema = z
  .object({
    mode: z.enum(CLI_MODES),
    reason: z.string(),
  })
  .strict();

const SkippedPeerSchema = z
  .object({
    name: z.enum(PEER_NAMES),
    threads: z.number().int().min(1).nullable().describe('null: every thread count'),
    reason: z.string(),
  })
  .strict();

const RatioSchema = z
  .object({
    mode: z.enum(CLI_MODES),
    peer: z.enum(PEER_NAMES),
    threads: z.number().int().min(1),
    ratio: z.number().nonnegative().describe("the mode's medianMs / the peer's medianMs (> 1: slower)"),
  })
  .strict();

const KernelTimeSchema = z
  .object({
    index: count,
    kernel: z.string(),
    template: z.string(),
    ms: ms.describe('median over the profile passes'),
    percent: z.number().nonnegative(),
  })
  .strict();

const TemplateTimeSchema = z
  .object({
    template: z.string(),
    kernels: count,
    ms,
    percent: z.number().nonnegative(),
  })
  .strict();

const ProfileSchema = z
  .object({
    mode: z.enum(CLI_MODES),
    runtime: z.string().describe('the runtime the kernels ran on one by one (Runtime.runKernel)'),
    passes: count.describe('timed passes (after one untimed pass that builds the kernels)'),
    totalMs: ms.describe('sum of the per-kernel medians'),
    forwardMedianMs: ms.describe("the mode's medianMs, for comparison"),
    kernels: z.array(KernelTimeSchema).describe('execution order'),
    templates: z.array(TemplateTimeSchema).describe('totals by template, slowest first'),
  })
  .strict();

export const BenchResultSchema = z
  .object({
    schemaVersion: z.literal(1),
    model: z
      .object({
        name: z.string(),
        argument: z.string().describe('the <model> argument'),
        flags: z.array(z.string()).describe('model flags as given'),
        irNodes: count,
      })
      .strict(),
    input: z
      .array(
        z
          .object({
            name: z.string(),
            shape: z.array(z.number().int().min(1)),
            seed: z.number().int().nonnegative().describe('uniformTensor seed; values uniform in [-1, 1]'),
          })
          .strict(),
      )
      .min(1),
    machine: z
      .object({
        cpuModel: z.string(),
        cpus: z.number().int().min(1).describe('os.cpus().length'),
        availableParallelism: z.number().int().min(1),
        platform: z.string(),
        arch: z.string(),
        node: z.string(),
        date: z.string().describe('ISO 8601, when the bench started'),
      })
      .strict(),
    settings: z
      .object({
        runs: z.number().int().min(1),
        warmup: count,
        referenceRuns: count,
        interleaved: z.literal(true),
        errorBaseline: z
          .object({ name: z.enum(PEER_NAMES), threads: z.number().int().min(1) })
          .strict()
          .nullable()
          .describe('the onnxruntime run that modes[].maxRelError compares with'),
      })
      .strict(),
    modes: z.array(ModeRowSchema),
    skipped: z.array(SkippedSchema).describe('modes that cannot run here, with the reason'),
    reference: z
      .object({
        firstMs: ms,
        medianMs: ms,
        minMs: ms,
        runs: count.describe('timed runs (fewer than the modes: it is slow)'),
      })
      .strict()
      .describe('the float64 reference interpreter (@coordattn/reference run())'),
    peers: z.array(PeerRowSchema),
    skippedPeers: z.array(SkippedPeerSchema),
    ratios: z.array(RatioSchema),
    profile: z.array(ProfileSchema).optional(),
    notes: z.array(z.string()),
  })
  .strict();

export type BenchResult = z.infer<typeof BenchResultSchema>;
type ModeRow = z.infer<typeof ModeRowSchema>;
type PeerRow = z.infer<typeof PeerRowSchema>;
type Profile = z.infer<typeof ProfileSchema>;

/** The JSON Schema of `bench --format json` (docs/bench.schema.json). */
export function benchJsonSchema(): Record<string, unknown> {
  return {
    ...(z.toJSONSchema(BenchResultSchema, { target: 'draft-2020-12' }) as Record<string, unknown>),
    $id: 'https://coordattn.dev/schemas/bench.schema.json',
    title: 'coordattn bench result (schemaVersion 1)',
    description:
      'What `coordattn bench --format json` prints: compile, first-call and forward-pass times of the ' +
      'compiled kernels per mode beside onnxruntime on the same model and input, their ratios, and ' +
      'each output’s error against onnxruntime and the float64 reference. Generated from ' +
      'BenchResultSchema in packages/cli/src/bench.ts by tools/gen-schemas.ts; do not edit.',
  };
}

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

const FORMATS = ['table', 'md', 'json'] as const;
type Format = (typeof FORMATS)[number];

interface Settings {
  readonly modes: readonly CliMode[];
  /** Modes left out because they cannot run here (only when --modes is not given). */
  readonly skipped: readonly { mode: CliMode; reason: string }[];
  readonly runs: number;
  readonly warmup: number;
  readonly profile: boolean;
  readonly format: Format;
  readonly peers: readonly PeerPackage[];
}

function optionError(flag: string, message: string, expected: string): CoordattnError {
  return new CoordattnError('E_OPTION', message, { path: `--${flag}`, expected });
}

function listOf<T extends string>(flag: string, value: string, allowed: readonly T[], none: boolean): T[] {
  const items = value.split(',').map((s) => s.trim());
  const expected = `a comma-separated list of ${allowed.join(', ')}${none ? ", or 'none'" : ''}`;
  if (none && items.length === 1 && items[0] === 'none') return [];
  const out: T[] = [];
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) {
      throw optionError(flag, `unknown value '${item}'`, expected);
    }
    if ((out as string[]).includes(item)) throw optionError(flag, `'${item}' is listed twice`, expected);
    out.push(item as T);
  }
  return out;
}

function settingsOf(flags: Flags): Settings {
  const given = str(flags, 'modes');
  let modes: CliMode[];
  const skipped: { mode: CliMode; reason: string }[] = [];
  if (given !== undefined) {
    modes = listOf('modes', given, CLI_MODES, false).map((m) => available(m, '--modes'));
  } else {
    modes = [];
    for (const m of CLI_MODES) {
      const a = modeAvailability(m);
      if (a.ok) modes.push(m);
      else skipped.push({ mode: m, reason: a.reason });
    }
  }
  const runsText = str(flags, 'runs') ?? '10';
  const runs = positiveInt('runs', runsText).toInt()!;
  if (runs > 10_000) throw optionError('runs', `too many runs: '${runsText}'`, 'an integer from 1 to 10000');
  const warmupText = str(flags, 'warmup') ?? '2';
  const warmup = Number(warmupText);
  if (!/^\d+$/.test(warmupText.trim()) || warmup > 1000) {
    throw optionError('warmup', `not a warm-up count: '${warmupText}'`, 'an integer from 0 to 1000');
  }
  const formatText = str(flags, 'format') ?? 'table';
  if (!(FORMATS as readonly string[]).includes(formatText)) {
    throw optionError('format', `unknown format '${formatText}'`, `one of ${FORMATS.join(', ')}`);
  }
  const peersText = str(flags, 'peers');
  const peers =
    peersText === undefined ? [...PEER_PACKAGES] : listOf('peers', peersText, PEER_PACKAGES, true);
  return {
    modes,
    skipped,
    runs,
    warmup,
    profile: flags.profile === true,
    format: formatText as Format,
    peers,
  };
}

// ---------------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------------

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return 0;
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Nearest-rank percentile (p in (0, 100]). */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return 0;
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)];
}

/** Milliseconds rounded to a microsecond (what the JSON reports and the ratios are computed from). */
function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

interface Timing {
  medianMs: number;
  minMs: number;
  p90Ms: number;
  runs: number;
}

function timing(times: readonly number[]): Timing {
  return {
    medianMs: round3(median(times)),
    minMs: round3(times.length ? Math.min(...times) : 0),
    p90Ms: round3(percentile(times, 90)),
    runs: times.length,
  };
}

type Outputs = Record<string, ArrayLike<number>>;

/** max |y − ref| / max |ref| over every output; undefined when y has a NaN or infinity. */
function relativeError(y: Outputs, ref: Outputs, refs: readonly string[]): number | undefined {
  let maxErr = 0;
  let maxRef = 0;
  for (const r of refs) {
    const a = y[r];
    const b = ref[r];
    for (let i = 0; i < b.length; i++) {
      if (!Number.isFinite(a[i])) return undefined;
      maxErr = Math.max(maxErr, Math.abs(a[i] - b[i]));
      maxRef = Math.max(maxRef, Math.abs(b[i]));
    }
  }
  return maxRef > 0 ? maxErr / maxRef : maxErr === 0 ? 0 : undefined;
}

// ---------------------------------------------------------------------------------------------
// Peers
// ---------------------------------------------------------------------------------------------

/** What bench uses of onnxruntime-node (a structural view: the package is optional). */
interface OrtTensor {
  readonly data: unknown;
}
interface OrtSession {
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface OrtNodeModule {
  readonly InferenceSession: {
    create(
      bytes: Uint8Array,
      options: {
        graphOptimizationLevel: 'all';
        intraOpNumThreads: number;
        interOpNumThreads: number;
        executionMode: 'sequential';
      },
    ): Promise<OrtSession>;
  };
  readonly Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
  readonly env: { readonly versions: Readonly<Record<string, string | undefined>> };
}

/** How bench finds the optional peer packages; tests replace these to simulate a missing one. */
export interface PeerLoader {
  /** `import()` of a package (onnxruntime-node). */
  importPackage(name: string): Promise<unknown>;
  /** The path a worker thread `require`s (onnxruntime-web's Node build). */
  resolvePackage(name: string): string;
}

export const defaultPeerLoader: PeerLoader = {
  importPackage: (name) => import(name) as Promise<unknown>,
  resolvePackage: (name) => createRequire(import.meta.url).resolve(name),
};

function installHint(pkg: PeerPackage): string {
  return `${pkg} is not installed (npm install ${pkg}${pkg === 'onnxruntime-node' ? ', with npm_config_onnxruntime_node_install=skip for the CPU build' : ''}; it is an optional dependency of @coordattn/cli)`;
}

/** One timed thing in the rounds. */
interface Target {
  readonly label: string;
  /** One forward pass; resolves to its time in ms. */
  once(): Promise<number>;
  readonly times: number[];
}

interface PeerInstance {
  readonly name: PeerName;
  readonly threads: number;
  readonly version: string;
  readonly sessionMs: number;
  readonly firstMs: number;
  /** Outputs by IR output ref. */
  readonly outputs: Outputs;
  once(): Promise<number>;
  close(): Promise<void>;
}

interface PeerInputs {
  readonly bytes: Uint8Array;
  readonly inputs: readonly { name: string; shape: readonly number[]; data: Float32Array }[];
  /** IR output ref → ONNX output name. */
  readonly outputNames: ReadonlyMap<string, string>;
}

async function startOrtNode(ort: OrtNodeModule, p: PeerInputs, threads: number): Promise<PeerInstance> {
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(p.bytes, {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  });
  const sessionMs = performance.now() - t0;
  const feeds = Object.fromEntries(p.inputs.map((i) => [i.name, new ort.Tensor('float32', i.data, i.shape)]));
  const t1 = performance.now();
  const res = await session.run(feeds);
  const firstMs = performance.now() - t1;
  const outputs: Outputs = {};
  for (const [ref, name] of p.outputNames) outputs[ref] = res[name].data as Float32Array;
  return {
    name: 'onnxruntime-node',
    threads,
    version: ort.env.versions.node ?? ort.env.versions.common ?? 'unknown',
    sessionMs,
    firstMs,
    outputs,
    once: async () => {
      const t = performance.now();
      await session.run(feeds);
      return performance.now() - t;
    },
    close: () => session.release(),
  };
}

/** The worker that runs one onnxruntime-web session (CommonJS; `require`s the package's Node build). */
const WEB_WORKER = `
const { parentPort } = require('node:worker_threads');
let session, feeds;
parentPort.on('message', async (msg) => {
  try {
    if (msg.type === 'init') {
      const ort = require(msg.path);
      ort.env.wasm.numThreads = msg.threads;
      ort.env.logLevel = 'error';
      const t0 = performance.now();
      session = await ort.InferenceSession.create(msg.bytes, {
        graphOptimizationLevel: 'all',
        executionProviders: ['wasm'],
      });
      const sessionMs = performance.now() - t0;
      feeds = {};
      for (const i of msg.inputs) feeds[i.name] = new ort.Tensor('float32', i.data, i.shape);
      const t1 = performance.now();
      const res = await session.run(feeds);
      const firstMs = performance.now() - t1;
      const outputs = {};
      for (const n of session.outputNames) outputs[n] = res[n].data;
      parentPort.postMessage({
        type: 'ready', sessionMs, firstMs, outputs,
        threads: ort.env.wasm.numThreads, version: ort.env.versions.web || 'unknown',
      });
    } else if (msg.type === 'run') {
      const t = performance.now();
      await session.run(feeds);
      parentPort.postMessage({ type: 'ran', ms: performance.now() - t });
    } else if (msg.type === 'close') {
      if (session) await session.release();
      parentPort.postMessage({ type: 'closed' });
    }
  } catch (e) {
    parentPort.postMessage({ type: 'error', message: String((e && e.message) || e) });
  }
});
`;

type WebReply =
  | {
      type: 'ready';
      sessionMs: number;
      firstMs: number;
      threads: number;
      version: string;
      outputs: Record<string, Float32Array>;
    }
  | { type: 'ran'; ms: number }
  | { type: 'closed' }
  | { type: 'error'; message: string };

class PeerStartError extends Error {}

async function startOrtWeb(path: string, p: PeerInputs, threads: number, io: Io): Promise<PeerInstance> {
  const worker = new Worker(WEB_WORKER, { eval: true, stdout: true, stderr: true });
  // onnxruntime's own logging goes to stderr, never into stdout (which may be JSON).
  worker.stdout.on('data', (b: Buffer) => io.err(`onnxruntime-web: ${b.toString()}`));
  worker.stderr.on('data', (b: Buffer) => io.err(`onnxruntime-web: ${b.toString()}`));
  const request = (msg: Record<string, unknown>): Promise<WebReply> =>
    new Promise((resolve, reject) => {
      const done = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (m: WebReply): void => {
        done();
        if (m.type === 'error') reject(new PeerStartError(m.message));
        else resolve(m);
      };
      const onError = (e: Error): void => {
        done();
        reject(e);
      };
      const onExit = (code: number): void => {
        done();
        reject(new PeerStartError(`the onnxruntime-web worker exited (code ${code})`));
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage(msg);
    });
  try {
    const ready = await request({ type: 'init', path, threads, bytes: p.bytes, inputs: p.inputs });
    if (ready.type !== 'ready') throw new PeerStartError(`unexpected reply '${ready.type}'`);
    if (ready.threads !== threads) {
      throw new PeerStartError(
        `onnxruntime-web fell back to ${ready.threads} thread(s): multi-threaded WebAssembly (SharedArrayBuffer + wasm threads) is unavailable here`,
      );
    }
    const outputs: Outputs = {};
    for (const [ref, name] of p.outputNames) outputs[ref] = ready.outputs[name];
    return {
      name: 'onnxruntime-web-wasm',
      threads,
      version: ready.version,
      sessionMs: ready.sessionMs,
      firstMs: ready.firstMs,
      outputs,
      once: async () => {
        const r = await request({ type: 'run' });
        if (r.type !== 'ran') throw new Error(`onnxruntime-web worker: unexpected reply '${r.type}'`);
        return r.ms;
      },
      close: async () => {
        try {
          await request({ type: 'close' });
        } finally {
          await worker.terminate();
        }
      },
    };
  } catch (e) {
    await worker.terminate();
    throw e;
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** Starts every requested peer at every thread count; what cannot start is listed with the reason. */
async function startPeers(
  packages: readonly PeerPackage[],
  p: PeerInputs,
  loader: PeerLoader,
  io: Io,
): Promise<{ peers: PeerInstance[]; skipped: BenchResult['skippedPeers'] }> {
  const peers: PeerInstance[] = [];
  const skipped: BenchResult['skippedPeers'] = [];
  const skip = (name: PeerName, threads: number | null, reason: string): void => {
    skipped.push({ name, threads, reason });
    io.err(`bench: skipping ${name}${threads === null ? '' : ` (${threads} thread(s))`}: ${reason}\n`);
  };
  for (const pkg of packages) {
    const name = PEER_OF[pkg];
    if (pkg === 'onnxruntime-node') {
      let ort: OrtNodeModule;
      try {
        const mod = (await loader.importPackage(pkg)) as { default?: unknown };
        ort = (mod.default ?? mod) as OrtNodeModule;
      } catch (e) {
        skip(name, null, `${installHint(pkg)}: ${firstLine(e)}`);
        continue;
      }
      for (const threads of PEER_THREADS) {
        io.err(`bench: starting ${name} (${threads} thread(s))\n`);
        try {
          peers.push(await startOrtNode(ort, p, threads));
        } catch (e) {
          skip(name, threads, `the session failed: ${firstLine(e)}`);
        }
      }
    } else {
      let path: string;
      try {
        path = loader.resolvePackage(pkg);
      } catch (e) {
        skip(name, null, `${installHint(pkg)}: ${firstLine(e)}`);
        continue;
      }
      for (const threads of PEER_THREADS) {
        io.err(`bench: starting ${name} (${threads} thread(s), in a worker thread)\n`);
        try {
          peers.push(await startOrtWeb(path, p, threads, io));
        } catch (e) {
          skip(name, threads, firstLine(e));
        }
      }
    }
  }
  return { peers, skipped };
}

// ---------------------------------------------------------------------------------------------
// Our modes
// ---------------------------------------------------------------------------------------------

interface ModeInstance {
  readonly mode: CliMode;
  readonly compileMs: number;
  readonly runtimeMs: number;
  readonly firstMs: number;
  readonly compiled: Compiled;
  readonly runtime: Runtime;
  readonly outputs: Outputs;
  once(): Promise<number>;
}

async function startMode(
  mode: CliMode,
  graph: Graph,
  weights: Weights,
  flags: Flags,
  feed: Readonly<Record<string, Float32Array>>,
  splits: ReadonlyMap<string, number> | undefined,
): Promise<ModeInstance> {
  const t0 = performance.now();
  const compiled = compileModel(graph, weights, flags, mode, splits);
  const compileMs = performance.now() - t0;
  const t1 = performance.now();
  const runtime = new Runtime(compiled.program, float32Params(compiled.params), runtimeOptions(mode));
  const runtimeMs = performance.now() - t1;
  // runAsync: on webasm (and webasm-async) the whole plan runs as one fused gpu.js pipeline.
  const forward = () => runtime.runAsync(feed);
  try {
    const t2 = performance.now();
    const outputs = await forward();
    const firstMs = performance.now() - t2;
    return {
      mode,
      compileMs,
      runtimeMs,
      firstMs,
      compiled,
      runtime,
      outputs,
      once: async () => {
        const t = performance.now();
        await forward();
        return performance.now() - t;
      },
    };
  } catch (e) {
    runtime.destroy();
    throw e;
  }
}

/**
 * Per-kernel times: each kernel runs alone (Runtime.runKernel) on the host values of the pass so
 * far, after one untimed pass that builds the kernels. runKernel wraps inputs and reads the output
 * back, so the sum is above a forward pass (on headlessgl by the texture up- and downloads).
 */
function profileMode(
  m: ModeInstance,
  feed: Readonly<Record<string, Float32Array>>,
  passes: number,
  forwardMedianMs: number,
): Profile {
  const { program } = m.compiled;
  // runKernel reads results synchronously: the async webasm kernels are profiled as sync webasm.
  const mode = m.mode === 'webasm-async' ? 'webasm' : m.mode;
  const rt = new Runtime(program, float32Params(m.compiled.params), runtimeOptions(mode));
  const times: number[][] = program.kernels.map(() => []);
  try {
    for (let pass = 0; pass <= passes; pass++) {
      const values = new Map<string, Float32Array>(Object.entries(feed));
      program.kernels.forEach((k, i) => {
        const t = performance.now();
        // values stay in their storage layout (channel-minor ones are not reordered on the host)
        const y = rt.runKernel(i, values, { stored: true });
        if (pass > 0) times[i].push(performance.now() - t);
        values.set(k.value, y);
      });
    }
  } finally {
    rt.destroy();
  }
  const per = program.kernels.map((k, i) => ({
    index: i,
    kernel: k.name,
    template: k.template,
    ms: median(times[i]),
  }));
  const total = per.reduce((s, k) => s + k.ms, 0);
  const pct = (x: number): number => (total > 0 ? Math.round((1e4 * x) / total) / 100 : 0);
  const byTemplate = new Map<string, { kernels: number; ms: number }>();
  for (const k of per) {
    const t = byTemplate.get(k.template) ?? { kernels: 0, ms: 0 };
    t.kernels++;
    t.ms += k.ms;
    byTemplate.set(k.template, t);
  }
  return {
    mode: m.mode,
    runtime: m.mode === 'webasm-async' ? 'webasm (sync kernels: runKernel cannot await)' : mode,
    passes,
    totalMs: round3(total),
    forwardMedianMs: forwardMedianMs,
    kernels: per.map((k) => ({ ...k, ms: round3(k.ms), percent: pct(k.ms) })),
    templates: [...byTemplate]
      .map(([template, t]) => ({ template, kernels: t.kernels, ms: round3(t.ms), percent: pct(t.ms) }))
      .sort((a, b) => b.ms - a.ms),
  };
}

// ---------------------------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------------------------

function givenModelFlags(flags: Flags): string[] {
  const out: string[] = [];
  for (const k of MODEL_FLAG_NAMES) {
    const v = flags[k];
    const flag = `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    if (typeof v === 'string') out.push(flag, v);
    else if (Array.isArray(v)) for (const e of v) out.push(flag, e);
  }
  return out;
}

function machine(): BenchResult['machine'] {
  const c = cpus();
  return {
    cpuModel: c[0]?.model.trim() || 'unknown',
    cpus: Math.max(1, c.length),
    availableParallelism: availableParallelism(),
    platform: platform(),
    arch: arch(),
    node: process.version,
    date: new Date().toISOString(),
  };
}

export interface BenchOptions {
  /** How the optional peers are found (tests simulate a missing package). */
  readonly peers?: PeerLoader;
}

/** `coordattn bench <model> [model flags] [--modes] [--runs] [--warmup] [--profile] [--format]`. */
export async function benchCommand(
  model: string,
  flags: Flags,
  io: Io,
  opts: BenchOptions = {},
): Promise<void> {
  const settings = settingsOf(flags);
  const host = machine();
  const m = await loadModel(model, modelFlags(flags), io.cwd);
  const free = m.graph.symbols();
  if (free.length > 0) {
    throw new CoordattnError(
      'E_OPTION',
      `the model has free symbols (${free.join(', ')}); bench needs concrete sizes`,
      {
        path: m.onnx ? '--dim' : '--resolution',
        expected: 'concrete sizes',
      },
    );
  }
  const weights = weightsOf(m, flags, io, true);
  const seed = m.onnx ? 0 : seedOf(flags);
  const inputs = seededInputs(m.graph, seed);
  const feed = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, Float32Array.from(t.data)]));
  const outputRefs = m.graph.outputs;
  const notes: string[] = [];
  const referenceRuns = Math.min(settings.runs, 3);

  for (const s of settings.skipped) io.err(`bench: skipping mode ${s.mode}: ${s.reason}\n`);

  const modes: ModeInstance[] = [];
  const peers: PeerInstance[] = [];
  let skippedPeers: BenchResult['skippedPeers'] = [];
  // --tune: one tuning per runtime mode (webasm and webasm-async share theirs), before any timing
  const tuned = new Map<string, ReadonlyMap<string, number>>();
  if (flags.tune === true) {
    for (const mode of settings.modes) {
      const rm = runtimeMode(mode);
      if (!tuned.has(rm)) tuned.set(rm, await tuneFor(m.graph, weights, flags, mode, io));
    }
    notes.push('--tune: each mode runs the program tuned for it (chain splits measured on this machine)');
  }
  try {
    for (const mode of settings.modes) {
      io.err(`bench: compiling and building ${mode}\n`);
      const inst = await startMode(mode, m.graph, weights, flags, feed, tuned.get(runtimeMode(mode)));
      modes.push(inst);
      io.err(
        `bench: ${mode}: ${inst.compiled.program.kernels.length} kernels; compile ${fmtMs(inst.compileMs)} ms, runtime ${fmtMs(inst.runtimeMs)} ms, first call ${fmtMs(inst.firstMs)} ms\n`,
      );
    }

    io.err(`bench: float64 reference, first run\n`);
    const r0 = performance.now();
    const refOut = interpret(m.graph, inputs, weights);
    const refFirstMs = performance.now() - r0;
    const refOutputs: Outputs = Object.fromEntries(outputRefs.map((r) => [r, refOut[r].data]));

    if (settings.peers.length > 0) {
      const bytes = exportOnnx(m.graph, weights, { name: m.info.name });
      const started = await startPeers(
        settings.peers,
        {
          bytes,
          inputs: m.graph.inputs.map((i) => ({
            name: i.name,
            shape: i.shape.map((d) => d.toInt()!),
            data: feed[i.name],
          })),
          outputNames: new Map(outputRefs.map((r) => [r, onnxValueName(r)])),
        },
        opts.peers ?? defaultPeerLoader,
        io,
      );
      peers.push(...started.peers);
      skippedPeers = started.skipped;
    }

    // The rounds: every target once per round, in an order rotated by one each round.
    const targets: Target[] = [
      ...modes.map((x) => ({ label: x.mode, once: x.once, times: [] as number[] })),
      ...peers.map((p) => ({ label: `${p.name}/${p.threads}`, once: p.once, times: [] as number[] })),
    ];
    const reference: Target = {
      label: 'reference',
      once: () => {
        const t = performance.now();
        interpret(m.graph, inputs, weights);
        return Promise.resolve(performance.now() - t);
      },
      times: [],
    };
    const refRounds = new Set(
      Array.from({ length: referenceRuns }, (_, i) => Math.floor((i * settings.runs) / referenceRuns)),
    );
    const total = settings.warmup + settings.runs;
    for (let round = 0; round < total; round++) {
      const timed = round >= settings.warmup;
      const r = round - settings.warmup;
      const list = [...targets];
      if (timed && refRounds.has(r)) list.push(reference);
      const shift = list.length > 0 ? round % list.length : 0;
      const order = [...list.slice(shift), ...list.slice(0, shift)];
      io.err(
        `bench: ${timed ? `round ${r + 1}/${settings.runs}` : `warm-up ${round + 1}/${settings.warmup}`}\n`,
      );
      for (const t of order) {
        const dt = await t.once();
        if (timed) t.times.push(dt);
      }
    }

    // Results.
    const baseline =
      peers.find((p) => p.name === 'onnxruntime-node' && p.threads === 1) ??
      peers.find((p) => p.name === 'onnxruntime-web-wasm' && p.threads === 1) ??
      peers[0];
    const modeRows: ModeRow[] = modes.map((x, i) => {
      const t = timing(targets[i].times);
      const vsRef = relativeError(x.outputs, refOutputs, outputRefs);
      const within = outputRefs.every(
        (r) =>
          compare(
            { shape: refOut[r].shape, data: Float64Array.from(x.outputs[r]) },
            refOut[r],
            FLOAT32_NETWORK_TOLERANCE,
          ).pass,
      );
      return {
        mode: x.mode,
        kernels: x.compiled.program.kernels.length,
        compileMs: round3(x.compileMs),
        runtimeMs: round3(x.runtimeMs),
        firstMs: round3(x.firstMs),
        readyMs: round3(x.compileMs + x.runtimeMs + x.firstMs),
        ...t,
        backends: [...new Set(x.runtime.backends.values())].sort(),
        maxRelError: baseline ? (relativeError(x.outputs, baseline.outputs, outputRefs) ?? null) : null,
        maxRelErrorReference: vsRef ?? null,
        withinTolerance: within,
      };
    });
    const peerRows: PeerRow[] = peers.map((p, i) => {
      const t = timing(targets[modes.length + i].times);
      return {
        name: p.name,
        threads: p.threads,
        version: p.version,
        sessionMs: round3(p.sessionMs),
        firstMs: round3(p.firstMs),
        ...t,
        maxRelErrorReference: relativeError(p.outputs, refOutputs, outputRefs) ?? null,
      };
    });
    const ratios: BenchResult['ratios'] = [];
    for (const mr of modeRows) {
      for (const pr of peerRows) {
        if (pr.medianMs > 0) {
          ratios.push({
            mode: mr.mode,
            peer: pr.name,
            threads: pr.threads,
            ratio: mr.medianMs / pr.medianMs,
          });
        }
      }
    }
    for (const mr of modeRows) {
      if (!mr.withinTolerance) {
        const msg = `mode ${mr.mode}: the output is NOT within tolerance of the float64 reference (max rel error ${fmtErr(mr.maxRelErrorReference)}): its times are of a wrong result`;
        notes.push(msg);
        io.err(`bench: ${msg}\n`);
      }
    }
    notes.push(
      referenceRuns < settings.runs
        ? `the float64 reference is timed in ${referenceRuns} of the ${settings.runs} rounds (${[...refRounds].map((r) => r + 1).join(', ')}): it is slow`
        : `the float64 reference is timed in every round`,
    );
    // The layout per backend (passDefaults): which passes each mode's program ran, when they differ.
    const byPasses = new Map<string, string[]>();
    for (const x of modes) {
      const key = x.compiled.program.passes.join(', ');
      byPasses.set(key, [...(byPasses.get(key) ?? []), x.mode]);
    }
    if (byPasses.size > 1) {
      notes.push(
        `each mode runs the program compiled for it (passDefaults: channel-minor values on webasm only): ${[...byPasses].map(([p, ms]) => `${ms.join(', ')}: ${p}`).join('; ')}`,
      );
    }
    if (modes.some((x) => x.mode === 'webasm-async')) {
      notes.push(
        "webasm: the plan as one fused gpu.js pipeline on one thread; webasm-async: the same pipeline on gpu.js's worker pool (Runtime.runAsync)",
      );
    }

    let profile: Profile[] | undefined;
    if (settings.profile) {
      const passes = Math.min(settings.runs, 3);
      profile = modes.map((x, i) => {
        io.err(`bench: profiling ${x.mode} (${passes} pass(es) kernel by kernel)\n`);
        return profileMode(x, feed, passes, modeRows[i].medianMs);
      });
      notes.push(
        "profile: each kernel runs alone (Runtime.runKernel) on flat host arrays and its output is read back (on headlessgl: texture up- and downloads), while a forward pass hands each kernel the previous one's output as gpu.js returned it: the per-kernel total is not a decomposition of the forward pass",
      );
    }

    const result: BenchResult = {
      schemaVersion: 1,
      model: {
        name: m.info.name ?? model,
        argument: model,
        flags: givenModelFlags(flags),
        irNodes: m.graph.nodes.length,
      },
      input: m.graph.inputs.map((i) => ({ name: i.name, shape: i.shape.map((d) => d.toInt()!), seed })),
      machine: host,
      settings: {
        runs: settings.runs,
        warmup: settings.warmup,
        referenceRuns,
        interleaved: true,
        errorBaseline: baseline ? { name: baseline.name, threads: baseline.threads } : null,
      },
      modes: modeRows,
      skipped: [...settings.skipped],
      reference: {
        firstMs: round3(refFirstMs),
        medianMs: round3(median(reference.times)),
        minMs: round3(reference.times.length ? Math.min(...reference.times) : 0),
        runs: reference.times.length,
      },
      peers: peerRows,
      skippedPeers,
      ratios,
      ...(profile ? { profile } : {}),
      notes,
    };
    io.out(renderBench(result, settings.format));
  } finally {
    for (const x of modes) x.runtime.destroy();
    for (const p of peers) {
      try {
        await p.close();
      } catch {
        // a peer that fails to close has nothing left to report
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

function fmtMs(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function fmtErr(x: number | null): string {
  return x === null ? 'n/a' : x === 0 ? '0' : x.toExponential(1);
}

function peerLabel(name: PeerName, threads: number): string {
  return `${name === 'onnxruntime-node' ? 'ort-node' : 'ort-web'} ${threads}t`;
}

function table(head: string[], rows: string[][], markdown: boolean): string {
  if (markdown) {
    return [
      `| ${head.join(' | ')} |`,
      `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
      ...rows.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n');
  }
  const t = new Table({ head, style: { head: [], border: [], compact: true } });
  t.push(...rows);
  return t.toString();
}

/** The result as a table (terminal), Markdown, or JSON (the schema above). */
export function renderBench(r: BenchResult, format: Format): string {
  if (format === 'json') return `${JSON.stringify(r, null, 2)}\n`;
  const md = format === 'md';
  const out: string[] = [];
  const h = (s: string): string => (md ? `### ${s}` : `== ${s}`);
  const title = [r.model.argument, ...r.model.flags].join(' ');
  out.push(
    h(`bench ${title}`),
    '',
    `input ${r.input.map((i) => `${i.name} [${i.shape.join(',')}]`).join(', ')} (uniform [-1, 1], seed ${r.input[0].seed}); ` +
      `${r.settings.runs} timed rounds after ${r.settings.warmup} warm-up rounds, interleaved (every mode and peer once per round, order rotated)`,
    `machine: ${r.machine.cpuModel}, ${r.machine.cpus} CPUs, node ${r.machine.node}, ${r.machine.platform} ${r.machine.arch}, ${r.machine.date}`,
    '',
  );
  const peerCols = r.peers.map((p) => peerLabel(p.name, p.threads));
  const ratioOf = (mode: CliMode, p: PeerRow): string => {
    const x = r.ratios.find((q) => q.mode === mode && q.peer === p.name && q.threads === p.threads);
    return x ? `${x.ratio >= 10 ? x.ratio.toFixed(0) : x.ratio.toFixed(2)}×` : '';
  };
  const errHead = r.settings.errorBaseline
    ? `rel err vs ${peerLabel(r.settings.errorBaseline.name, r.settings.errorBaseline.threads)}`
    : 'rel err vs ort';
  out.push(
    table(
      [
        'mode',
        'kernels',
        'compile ms',
        'runtime ms',
        'first call ms',
        'median ms',
        'min ms',
        'p90 ms',
        errHead,
        'rel err vs f64',
        ...peerCols.map((c) => `÷ ${c}`),
      ],
      [
        ...r.modes.map((x) => [
          x.mode,
          String(x.kernels),
          fmtMs(x.compileMs),
          fmtMs(x.runtimeMs),
          fmtMs(x.firstMs),
          fmtMs(x.medianMs),
          fmtMs(x.minMs),
          fmtMs(x.p90Ms),
          fmtErr(x.maxRelError),
          `${fmtErr(x.maxRelErrorReference)}${x.withinTolerance ? '' : ' (FAIL)'}`,
          ...r.peers.map((p) => ratioOf(x.mode, p)),
        ]),
        [
          `reference f64 (${r.reference.runs} runs)`,
          '',
          '',
          '',
          fmtMs(r.reference.firstMs),
          fmtMs(r.reference.medianMs),
          fmtMs(r.reference.minMs),
          '',
          '',
          '0',
          ...r.peers.map((p) =>
            p.medianMs > 0 && r.reference.runs > 0
              ? `${(r.reference.medianMs / p.medianMs).toFixed(0)}×`
              : '',
          ),
        ],
      ],
      md,
    ),
  );
  if (r.peers.length > 0) {
    out.push(
      '',
      table(
        [
          'peer',
          'threads',
          'version',
          'session ms',
          'first call ms',
          'median ms',
          'min ms',
          'p90 ms',
          'rel err vs f64',
        ],
        r.peers.map((p) => [
          p.name,
          String(p.threads),
          p.version,
          fmtMs(p.sessionMs),
          fmtMs(p.firstMs),
          fmtMs(p.medianMs),
          fmtMs(p.minMs),
          fmtMs(p.p90Ms),
          fmtErr(p.maxRelErrorReference),
        ]),
        md,
      ),
    );
  }
  const skipped = [
    ...r.skipped.map((s) => `mode ${s.mode}: ${s.reason}`),
    ...r.skippedPeers.map(
      (s) => `${s.name}${s.threads === null ? '' : ` ${s.threads} thread(s)`}: ${s.reason}`,
    ),
  ];
  if (skipped.length > 0) out.push('', 'skipped:', ...skipped.map((s) => `  - ${s}`));
  for (const p of r.profile ?? []) {
    out.push(
      '',
      h(
        `profile ${p.mode} (${p.runtime}; ${p.passes} pass(es), kernels one by one: ${fmtMs(p.totalMs)} ms; forward pass median ${fmtMs(p.forwardMedianMs)} ms)`,
      ),
      '',
      table(
        ['template', 'kernels', 'ms', '%'],
        p.templates.map((t) => [t.template, String(t.kernels), fmtMs(t.ms), t.percent.toFixed(1)]),
        md,
      ),
      '',
      table(
        ['slowest kernels', 'template', 'ms', '%'],
        [...p.kernels]
          .sort((a, b) => b.ms - a.ms)
          .slice(0, 10)
          .map((k) => [k.kernel, k.template, fmtMs(k.ms), k.percent.toFixed(1)]),
        md,
      ),
    );
  }
  if (r.notes.length > 0) out.push('', 'notes:', ...r.notes.map((n) => `  - ${n}`));
  return `${out.join('\n')}\n`;
}
