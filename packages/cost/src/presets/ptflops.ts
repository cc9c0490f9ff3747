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

/**
 * Modules whose `forward` calls a functional that ptflops patches (`nn.ReLU` → `F.relu`,
 * `nn.MaxPool2d` → `F.max_pool2d`, `nn.AdaptiveAvgPool2d` → `F.adaptive_avg_pool2d`, ...): with
 * functional counting on, each call is counted twice, by the module hook and by the wrapper.
 * `nn.ReLU6` (→ `F.hardtanh`), `nn.LeakyReLU` (→ `F.leaky_relu`) are not; `nn.SiLU` has no hook,
 * so its `F.silu` counts once.
 */
const MODULE_CALLS_PATCHED: Readonly<Record<string, string>> = {
  ReLU: 'relu',
  PReLU: 'prelu',
  ELU: 'elu',
  GELU: 'gelu',
  ...Object.fromEntries(
    [...POOL_MODULES].map((m) => [
      m,
      m.replace(
        /^(Adaptive)?(Avg|Max)Pool(\d)d$/,
        (_s, a: string | undefined, k: string, d: string) =>
          `${a ? 'adaptive_' : ''}${k.toLowerCase()}_pool${d}d`,
      ),
    ]),
  ),
};

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
  if (t === 'Upsample' && l.op === 'resize') {
    // upsample_flops_counter_hook counts output[0] (one sample, C·H·W), and its forward calls the
    // patched F.interpolate (added in moduleCall).
    return value({ other: numel(l.outputShapes[0]).div(l.outputShapes[0][0]) }, 'Upsample module: C·Ho·Wo');
  }
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
  if (t === 'interpolate' && l.op === 'resize') {
    return value({ other: numel(l.outputShapes[0]) }, 'F.interpolate (patched functional): N·C·prod(size)');
  }
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

/** The module hook's value per sample, plus (functional counting on) the patched F.* it calls, undivided. */
function moduleCall(l: LayerCost, ctx: PresetContext, countFunctional: boolean): PresetLayerValue {
  const v = moduleValue(l);
  if (v === 'functional') {
    return countFunctional ? functionalValue(l) : ZERO_VALUE(`${l.provenance.torchType} module: no hook → 0`);
  }
  if (v.value.terms.length === 0) return v;
  const hook = perSample(v, ctx);
  if (countFunctional && l.provenance.torchType === 'Upsample') {
    const d = (hook.contributions.other ?? numel(l.outputShapes[0])).add(numel(l.outputShapes[0]));
    return value({ other: d }, `${hook.rule} + F.interpolate inside its forward: N·C·Ho·Wo, undivided`);
  }
  const fn = MODULE_CALLS_PATCHED[l.provenance.torchType];
  if (!countFunctional || fn === undefined) return hook;
  // F.<fn> counts numel(input) again, into the total, not divided by the batch.
  const [key, d] = Object.entries(hook.contributions)[0] as [ContributionKey, Dim];
  return value(
    { ...hook.contributions, [key]: d.add(numel(l.inputShapes[0])) },
    `${hook.rule} + F.${fn} inside its forward: numel(input) again, undivided`,
  );
}

function makePtflops(countFunctional: boolean): Preset {
  return {
    name: countFunctional ? 'ptflops' : 'ptflops-modules',
    description: countFunctional
      ? 'ptflops 0.7.6 get_model_complexity_info (sovrasov/flops-counter.pytorch d612c75), pytorch backend, defaults: module hooks + patched functionals'
      : "ptflops 0.7.6 get_model_complexity_info (d612c75), pytorch backend, backend_specific_config={'count_functional': False}: module hooks only",
    unit: 'MACs',
    scale: 'decimal',
    definition: countFunctional
      ? 'Conv and linear MACs + 1 per output element for bias, batch-norm 2·numel, ReLU/ReLU6 modules numel(out), pool modules numel(input), all per sample; plus, undivided by the batch, the patched F.relu/silu/... numel and F.*pool* numel(input) (again for nn.ReLU and pool modules, whose forward calls them), torch.mul/add broadcast numel and F.interpolate numel(out); sigmoid, hard-swish modules and the * and + operators count 0.'
      : 'Conv and linear MACs + 1 per output element for bias, batch-norm 2·numel, ReLU/ReLU6 modules numel(out), pool modules numel(input), per sample (divided by the batch); functional and tensor calls (F.silu, F.adaptive_avg_pool2d, torch.mul, ...) and modules without a hook (SiLU, sigmoid, hard-swish) count 0.',
    assumptions: countFunctional
      ? [
          'module-hook counts are divided by the batch size (per sample); functional and tensor-op counts are not, as in ptflops',
          'nn.ReLU, nn.PReLU, nn.ELU, nn.GELU and every pool module call a patched F.* in their forward, so each call counts twice (module hook + functional wrapper, the second undivided); nn.ReLU6 (F.hardtanh) and nn.LeakyReLU (F.leaky_relu) once; nn.SiLU has no hook, its F.silu counts once',
          "binary ops recorded as tensor 'mul' / 'add' are the * and + operators (not counted); torch.mul / Tensor.mul calls are",
        ]
      : [
          'module-hook counts are divided by the batch size (per sample)',
          'functional and tensor calls are not patched (count_functional=False): F.silu (so nn.SiLU), F.adaptive_avg_pool2d, torch.mul/add count 0',
        ],
    layerValues(layers, ctx: PresetContext) {
      return layers.map((l) => {
        switch (l.provenance.call) {
          case 'module':
            return moduleCall(l, ctx, countFunctional);
          case 'functional':
            return countFunctional
              ? functionalValue(l)
              : ZERO_VALUE(`F.${l.provenance.torchType}: not patched → 0`);
          case 'tensor':
            return countFunctional
              ? tensorValue(l)
              : ZERO_VALUE(`tensor ${l.provenance.torchType}: not patched → 0`);
        }
      });
    },
  };
}

/**
 * ptflops 0.7.6 (sovrasov/flops-counter.pytorch), default `pytorch` backend with functional
 * counting on. Module hooks are divided by the batch size (ptflops reports per-sample MACs); the
 * patched functional / tensor ops are added to the total undivided, as ptflops does.
 */
export const ptflops: Preset = makePtflops(true);

/** ptflops 0.7.6 with `backend_specific_config={'count_functional': False}`: module hooks only. */
export const ptflopsModules: Preset = makePtflops(false);

function perSample(v: PresetLayerValue, ctx: PresetContext): PresetLayerValue {
  return ctx.batch.toInt() === 1 ? v : scaleBy(v, ctx.batch);
}

function scaleBy(v: PresetLayerValue, batch: Dim): PresetLayerValue {
  const c: Partial<Record<ContributionKey, Dim>> = {};
  for (const [k, d] of Object.entries(v.contributions) as [ContributionKey, Dim][]) c[k] = d.div(batch);
  return value(c, `${v.rule} (÷ batch: per sample)`);
}
