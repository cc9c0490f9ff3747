import type { Dim } from '@coordattn/ir';
import { numel } from '../columns.js';
import type { LayerCost } from '../analyze.js';
import {
  value,
  ZERO_VALUE,
  type Preset,
  type PresetContext,
  type PresetLayerValue,
  type ContributionKey,
} from './types.js';

const CONV = new Set(['Conv1d', 'Conv2d', 'Conv3d', 'ConvTranspose1d', 'ConvTranspose2d', 'ConvTranspose3d']);
const BN = new Set(['BatchNorm1d', 'BatchNorm2d', 'BatchNorm3d', 'InstanceNorm2d', 'GroupNorm', 'LayerNorm']);
const RELU_MODULES = new Set(['ReLU', 'PReLU', 'ELU', 'LeakyReLU', 'ReLU6', 'GELU']);
/** Hand-rolled hard-swish / hard-sigmoid modules (CA's coordatt.py): only their inner nn.ReLU6 is seen. */
const CUSTOM_RELU6 = new Set(['h_swish', 'h_sigmoid']);
const POOL_MODULES = new Set([
  'AdaptiveAvgPool1d',
  'AdaptiveAvgPool2d',
  'AdaptiveAvgPool3d',
  'AdaptiveMaxPool1d',
  'AdaptiveMaxPool2d',
  'AdaptiveMaxPool3d',
  'AvgPool1d',
  'AvgPool2d',
  'AvgPool3d',
  'MaxPool1d',
  'MaxPool2d',
  'MaxPool3d',
]);
const F_ACTIVATIONS = new Set(['relu', 'relu6', 'elu', 'leaky_relu', 'prelu', 'gelu', 'silu']);
const F_POOLS = new Set([
  'avg_pool1d',
  'avg_pool2d',
  'avg_pool3d',
  'max_pool1d',
  'max_pool2d',
  'max_pool3d',
  'adaptive_avg_pool1d',
  'adaptive_avg_pool2d',
  'adaptive_avg_pool3d',
  'adaptive_max_pool1d',
  'adaptive_max_pool2d',
  'adaptive_max_pool3d',
]);
/** torch.mul / torch.add (functional) and the Tensor.mul / Tensor.add methods are patched. */
const F_ARITH = new Set(['mul', 'add', 'torch.mul', 'torch.add']);
const T_ARITH = new Set(['Tensor.mul', 'Tensor.add', 'torch.mul', 'torch.add']);

/** Everything an op does in the column it was counted in, for attribution. */
function mainColumn(l: LayerCost): PresetLayerValue['contributions'] {
  const c = l.columns;
  // relu6 and clip compare once per bound; ptflops counts numel(out) for the activation.
  if (l.op === 'relu6' || l.op === 'clip') return { comparisons: numel(l.outputShapes[0]) };
  if (c.comparisons.terms.length > 0) return { comparisons: c.comparisons };
  if (c.activations.terms.length > 0) return { activations: c.activations };
  return { other: numel(l.outputShapes[0]) };
}

function moduleValue(l: LayerCost): PresetLayerValue | 'functional' {
  const t = l.provenance.torchType;
  const c = l.columns;
  if (CONV.has(t) || t === 'Linear') {
    return value({ macs: c.macs, biasAdds: c.biasAdds }, `${t} module: MACs + 1 per output if bias`);
  }
  if (BN.has(t)) {
    const affine = (l.node.attrs as { affine?: boolean }).affine !== false;
    return affine
      ? value({ normOps: c.normOps }, `${t} module: 2·numel (affine)`)
      : value({ normOps: c.normOps.div(2) }, `${t} module: 1·numel`);
  }
  if (RELU_MODULES.has(t)) return value(mainColumn(l), `${t} module: numel(out)`);
  if (CUSTOM_RELU6.has(t)) return value(mainColumn(l), `${t} (custom): its inner ReLU6 module, numel(out)`);
  if (t === 'SiLU') return 'functional';
  if (POOL_MODULES.has(t)) {
    const reads = numel(l.inputShapes[0]);
    const key = c.comparisons.terms.length > 0 ? 'comparisons' : 'reductions';
    return value({ [key]: reads }, `${t} module: numel(input)`);
  }
  return ZERO_VALUE(`${t} module: no hook → 0`);
}

