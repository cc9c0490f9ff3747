/**
 * `coordattn compile | run | verify`: IR → gpu.js kernels, running them, and checking them against
 * the float64 reference. Weights come from a weights file (`--weights`, checked tensor by tensor
 * against the model) or a seed (`--seed`, the official initialisation; `verify` also draws BN
 * statistics and biases so that BN folding and bias terms are exercised).
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import Table from 'cli-table3';
import { CoordattnError, isCoordattnError, type Graph } from '@coordattn/ir';
import {
  compile,
  EMIT_KINDS,
  BROWSER_MODES,
  EXPECTED_BACKEND,
  float32Params,
  headlessGLAvailable,
  loadWeightsFile,
  MODES,
  PASS_NAMES,
  passDefaults,
  Runtime,
  verifyCompiledAsync,
  writeBrowserBundle,
  writeCompiledModule,
  type Compiled,
  type EmitKind,
  type AnyMode,
  type KernelVerdict,
  type Mode,
  type PassSwitches,
  type ProgramData,
  type RuntimeOptions,
  type VerifyResult,
} from '@coordattn/codegen';
import {
  initWeights,
  loadWeights,
  tensor,
  uniformTensor,
  writeNpy,
  type Tensor,
  type Weights,
} from '@coordattn/reference';
import type { Io } from './commands.js';
import { junitXml, type VerifyRun } from './junit.js';
import { loadModel, type LoadedModel } from './model.js';
import { readInputArray } from './npy-input.js';
import { modelFlags, MODEL_FLAG_NAMES, oneOf, positiveInt, str, type Flags } from './options.js';

/**
 * The CLI's modes: the runtime's three, plus `webasm-async` — the webasm kernels built in gpu.js
 * asyncMode (`{ mode: 'webasm', async: true }`) and run with `runAsync`. Order: bench's row order.
 */
export const CLI_MODES = ['cpu', 'webasm', 'webasm-async', 'headlessgl'] as const;
export type CliMode = (typeof CLI_MODES)[number];
// Every runtime mode is a CLI mode (a new runtime mode fails to compile here until it is added).
const _everyModeIsCli: readonly CliMode[] = MODES;

/** The Runtime options of a CLI mode. */
export function runtimeOptions(mode: CliMode): RuntimeOptions {
  return mode === 'webasm-async' ? { mode: 'webasm', async: true } : { mode };
}

/** The runtime mode a CLI (or compile) mode builds its kernels for (webasm-async: webasm). */
export function runtimeMode(mode: CliMode): Mode;
export function runtimeMode(mode: CompileMode): AnyMode;
export function runtimeMode(mode: CompileMode): AnyMode {
  return mode === 'webasm-async' ? 'webasm' : mode;
}

/** Whether a mode can run here; the reason when it cannot. */
export function modeAvailability(mode: CliMode): { ok: true } | { ok: false; reason: string } {
  if (mode === 'headlessgl') {
    const gl = headlessGLAvailable();
    return gl.ok ? { ok: true } : { ok: false, reason: gl.reason ?? 'headless GL is unavailable' };
  }
  if ((mode === 'webasm' || mode === 'webasm-async') && !('WebAssembly' in globalThis)) {
    return { ok: false, reason: 'WebAssembly is not supported by this JavaScript engine' };
  }
  return { ok: true };
}

/** The random input tensors of a model: uniform in [-1, 1], seeded per input (as verify draws them). */
export function seededInputs(graph: Graph, seed: number, run = 0): Record<string, Tensor> {
  return Object.fromEntries(
    graph.inputs.map((i, k) => [
      i.name,
      uniformTensor(
        i.shape.map((d) => d.toInt()!),
        seed * 1000 + run * 10 + k + 1,
      ),
    ]),
  );
}

export function seedOf(flags: Flags): number {
  const s = str(flags, 'seed');
  if (s === undefined) return 0;
  const n = Number(s);
  if (!/^\d+$/.test(s) || !Number.isSafeInteger(n)) {
    throw new CoordattnError('E_OPTION', `--seed must be a non-negative integer, got '${s}'`, {
      path: '--seed',
    });
  }
  return n;
}

