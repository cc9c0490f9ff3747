/**
 * The coordattn kernel runtime. Self-contained on purpose: it imports only gpu.js, the gpu.js patch
 * beside it and the project's one error type (`@coordattn/ir/errors`, a file that imports nothing),
 * and no Node built-in, so the compiler copies these files next to every emitted model module (the
 * error module as `./errors`), and the module runs without @coordattn/* in plain Node and in a
 * browser bundle alike. Weights come in as bytes (`decodeWeights`, the project's weights format)
 * or are read by URL (`readWeights`: fetch; a file: URL through Node's fs, which is loaded only
 * there and without an import). Failures are CoordattnErrors with codes: E_BACKEND (mode
 * unavailable, fallback), E_EVAL (inputs, weights), E_IO (reading weights), E_KERNEL.
 *
 * - Builds one gpu.js kernel per descriptor for a mode (`cpu`, `webasm`, `headlessgl` in Node and
 *   browsers; `webgl2`, `webgpu` in browsers), precision 'single', output size and constants from
 *   the descriptor. Loop bounds in the sources are literals or constants, never arguments (gpu.js
 *   caps argument-bounded loops at 1000 silently).
 * - On device modes (headlessgl, webgl2, webgpu) every kernel writes a pipeline texture (a storage
 *   buffer on webgpu) that the next kernels read on the device; only the graph outputs are read
 *   back. webgpu kernels are asynchronous in gpu.js: that mode runs with `runAsync` and
 *   `runKernelAsync` only.
 * - gpu.js falls back to another backend silently; after the first call every kernel's real
 *   backend (`kernel.kernel.constructor.name`) is checked against the mode and a mismatch throws
 *   (unless `allowFallback`), so a run never reports one backend while using another.
 * - `destroy()` releases the kernels, their textures and the GL context.
 */
import { CoordattnError } from '@coordattn/ir/errors';
import {
  GPU,
  Input,
  type IGPUKernelSettings,
  type IKernelRunShortcut,
  type IPipelineRunShortcut,
  type OutputDimensions,
} from 'gpu.js';
// Patches gpu.js's webasm code generator on load (i32 locals, v128 loads; docs/gpujs-patch.md).
import { gpujsPatchStatus, type GpujsPatchStatus } from './gpujs-patch.js';

export { gpujsPatchStatus, type GpujsPatchStatus };

/**
 * One argument of a kernel, in call order: a graph input, another kernel's output or a chain's
 * partial sum (weights are constants: KernelDesc.weights).
 */
export interface KernelArg {
  /** Parameter name in the kernel source. */
  readonly name: string;
  /** Value id. */
  readonly ref: string;
  /** gpu.js input size: [x] for vectors, [x, y] for matrices, [x, y, z] for values. */
  readonly dims: readonly number[];
  /** Set when the value is stored channel-minor (rank 4, bytes in [N, H, W, C] order). */
  readonly layout?: 'nhwc';
}

/** A weight tensor a kernel reads as a constant array: `this.constants[name][i]`, flat row-major. */
export interface KernelWeight {
  /** Key in the kernel's constants. */
  readonly name: string;
  /** Parameter id in the weights file. */
  readonly ref: string;
  readonly length: number;
}

/** How `Runtime.runKernel` exchanges host values. */
export interface RunKernelOptions {
  /**
   * Values and the result in each value's storage layout (channel-minor ones not reordered), as
   * the kernels exchange them: for timing kernels alone. Default: row-major logical order.
   */
  readonly stored?: boolean;
}

