import { Dim } from '@coordattn/ir';
import type { LayerCost } from '../analyze.js';
import { numel } from '../columns.js';
import { perLayer, value, ZERO_VALUE, type Preset, type PresetLayerValue } from './types.js';

const CONV = new Set(['Conv1d', 'Conv2d', 'Conv3d', 'ConvTranspose1d', 'ConvTranspose2d', 'ConvTranspose3d']);
const NORM = new Set([
  'BatchNorm1d',
  'BatchNorm2d',
  'BatchNorm3d',
  'SyncBatchNorm',
  'LayerNorm',
  'InstanceNorm1d',
  'InstanceNorm2d',
  'InstanceNorm3d',
]);
const AVG_POOL = new Set(['AvgPool1d', 'AvgPool2d', 'AvgPool3d']);
const ADAPTIVE_AVG_POOL = new Set(['AdaptiveAvgPool1d', 'AdaptiveAvgPool2d', 'AdaptiveAvgPool3d']);
/** Registered with zero_ops or a rule that returns 0 (count_relu → calculate_relu_flops = 0). */
const ZERO = new Set([
  'ReLU',
  'ReLU6',
  'LeakyReLU',
  'MaxPool1d',
  'MaxPool2d',
  'MaxPool3d',
  'AdaptiveMaxPool1d',
  'AdaptiveMaxPool2d',
  'AdaptiveMaxPool3d',
  'Dropout',
  'ZeroPad2d',
  'PixelShuffle',
]);

/**
 * The spatial kernel thop 0.1.1 uses for an adaptive average pool: prod(in_spatial / out_spatial),
 * a float ratio, exact here (the IR's adaptive pools always divide: global or directional).
 */
function adaptiveKernel(l: LayerCost): Dim {
  const x = l.inputShapes[0];
  const y = l.outputShapes[0];
  return x.slice(2).reduce((p: Dim, d, i) => p.mul(d).div(y[i + 2]), Dim.const(1));
}

function thopCall(l: LayerCost): PresetLayerValue {
  const { call, torchType: t } = l.provenance;
  if (call !== 'module') return ZERO_VALUE(`${call} ${t}: thop hooks see modules only → 0`);
  const c = l.columns;
  const out = numel(l.outputShapes[0]);
  if (CONV.has(t)) return value({ macs: c.macs }, `${t}: count_convNd numel(out)·(Cin/g)·K, bias ignored`);
  if (t === 'Linear')
    return value({ macs: c.macs }, 'Linear: count_linear in_features·numel(out), bias ignored');
  if (NORM.has(t)) {
    const affine = (l.node.attrs as { affine?: boolean }).affine !== false;
    // calculate_norm: 2·numel, doubled when affine; the normOps column is 2·numel either way
    return affine
      ? value({ normOps: c.normOps.mul(2) }, `${t}: count_normalization 2·numel ×2 (affine) = 4·numel`)
      : value({ normOps: c.normOps }, `${t}: count_normalization 2·numel`);
  }
  if (ADAPTIVE_AVG_POOL.has(t)) {
    // global and directional pools divide exactly: kernel·numel(out) = numel(in)
    const exact = l.op === 'global_avg_pool' || l.op === 'directional_mean';
    return value(
      { reductions: exact ? numel(l.inputShapes[0]) : adaptiveKernel(l).mul(out), other: out },
      `${t}: count_adap_avgpool (prod(in/out spatial) + 1)·numel(out)`,
    );
  }
  if (AVG_POOL.has(t)) return value({ other: out }, `${t}: count_avgpool numel(out)`);
  // nn.Upsample (mode 'bilinear'); F.interpolate, a functional call, is not seen (0 above).
  if (t === 'Upsample' && l.op === 'resize')
    return value({ other: out.mul(11) }, 'Upsample: count_upsample, bilinear 11·numel(out)');
  if (ZERO.has(t)) return ZERO_VALUE(`${t}: registered, 0`);
  return ZERO_VALUE(`${t}: no rule → 0`);
}

/** thop 0.1.1 (PyPI `thop`, Lyken17/pytorch-OpCounter 43c064a), `thop.profile`. */
export const thop: Preset = {
  name: 'thop',
  description:
    'thop 0.1.1 profile (PyPI `thop`, Lyken17/pytorch-OpCounter 43c064a): module hooks, every call',
  unit: 'MACs',
  scale: 'decimal',
  definition:
    'Conv and linear multiply-accumulates (bias ignored) + batch-norm 4·numel (2·numel ×2 when affine) + AdaptiveAvgPool (prod(in/out spatial) + 1)·numel(out) + AvgPool numel(out) + nn.Upsample (bilinear) 11·numel(out), over every module call; ReLU, ReLU6, max pools, dropout, modules without a rule (sigmoid, SiLU, hard-swish, custom) and every functional or tensor op (F.interpolate too) count 0.',
  assumptions: [
    'only module calls are counted (forward hooks); F.*, torch.* and tensor operators cost 0',
    'each call of a module object is added (thop 0.1.1 accumulates total_ops)',
    'counts are for the whole batch (not per sample)',
  ],
  layerValues: perLayer(thopCall),
};
