/**
 * compile: a concrete IR graph + its weights → a program (kernel descriptors in execution order)
 * and the constant tensors its kernels read. `DEBUG=kernels` prints every generated source with
 * its name and cache key.
 */
import type { Graph } from '@coordattn/ir';
import type { Tensor, Weights } from '@coordattn/reference';
import { buildKernels, KernelNamer } from './kernels/index.js';
import type { KernelDesc, TemplateOverrides } from './kernels/types.js';
import { lowerGraph, shapeOfValue, type LGraph } from './lower/lgraph.js';
import { applyPasses, passDefaults, type PassSwitches } from './passes/index.js';
import type { AnyMode, ProgramData } from './runtime/runtime.js';

export interface CompileOptions {
  /** Switch passes off (or on) by name; over the defaults for `mode` (passDefaults). */
  readonly passes?: PassSwitches;
  /**
   * The mode the program is compiled for: passes whose benefit depends on the backend follow it
   * (passDefaults: channel-minor only for webasm). Default: every pass on. Any program runs on
   * every mode.
   */
  readonly mode?: AnyMode;
  /**
   * Templates registered in place of the built-in ones (by template name), as TF.js registers
   * kernels: another kernel form, or a deliberate fault injected by a test.
   */
  readonly templates?: TemplateOverrides;
  /** Most terms one kernel adds up before its sum continues in a chained kernel (default MAX_TERMS). */
  readonly maxTerms?: number;
  /** Per lowered node id: terms per kernel of its chain, over maxTerms (`tune` chooses them). */
  readonly splits?: ReadonlyMap<string, number>;
  /** Print each kernel (default: when the DEBUG environment variable contains `kernels`). */
  readonly debug?: boolean;
  /** Where debug output goes (default stderr). */
  readonly log?: (line: string) => void;
}

export interface Compiled {
  readonly program: ProgramData;
  /** Constant tensors by id (float64 at compile time; stored and run as float32). */
  readonly params: Map<string, Tensor>;
  /** The lowered graph the kernels were built from. */
  readonly lowered: LGraph;
}

/** The environment variables where there are any (Node); none in a browser. */
const processEnv = (): NodeJS.ProcessEnv =>
  (globalThis as { process?: { env?: NodeJS.ProcessEnv } }).process?.env ?? {};

export function debugKernelsEnabled(env: NodeJS.ProcessEnv = processEnv()): boolean {
  return (env.DEBUG ?? '').split(/[,\s]+/).some((s) => s === 'kernels' || s === '*');
}

/** Text printed for one kernel under DEBUG=kernels. */
export function describeKernel(k: KernelDesc): string {
  return [
    `// kernel ${k.name}  (${k.nodes.join(', ')})`,
    `// cache key: ${k.cacheKey}`,
    `// output [${k.output.join(', ')}]  constants ${JSON.stringify(k.constants)}`,
    k.source,
    '',
  ].join('\n');
}

export function compile(graph: Graph, weights: Weights, opts: CompileOptions = {}): Compiled {
  const lowered = lowerGraph(graph, weights);
  const passes = applyPasses(lowered, { ...passDefaults(opts.mode), ...opts.passes });
  const names = new KernelNamer();
  const kernels = lowered.nodes.flatMap((n) => {
    const maxTerms = opts.splits?.get(n.id) ?? opts.maxTerms;
    return buildKernels(lowered, n, {
      names,
      ...(opts.templates ? { templates: opts.templates } : {}),
      ...(maxTerms ? { maxTerms } : {}),
    });
  });
  const params = new Map<string, Tensor>();
  for (const n of lowered.nodes) {
    for (const p of Object.values(n.params)) params.set(p.id, { shape: [...p.shape], data: p.data });
  }
  // Keep only tensors a kernel reads (a folded BN's statistics are not).
  const used = new Set(kernels.flatMap((k) => k.weights.map((w) => w.ref)));
  for (const id of [...params.keys()]) if (!used.has(id)) params.delete(id);
  const program: ProgramData = {
    format: 'coordattn-program',
    version: 2,
    inputs: lowered.inputs,
    outputs: lowered.outputs.map((o) => ({
      ref: o.ref,
      value: o.value,
      shape: shapeOfValue(lowered, o.value),
    })),
    kernels,
    passes,
  };
  if (opts.debug ?? debugKernelsEnabled()) {
    const log =
      opts.log ??
      (typeof process === 'undefined'
        ? (l: string) => console.error(l)
        : (l: string) => process.stderr.write(`${l}\n`));
    for (const k of kernels) log(describeKernel(k));
  }
  return { program, params, lowered };
}

/** The float32 tensors a runtime needs, by id. */
export function float32Params(params: ReadonlyMap<string, Tensor>): Map<string, Float32Array> {
  return new Map([...params].map(([id, t]) => [id, Float32Array.from(t.data)]));
}