/** A kernel as plain data. */
export interface KernelDesc {
  /** JavaScript identifier, also the function name in `source`. */
  readonly name: string;
  /** The value id this kernel produces. */
  readonly value: string;
  /** What the source depends on (template, sizes, epilogue): equal keys give equal sources up to the name. */
  readonly cacheKey: string;
  readonly template: string;
  /** IR node paths computed by this kernel. */
  readonly nodes: readonly string[];
  /** Lowering passes that shaped it. */
  readonly passes: readonly string[];
  /** Logical output shape (NCHW, [N,F], ...). */
  readonly shape: readonly number[];
  /** gpu.js output size [x, y, z]. */
  readonly output: readonly [number, number, number];
  /**
   * Set when the kernel writes its (rank-4) value channel-minor: bytes in [N, H, W, C] order, for
   * readers inside the program only (graph outputs are always row-major NCHW).
   */
  readonly layout?: 'nhwc';
  readonly constants: Readonly<Record<string, number>>;
  /** Weight tensors bound as constant arrays (uploaded once per kernel build). */
  readonly weights: readonly KernelWeight[];
  readonly args: readonly KernelArg[];
  /**
   * Set on the leading kernels of a sum split over a chain: the kernel writes a partial sum of
   * `value`'s computation (its own value id is `value#k`); only the chain's last kernel writes `value`.
   */
  readonly partial?: boolean;
  /** `function name(args) { ... }`. */
  readonly source: string;
  /** Longest sum one output element accumulates (terms). */
  readonly reduction: number;
}

/**
 * What `this` is inside a kernel function (the part of gpu.js's kernel context the generated
 * sources use): the output cell being computed, the descriptor's constants, the output size.
 */
export interface KernelThis {
  thread: { x: number; y: number; z: number };
  /** Numbers, and weight arrays (see KernelDesc.weights): one type so sources type-check either way. */
  constants: Record<string, number & ArrayLike<number>>;
  output: { x: number; y: number; z: number };
}

/** A kernel as a function (an emitted module's): gpu.js calls it once per output cell, values read flat. */
export type KernelFunction = (this: KernelThis, ...values: ArrayLike<number>[]) => number;

/** A compiled model's execution plan: kernels in execution order, each producing one value. */
export interface ProgramData {
  readonly format: 'coordattn-program';
  readonly version: 2;
  readonly inputs: readonly { readonly name: string; readonly shape: readonly number[] }[];
  readonly outputs: readonly {
    readonly ref: string;
    readonly value: string;
    readonly shape: readonly number[];
  }[];
  readonly kernels: readonly KernelDesc[];
  /** Lowering passes that ran. */
  readonly passes: readonly string[];
}

/** The modes that run in Node (and, but headlessgl, in browsers). */
export const MODES = ['cpu', 'webasm', 'headlessgl'] as const;
export type Mode = (typeof MODES)[number];
/** gpu.js's GPU backends of browsers (the kernel runner page of @coordattn/web). */
export const BROWSER_MODES = ['webgl2', 'webgpu'] as const;
export type BrowserMode = (typeof BROWSER_MODES)[number];
/** Every mode the runtime takes. */
export type AnyMode = Mode | BrowserMode;
const ALL_MODES: readonly AnyMode[] = [...MODES, ...BROWSER_MODES];

/** The gpu.js kernel class each mode must run on. */
export const EXPECTED_BACKEND: Readonly<Record<AnyMode, string>> = {
  cpu: 'CPUKernel',
  webasm: 'WebAssemblyKernel',
  headlessgl: 'HeadlessGLKernel',
  webgl2: 'WebGL2Kernel',
  webgpu: 'WebGPUKernel',
};

/** Modes whose kernels hand device values (textures, storage buffers) to the next kernels. */
const DEVICE_MODES: readonly AnyMode[] = ['headlessgl', 'webgl2', 'webgpu'];

export interface RuntimeOptions {
  readonly mode: AnyMode;
  /** webasm only: gpu.js asyncMode (worker threads); `run` must then be awaited via `runAsync`. */
  readonly async?: boolean;
  /** Accept a kernel that gpu.js ran on another backend than the mode's (it is still reported). */
  readonly allowFallback?: boolean;
  /** Kernel functions by name (an emitted module passes its own); default: each descriptor's source. */
  readonly functions?: Readonly<Record<string, (...args: never[]) => number>>;
}

type Nested = Float32Array | Nested[];
/** What flows between kernels: a GL texture, or nested arrays on cpu/webasm. */
type DeviceValue = Input | object;

function makeInput(data: Float32Array, dims: readonly number[]): Input {
  // gpu.js types Input's value as number[]; it accepts typed arrays (toolchain notes §2).
  return new Input(data as unknown as number[], [...dims] as unknown as OutputDimensions);
}

