import { z } from 'zod';
import { Dim, floor } from '../dim/index.js';
import type { GraphBuilder, Value } from '../graph/index.js';
import { parseAttrs, zDim, zInt } from '../ops/index.js';
import { act, channels } from './common.js';

/**
 * CBAM (Woo et al., ECCV 2018), after the official attention-module code: a channel gate whose
 * shared MLP (Linear C→C//r with bias, ReLU, Linear →C) runs on the average- and max-pooled
 * descriptors (params once, MACs twice), then a spatial gate: channel max & mean → cat →
 * 7×7 conv 2→1 without bias → BN (optional) → sigmoid.
 */
export const CBAM_CONFIG = z
  .object({
    reduction: zDim(1).default(Dim.const(16)),
    squeezeChannels: zDim(1).optional(),
    activation: z.enum(['relu', 'relu6']).default('relu'),
    bias: z.boolean().default(true),
    spatialKernel: zInt(1, 15)
      .refine((k) => k % 2 === 1, 'spatial kernel must be odd')
      .default(7),
    bn: z.boolean().default(true),
  })
  .strict();
export type CBAMInput = z.input<typeof CBAM_CONFIG>;

export function cbam(b: GraphBuilder, x: Value, input: CBAMInput = {}, where = b.path): Value {
  const cfg = parseAttrs(CBAM_CONFIG, input, where, 'cbam');
  const c = channels(x);
  const s = cfg.squeezeChannels ?? floor(c.div(cfg.reduction));
  const fn = { call: 'functional', torchType: 'sigmoid' } as const;
  const y = b.scope('channel_gate', () => {
    const mlp = (v: Value): Value => {
      let t = b.op(
        'flatten',
        v,
        { startDim: 1 },
        { name: 'mlp.0', provenance: { call: 'module', torchType: 'Flatten' } },
      );
      t = b.op('linear', t, { outFeatures: s, bias: cfg.bias }, { name: 'mlp.1' });
      t = act(b, t, cfg.activation, 'mlp.2');
      return b.op('linear', t, { outFeatures: c, bias: cfg.bias }, { name: 'mlp.3' });
    };
    const avg = b.op(
      'global_avg_pool',
      x,
      {},
      { name: 'avg_pool', provenance: { call: 'functional', torchType: 'avg_pool2d' } },
    );
    const mx = b.op(
      'global_max_pool',
      x,
      {},
      { name: 'max_pool', provenance: { call: 'functional', torchType: 'max_pool2d' } },
    );
    const sum = b.op('add', [mlp(avg), mlp(mx)], {}, { name: 'sum' });
    const g = b.op('sigmoid', sum, {}, { name: 'sigmoid', provenance: fn });
    // F.sigmoid(channel_att_sum).unsqueeze(2).unsqueeze(3).expand_as(x)
    const g4 = b.op(
      'reshape',
      g,
      { shape: [x.shape[0], c, 1, 1] },
      {
        name: 'unsqueeze',
        provenance: { call: 'tensor', torchType: 'unsqueeze', folded: ['unsqueeze', 'expand_as'] },
      },
    );
    return b.op('mul', [x, g4], {}, { name: 'mul' });
  });
  return b.scope('spatial_gate', () => {
    const mx = b.op(
      'channel_reduce',
      y,
      { reduce: 'max' },
      { name: 'compress.max', provenance: { torchType: 'max' } },
    );
    const mean = b.op('channel_reduce', y, { reduce: 'mean' }, { name: 'compress.mean' });
    const comp = b.op('concat', [mx, mean], { axis: 1 }, { name: 'compress.cat' });
    const p = (cfg.spatialKernel - 1) / 2;
    let t = b.op(
      'conv2d',
      comp,
      { outChannels: 1, kernel: cfg.spatialKernel, padding: p, bias: false },
      { name: 'spatial.conv' },
    );
    if (cfg.bn) t = b.op('batch_norm', t, { eps: 1e-5 }, { name: 'spatial.bn' });
    const g = b.op('sigmoid', t, {}, { name: 'sigmoid', provenance: fn });
    return b.op('mul', [y, g], {}, { name: 'mul' });
  });
}
