/**
 * The cost columns. Every rule returns these as separate symbolic integers (Dim); they are never
 * added together by the analyzer — combining them is what a preset does.
 */
import { Dim, type Shape } from '@coordattn/ir';

export const COLUMN_NAMES = [
  'macs',
  'biasAdds',
  'normOps',
  'elementwise',
  'activations',
  'reductions',
  'comparisons',
] as const;
export type ColumnName = (typeof COLUMN_NAMES)[number];

/** One value per column: Dim while symbolic, number once evaluated. */
export type Columns<T = Dim> = { readonly [K in ColumnName]: T };

/** What each column counts (docs, `coordattn list presets`, report assumptions). */
export const COLUMN_DOCS: Columns<string> = {
  macs: 'multiply-accumulates of conv and linear layers: N·Cout·(Cin/g)·kh·kw·Ho·Wo, in·numel(out)',
  biasAdds: 'one add per output element of a conv / linear layer with bias',
  normOps: 'batch-norm at inference: 2 per element (running statistics folded into one scale and one shift)',
  elementwise: 'add / sub / mul / div / scale / offset: one operation per (broadcast) output element',
  activations: 'sigmoid, hard-sigmoid, hard-swish, swish: one evaluation per element',
  reductions:
    'input elements read by average pools, mean reductions and bilinear resize (4 per output element)',
  comparisons:
    'relu (1 per element), relu6 (2: clamp at 0 and 6), clip (1 per bound set), max pools and max reductions (1 per read)',
};

const ZERO = Dim.const(0);

export const ZERO_COLUMNS: Columns = {
  macs: ZERO,
  biasAdds: ZERO,
  normOps: ZERO,
  elementwise: ZERO,
  activations: ZERO,
  reductions: ZERO,
  comparisons: ZERO,
};

/** Fills the columns a rule left out with 0. */
export function fullColumns(partial: Partial<Columns>): Columns {
  return { ...ZERO_COLUMNS, ...partial };
}

export function addColumns(a: Columns, b: Columns): Columns {
  const out: Record<ColumnName, Dim> = { ...a };
  for (const k of COLUMN_NAMES) out[k] = a[k].add(b[k]);
  return out;
}

export function mapColumns<T, U>(c: Columns<T>, f: (v: T, k: ColumnName) => U): Columns<U> {
  const out = {} as Record<ColumnName, U>;
  for (const k of COLUMN_NAMES) out[k] = f(c[k], k);
  return out;
}

/** Element count of a shape. */
export function numel(s: Shape): Dim {
  return s.reduce((p, d) => p.mul(d), Dim.const(1));
}