function flattenInto(v: Nested, out: Float32Array, at: { i: number }): void {
  if (v instanceof Float32Array) {
    out.set(v, at.i);
    at.i += v.length;
  } else for (const e of v) flattenInto(e, out, at);
}

function hasToArray(v: unknown): v is { toArray(): unknown; delete?: () => void } {
  return typeof v === 'object' && v !== null && typeof (v as { toArray?: unknown }).toArray === 'function';
}

function numel(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/**
 * gpu.js size [x, y, z] of a logical shape: x = last axis, y = the one before (1 if none), z = the
 * product of the leading axes (NCHW → [W, H, N·C]). Kernel outputs and value inputs use it.
 */
export function dims3(shape: readonly number[]): [number, number, number] {
  const r = shape.length;
  return [r >= 1 ? shape[r - 1] : 1, r >= 2 ? shape[r - 2] : 1, numel(shape.slice(0, Math.max(0, r - 2)))];
}

/**
 * A rank-4 logical shape's data between row-major NCHW and channel-minor NHWC order: `toNhwc`
 * reorders NCHW data into NHWC storage, else the reverse.
 */
export function relayout(data: Float32Array, shape: readonly number[], toNhwc: boolean): Float32Array {
  const [N, C, H, W] = shape;
  const HW = H * W;
  const out = new Float32Array(data.length);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let p = 0; p < HW; p++) {
        const nchw = (n * C + c) * HW + p;
        const nhwc = (n * HW + p) * C + c;
        if (toNhwc) out[nhwc] = data[nchw];
        else out[nchw] = data[nhwc];
      }
    }
  }
  return out;
}

/** The logical shape of a channel-minor argument: its writer's (a partial sum's writer is its chain's kernel). */
function argShape(a: KernelArg, k: KernelDesc, program: ProgramData): readonly number[] {
  return program.kernels.find((p) => p.value === a.ref)?.shape ?? k.shape;
}

/** Reads a kernel result (texture or nested arrays) into one flat row-major Float32Array. */
export function readBack(v: unknown, shape: readonly number[]): Float32Array {
  const arr = hasToArray(v) ? v.toArray() : v;
  const out = new Float32Array(numel(shape));
  if (arr instanceof Float32Array) out.set(arr);
  else flattenInto(arr as Nested, out, { i: 0 });
  return out;
}

/**
 * Whether a browser mode can be tried here (webgl2: a WebGL2 context; webgpu: `navigator.gpu` —
 * whether an adapter exists is known only at the first run, which then fails with gpu.js's reason).
 */
export function browserModeAvailable(mode: BrowserMode): { ok: boolean; reason?: string } {
  if (mode === 'webgl2') {
    return GPU.isWebGL2Supported
      ? { ok: true }
      : { ok: false, reason: 'WebGL2 is not available here (no canvas or no WebGL2 context)' };
  }
  return GPU.isWebGPUSupported
    ? { ok: true }
    : { ok: false, reason: 'WebGPU is not available here (no navigator.gpu; needs a secure context)' };
}

/** A kernel result that may be a promise (webgpu), or a read-back value that may be one. */
async function settle(v: unknown): Promise<unknown> {
  return await v;
}

/** readBack for device values whose `toArray()` is a promise (webgpu storage buffers). */
export async function readBackAsync(v: unknown, shape: readonly number[]): Promise<Float32Array> {
  return readBack(hasToArray(v) ? await settle(v.toArray()) : v, shape);
}

/** Whether a GL context can be created here (headlessgl needs the `gl` package and an X display). */
export function headlessGLAvailable(): { ok: boolean; reason?: string } {
  if (!GPU.isHeadlessGLSupported) {
    return {
      ok: false,
      reason:
        'gpu.js found no headless GL: the optional `gl` package is not built, or no X display is set (run under `xvfb-run -a`)',
    };
  }
  return { ok: true };
}

