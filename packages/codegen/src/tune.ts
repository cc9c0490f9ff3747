/**
 * Tuning (`compile --tune`): for every lowered node whose kernel is an unrolled sum long enough to
 * be split, the chain split (terms per kernel, see MAX_TERMS) is chosen by measured time on the
 * target mode. Each candidate split of a node runs as a program of its own — the node's kernels
 * only, on seeded inputs, the way a network runs them (Runtime.runAsync: on webasm one fused gpu.js
 * pipeline) — in rounds that alternate the candidates; the fastest is kept only when it beats the
 * default split by `margin` and `minGainMs`, so noise does not move a node off the default. Times are cached by
 * the candidate's kernel cache keys, the mode and the gpu.js patch state (a `TuneCache`), so tuning
 * the same model again, or another model with the same layers, measures nothing twice.
 */
import type { Graph } from '@coordattn/ir';
import { uniformTensor, type Weights } from '@coordattn/reference';
import { buildKernels, KernelNamer, MAX_TERMS } from './kernels/index.js';
import type { KernelDesc, TemplateOverrides } from './kernels/types.js';
import { lowerGraph, shapeOfValue, type LGraph, type LNode } from './lower/lgraph.js';
import { applyPasses, passDefaults, type PassSwitches } from './passes/index.js';
import { gpujsPatchStatus, sha256Hex } from './runtime/gpujs-patch.js';
import { Runtime, type Mode, type ProgramData } from './runtime/runtime.js';
import { median } from './stats.js';

/** Terms per kernel tried for each node (MAX_TERMS, the default, among them). */
export const TUNE_SPLITS: readonly number[] = [32, 64, MAX_TERMS, 192, 384];

/** Measured times by key (milliseconds per run of one candidate). */
export interface TuneCache {
  get(key: string): number | undefined;
  set(key: string, ms: number): void;
}

export interface TuneOptions {
  /** The mode the program is tuned for (a synchronous Node mode). */
  readonly mode: Mode;
  /** Timed rounds per candidate (default 5; each round runs every candidate once, alternating). */
  readonly runs?: number;
  /** How much faster than the default split a candidate must be to be chosen (default 0.05)… */
  readonly margin?: number;
  /** …and by at least this many milliseconds per run (default 0.02: below it, call overhead and noise). */
  readonly minGainMs?: number;
  /** Measured times from earlier tunings; new ones are added. */
  readonly cache?: TuneCache;
  /** Part of every cache key: what else the times depend on (the machine). */
  readonly machine?: string;
  readonly passes?: PassSwitches;
  readonly templates?: TemplateOverrides;
  /** Progress: called after each node. */
  readonly onNode?: (done: number, total: number, node: string) => void;
}

export interface TunedCandidate {
  readonly split: number;
  readonly kernels: number;
  /** Median ms of a run of the candidate's kernels. */
  readonly ms: number;
  /** Whether the time came from the cache. */
  readonly cached: boolean;
}

export interface TunedNode {
  readonly node: string;
  /** The split chosen (MAX_TERMS when no candidate beat it by the margin). */
  readonly split: number;
  readonly candidates: readonly TunedCandidate[];
}

export interface TuneResult {
  /** Node id → terms per kernel, for compile's `splits` (only nodes moved off the default). */
  readonly splits: ReadonlyMap<string, number>;
  readonly nodes: readonly TunedNode[];
  /** Candidates timed now and taken from the cache. */
  readonly measured: number;
  readonly cached: number;
}

interface Candidate {
  readonly split: number;
  readonly kernels: KernelDesc[];
  readonly key: string;
}

/**
 * The candidate splits of a node that give different kernels, the default (MAX_TERMS) first; empty
 * when every split gives the same kernels (a sum too short to split).
 */
function candidates(g: LGraph, node: LNode, templates: TemplateOverrides, prefix: string): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  for (const split of [MAX_TERMS, ...TUNE_SPLITS.filter((s) => s !== MAX_TERMS)]) {
    const kernels = buildKernels(g, node, { maxTerms: split, names: new KernelNamer(), templates });
    const keys = kernels.map((k) => k.cacheKey).join('\n');
    if (seen.has(keys)) continue;
    seen.add(keys);
    out.push({ split, kernels, key: sha256Hex(`${prefix}\n${keys}`) });
  }
  return out.length > 1 ? out : [];
}

