/**
 * The reference kernels, one per IR primitive op, keyed by op name (parallel to
 * @coordattn/ir's OPS). The mapped type makes a missing op a compile error; a meta-test checks
 * the registry against OP_NAMES at run time as well.
 */
import type { OpName } from '@coordattn/ir';
import { clip, hardSigmoid, hardSwish, identity, relu, relu6, sigmoid, swish } from './activations.js';
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
import type { ConcreteAttrs, RefKernel } from './types.js';

export const REFERENCE_OPS: { readonly [K in OpName]: RefKernel<ConcreteAttrs<K>> } = {
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
};

/** The kernel of an op, typed loosely for the interpreter (attributes are checked by the IR). */
export function kernelFor(op: OpName): RefKernel<unknown> {
  return REFERENCE_OPS[op] as RefKernel<unknown>;
}

export { ACTIVATION_FNS } from './activations.js';
export { BINARY_FNS, broadcastShape } from './elementwise.js';
export { pooledSize } from './pools.js';
export type { Concrete, ConcreteAttrs, RefKernel } from './types.js';