export class Runtime {
  private readonly gpu: GPU;
  private readonly kernels: IKernelRunShortcut[];
  private readonly constArrays = new Map<string, Float32Array>();
  private checked = false;
  private destroyed = false;
  private readonly released = new Set<number>();
  /** webasm: the whole plan as one gpu.js pipeline (one wasm memory, one copy in and out); built on first use. */
  private pipeline: IPipelineRunShortcut | undefined;
  /** The gpu.js kernel class that really ran each kernel (after the first run). */
  readonly backends = new Map<string, string>();
  /** Whether gpu.js's code generator patch is in place (self-tested) for the kernels built here. */
  readonly gpujsPatch: GpujsPatchStatus = gpujsPatchStatus();

  constructor(
    readonly program: ProgramData,
    params: ReadonlyMap<string, Float32Array>,
    readonly options: RuntimeOptions,
  ) {
    const { mode } = options;
    if (!(ALL_MODES as readonly string[]).includes(mode)) {
      throw new CoordattnError(
        'E_BACKEND',
        `unknown mode '${mode}' (expected one of ${ALL_MODES.join(', ')})`,
      );
    }
    if (mode === 'webgl2' || mode === 'webgpu') {
      const b = browserModeAvailable(mode);
      if (!b.ok) throw new CoordattnError('E_BACKEND', `mode ${mode} is unavailable: ${b.reason}`);
    }
    if (mode === 'headlessgl') {
      const gl = headlessGLAvailable();
      if (!gl.ok) throw new CoordattnError('E_BACKEND', `mode headlessgl is unavailable: ${gl.reason}`);
    }
    if (mode === 'webasm' && !GPU.isWebAssemblySupported) {
      throw new CoordattnError('E_BACKEND', 'mode webasm is unavailable: WebAssembly is not supported here');
    }
    for (const k of program.kernels) {
      for (const w of k.weights) {
        const data = params.get(w.ref);
        if (data === undefined) throw new CoordattnError('E_EVAL', `weights file has no tensor '${w.ref}'`);
        if (data.length !== w.length) {
          throw new CoordattnError(
            'E_EVAL',
            `tensor '${w.ref}' has ${data.length} values, kernel ${k.name} expects ${w.length}`,
          );
        }
        this.constArrays.set(w.ref, data);
      }
    }
    this.gpu = new GPU({ mode });
    const gl = DEVICE_MODES.includes(mode);
    this.kernels = program.kernels.map((k) => {
      const fn = options.functions?.[k.name];
      const settings: IGPUKernelSettings = {
        output: [...k.output],
        constants: {
          ...k.constants,
          ...Object.fromEntries(k.weights.map((w) => [w.name, this.constArrays.get(w.ref)!])),
        },
        precision: 'single',
        pipeline: gl,
        tactic: 'precision',
        ...(options.async ? { asyncMode: true } : {}),
      };
      return fn ? this.gpu.createKernel(fn as never, settings) : this.gpu.createKernel(k.source, settings);
    });
  }

  private args(k: KernelDesc, values: Map<string, DeviceValue>): unknown[] {
    return k.args.map((a) => values.get(a.ref)!);
  }

  private prepareInputs(inputs: Readonly<Record<string, Float32Array>>): Map<string, DeviceValue> {
    if (this.destroyed) throw new CoordattnError('E_EVAL', 'runtime was destroyed');
    const values = new Map<string, DeviceValue>();
    for (const i of this.program.inputs) {
      const data = inputs[i.name];
      if (data === undefined) throw new CoordattnError('E_EVAL', `no value for input '${i.name}'`);
      if (data.length !== numel(i.shape)) {
        throw new CoordattnError(
          'E_EVAL',
          `input '${i.name}' has ${data.length} values, expected ${numel(i.shape)} for shape [${i.shape.join(',')}]`,
        );
      }
      values.set(i.name, makeInput(data, dims3(i.shape)));
    }
    return values;
  }

  /** Records the kernel class that ran kernel i; a fallback from the mode throws unless allowed. */
  private recordBackend(i: number): void {
    const k = this.program.kernels[i];
    const want = EXPECTED_BACKEND[this.options.mode];
    const inner = (this.kernels[i] as unknown as { kernel?: { constructor?: { name?: string } } }).kernel;
    const got = inner?.constructor?.name ?? 'unknown';
    this.backends.set(k.name, got);
    if (got !== want && !this.options.allowFallback) {
      throw new CoordattnError(
        'E_BACKEND',
        `kernel ${k.name} ran on ${got}, not ${want}: gpu.js fell back from mode ${this.options.mode}`,
      );
    }
  }

