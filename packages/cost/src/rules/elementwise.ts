import { numel } from '../columns.js';
import { defineRule } from './types.js';

/** add: one add per broadcast output element. */
export const addRule = defineRule({
  op: 'add',
  doc: 'elementwise numel(out) (broadcast)',
  cost: ({ outputs: [y] }) => ({ elementwise: numel(y) }),
});

/** sub: one subtraction per broadcast output element. */
export const subRule = defineRule({
  op: 'sub',
  doc: 'elementwise numel(out) (broadcast)',
  cost: ({ outputs: [y] }) => ({ elementwise: numel(y) }),
});

/** mul: one multiply per broadcast output element (attention re-weighting). */
export const mulRule = defineRule({
  op: 'mul',
  doc: 'elementwise numel(out) (broadcast)',
  cost: ({ outputs: [y] }) => ({ elementwise: numel(y) }),
});

/** div: one division per broadcast output element. */
export const divRule = defineRule({
  op: 'div',
  doc: 'elementwise numel(out) (broadcast)',
  cost: ({ outputs: [y] }) => ({ elementwise: numel(y) }),
});

/** scale: one multiply per element. */
export const scaleRule = defineRule({
  op: 'scale',
  doc: 'elementwise numel',
  cost: ({ outputs: [y] }) => ({ elementwise: numel(y) }),
});

/** offset: one add per element. */
export const offsetRule = defineRule({
  op: 'offset',
  doc: 'elementwise numel',
  cost: ({ outputs: [y] }) => ({ elementwise: numel(y) }),
});