/** The model's weights: an .onnx file's own, from --weights (checked against the graph) or seeded. */
export function weightsOf(m: LoadedModel, flags: Flags, io: Io, random = false): Weights {
  const { graph } = m;
  if (m.onnx) {
    const given = ['weights', 'seed'].find((k) => str(flags, k) !== undefined);
    if (given) {
      throw new CoordattnError('E_OPTION', `an .onnx file carries its weights; --${given} does not apply`, {
        path: `--${given}`,
      });
    }
    return m.onnx.weights;
  }
  const file = str(flags, 'weights');
  if (file !== undefined) {
    if (str(flags, 'seed') !== undefined) {
      throw new CoordattnError('E_OPTION', '--weights and --seed exclude each other', { path: '--seed' });
    }
    return loadWeights(resolve(io.cwd, file), { graph });
  }
  return initWeights(graph, seedOf(flags), random ? { randomBnStats: true, randomBias: true } : {});
}

export function passSwitches(flags: Flags): PassSwitches {
  const off = flags.disablePass;
  const names = Array.isArray(off) ? off : typeof off === 'string' ? [off] : [];
  const out: PassSwitches = {};
  for (const n of names.flatMap((s) => s.split(','))) out[oneOf('disable-pass', n, PASS_NAMES)] = false;
  return out;
}

/**
 * Compiles for `mode` (backend-dependent pass defaults follow it, `passDefaults`: channel-minor only
 * for webasm); --disable-pass switches passes off over them.
 */
export function compileModel(
  graph: Graph,
  weights: Weights,
  flags: Flags,
  mode?: CompileMode,
  splits?: ReadonlyMap<string, number>,
): Compiled {
  return compile(graph, weights, {
    passes: passSwitches(flags),
    ...(splits ? { splits } : {}),
    ...(mode !== undefined ? { mode: runtimeMode(mode) } : {}),
    ...(flags.debugKernels === true ? { debug: true } : {}),
  });
}