  private checkBackends(): void {
    if (this.checked) return;
    this.checked = true;
    this.program.kernels.forEach((_, i) => this.recordBackend(i));
  }

  /** webgpu kernels return promises: the synchronous entry points refuse that mode. */
  private syncOnly(method: string, instead: string): void {
    if (this.options.mode === 'webgpu') {
      throw new CoordattnError(
        'E_EVAL',
        `mode webgpu is asynchronous: use ${instead}() instead of ${method}()`,
      );
    }
  }

  private async collectAsync(values: Map<string, DeviceValue>): Promise<Record<string, Float32Array>> {
    const out: Record<string, Float32Array> = {};
    for (const o of this.program.outputs) {
      const v = values.get(o.value);
      if (v instanceof Input) out[o.ref] = Float32Array.from(v.value as unknown as Float32Array);
      else out[o.ref] = await readBackAsync(v, o.shape);
    }
    return out;
  }

  private collect(values: Map<string, DeviceValue>): Record<string, Float32Array> {
    const out: Record<string, Float32Array> = {};
    for (const o of this.program.outputs) {
      const v = values.get(o.value);
      if (v instanceof Input) out[o.ref] = Float32Array.from(v.value as unknown as Float32Array);
      else out[o.ref] = readBack(v, o.shape);
    }
    return out;
  }

  /** Runs the plan once; returns the graph outputs (flat, row-major) by IR reference. */
  run(inputs: Readonly<Record<string, Float32Array>>): Record<string, Float32Array> {
    if (this.options.async) throw new CoordattnError('E_EVAL', 'an async runtime runs with runAsync()');
    this.syncOnly('run', 'runAsync');
    const values = this.prepareInputs(inputs);
    this.program.kernels.forEach((k, i) => {
      values.set(k.value, this.hostValue(k, this.kernels[i](...(this.args(k, values) as never[]))));
    });
    this.checkBackends();
    return this.collect(values);
  }

  /**
   * A kernel result as the next kernels read it. Kernels read every value flat (row-major index),
   * whatever the writer's output size: GL textures and webasm results allow that, the cpu
   * backend's nested arrays do not, so there each result becomes one flat Input.
   */
  private hostValue(k: KernelDesc, out: unknown): DeviceValue {
    if (this.options.mode !== 'cpu') return out as object;
    return makeInput(readBack(out, k.shape), dims3(k.shape));
  }

  /**
   * The plan as one gpu.js pipeline: the orchestration runs once against handles and gpu.js
   * executes the recorded steps over one shared wasm memory (threads: the async mode's pool).
   */
  private buildPipeline(): IPipelineRunShortcut {
    const { program, kernels } = this;
    const names = program.inputs.map((i) => i.name);
    const orchestrate = (...handles: unknown[]): Record<string, unknown> => {
      const values = new Map<string, unknown>(names.map((n, i) => [n, handles[i]]));
      program.kernels.forEach((k, i) => {
        const args = k.args.map((a) => values.get(a.ref));
        values.set(k.value, kernels[i](...(args as never[])));
      });
      return Object.fromEntries(program.outputs.map((o) => [o.ref, values.get(o.value)]));
    };
    // gpu.js reads the pipeline's argument count from the function's length.
    Object.defineProperty(orchestrate, 'length', { value: names.length });
    return this.gpu.createPipeline(orchestrate, { threads: this.options.async === true });
  }

