import { numel } from '../columns.js';
import { perLayer, value, ZERO_VALUE, type Preset } from './types.js';

/** aten ops fvcore handles that lower from these PyTorch calls. */
const ADAPTIVE_AVG = new Set(['AdaptiveAvgPool2d', 'adaptive_avg_pool2d']);

/** fvcore FlopCountAnalysis: one fused multiply-add = one "flop", counted per aten op. */
export const fvcore: Preset = {
  name: 'fvcore',
  description: "fvcore's FlopCountAnalysis (Detectron2), which counts one fused multiply-add as one flop",
  unit: 'MACs',
  scale: 'decimal',
  definition:
    'Conv and linear multiply-accumulates (bias ignored) + batch-norm at inference (2·numel affine, 1·numel otherwise) + adaptive_avg_pool2d (1 per input element); every other op counts 0.',
  assumptions: [
    'ops fvcore does not handle (mul, add, sub, div, sigmoid, hardswish, hardtanh/ReLU6, mean, max_pool2d, avg_pool2d) count 0, as fvcore does after warning',
    'ops fvcore ignores by design (clamp, slice, cat, permute, reshape, ...) count 0',
    'a pool written as x.mean(...) lowers to aten::mean and counts 0; only AdaptiveAvgPool2d / F.adaptive_avg_pool2d count',
  ],
  layerValues: perLayer((l) => {
    const c = l.columns;
    switch (l.op) {
      case 'conv2d':
      case 'channel_conv1d':
        return value(
          { macs: c.macs },
          `${l.op}: aten::_convolution N·prod(w)·prod(out spatial), bias ignored`,
        );
      case 'linear':
        return value({ macs: c.macs }, 'linear: aten::linear/addmm M·K·N, bias ignored');
      case 'batch_norm': {
        const affine = (l.node.attrs as { affine?: boolean }).affine !== false;
        return affine
          ? value({ normOps: c.normOps }, 'batch_norm (eval, affine): 2·numel')
          : value({ normOps: c.normOps.div(2) }, 'batch_norm (eval): 1·numel');
      }
      case 'global_avg_pool':
      case 'directional_mean':
      case 'avg_pool2d':
        if (ADAPTIVE_AVG.has(l.provenance.torchType)) {
          return value({ reductions: numel(l.inputShapes[0]) }, 'adaptive_avg_pool2d: 1·numel(input)');
        }
        return ZERO_VALUE(`${l.op} as ${l.provenance.torchType}: unsupported → 0 (warned)`);
      default:
        return ZERO_VALUE(`${l.op}: 0 (ignored or unsupported)`);
    }
  }),
};
