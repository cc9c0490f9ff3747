/**
 * Verification of compiled kernels against the float64 reference interpreter.
 *
 * - Per kernel: the kernel runs alone on the reference's values of its inputs (so each kernel is
 *   judged on its own, not on upstream rounding) and its output is compared with the reference
 *   value of the IR node it computes, under float32Tolerance(reduction length).
 * - End to end: the whole plan runs from the graph inputs (intermediates stay on the device on GL)
 *   and the graph outputs are compared with the reference under FLOAT32_TOLERANCE.
 * GL backends flush subnormal inputs and results to zero; that error is below atol (1e-6·max|ref|)
 * unless a whole tensor is subnormal, which the arbitraries do not generate (see kernels.md).
 */
import type { Graph } from '@coordattn/ir';
import {
  compare,
  FLOAT32_TOLERANCE,
  float32Tolerance,
  run,
  type Comparison,
  type Tensor,
  type Tolerance,
  type Weights,
} from '@coordattn/reference';
import { float32Params, type Compiled } from './compile.js';
import { Runtime, type AnyMode, type ProgramData } from './runtime/runtime.js';
import { median } from './stats.js';

export interface KernelVerdict {
  readonly kernel: string;
  readonly template: string;
  readonly nodes: readonly string[];
  /** gpu.js kernel class that ran it. */
  readonly backend: string;
  readonly reduction: number;
  readonly tolerance: Tolerance;
  readonly comparison: Comparison;
  /** max |y − ref| / max |ref| (0 when the reference is all zeros and so is y). */
  readonly maxRelError: number;
  /**
   * Median milliseconds of the kernel alone (host inputs in, result read back), over
   * VerifyOptions.kernelTimingRuns calls after the verified one; absent when not timed.
   */
  readonly ms?: number;
}

export interface OutputVerdict {
  readonly ref: string;
  readonly comparison: Comparison;
  readonly maxRelError: number;
}

export interface VerifyResult {
  readonly mode: AnyMode;
  readonly kernels: readonly KernelVerdict[];
  readonly outputs: readonly OutputVerdict[];
  readonly pass: boolean;
}

export interface VerifyOptions {
  /**
   * Called after each kernel (progress). The async verifiers await it: a page can yield to the
   * browser there so that its progress shows.
   */
  readonly onKernel?: (done: number, total: number, v: KernelVerdict) => void | Promise<void>;
  /** Async verifiers: time each kernel over this many more calls after the verified one (default 0). */
  readonly kernelTimingRuns?: number;
  /** Skip the end-to-end run (per-kernel checks only). */
  readonly kernelsOnly?: boolean;
}

/** Weights rounded to float32: what the weights file stores and the kernels read. */
export function float32Weights(w: Weights): Map<string, Tensor> {
  return new Map([...w].map(([id, t]) => [id, { shape: t.shape, data: t.data.map(Math.fround) }]));
}

function relError(c: Comparison): number {
  return c.maxAbsRef > 0 ? c.maxAbsError / c.maxAbsRef : c.maxAbsError === 0 ? 0 : Infinity;
}

/** The reference value of every value a kernel reads or writes, and of the graph outputs. */
export function referenceValues(
  graph: Graph,
  compiled: { readonly program: ProgramData },
  weights: Weights,
  inputs: Readonly<Record<string, Tensor>>,
): Record<string, Tensor> {
  const inputNames = new Set(graph.inputs.map((i) => i.name));
  const keep = new Set<string>();
  for (const k of compiled.program.kernels) {
    if (k.partial) continue;
    keep.add(k.value);
    for (const a of k.args) {
      if (!inputNames.has(a.ref) && !isPartialValue(a.ref)) keep.add(a.ref);
    }
  }
  return { ...inputs, ...run(graph, inputs, weights, { keep: [...keep] }) };
}

const f32 = (t: Tensor): Float32Array => Float32Array.from(t.data);

/** A chain's partial sum (`value#k`, see KernelDesc.partial): computed by our kernels, not by the reference. */
const isPartialValue = (ref: string): boolean => ref.includes('#');

