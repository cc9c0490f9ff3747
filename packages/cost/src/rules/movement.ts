import { defineRule, type CostRule } from './types.js';

/** Movement ops and dropout move or copy data and do no arithmetic: every column is 0. */
function free<K extends 'concat' | 'split' | 'slice' | 'permute' | 'reshape' | 'flatten' | 'dropout'>(
  op: K,
  what: string,
): CostRule<K> {
  return defineRule({ op, doc: `free (${what})`, cost: () => ({}) });
}

export const concatRule = free('concat', 'data movement');
export const splitRule = free('split', 'data movement');
export const sliceRule = free('slice', 'data movement');
export const permuteRule = free('permute', 'data movement');
export const reshapeRule = free('reshape', 'a view');
export const flattenRule = free('flatten', 'a view');
export const dropoutRule = free('dropout', 'identity at inference');
