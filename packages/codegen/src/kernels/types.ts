/**
 * Kernels are plain data: a descriptor holds everything needed to build and run one gpu.js kernel
 * (its `function name(...) {...}` source, constants, output size and arguments) and nothing else.
 * The runtime turns descriptors into gpu.js kernels; the emitter turns them into a TypeScript module.
 */
import type { LNodeOf, Template } from '../lower/lgraph.js';

export type { KernelArg, KernelDesc } from '../runtime/runtime.js';

import type { ValueRef } from './source.js';

/** A value argument of a kernel: name, logical shape and storage layout (see ValueRef). */
export type ArgRef = ValueRef;

/** What a template sees: the node, its value arguments, a way to declare parameter arguments. */
export interface TemplateContext<T extends Template = Template> {
  readonly node: LNodeOf<T>;
  readonly inputs: readonly ArgRef[];
  /** Gates multiplied into reads of input 0 (templates in GATE_READERS only; use read0). */
  readonly gates: readonly ArgRef[];
  /** Input 0 read at logical coordinates (numpy-broadcast), times every gate read there. */
  read0(coords: readonly string[]): string;
  /**
   * Declares the node's parameter `local` as a constant array (flat, row-major; uploaded once when
   * the kernel is built, a texture on GL); returns the expression to index (`this.constants.w_weight`).
   */
  weight(local: string): string;
  /** Output coordinate expressions (n, c, y, x for NCHW) — defined by the preamble. */
  readonly coords: readonly string[];
}

/** One statement of an unrolled sum, run only when `guard` (a condition uniform per thread) holds. */
export interface SumTerm {
  readonly guard: string | null;
  readonly line: string;
}

/**
 * A long sum split over chained kernels: each kernel adds at most MAX_TERMS terms to the previous
 * kernel's partial result (read at the output coordinates), the first starts from `init`, the last
 * runs `finish` (which defines `let v`) and the epilogue. Short sums are one kernel.
 */
export interface Accumulation {
  /** Expression the sum starts from (`0.0`, a bias read). */
  readonly init: string;
  readonly terms: readonly SumTerm[];
  /** Statements after the sum that define `let v` from `s`. */
  readonly finish: readonly string[];
}

export interface TemplateResult {
  readonly constants: Record<string, number>;
  /** Statements after the preamble that end by defining `let v` (before the sum, when `sum` is set). */
  readonly body: string[];
  /** An unrolled sum run after `body` (which then need not define `v`). */
  readonly sum?: Accumulation;
  /** Parts of the cache key beyond the template, shapes and epilogue. */
  readonly key: string;
  readonly reduction: number;
}

export type KernelTemplate<T extends Template = Template> = (ctx: TemplateContext<T>) => TemplateResult;

/**
 * Templates registered in place of the built-in ones, by template name (compile's `templates`
 * option): another kernel form for a template, or, in the tests, a deliberate fault.
 */
export type TemplateOverrides = { readonly [T in Template]?: KernelTemplate<T> };
