/**
 * Kernels are plain data: a descriptor holds everything needed to build and run one gpu.js kernel
 * (its `function name(...) {...}` source, constants, output size and arguments) and nothing else.
 * The runtime turns descriptors into gpu.js kernels; the emitter turns them into a TypeScript module.
 */
import type { LNode } from '../lower/lgraph.js';

export type { KernelArg, KernelDesc } from '../runtime/runtime.js';

/** Deliberate faults for the mutation check: the property tests must fail on each. */
export type Mutation = 'none' | 'padding-off-by-one' | 'drop-bias';
export const MUTATIONS: readonly Mutation[] = ['padding-off-by-one', 'drop-bias'];

export interface ArgRef {
  readonly name: string;
  readonly shape: readonly number[];
}

/** What a template sees: the node, its value arguments, a way to declare parameter arguments. */
export interface TemplateContext {
  readonly node: LNode;
  readonly inputs: readonly ArgRef[];
  /** Gates multiplied into reads of input 0 (conv2d only). */
  readonly gates: readonly ArgRef[];
  /** Declares the node's parameter `local` as an argument with the given gpu.js dims; returns its name. */
  param(local: string, dims: readonly number[]): string;
  readonly mutation: Mutation;
  /** Output coordinate expressions (n, c, y, x for NCHW) — defined by the preamble. */
  readonly coords: readonly string[];
}

export interface TemplateResult {
  readonly constants: Record<string, number>;
  /** Statements after the preamble that end by defining `let v`. */
  readonly body: string[];
  /** Parts of the cache key beyond the template, shapes and epilogue. */
  readonly key: string;
  readonly reduction: number;
}

export type KernelTemplate = (ctx: TemplateContext) => TemplateResult;
