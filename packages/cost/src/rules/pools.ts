import { numel } from '../columns.js';
import { defineRule } from './types.js';

/** global_avg_pool: reads every input element once (the per-output division is not counted). */
export const globalAvgPoolRule = defineRule({
  op: 'global_avg_pool',
  doc: 'reductions numel(in)',
  cost: ({ inputs: [x] }) => ({ reductions: numel(x) }),
});

/** global_max_pool: one comparison per input element read. */
export const globalMaxPoolRule = defineRule({
  op: 'global_max_pool',
  doc: 'comparisons numel(in)',
  cost: ({ inputs: [x] }) => ({ comparisons: numel(x) }),
});

/** directional_mean (CA's pool_h / pool_w): reads every input element once. */
export const directionalMeanRule = defineRule({
  op: 'directional_mean',
  doc: 'reductions numel(in)',
  cost: ({ inputs: [x] }) => ({ reductions: numel(x) }),
});

/** channel_reduce: mean → reductions numel(in); max → comparisons numel(in). */
export const channelReduceRule = defineRule({
  op: 'channel_reduce',
  doc: 'mean: reductions numel(in); max: comparisons numel(in)',
  cost: ({ inputs: [x], attrs }) =>
    attrs.reduce === 'mean' ? { reductions: numel(x) } : { comparisons: numel(x) },
});

/**
 * avg_pool2d: kh·kw reads per output element, padding reads included, whether or not the padding
 * counts in the divisor (countIncludePad changes the divisor, not the window).
 */
export const avgPool2dRule = defineRule({
  op: 'avg_pool2d',
  doc: 'reductions kh·kw·numel(out) (either countIncludePad)',
  cost: ({ outputs: [y], attrs }) => ({ reductions: numel(y).mul(attrs.kernel[0] * attrs.kernel[1]) }),
});

/** max_pool2d: kh·kw comparisons per output element (window reads, padding included). */
export const maxPool2dRule = defineRule({
  op: 'max_pool2d',
  doc: 'comparisons kh·kw·numel(out)',
  cost: ({ outputs: [y], attrs }) => ({ comparisons: numel(y).mul(attrs.kernel[0] * attrs.kernel[1]) }),
});