  /**
   * Runs the plan once, as a promise. On webasm the plan runs as one fused gpu.js pipeline (with
   * the worker pool in async mode); elsewhere kernel by kernel as run() does.
   */
  async runAsync(inputs: Readonly<Record<string, Float32Array>>): Promise<Record<string, Float32Array>> {
    const values = this.prepareInputs(inputs);
    if (this.options.mode === 'webasm' && this.program.kernels.length > 0) {
      this.pipeline ??= this.buildPipeline();
      const out = (await this.pipeline(
        ...(this.program.inputs.map((i) => values.get(i.name)) as never[]),
      )) as unknown as Record<string, unknown>;
      if (!this.checked) {
        this.checked = true;
        // The pipeline's steps run on clones of the kernels; gpu.js reports the mode they ran on.
        const backend = this.pipeline.backend ?? 'unknown';
        const ran = backend === 'webasm' ? EXPECTED_BACKEND.webasm : backend;
        for (const k of this.program.kernels) this.backends.set(k.name, ran);
        if (backend !== 'webasm' && !this.options.allowFallback) {
          throw new CoordattnError('E_BACKEND', `the pipeline ran on ${backend}, not webasm`);
        }
      }
      return Object.fromEntries(this.program.outputs.map((o) => [o.ref, readBack(out[o.ref], o.shape)]));
    }
    for (let i = 0; i < this.program.kernels.length; i++) {
      const k = this.program.kernels[i];
      const out = await settle(this.kernels[i](...(this.args(k, values) as never[])));
      values.set(k.value, this.hostValue(k, out));
    }
    this.checkBackends();
    return this.collectAsync(values);
  }

  /** How the last runAsync executed on webasm: gpu.js's executor kind and why it fell back, if it did. */
  get executor(): { kind: string; fallbackReason: string | null } | undefined {
    const p = this.pipeline?.pipeline;
    return p ? { kind: p.executorKind, fallbackReason: p.fallbackReason } : undefined;
  }

  /**
   * Runs kernel `index` alone on host values (value id → flat row-major data) and reads its output
   * back: for per-kernel verification against the reference on exactly the reference's inputs.
   */
  runKernel(
    index: number,
    values: ReadonlyMap<string, Float32Array>,
    opts: RunKernelOptions = {},
  ): Float32Array {
    this.syncOnly('runKernel', 'runKernelAsync');
    const { k, args } = this.kernelArgs(index, values, opts);
    const out = this.kernels[index](...(args as never[]));
    this.recordBackend(index);
    const data = readBack(out, k.shape);
    return opts.stored ? data : this.logical(k, data);
  }

  /** A kernel's read-back output in row-major logical order (a channel-minor one is reordered). */
  private logical(k: KernelDesc, data: Float32Array): Float32Array {
    return k.layout === 'nhwc' ? relayout(data, k.shape, false) : data;
  }

  /** runKernel as a promise: every mode, webgpu included (its runs and read-backs are asynchronous). */
  async runKernelAsync(
    index: number,
    values: ReadonlyMap<string, Float32Array>,
    opts: RunKernelOptions = {},
  ): Promise<Float32Array> {
    const { k, args } = this.kernelArgs(index, values, opts);
    const out = await settle(this.kernels[index](...(args as never[])));
    this.recordBackend(index);
    const data = await readBackAsync(out, k.shape);
    return opts.stored ? data : this.logical(k, data);
  }

  private kernelArgs(
    index: number,
    values: ReadonlyMap<string, Float32Array>,
    opts: RunKernelOptions,
  ): { k: KernelDesc; args: Input[] } {
    if (this.destroyed) throw new CoordattnError('E_EVAL', 'runtime was destroyed');
    if (this.released.has(index)) {
      throw new CoordattnError('E_EVAL', `kernel ${this.program.kernels[index].name} was released`);
    }
    const k = this.program.kernels[index];
    const args = k.args.map((a) => {
      const data = values.get(a.ref);
      if (data === undefined || data.length !== numel(a.dims)) {
        throw new CoordattnError(
          'E_EVAL',
          `kernel ${k.name}: no value of ${numel(a.dims)} elements for '${a.ref}'`,
        );
      }
      // host values are row-major logical; a channel-minor argument is reordered into its storage
      const reorder = a.layout === 'nhwc' && opts.stored !== true;
      return makeInput(reorder ? relayout(data, argShape(a, k, this.program), true) : data, a.dims);
    });
    return { k, args };
  }

  /**
   * Releases kernel `index` (its gpu.js kernel, textures, wasm memory) before the runtime is
   * destroyed: per-kernel verification runs each kernel once and lets it go, so a browser does not
   * hold one wasm memory or shader per kernel of the model at the same time. The kernel cannot run
   * again on this runtime.
   */
  releaseKernel(index: number): void {
    const k = this.kernels[index] as IKernelRunShortcut | undefined;
    if (k === undefined || this.released.has(index)) return;
    this.released.add(index);
    k.destroy(true);
  }

