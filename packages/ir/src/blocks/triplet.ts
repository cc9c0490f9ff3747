import { z } from 'zod';
import type { GraphBuilder, Value } from '../graph/index.js';
import { parseAttrs, zInt } from '../ops/index.js';

/**
 * Triplet Attention (Misra et al., WACV 2021): three branches, each Z-pool (channel max & mean,
 * concatenated) → k×k conv 2→1 without bias → BN → sigmoid → re-weight, on x rotated so that
 * (C,W), (H,C) and (H,W) interact; the three outputs are averaged.
 */
export const TRIPLET_CONFIG = z
  .object({
    kernel: zInt(1, 15)
      .refine((k) => k % 2 === 1, 'kernel must be odd')
      .default(7),
    noSpatial: z.boolean().default(false),
  })
  .strict();
export type TripletInput = z.input<typeof TRIPLET_CONFIG>;

export function tripletAttention(b: GraphBuilder, x: Value, input: TripletInput = {}, where = b.path): Value {
  const cfg = parseAttrs(TRIPLET_CONFIG, input, where, 'triplet attention');
  const gate = (name: string, v: Value): Value =>
    b.scope(name, () => {
      const mx = b.op(
        'channel_reduce',
        v,
        { reduce: 'max' },
        { name: 'compress.max', provenance: { torchType: 'max' } },
      );
      const mean = b.op('channel_reduce', v, { reduce: 'mean' }, { name: 'compress.mean' });
      const comp = b.op('concat', [mx, mean], { axis: 1 }, { name: 'compress.cat' });
      const p = (cfg.kernel - 1) / 2;
      let t = b.op(
        'conv2d',
        comp,
        { outChannels: 1, kernel: cfg.kernel, padding: p, bias: false },
        { name: 'conv.conv' },
      );
      t = b.op('batch_norm', t, {}, { name: 'conv.bn' });
      const s = b.op(
        'sigmoid',
        t,
        {},
        { name: 'sigmoid', provenance: { call: 'functional', torchType: 'sigmoid_' } },
      );
      return b.op('mul', [v, s], {}, { name: 'mul' });
    });
  const rot = (v: Value, perm: number[], name: string): Value => b.op('permute', v, { perm }, { name });
  const o1 = rot(gate('cw', rot(x, [0, 2, 1, 3], 'permute_cw')), [0, 2, 1, 3], 'permute_cw_back');
  const o2 = rot(gate('hc', rot(x, [0, 3, 2, 1], 'permute_hc')), [0, 3, 2, 1], 'permute_hc_back');
  if (cfg.noSpatial) {
    return b.op('scale', b.op('add', [o1, o2], {}, { name: 'add' }), { factor: 0.5 }, { name: 'average' });
  }
  const o3 = gate('hw', x);
  const sum = b.op('add', [b.op('add', [o1, o2], {}, { name: 'add' }), o3], {}, { name: 'add' });
  return b.op('scale', sum, { factor: 1 / 3 }, { name: 'average' });
}
