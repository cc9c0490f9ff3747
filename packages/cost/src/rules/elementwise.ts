import { numel } from '../columns.js';
import { defineRule } from './types.js';

/** add: one add per broadcast output element. */
export const addRule = defineRule({
  op: 'add',
  doc: 'elementwise numel(out) (broadcast)',
  cost: ({ outputs: [y] }) => ({ elementwise: numel(y) }),
});

/** mul: one multiply per broadcast output element (attention re-weighting). */
export const mulRule = defineRule({
  op: 'mul',
  doc: 'elementwise numel(out) (broadcast)',
  cost: ({ outputs: [y] }) => ({ elementwise: numel(y) }),
});

/** scale: one multiply per element. */
export const scaleRule = defineRule({
  op: 'scale',
  doc: 'elementwise numel',
  cost: ({ outputs: [y] }) => ({ elementwise: numel(y) }),
});
