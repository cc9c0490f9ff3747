/** The public types of the arbitraries (see index.ts). */
import type { ErrorCode, OpName } from '@coordattn/ir';

export interface CaseOptions {
  /** Batch drawn from 1..maxBatch (default 3). */
  maxBatch?: number;
  /** Largest H and W (default 9); H and W are drawn independently, so H ≠ W happens. */
  maxSpatial?: number;
  /** Largest channel / feature count (default 12). */
  maxChannels?: number;
  /**
   * When true, about half the cases of every reducing op reduce over more than 1,000 terms
   * (conv2d Cin/groups·kh·kw, linear in_features, global pools H·W, channel_reduce C,
   * directional_mean H or W, pooling windows kh·kw, channel_conv1d kernel), with fewer than ~200k
   * elements in all (inputs, weights and outputs together).
   */
  large?: boolean;
}

/** One op application: concrete input shapes and raw JSON-able attributes (as GraphBuilder.op / the spec reader take them). */
export interface OpCase {
  op: OpName;
  inputs: number[][];
  attrs: Record<string, unknown>;
  /**
   * How input k's values must be drawn, over the caller's defaults (`caseData`): div's
   * denominators keep away from 0 so that a float32 quotient is comparable with the reference.
   */
  inputData?: (TensorOptions | undefined)[];
}

/** Inputs that the IR must reject when building opGraph, with this code and a message matching `message`. */
export interface ErrorCase {
  op: OpName;
  inputs: number[][];
  attrs: Record<string, unknown>;
  code: ErrorCode;
  message: RegExp;
}

export interface TensorOptions {
  /** Values uniform in [-magnitude, magnitude] (default 1; at least 2^-100). */
  magnitude?: number;
  /** Values in (0, magnitude] instead. */
  positive?: boolean;
  /** |value| at least this (0 < minMagnitude ≤ magnitude): no values in (−minMagnitude, minMagnitude). */
  minMagnitude?: number;
}

export interface GraphOptions {
  /**
   * Most steps appended after the input (default 8): an op, a block, or a div with the clip that
   * keeps its denominator away from 0.
   */
  maxNodes?: number;
  /** Largest batch of the input (default 2). */
  maxBatch?: number;
  /** May append attention blocks (CA in all three directions, SE, ECA, CBAM, Triplet); default true. */
  blocks?: boolean;
}
