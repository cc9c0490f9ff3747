import { numel } from '../columns.js';
import { defineRule } from './types.js';

/**
 * batch_norm at inference: y = x·a + b per channel, with a = γ/√(σ²+ε) and b = β − μ·a folded
 * from the running statistics once, so 2 operations per element (one multiply, one add). Without
 * affine parameters the same folding applies (a = 1/√(σ²+ε), b = −μ·a), so it is 2 as well; the
 * per-channel folding itself (O(C)) is not counted.
 */
export const batchNormRule = defineRule({
  op: 'batch_norm',
  doc: 'norm ops 2·numel (one scale and one shift per element after folding the running statistics)',
  cost({ outputs: [y] }) {
    return { normOps: numel(y).mul(2) };
  },
});
