import { numel } from '../columns.js';
import { defineRule } from './types.js';

/** relu: one comparison with 0 per element. */
export const reluRule = defineRule({
  op: 'relu',
  doc: 'comparisons numel (max(x, 0))',
  cost: ({ outputs: [y] }) => ({ comparisons: numel(y) }),
});

/** relu6: two comparisons per element (clamp at 0 and at 6). */
export const relu6Rule = defineRule({
  op: 'relu6',
  doc: 'comparisons 2·numel (min(max(x, 0), 6))',
  cost: ({ outputs: [y] }) => ({ comparisons: numel(y).mul(2) }),
});

/** clip: one comparison per element for each bound that is set (relu6 is clip(0, 6): 2). */
export const clipRule = defineRule({
  op: 'clip',
  doc: 'comparisons numel per bound set (min(max(x, min), max): 2·numel with both)',
  cost: ({ outputs: [y], attrs }) => ({
    comparisons: numel(y).mul((attrs.min === null ? 0 : 1) + (attrs.max === null ? 0 : 1)),
  }),
});

/** sigmoid: one transcendental evaluation per element. */
export const sigmoidRule = defineRule({
  op: 'sigmoid',
  doc: 'activations numel (one evaluation of 1/(1+e^−x) per element)',
  cost: ({ outputs: [y] }) => ({ activations: numel(y) }),
});

/** hard_sigmoid: one evaluation of relu6(x+3)/6 per element. */
export const hardSigmoidRule = defineRule({
  op: 'hard_sigmoid',
  doc: 'activations numel (one evaluation of relu6(x+3)/6 per element)',
  cost: ({ outputs: [y] }) => ({ activations: numel(y) }),
});

/** hard_swish: one evaluation of x·relu6(x+3)/6 per element. */
export const hardSwishRule = defineRule({
  op: 'hard_swish',
  doc: 'activations numel (one evaluation of x·relu6(x+3)/6 per element)',
  cost: ({ outputs: [y] }) => ({ activations: numel(y) }),
});

/** swish / SiLU: one evaluation of x·sigmoid(x) per element. */
export const swishRule = defineRule({
  op: 'swish',
  doc: 'activations numel (one evaluation of x·sigmoid(x) per element)',
  cost: ({ outputs: [y] }) => ({ activations: numel(y) }),
});

/** identity: free. */
export const identityRule = defineRule({
  op: 'identity',
  doc: 'free',
  cost: () => ({}),
});
