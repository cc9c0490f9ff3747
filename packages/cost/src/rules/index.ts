/** The cost-rule registry: one rule per primitive op, keyed by op name (sorted like ir's OPS). */
import { CoordattnError, OP_NAMES, type OpName } from '@coordattn/ir';
import {
  clipRule,
  hardSigmoidRule,
  hardSwishRule,
  identityRule,
  relu6Rule,
  reluRule,
  sigmoidRule,
  swishRule,
} from './activations.js';
import { batchNormRule } from './batch-norm.js';
import { channelConv1dRule } from './channel-conv1d.js';
import { conv2dRule } from './conv2d.js';
import { addRule, divRule, mulRule, offsetRule, scaleRule, subRule } from './elementwise.js';
import { linearRule } from './linear.js';
import {
  concatRule,
  dropoutRule,
  flattenRule,
  permuteRule,
  reshapeRule,
  sliceRule,
  splitRule,
} from './movement.js';
import {
  avgPool2dRule,
  channelReduceRule,
  directionalMeanRule,
  globalAvgPoolRule,
  globalMaxPoolRule,
  maxPool2dRule,
} from './pools.js';
import { resizeRule } from './resize.js';
import type { CostRule } from './types.js';

/** The mapped type makes a missing op a compile error; the runtime check below covers the rest. */
export const RULES: { readonly [K in OpName]: CostRule<K> } = {
  add: addRule,
  avg_pool2d: avgPool2dRule,
  batch_norm: batchNormRule,
  channel_conv1d: channelConv1dRule,
  channel_reduce: channelReduceRule,
  clip: clipRule,
  concat: concatRule,
  conv2d: conv2dRule,
  directional_mean: directionalMeanRule,
  div: divRule,
  dropout: dropoutRule,
  flatten: flattenRule,
  global_avg_pool: globalAvgPoolRule,
  global_max_pool: globalMaxPoolRule,
  hard_sigmoid: hardSigmoidRule,
  hard_swish: hardSwishRule,
  identity: identityRule,
  linear: linearRule,
  max_pool2d: maxPool2dRule,
  mul: mulRule,
  offset: offsetRule,
  permute: permuteRule,
  relu: reluRule,
  relu6: relu6Rule,
  reshape: reshapeRule,
  resize: resizeRule,
  scale: scaleRule,
  sigmoid: sigmoidRule,
  slice: sliceRule,
  split: splitRule,
  sub: subRule,
  swish: swishRule,
};

/** The rule of an op; an op without one is an error (E_NO_RULE), never a silent zero. */
export function ruleFor(op: string, path?: string): CostRule {
  const rule = Object.prototype.hasOwnProperty.call(RULES, op)
    ? (RULES as Readonly<Record<string, CostRule>>)[op]
    : undefined;
  if (!rule) {
    throw new CoordattnError('E_NO_RULE', `op '${op}' has no cost rule`, {
      ...(path !== undefined ? { path } : {}),
      expected: `one of ${OP_NAMES.join(', ')}`,
    });
  }
  return rule;
}

export { defineRule, type CostRule, type RuleInput } from './types.js';