  /** Releases every kernel, texture and the GL context. Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    void this.pipeline?.destroy();
    this.kernels.forEach((k, i) => {
      if (!this.released.has(i)) k.destroy(true);
    });
    void this.gpu.destroy();
  }
}

/** A weights manifest: format `coordattn-weights` version 1, the JSON beside its float32 shard(s). */
export interface WeightsManifest {
  readonly format: 'coordattn-weights';
  readonly version: 1;
  /** Groups of tensors; each group's tensors lie back to back in its shards (`paths`, in order). */
  readonly weightsManifest: readonly {
    /** Shard files relative to the manifest. */
    readonly paths: readonly string[];
    readonly weights: readonly {
      readonly name: string;
      readonly shape: readonly number[];
      readonly dtype: 'float32';
    }[];
  }[];
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** Bytes: an ArrayBuffer (or SharedArrayBuffer), or a view of one (Uint8Array, Node's Buffer, DataView). */
export type Bytes = ArrayBufferLike | ArrayBufferView;

/**
 * Where weights come from: their bytes, or a URL (a string is resolved against a base URL, see
 * `readWeights`) read with fetch, or for `file:` with Node's fs.
 */
export type WeightsSource = Bytes | URL | string;

interface WeightsEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
}

function weightsError(where: string, message: string): CoordattnError {
  return new CoordattnError('E_EVAL', `${where}: ${message}`);
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

/** A view of bytes as a Uint8Array (no copy); also for buffers from another realm (an iframe, a vm context). */
export function bytesOf(b: Bytes): Uint8Array {
  if (ArrayBuffer.isView(b)) return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return new Uint8Array(b);
}

/**
 * Checks a weights manifest's structure (format, version, groups with string paths and a weights
 * array) and returns its groups; E_EVAL naming `where` otherwise.
 */
function manifestGroups(manifest: unknown, where: string): { paths: string[]; entries: WeightsEntry[] }[] {
  const m = asRecord(manifest);
  if (m?.format !== 'coordattn-weights' || m.version !== 1) {
    throw weightsError(where, 'not a coordattn-weights version 1 manifest');
  }
  if (!Array.isArray(m.weightsManifest)) throw weightsError(where, 'no weightsManifest array');
  return (m.weightsManifest as unknown[]).map((g, gi) => {
    const group = asRecord(g);
    const paths = group?.paths;
    const entries = group?.weights;
    if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string') || !Array.isArray(entries)) {
      throw weightsError(where, `weightsManifest[${gi}] needs string paths and a weights array`);
    }
    return { paths: paths as string[], entries: entries as WeightsEntry[] };
  });
}

/**
 * The shard paths of a manifest, in order (every group's, one after the other). A path must stay
 * in the manifest's folder: relative, no scheme, no `..` above it (E_EVAL otherwise).
 */
export function weightsShards(manifest: unknown, where: string): string[] {
  const out: string[] = [];
  for (const { paths } of manifestGroups(manifest, where)) {
    for (const p of paths) {
      let depth = 0;
      for (const seg of p.split(/[\\/]/)) {
        if (seg === '..') depth--;
        else if (seg !== '' && seg !== '.') depth++;
        if (depth < 0) break;
      }
      if (depth < 0 || /^[\\/]/.test(p) || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(p)) {
        throw weightsError(where, `shard path '${p}' leaves the manifest's folder`);
      }
      out.push(p);
    }
  }
  return out;
}

/**
 * Decodes weights (format `coordattn-weights` version 1: a JSON manifest whose groups name
 * little-endian float32 shards holding their tensors back to back in manifest order) into float32
 * tensors by name. `bytes` are the shards' contents one after the other, in manifest order (for
 * the one shard a compiled model has: that file's bytes). A minimal reader for emitted modules,
 * which must not depend on @coordattn/reference: it checks the format and every tensor's byte
 * length (CoordattnError E_EVAL naming `where` and the tensor), and that no bytes are left over.
 */
export function decodeWeights(manifest: unknown, bytes: Bytes, where: string): Map<string, Float32Array> {
  const groups = manifestGroups(manifest, where);
  const data = bytesOf(bytes);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const shards = groups.flatMap((g) => g.paths).join(', ');
  const out = new Map<string, Float32Array>();
  let offset = 0;
  let last = '(none)';
  for (const { entries } of groups) {
    for (const e of entries) {
      const shape = Array.isArray(e?.shape) ? e.shape : [];
      if (
        typeof e?.name !== 'string' ||
        e.dtype !== 'float32' ||
        !shape.every((d) => Number.isInteger(d) && d >= 0)
      ) {
        throw weightsError(
          where,
          `tensor ${JSON.stringify(e?.name)} needs a name, an integer shape and dtype float32`,
        );
      }
      if (out.has(e.name)) throw weightsError(where, `duplicate tensor '${e.name}'`);
      const n = numel(shape);
      if (offset + 4 * n > data.length) {
        throw weightsError(
          where,
          `tensor '${e.name}' [${shape.join(',')}] needs ${4 * n} bytes at offset ${offset}, but shard(s) ${shards} hold only ${data.length}`,
        );
      }
      const t = new Float32Array(n);
      for (let i = 0; i < n; i++, offset += 4) t[i] = view.getFloat32(offset, true);
      out.set(e.name, t);
      last = e.name;
    }
  }
  if (offset !== data.length) {
    throw weightsError(
      where,
      `shard(s) ${shards} hold ${data.length - offset} bytes after the last tensor '${last}' (${data.length} bytes, the manifest's tensors need ${offset})`,
    );
  }
  return out;
}

/**
 * A Node built-in module, or undefined outside Node. Loaded with `process.getBuiltinModule` (Node ≥
 * 20.16), not an import: bundlers never see it, so a browser bundle of this file has no Node module.
 */
function nodeBuiltin<T>(id: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return typeof proc?.getBuiltinModule === 'function' ? (proc.getBuiltinModule(id) as T) : undefined;
}

function isUrl(v: unknown): v is URL {
  return typeof v === 'object' && v !== null && typeof (v as { href?: unknown }).href === 'string';
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The bytes at a URL: fetch, or for `file:` Node's fs (E_IO where neither can read it). */
async function readUrl(url: URL): Promise<Uint8Array> {
  if (url.protocol === 'file:') {
    const fs = nodeBuiltin<{ readFile(path: URL): Promise<Uint8Array> }>('node:fs/promises');
    if (!fs) {
      throw new CoordattnError(
        'E_IO',
        'a file: URL can be read only in Node (>= 20.16): pass the bytes instead',
        {
          path: url.href,
        },
      );
    }
    try {
      return await fs.readFile(url);
    } catch (e) {
      throw new CoordattnError('E_IO', `cannot read the weights: ${message(e)}`, { path: url.href });
    }
  }
  if (typeof fetch !== 'function') {
    throw new CoordattnError('E_IO', 'this environment has no fetch: pass the bytes instead', {
      path: url.href,
    });
  }
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new CoordattnError('E_IO', `cannot fetch the weights: ${message(e)}`, { path: url.href });
  }
  if (!response.ok) {
    throw new CoordattnError(
      'E_IO',
      `cannot fetch the weights: HTTP ${response.status} ${response.statusText}`,
      {
        path: url.href,
      },
    );
  }
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * The weight tensors of a manifest, from `source`: bytes as they are; a URL, or a string resolved
 * against `base` (e.g. `import.meta.url`: relative to the module), read with fetch (for `file:`,
 * with Node's fs). Without a source, the manifest's own shards are read relative to `base`.
 */
export async function readWeights(
  manifest: WeightsManifest,
  source: WeightsSource | undefined,
  base: string | URL,
): Promise<Map<string, Float32Array>> {
  if (source !== undefined && typeof source !== 'string' && !isUrl(source)) {
    return decodeWeights(manifest, source, 'weights');
  }
  const urls =
    source === undefined
      ? weightsShards(manifest, 'weights manifest').map((p) => new URL(p, base))
      : [new URL(String(source), base)];
  const parts = await Promise.all(urls.map(readUrl));
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return decodeWeights(manifest, bytes, urls.map((u) => u.href).join(', '));
}
