import { perLayer, value, ZERO_VALUE, type Preset } from './types.js';

/** torch.utils.flop_counter.FlopCounterMode: 2 FLOPs per conv / matmul MAC, everything else 0. */
export const torchFlopCounter: Preset = {
  name: 'torch-flop-counter',
  description:
    'PyTorch 2.x torch.utils.flop_counter.FlopCounterMode (its conv / mm rules, from the source; not run here: torch 1.13 predates it)',
  unit: 'FLOPs',
  scale: 'decimal',
  definition:
    'Floating-point operations = 2 × the multiply-accumulates of convolutions and linear layers (bias ignored); batch-norm, activations, pooling and elementwise ops cost 0.',
  assumptions: ['linear is decomposed to addmm, whose bias add is ignored, as FlopCounterMode does'],
  layerValues: perLayer((l) =>
    l.columns.macs.terms.length > 0
      ? value({ macs: l.columns.macs.mul(2) }, `${l.op}: 2·MACs (aten.convolution / addmm)`)
      : ZERO_VALUE(`${l.op}: no flop formula → 0`),
  ),
};