function functionalValue(l: LayerCost): PresetLayerValue {
  const t = l.provenance.torchType.replace(/^(F|torch\.nn\.functional)\./, '');
  const c = l.columns;
  if (F_ACTIVATIONS.has(t) || l.provenance.torchType === 'SiLU') {
    return value(mainColumn(l), `F.${t === 'SiLU' ? 'silu' : t} (patched functional): numel(out)`);
  }
  if (F_POOLS.has(t)) {
    const key = c.comparisons.terms.length > 0 ? 'comparisons' : 'reductions';
    return value({ [key]: numel(l.inputShapes[0]) }, `F.${t} (patched functional): numel(input)`);
  }
  if (t === 'linear') return value({ macs: c.macs, biasAdds: c.biasAdds }, 'F.linear: MACs + bias');
  if (F_ARITH.has(t) && c.elementwise.terms.length > 0) {
    return value({ elementwise: c.elementwise }, `torch.${t.replace(/^torch\./, '')}: broadcast numel`);
  }
  return ZERO_VALUE(`F.${t}: not patched → 0`);
}

function tensorValue(l: LayerCost): PresetLayerValue {
  const t = l.provenance.torchType;
  if (T_ARITH.has(t) && l.columns.elementwise.terms.length > 0) {
    return value({ elementwise: l.columns.elementwise }, `${t}: broadcast numel`);
  }
  return ZERO_VALUE(`tensor ${t}: operators (*, +) and methods other than mul/add are not seen → 0`);
}

/**
 * ptflops (sovrasov/flops-counter.pytorch), default `pytorch` backend with functional counting on.
 * Module hooks are divided by the batch size (ptflops reports per-sample MACs); the patched
 * functional / tensor ops are added to the total undivided, as ptflops does.
 */
export const ptflops: Preset = {
  name: 'ptflops',
  description: 'ptflops get_model_complexity_info, pytorch backend (module hooks + patched functionals)',
  unit: 'MACs',
  scale: 'decimal',
  definition:
    'Conv and linear MACs + 1 per output element for bias, batch-norm 2·numel, ReLU/ReLU6 modules and patched F.relu/silu... numel(out), pools numel(input), torch.mul/add broadcast numel; sigmoid, hard-swish modules and the * and + operators count 0; module counts per sample.',
  assumptions: [
    'module-hook counts are divided by the batch size (per-sample), functional and tensor-op counts are not, as in ptflops',
    'the inferred double count of nn.ReLU / nn.AdaptiveAvgPool2d (module hook + patched F.* inside its forward) is not modelled',
    "binary ops recorded as tensor 'mul' / 'add' are the * and + operators (not counted); torch.mul / Tensor.mul calls are",
  ],
  layerValues(layers, ctx: PresetContext) {
    return layers.map((l) => {
      switch (l.provenance.call) {
        case 'module': {
          const v = moduleValue(l);
          if (v === 'functional') return functionalValue(l);
          return v.value.terms.length > 0 ? perSample(v, ctx) : v;
        }
        case 'functional':
          return functionalValue(l);
        case 'tensor':
          return tensorValue(l);
      }
    });
  },
};

function perSample(v: PresetLayerValue, ctx: PresetContext): PresetLayerValue {
  return ctx.batch.toInt() === 1 ? v : scaleBy(v, ctx.batch);
}

function scaleBy(v: PresetLayerValue, batch: Dim): PresetLayerValue {
  const c: Partial<Record<ContributionKey, Dim>> = {};
  for (const [k, d] of Object.entries(v.contributions) as [ContributionKey, Dim][]) c[k] = d.div(batch);
  return value(c, `${v.rule} (÷ batch: per sample)`);
}
