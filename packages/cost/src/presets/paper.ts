import { perLayer, value, ZERO_VALUE, type Preset } from './types.js';

/** The mobile papers' "M-Adds" (MobileNetV2, CA): conv + FC multiply-accumulates only, decimal. */
export const paper: Preset = {
  name: 'paper',
  description: 'MobileNetV2 / Coordinate Attention papers\' "M-Adds" (= torchvision\'s "GFLOPS" meta)',
  unit: 'MACs',
  scale: 'decimal',
  definition:
    'Multiply-accumulates of convolution and fully connected layers only (bias, batch-norm, activations, pooling and attention re-weighting are not counted), in decimal units.',
  assumptions: [],
  layerValues: perLayer((l) =>
    l.columns.macs.terms.length > 0
      ? value({ macs: l.columns.macs }, `${l.op}: conv/linear MACs`)
      : ZERO_VALUE(`${l.op}: not counted`),
  ),
};