/** A progress bar on a terminal, plain lines otherwise (CI logs). */
function progress(
  io: Io,
  label: string,
  total: number,
): { tick(done: number, what: string): void; stop(): void } {
  if (io.isTTY) {
    const bar = new SingleBar({
      format: `${label} [{bar}] {value}/{total} {what}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
    });
    bar.start(total, 0, { what: '' });
    return { tick: (done, what) => bar.update(done, { what }), stop: () => bar.stop() };
  }
  const every = Math.max(1, Math.ceil(total / 10));
  return {
    tick: (done, what) => {
      if (done === total || done % every === 0) io.err(`${label}: ${done}/${total} ${what}\n`);
    },
    stop: () => undefined,
  };
}

/** What `compile --target` writes besides the module: `node` nothing, `browser` one-file bundle. */
export const COMPILE_TARGETS = ['node', 'browser'] as const;
/** The modes a program can be compiled for: every CLI mode and the browser modes. */
export const COMPILE_MODES = [...CLI_MODES, ...BROWSER_MODES] as const;
export type CompileMode = (typeof COMPILE_MODES)[number];
export type CompileTarget = (typeof COMPILE_TARGETS)[number];

export async function compileCommand(model: string, flags: Flags, io: Io): Promise<void> {
  const out = str(flags, 'out');
  if (out === undefined) throw new CoordattnError('E_OPTION', 'compile needs --out DIR', { path: '--out' });
  const emit = oneOf<EmitKind>('emit', str(flags, 'emit') ?? 'js', EMIT_KINDS);
  const target = oneOf<CompileTarget>('target', str(flags, 'target') ?? 'node', COMPILE_TARGETS);
  if (target === 'browser' && emit !== 'js') {
    throw new CoordattnError('E_OPTION', '--target browser bundles the JavaScript module', {
      path: '--emit',
      expected: '--emit js (the default)',
    });
  }
  // the mode the program is compiled for: given, else webasm for node and webgl2 for a browser
  const mode = oneOf<CompileMode>(
    'mode',
    str(flags, 'mode') ?? (target === 'browser' ? 'webgl2' : 'webasm'),
    COMPILE_MODES,
  );
  const m = await loadModel(model, modelFlags(flags), io.cwd);
  const weights = weightsOf(m, flags, io);
  const splits = flags.tune === true ? await tuneFor(m.graph, weights, flags, mode, io) : undefined;
  const compiled = compileModel(m.graph, weights, flags, mode, splits);
  const dir = resolve(io.cwd, out);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new CoordattnError('E_IO', `cannot create directory (${(e as NodeJS.ErrnoException).code})`, {
      path: out,
    });
  }
  const given = MODEL_FLAG_NAMES.filter((k) => str(flags, k) !== undefined).map(
    (k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${str(flags, k)!}`,
  );
  const title = [model, ...given].join(' ');
  const written = writeCompiledModule(dir, compiled, { title, emit });
  const files = [...written.files];
  if (target === 'browser') files.push(...(await writeBrowserBundle(dir)).files);
  const k = compiled.program.kernels;
  io.err(
    `compiled ${m.graph.nodes.length} IR nodes into ${k.length} kernels for mode ${mode} (passes: ${compiled.program.passes.join(', ') || 'none'})\n`,
  );
  for (const f of files) io.out(`${f}\n`);
}

/**
 * `--tune`: the chain splits measured on `mode` here (tune.ts). Tuning runs the kernels, so the
 * mode must run on this machine: not a browser mode, and headlessgl only with a GL context.
 */
export async function tuneFor(
  graph: Graph,
  weights: Weights,
  flags: Flags,
  mode: CompileMode,
  io: Io,
): Promise<ReadonlyMap<string, number>> {
  if (mode === 'webgl2' || mode === 'webgpu') {
    throw new CoordattnError(
      'E_OPTION',
      `--tune measures the kernels here; mode ${mode} runs in browsers only`,
      {
        path: '--tune',
        expected: `--mode ${CLI_MODES.join('|')} with --tune`,
      },
    );
  }
  const cli = available(mode, '--mode');
  const { tunedSplits } = await import('./tune.js');
  return tunedSplits(graph, weights, flags, runtimeMode(cli), passSwitches(flags), io);
}

/**
 * The absolute path when `target` is a directory (a model written by `compile --out`, for run and
 * serve), after checking that no model or weights flag was given with it; undefined otherwise.
 */
export function compiledDirectory(target: string, flags: Flags, io: Io): string | undefined {
  const dir = resolve(io.cwd, target);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return undefined;
  const given = MODEL_FLAG_NAMES.filter((k) => flags[k] !== undefined);
  if (given.length > 0 || flags.weights !== undefined || flags.seed !== undefined) {
    throw new CoordattnError(
      'E_OPTION',
      'a compiled directory has its model and weights; drop the model flags',
      {
        path: target,
      },
    );
  }
  return dir;
}

/** A compiled model directory (from `compile`), or a model to compile now (run). */
async function programOf(
  target: string,
  flags: Flags,
  io: Io,
  input: { readonly file: string; readonly shape: readonly number[] },
  mode: CliMode,
): Promise<{ program: ProgramData; params: Map<string, Float32Array>; compiledDir: boolean }> {
  const dir = compiledDirectory(target, flags, io);
  if (dir !== undefined) {
    let program: ProgramData;
    try {
      program = JSON.parse(readFileSync(resolve(dir, 'program.json'), 'utf8')) as ProgramData;
    } catch (e) {
      throw new CoordattnError('E_IO', `no readable program.json (${(e as Error).message.split('\n')[0]})`, {
        path: target,
        expected: 'a directory written by `coordattn compile --out DIR`',
      });
    }
    if (program.format !== 'coordattn-program' || program.version !== 2) {
      throw new CoordattnError('E_IO', 'program.json is not a coordattn program (format/version)', {
        path: `${target}/program.json`,
      });
    }
    return { program, params: loadWeightsFile(resolve(dir, 'weights.json')), compiledDir: true };
  }
  const loaded = await loadModel(target, modelFlags(flags), io.cwd);
  const m = (await rebatched(loaded, target, flags, io, input)) ?? loaded;
  const compiled = compileModel(m.graph, weightsOf(m, flags, io), flags, mode);
  return {
    program: compiled.program,
    params: float32Params(compiled.params),
    compiledDir: false,
  };
}

/**
 * run on a model (not a compiled directory) without --batch or --dim N, given an array that differs
 * from the model's one input only in the batch (first) axis: the model built again for the array's
 * batch, when it takes one (a built-in model; an .onnx file whose batch is symbolic), said on stderr.
 * Undefined when that does not apply or the model's batch is fixed.
 */
async function rebatched(
  m: LoadedModel,
  target: string,
  flags: Flags,
  io: Io,
  input: { readonly file: string; readonly shape: readonly number[] },
): Promise<LoadedModel | undefined> {
  const mf = modelFlags(flags);
  if (mf.batch !== undefined || (mf.dim ?? []).some((d) => /^\s*N\s*=/.test(d))) return undefined;
  if (m.graph.inputs.length !== 1) return undefined;
  const want = m.graph.inputs[0].shape.map((d) => d.toInt());
  const got = input.shape;
  if (got.length === 0 || want.length !== got.length || want[0] === got[0]) return undefined;
  if (want.some((d, i) => i > 0 && d !== got[i])) return undefined;
  let again: LoadedModel;
  try {
    again = await loadModel(target, { ...mf, batch: String(got[0]) }, io.cwd);
  } catch (e) {
    if (isCoordattnError(e)) return undefined;
    throw e;
  }
  if (again.graph.inputs[0].shape.map((d) => d.toInt()).join(',') !== got.join(',')) return undefined;
  io.err(`batch ${got[0]} taken from ${input.file} (as --batch ${got[0]})\n`);
  return again;
}

/**
 * The requested mode; `auto` is webasm, the fastest mode measured (docs/performance.md: ~9× faster
 * than headlessgl on a CPU rasteriser such as llvmpipe), where WebAssembly exists; else cpu.
 */
function modeOf(flags: Flags, io: Io): CliMode {
  const m = str(flags, 'mode') ?? 'auto';
  if (m === 'auto') {
    const wasm = modeAvailability('webasm');
    if (wasm.ok) return 'webasm';
    io.err(`mode auto: using cpu (webasm unavailable: ${wasm.reason})\n`);
    return 'cpu';
  }
  return available(oneOf<CliMode>('mode', m, CLI_MODES), '--mode');
}

/** The mode itself, or E_BACKEND naming the flag when it cannot run here (never another mode). */
export function available(mode: CliMode, flag: string): CliMode {
  const a = modeAvailability(mode);
  if (!a.ok) {
    throw new CoordattnError('E_BACKEND', `mode ${mode} is unavailable: ${a.reason}`, {
      path: flag,
      expected: mode === 'headlessgl' ? `run under \`xvfb-run -a\`, or choose another mode` : 'another mode',
    });
  }
  return mode;
}

/** `--output FILE` (a model with one output) or `--out-dir DIR` (one `<output>.npy` per output). */
function outputFiles(
  program: ProgramData,
  flags: Flags,
  target: string,
): { ref: string; shape: readonly number[]; file: string }[] {
  const outDir = str(flags, 'outDir');
  if (outDir === undefined) {
    if (program.outputs.length !== 1) {
      throw new CoordattnError(
        'E_OPTION',
        `the model has ${program.outputs.length} outputs (${program.outputs.map((o) => o.ref).join(', ')}); --output writes one`,
        { path: target, expected: '--out-dir DIR: one .npy per output, named after it' },
      );
    }
    const [o] = program.outputs;
    return [{ ref: o.ref, shape: o.shape, file: str(flags, 'output')! }];
  }
  const taken = new Set<string>();
  return program.outputs.map((o) => {
    // The output's IR path as a portable file name, unique in the directory (case-insensitively).
    let base = o.ref.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'output';
    for (let k = 2; taken.has(base.toLowerCase()); k++) base = `${base.replace(/_\d+$/, '')}_${k}`;
    taken.add(base.toLowerCase());
    return { ref: o.ref, shape: o.shape, file: join(outDir, `${base}.npy`) };
  });
}

export async function runCommand(target: string, flags: Flags, io: Io): Promise<void> {
  const inFile = str(flags, 'input');
  const outFile = str(flags, 'output');
  const outDir = str(flags, 'outDir');
  if (inFile === undefined)
    throw new CoordattnError('E_OPTION', 'run needs --input x.npy', { path: '--input' });
  if (outFile === undefined && outDir === undefined) {
    throw new CoordattnError('E_OPTION', 'run needs --output y.npy (or --out-dir DIR)', { path: '--output' });
  }
  if (outFile !== undefined && outDir !== undefined) {
    throw new CoordattnError('E_OPTION', '--output and --out-dir exclude each other', { path: '--out-dir' });
  }
  // Read (and check) the input before compiling: its batch may choose the model's.
  const x = readInputArray(inFile, resolve(io.cwd, inFile), io);
  const mode = modeOf(flags, io);
  const { program, params, compiledDir } = await programOf(
    target,
    flags,
    io,
    { file: inFile, shape: x.shape },
    mode,
  );
  if (program.inputs.length !== 1) {
    throw new CoordattnError(
      'E_OPTION',
      `run takes models with one input (this one has ${program.inputs.length})`,
      {
        path: target,
      },
    );
  }
  const outputs = outputFiles(program, flags, target);
  const want = program.inputs[0].shape;
  if (x.shape.join(',') !== want.join(',')) {
    const onlyBatch =
      x.shape.length === want.length &&
      x.shape.length > 0 &&
      want.every((d, i) => i === 0 || d === x.shape[i]);
    throw new CoordattnError(
      'E_SHAPE',
      `the input array does not have the model's input shape (got vs expected)`,
      {
        path: inFile,
        shapes: [`[${x.shape.join(',')}]`, `[${want.join(',')}]`],
        expected:
          compiledDir && onlyBatch
            ? `a batch of ${want[0]}, as compiled; compile again with --batch ${x.shape[0]} for this array`
            : onlyBatch && (str(flags, 'batch') !== undefined || flags.dim !== undefined)
              ? `a batch of ${want[0]}, as the flags set it`
              : onlyBatch
                ? `a batch of ${want[0]}: this model's batch is fixed`
                : `an array of the model input shape${compiledDir ? '' : ' (set --resolution / --batch to match)'}`,
      },
    );
  }
  const rt = new Runtime(program, params, runtimeOptions(mode));
  try {
    const feed = { [program.inputs[0].name]: x.data };
    const t0 = performance.now();
    // runAsync: on webasm the whole plan runs as one fused gpu.js pipeline.
    const ys = await rt.runAsync(feed);
    const ms = performance.now() - t0;
    if (outDir !== undefined) {
      try {
        mkdirSync(resolve(io.cwd, outDir), { recursive: true });
      } catch (e) {
        throw new CoordattnError('E_IO', `cannot create directory (${(e as NodeJS.ErrnoException).code})`, {
          path: outDir,
        });
      }
    }
    for (const o of outputs) writeNpy(resolve(io.cwd, o.file), tensor(o.shape, ys[o.ref]));
    const backends = [...new Set(rt.backends.values())].join(', ');
    io.err(
      `ran ${program.kernels.length} kernels on ${mode} (${backends}) in ${ms.toFixed(0)} ms; wrote ${outputs
        .map((o) => o.file)
        .join(', ')}\n`,
    );
  } finally {
    rt.destroy();
  }
}

function modesOf(flags: Flags): CliMode[] {
  const v = str(flags, 'modes') ?? 'cpu,webasm,headlessgl';
  return v.split(',').map((m) => available(oneOf<CliMode>('modes', m.trim(), CLI_MODES), '--modes'));
}

function verifyTable(r: VerifyResult, markdown: boolean): string {
  const head = ['kernel', 'template', 'IR nodes', 'backend', 'max |err|', 'max rel', 'rtol', 'result'];
  const rows = r.kernels.map((k) => [
    k.kernel,
    k.template,
    String(k.nodes.length),
    k.backend,
    k.comparison.maxAbsError.toExponential(2),
    k.maxRelError.toExponential(2),
    k.tolerance.rtol.toExponential(1),
    k.comparison.pass ? 'pass' : 'FAIL',
  ]);
  for (const o of r.outputs) {
    rows.push([
      `output ${o.ref}`,
      'end to end',
      '',
      EXPECTED_BACKEND[r.mode],
      o.comparison.maxAbsError.toExponential(2),
      o.maxRelError.toExponential(2),
      o.comparison.tolerance.rtol.toExponential(1),
      o.comparison.pass ? 'pass' : 'FAIL',
    ]);
  }
  if (markdown) {
    return [
      `| ${head.join(' | ')} |`,
      `|${head.map(() => '---').join('|')}|`,
      ...rows.map((row) => `| ${row.join(' | ')} |`),
    ].join('\n');
  }
  const t = new Table({ head, style: { head: [], border: [], compact: true } });
  t.push(...rows);
  return t.toString();
}

/** verify's output formats. */
export const VERIFY_FORMATS = ['table', 'md', 'json', 'junit'] as const;
export type VerifyFormat = (typeof VERIFY_FORMATS)[number];

export async function verifyCommand(model: string, flags: Flags, io: Io): Promise<void> {
  const modes = modesOf(flags);
  const runs = str(flags, 'runs') === undefined ? 1 : positiveInt('runs', str(flags, 'runs')!).toInt()!;
  const format = oneOf('format', str(flags, 'format') ?? 'table', VERIFY_FORMATS);
  const m = await loadModel(model, modelFlags(flags), io.cwd);
  const weights = weightsOf(m, flags, io, true);
  // one program per set of backend-dependent pass defaults (channel-minor for webasm only)
  const programs = new Map<string, Compiled>();
  const compiledFor = (mode: CliMode): Compiled => {
    const key = JSON.stringify(passDefaults(runtimeMode(mode)));
    let c = programs.get(key);
    if (c === undefined) programs.set(key, (c = compileModel(m.graph, weights, flags, mode)));
    return c;
  };
  const seed = seedOf(flags);
  const results: VerifyRun[] = [];
  for (const mode of modes) {
    const compiled = compiledFor(mode);
    for (let run = 0; run < runs; run++) {
      const inputs = seededInputs(m.graph, seed, run);
      const bar = progress(
        io,
        `verify ${mode}${runs > 1 ? ` run ${run + 1}/${runs}` : ''}`,
        compiled.program.kernels.length,
      );
      try {
        const t0 = performance.now();
        let last = t0;
        const kernelSeconds: number[] = [];
        const onKernel = (done: number, _total: number, v: KernelVerdict): void => {
          const now = performance.now();
          kernelSeconds.push((now - last) / 1000);
          last = now;
          bar.tick(done, v.kernel);
        };
        // Per kernel, then the whole plan as models run it (runAsync: one fused pipeline on webasm).
        const result = await verifyCompiledAsync(m.graph, compiled, weights, inputs, runtimeMode(mode), {
          onKernel,
          async: mode === 'webasm-async',
        });
        results.push({ mode, run, result, seconds: (performance.now() - t0) / 1000, kernelSeconds });
      } finally {
        bar.stop();
      }
    }
  }
  reportVerification(results, { model, modes, runs, format, seed }, io);
}

/**
 * Writes verify's results in `format` on stdout and sets the exit code: 0 when every kernel and
 * output of every run is within tolerance, 1 otherwise (user errors are 2, in main.ts). junit and
 * json keep stdout to the document; junit says the verdict on stderr.
 */
export function reportVerification(
  results: readonly VerifyRun[],
  opts: {
    readonly model: string;
    readonly modes: readonly string[];
    readonly runs: number;
    readonly format: VerifyFormat;
    readonly seed?: number;
  },
  io: Io,
): void {
  const { model, modes, format } = opts;
  const pass = results.every((r) => r.result.pass);
  const verdict = `${pass ? 'PASS' : 'FAIL'}: ${results.length} verification(s) on ${modes.join(', ')}`;
  if (format === 'junit') {
    io.out(
      junitXml(results, {
        model,
        runs: opts.runs,
        ...(opts.seed !== undefined ? { properties: { seed: String(opts.seed) } } : {}),
      }),
    );
    io.err(`${verdict}\n`);
  } else if (format === 'json') {
    io.out(
      `${JSON.stringify(
        results.map(({ mode, result: r }) => ({
          mode,
          pass: r.pass,
          kernels: r.kernels.map((k) => ({
            kernel: k.kernel,
            template: k.template,
            nodes: k.nodes,
            backend: k.backend,
            reduction: k.reduction,
            rtol: k.tolerance.rtol,
            maxAbsError: k.comparison.maxAbsError,
            maxRelError: k.maxRelError,
            failures: k.comparison.failures,
            pass: k.comparison.pass,
          })),
          outputs: r.outputs.map((o) => ({
            ref: o.ref,
            maxAbsError: o.comparison.maxAbsError,
            maxRelError: o.maxRelError,
            pass: o.comparison.pass,
          })),
        })),
        null,
        2,
      )}\n`,
    );
  } else {
    for (const { mode, result: r } of results) {
      const failed = r.kernels.filter((k) => !k.comparison.pass).length;
      io.out(
        `${format === 'md' ? '### ' : '== '}${model} on ${mode}: ${r.kernels.length} kernels, ${failed} failed, ` +
          `end to end ${r.outputs.every((o) => o.comparison.pass) ? 'pass' : 'FAIL'}\n\n`,
      );
      io.out(`${verifyTable(r, format === 'md')}\n\n`);
    }
    io.out(`${verdict}\n`);
  }
  if (!pass) io.exitCode = 1;
}
