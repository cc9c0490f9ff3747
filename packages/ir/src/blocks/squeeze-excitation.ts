import { z } from 'zod';
import { Dim, floor, makeDivisible } from '../dim/index.js';
import type { GraphBuilder, Value } from '../graph/index.js';
import { parseAttrs, zDim, zInt } from '../ops/index.js';
import { act, channels } from './common.js';

/**
 * Squeeze-and-Excitation. The squeeze width is where codebases differ:
 * `divide` C // r (SENet, the CA and ECA papers), `make_divisible` make_divisible(C / r, divisor)
 * (MobileNetV3), `fixed` a given width (EfficientNet: max(1, C_block_in // 4)).
 * `form: 'conv'` uses 1×1 convs (torchvision), `form: 'linear'` Linear layers on the flattened
 * descriptor (SENet / ECA-Net code).
 */
export const SE_CONFIG = z
  .object({
    reduction: zDim(1).default(Dim.const(16)),
    squeeze: z.enum(['divide', 'make_divisible', 'fixed']).default('divide'),
    divisor: zInt(1).default(8),
    squeezeChannels: zDim(1).optional(),
    innerActivation: z.enum(['relu', 'relu6', 'swish', 'hard_swish']).default('relu'),
    gate: z.enum(['sigmoid', 'hard_sigmoid']).default('sigmoid'),
    bias: z.boolean().default(true),
    form: z.enum(['conv', 'linear']).default('conv'),
    /** The inner activation module is built with inplace=True (EfficientNet, the CA code's SEM). */
    inplace: z.boolean().default(false),
  })
  .strict()
  .refine((c) => c.squeeze !== 'fixed' || c.squeezeChannels !== undefined, {
    message: "squeeze 'fixed' needs squeezeChannels",
    path: ['squeezeChannels'],
  });
export type SEConfig = z.output<typeof SE_CONFIG>;
export type SEInput = z.input<typeof SE_CONFIG>;

export function seSqueeze(c: Dim, cfg: SEConfig): Dim {
  switch (cfg.squeeze) {
    case 'divide':
      return floor(c.div(cfg.reduction));
    case 'make_divisible':
      return makeDivisible(c.div(cfg.reduction), cfg.divisor);
    case 'fixed':
      return cfg.squeezeChannels!;
  }
}

export function squeezeExcitation(b: GraphBuilder, x: Value, input: SEInput = {}, where = b.path): Value {
  const cfg = parseAttrs(SE_CONFIG, input, where, 'squeeze-excitation');
  const c = channels(x);
  const s = seSqueeze(c, cfg);
  const n = x.shape[0];
  let y = b.op('global_avg_pool', x, {}, { name: 'avgpool' });
  if (cfg.form === 'conv') {
    y = b.op('conv2d', y, { outChannels: s, kernel: 1, bias: cfg.bias }, { name: 'fc1' });
    y = act(b, y, cfg.innerActivation, 'activation', undefined, cfg.inplace);
    y = b.op('conv2d', y, { outChannels: c, kernel: 1, bias: cfg.bias }, { name: 'fc2' });
    y = act(b, y, cfg.gate, 'scale_activation');
  } else {
    y = b.op(
      'flatten',
      y,
      { startDim: 1 },
      { name: 'view', provenance: { call: 'tensor', torchType: 'view' } },
    );
    y = b.op('linear', y, { outFeatures: s, bias: cfg.bias }, { name: 'fc.0' });
    y = act(b, y, cfg.innerActivation, 'fc.1', undefined, cfg.inplace);
    y = b.op('linear', y, { outFeatures: c, bias: cfg.bias }, { name: 'fc.2' });
    y = act(b, y, cfg.gate, 'fc.3');
    y = b.op('reshape', y, { shape: [n, c, 1, 1] }, { name: 'view_back', provenance: { torchType: 'view' } });
  }
  return b.op('mul', [x, y], {}, { name: 'mul' });
}
