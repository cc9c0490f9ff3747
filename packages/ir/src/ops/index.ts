/** The closed set of primitive ops, sorted by name. Adding an op: see docs/architecture.md. */
import { clip, relu, relu6, sigmoid, hardSigmoid, hardSwish, swish, identity } from './activations.js';
import { batchNorm } from './batch-norm.js';
import { channelConv1d } from './channel-conv1d.js';
import { conv2d } from './conv2d.js';
import { add, div, mul, offset, scale, sub } from './elementwise.js';
import { linear } from './linear.js';
import { concat, dropout, flatten, permute, reshape, slice, split } from './movement.js';
import {
  avgPool2d,
  channelReduce,
  directionalMean,
  globalAvgPool,
  globalMaxPool,
  maxPool2d,
} from './pools.js';
import { resize } from './resize.js';
import type { OpDef } from './types.js';

export const OPS = {
  add,
  avg_pool2d: avgPool2d,
  batch_norm: batchNorm,
  channel_conv1d: channelConv1d,
  channel_reduce: channelReduce,
  clip,
  concat,
  conv2d,
  directional_mean: directionalMean,
  div,
  dropout,
  flatten,
  global_avg_pool: globalAvgPool,
  global_max_pool: globalMaxPool,
  hard_sigmoid: hardSigmoid,
  hard_swish: hardSwish,
  identity,
  linear,
  max_pool2d: maxPool2d,
  mul,
  offset,
  permute,
  relu,
  relu6,
  reshape,
  resize,
  scale,
  sigmoid,
  slice,
  split,
  sub,
  swish,
} as const;

export type OpName = keyof typeof OPS;
export type OpAttrsInput<K extends OpName> =
  (typeof OPS)[K] extends OpDef<infer _A> ? z.input<(typeof OPS)[K]['attrs']> : never;
export type OpAttrs<K extends OpName> = (typeof OPS)[K] extends OpDef<infer A> ? A : never;

export const OP_NAMES = Object.keys(OPS).sort() as OpName[];

export function isOpName(s: string): s is OpName {
  return Object.prototype.hasOwnProperty.call(OPS, s);
}

export function getOp(name: OpName): OpDef<unknown> {
  return OPS[name] as unknown as OpDef<unknown>;
}

import type { z } from 'zod';
export { ACTIVATIONS, type ActivationName } from './activations.js';
export { BINARY_OPS, broadcast, type BinaryOpName } from './elementwise.js';
export { CheckContext, defineOp, type OpDef } from './types.js';
export { parseAttrs, zDim, zPair, zInt } from './attrs.js';
