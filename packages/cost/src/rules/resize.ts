import { numel } from '../columns.js';
import { defineRule } from './types.js';

/**
 * resize (bilinear): each output element is a weighted mean of 4 input elements, counted as 4
 * reads in `reductions` — fvcore's `aten::upsample_bilinear2d` handle (4·numel(out)). From 1 × 1
 * (a broadcast) the rule counts the same: it does not depend on the input size.
 */
export const resizeRule = defineRule({
  op: 'resize',
  doc: 'reductions 4·numel(out) (4 input reads per bilinear sample)',
  cost: ({ outputs: [y] }) => ({ reductions: numel(y).mul(4) }),
});