/** A program of one node's kernels: the values they read from outside are its inputs. */
function programOf(g: LGraph, node: LNode, kernels: readonly KernelDesc[]): ProgramData {
  const inside = new Set(kernels.map((k) => k.value));
  const refs = [...new Set(kernels.flatMap((k) => k.args.map((a) => a.ref)))].filter((r) => !inside.has(r));
  return {
    format: 'coordattn-program',
    version: 2,
    inputs: refs.map((name) => ({ name, shape: [...shapeOfValue(g, name)] })),
    outputs: [{ ref: node.id, value: node.id, shape: [...node.shape] }],
    kernels: [...kernels],
    passes: [],
  };
}

/** Chooses each node's chain split by measured time on `opts.mode` (see the file comment). */
export async function tune(graph: Graph, weights: Weights, opts: TuneOptions): Promise<TuneResult> {
  const { mode, runs = 5, margin = 0.05, minGainMs = 0.02, cache, templates = {} } = opts;
  const g = lowerGraph(graph, weights);
  applyPasses(g, { ...passDefaults(mode), ...opts.passes });
  const patch = gpujsPatchStatus();
  const prefix = [
    opts.machine ?? '',
    mode,
    patch.applied ? `patched ${patch.gpujsVersion ?? ''}` : 'unpatched',
  ].join('|');
  const work = g.nodes
    .map((node) => ({ node, cands: candidates(g, node, templates, prefix) }))
    .filter((w) => w.cands.length > 0);
  const splits = new Map<string, number>();
  const nodes: TunedNode[] = [];
  let measured = 0;
  let cached = 0;
  for (const [i, { node, cands }] of work.entries()) {
    const times = new Map<Candidate, number[]>();
    const todo = cands.filter((c) => cache?.get(c.key) === undefined);
    if (todo.length > 0) {
      const params = new Map<string, Float32Array>();
      for (const p of Object.values(node.params)) params.set(p.id, Float32Array.from(p.data));
      const runners = todo.map((c) => {
        const program = programOf(g, node, c.kernels);
        const inputs = Object.fromEntries(
          program.inputs.map((inp, k) => [inp.name, Float32Array.from(uniformTensor(inp.shape, k + 1).data)]),
        );
        return { c, rt: new Runtime(program, params, { mode }), inputs };
      });
      try {
        for (const r of runners) await r.rt.runAsync(r.inputs); // builds the kernels
        for (let round = 0; round < runs; round++) {
          for (let j = 0; j < runners.length; j++) {
            const r = runners[(round + j) % runners.length];
            const t0 = performance.now();
            await r.rt.runAsync(r.inputs);
            const list = times.get(r.c) ?? [];
            list.push(performance.now() - t0);
            times.set(r.c, list);
          }
        }
      } finally {
        for (const r of runners) r.rt.destroy();
      }
    }
    const timed: TunedCandidate[] = cands.map((c) => {
      const hit = times.has(c) ? undefined : cache?.get(c.key);
      const ms = hit ?? median(times.get(c) ?? [Infinity]);
      if (hit === undefined) {
        measured++;
        cache?.set(c.key, ms);
      } else cached++;
      return { split: c.split, kernels: c.kernels.length, ms, cached: hit !== undefined };
    });
    const base = timed[0]; // the default split (candidates() puts it first)
    const best = timed.reduce((a, b) => (b.ms < a.ms ? b : a));
    const wins = best.ms < base.ms * (1 - margin) && base.ms - best.ms >= minGainMs;
    const split = wins ? best.split : base.split;
    if (split !== MAX_TERMS) splits.set(node.id, split);
    nodes.push({ node: node.id, split, candidates: timed });
    opts.onNode?.(i + 1, work.length, node.id);
  }
  return { splits, nodes, measured, cached };
}