/**
 * Runs every kernel alone on the reference's values of its inputs and compares its output with the
 * reference value it computes. Partial sums of a chain run on the reference's inputs; the chain's
 * last kernel is judged.
 */
function checkKernels(
  compiled: Compiled,
  ref: Readonly<Record<string, Tensor>>,
  mode: AnyMode,
  opts: VerifyOptions,
): KernelVerdict[] {
  const kernels: KernelVerdict[] = [];
  const perKernel = new Runtime(compiled.program, float32Params(compiled.params), { mode });
  try {
    const partials = new Map<string, Float32Array>();
    compiled.program.kernels.forEach((k, i) => {
      const values = new Map<string, Float32Array>();
      for (const a of k.args) {
        values.set(a.ref, partials.get(a.ref) ?? f32(ref[a.ref]));
      }
      const y = perKernel.runKernel(i, values);
      if (k.partial) {
        partials.set(k.value, y);
        return;
      }
      const v = kernelVerdict(k, y, ref, perKernel.backends.get(k.name));
      kernels.push(v);
      void opts.onKernel?.(i + 1, compiled.program.kernels.length, v);
    });
  } finally {
    perKernel.destroy();
  }
  return kernels;
}

function kernelVerdict(
  k: ProgramData['kernels'][number],
  y: Float32Array,
  ref: Readonly<Record<string, Tensor>>,
  backend: string | undefined,
  ms?: number,
): KernelVerdict {
  const expected = ref[k.value];
  const tolerance = float32Tolerance(k.reduction);
  const comparison = compare({ shape: expected.shape, data: Float64Array.from(y) }, expected, tolerance);
  return {
    kernel: k.name,
    template: k.template,
    nodes: k.nodes,
    backend: backend ?? 'unknown',
    reduction: k.reduction,
    tolerance,
    comparison,
    maxRelError: relError(comparison),
    ...(ms !== undefined ? { ms } : {}),
  };
}

const now = (): number => globalThis.performance.now();

/**
 * checkKernels through `runKernelAsync`, for every mode (webgpu included), awaiting `onKernel`
 * after each kernel; with `kernelTimingRuns` each kernel is also timed.
 */
async function checkKernelsAsync(
  program: ProgramData,
  params: ReadonlyMap<string, Float32Array>,
  ref: Readonly<Record<string, Tensor>>,
  mode: AnyMode,
  opts: VerifyOptions,
): Promise<KernelVerdict[]> {
  const kernels: KernelVerdict[] = [];
  const perKernel = new Runtime(program, params, { mode });
  const runs = opts.kernelTimingRuns ?? 0;
  try {
    const partials = new Map<string, Float32Array>();
    for (let i = 0; i < program.kernels.length; i++) {
      const k = program.kernels[i];
      const values = new Map<string, Float32Array>();
      for (const a of k.args) values.set(a.ref, partials.get(a.ref) ?? f32(ref[a.ref]));
      const y = await perKernel.runKernelAsync(i, values);
      const times: number[] = [];
      for (let r = 0; r < runs; r++) {
        const t0 = now();
        await perKernel.runKernelAsync(i, values);
        times.push(now() - t0);
      }
      // Each kernel runs once here: let its memory go now (a browser limits live wasm memories).
      perKernel.releaseKernel(i);
      if (k.partial) {
        partials.set(k.value, y);
        continue;
      }
      const v = kernelVerdict(
        k,
        y,
        ref,
        perKernel.backends.get(k.name),
        runs > 0 ? median(times) : undefined,
      );
      kernels.push(v);
      await opts.onKernel?.(i + 1, program.kernels.length, v);
    }
  } finally {
    perKernel.destroy();
  }
  return kernels;
}

/** The graph outputs of a whole run (`ys`, by output reference) against the reference. */
function outputVerdicts(
  compiled: { readonly program: ProgramData },
  ref: Readonly<Record<string, Tensor>>,
  ys: Readonly<Record<string, Float32Array>>,
): OutputVerdict[] {
  return compiled.program.outputs.map((o) => {
    const expected = ref[o.ref] ?? ref[o.value];
    const comparison = compare(
      { shape: expected.shape, data: Float64Array.from(ys[o.ref]) },
      expected,
      FLOAT32_TOLERANCE,
    );
    return { ref: o.ref, comparison, maxRelError: relError(comparison) };
  });
}

