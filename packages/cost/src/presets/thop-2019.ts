import { Dim, floorDiv } from '@coordattn/ir';
import type { LayerCost } from '../analyze.js';
import { numel } from '../columns.js';
import { value, ZERO_VALUE, type Preset, type PresetLayerValue } from './types.js';

const CONV = new Set(['Conv1d', 'Conv2d', 'Conv3d']);
const BN = new Set(['BatchNorm1d', 'BatchNorm2d', 'BatchNorm3d']);
const RELU = new Set(['ReLU', 'ReLU6']);
/** Custom modules of the CA code whose only leaf is an nn.ReLU6 (h_swish > h_sigmoid > ReLU6). */
const CUSTOM_RELU6 = new Set(['h_swish', 'h_sigmoid']);

/** The spatial kernel of an adaptive / global average pool: prod(in_spatial // out_spatial). */
function poolKernel(l: LayerCost): Dim {
  const x = l.inputShapes[0];
  const y = l.outputShapes[0];
  return x.slice(2).reduce((p: Dim, d, i) => p.mul(floorDiv(d, y[i + 2])), Dim.const(1));
}

/** The value of one module call under the 2019 rules (before the last-call quirk). */
function thopCall(l: LayerCost): PresetLayerValue {
  const { call, torchType: t } = l.provenance;
  if (call !== 'module') return ZERO_VALUE(`${call} ${t}: thop hooks see modules only → 0`);
  const c = l.columns;
  const out = numel(l.outputShapes[0]);
  if (CONV.has(t)) return value({ macs: c.macs, biasAdds: c.biasAdds }, `${t}: numel(out)·(Cin/g·K + bias)`);
  if (t === 'Linear') {
    return value({ macs: c.macs, other: c.macs.sub(out) }, 'Linear: (2·in − 1)·numel(out)');
  }
  // count_bn: 4·numel whether affine or not (the normOps column is 2·numel either way)
  if (BN.has(t)) return value({ normOps: c.normOps.mul(2) }, `${t}: 4·numel`);
  if (RELU.has(t) || CUSTOM_RELU6.has(t)) {
    const key =
      c.comparisons.terms.length > 0
        ? 'comparisons'
        : c.activations.terms.length > 0
          ? 'activations'
          : 'other';
    const rule = CUSTOM_RELU6.has(t) ? `${t} (custom): its inner ReLU6 leaf, numel` : `${t}: numel`;
    return value({ [key]: out }, rule);
  }
  if (t === 'AdaptiveAvgPool2d' || t === 'AvgPool2d') {
    const k =
      t === 'AvgPool2d' && l.op === 'avg_pool2d'
        ? Dim.const(1)
            .mul((l.node.attrs as { kernel: readonly [number, number] }).kernel[0])
            .mul((l.node.attrs as { kernel: readonly [number, number] }).kernel[1])
        : poolKernel(l);
    return value({ reductions: k.mul(out), other: out }, `${t}: (kernel + 1)·numel(out)`);
  }
  return ZERO_VALUE(`${t}: no 2019 thop rule → 0`);
}

/**
 * The 2019 thop counter behind ECA-Net's Table 3: module hooks only, the rules of
 * counting-conventions.md, and its quirk that a module object called several times keeps only
 * the value of its last call. Binary units.
 */
export const thop2019: Preset = {
  name: 'thop-2019',
  description:
    'thop of 2019-08-06 (Lyken17/pytorch-OpCounter d3e98b9), the counter behind ECA-Net\'s Table 3 (params and "FLOPs" in binary units)',
  unit: 'MACs',
  scale: 'binary',
  definition:
    'The 2019 thop total that ECA-Net Table 3 prints as "FLOPs": conv MACs + 1 per output if bias, Linear (2·in − 1)·out, BatchNorm 4·numel, ReLU/ReLU6 numel, AdaptiveAvgPool (kernel + 1)·numel(out), other modules and every functional or tensor op 0; a module called several times counts its last call only; binary units (M = 2²⁰, G = 2³⁰).',
  assumptions: [
    'only module calls are counted: x * y, +, .sigmoid() and x.mean() cost 0',
    'a module object called several times counts only its last call (2019 thop assigned total_ops instead of adding)',
    "CA's directional AdaptiveAvgPool2d((None, 1)) / ((1, None)) take the kernel from the actual shapes (2019 thop could not run them)",
    'the total is the exact integer sum of the per-module counts; thop-2019 stores and sums them in float32, so the total it prints can differ by a few units (ResNet-50: 4,142,111,744 printed, 4,142,111,768 exact)',
  ],
  layerValues(layers) {
    const values = layers.map(thopCall);
    const last = new Map<string, number>();
    layers.forEach((l, i) => {
      if (l.provenance.call === 'module') last.set(l.provenance.object, i);
    });
    return values.map((v, i) => {
      const l = layers[i];
      if (l.provenance.call !== 'module' || last.get(l.provenance.object) === i) return v;
      if (v.value.terms.length === 0) return v;
      return ZERO_VALUE(
        `${l.provenance.torchType} module object called again later: only its last call counts`,
      );
    });
  },
};
