import { perLayer, value, type Preset } from './types.js';

/** Every column, never combined: the headline is the conv+linear MACs, the rest stand beside it. */
export const full: Preset = {
  name: 'full',
  description:
    'every cost column separately (MACs, bias adds, norm ops, elementwise, activations, reductions, comparisons)',
  unit: 'MACs',
  scale: 'decimal',
  definition:
    'Conv + linear multiply-accumulates; bias adds, batch-norm ops, elementwise ops, activation evaluations, reduction reads and comparisons are reported in their own columns and never added to it.',
  assumptions: [],
  layerValues: perLayer((l) => value({ macs: l.columns.macs }, `${l.op}: MACs column (others listed apart)`)),
};