const hostInputs = (inputs: Readonly<Record<string, Tensor>>): Record<string, Float32Array> =>
  Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, f32(t)]));

const verdict = (mode: AnyMode, kernels: KernelVerdict[], outputs: OutputVerdict[]): VerifyResult => ({
  mode,
  kernels,
  outputs,
  pass: kernels.every((k) => k.comparison.pass) && outputs.every((o) => o.comparison.pass),
});

/** Verifies every kernel of `compiled` and the whole plan on `mode` against the reference. */
export function verifyCompiled(
  graph: Graph,
  compiled: Compiled,
  weights: Weights,
  inputs: Readonly<Record<string, Tensor>>,
  mode: AnyMode,
  opts: VerifyOptions = {},
): VerifyResult {
  const ref = referenceValues(graph, compiled, weights, inputs);
  const kernels = checkKernels(compiled, ref, mode, opts);
  if (opts.kernelsOnly) return verdict(mode, kernels, []);
  // A second set of kernels: these take device values (textures on GL) where the per-kernel set
  // took host arrays, and gpu.js kernels must keep one argument kind (toolchain notes §5).
  const whole = new Runtime(compiled.program, float32Params(compiled.params), { mode });
  try {
    return verdict(mode, kernels, outputVerdicts(compiled, ref, whole.run(hostInputs(inputs))));
  } finally {
    whole.destroy();
  }
}

/**
 * verifyCompiled with the end-to-end run through `Runtime.runAsync`, the way models run: on webasm
 * the whole plan as one fused gpu.js pipeline (`async`: on gpu.js's worker pool). The per-kernel
 * checks run kernel by kernel as in verifyCompiled (a pipeline step cannot be read back alone).
 */
export async function verifyCompiledAsync(
  graph: Graph,
  compiled: Compiled,
  weights: Weights,
  inputs: Readonly<Record<string, Tensor>>,
  mode: AnyMode,
  opts: VerifyOptions & { readonly async?: boolean } = {},
): Promise<VerifyResult> {
  const ref = referenceValues(graph, compiled, weights, inputs);
  return verifyProgramAsync(compiled.program, float32Params(compiled.params), ref, mode, opts);
}

/**
 * verifyCompiledAsync on a program and its float32 tensors (as a compiled directory or a server
 * hands them over), given the reference values (`referenceValues`; computed once, shared by every
 * mode): every kernel alone through `runKernelAsync` (so webgpu too), then the whole plan through
 * `runAsync` on a second runtime (device values where the first took host arrays: gpu.js's webgl2
 * kernels must keep one argument kind, toolchain notes §5).
 */
export async function verifyProgramAsync(
  program: ProgramData,
  params: ReadonlyMap<string, Float32Array>,
  ref: Readonly<Record<string, Tensor>>,
  mode: AnyMode,
  opts: VerifyOptions & { readonly async?: boolean } = {},
): Promise<VerifyResult> {
  const kernels = await checkKernelsAsync(program, params, ref, mode, opts);
  if (opts.kernelsOnly) return verdict(mode, kernels, []);
  const rt = new Runtime(program, params, { mode, ...(opts.async ? { async: true } : {}) });
  try {
    const inputs = Object.fromEntries(program.inputs.map((i) => [i.name, f32(ref[i.name])]));
    return verdict(mode, kernels, outputVerdicts({ program }, ref, await rt.runAsync(inputs)));
  } finally {
    rt.destroy();
  }
}

/** Runs a compiled program once on `mode` (host tensors in, host tensors out, by output reference). */
export function runCompiled(
  compiled: Compiled,
  inputs: Readonly<Record<string, Tensor>>,
  mode: AnyMode,
): Record<string, Tensor> {
  const rt = new Runtime(compiled.program, float32Params(compiled.params), { mode });
  try {
    const ys = rt.run(hostInputs(inputs));
    return Object.fromEntries(
      compiled.program.outputs.map((o) => [
        o.ref,
        { shape: [...o.shape], data: Float64Array.from(ys[o.ref]) },
      ]),
    );
  } finally {
    rt.destroy();
  }
}
