import { z } from 'zod';
import { Dim, floor, max } from '../dim/index.js';
import type { GraphBuilder, Value } from '../graph/index.js';
import { zDim, zInt, parseAttrs } from '../ops/index.js';
import { act, channels } from './common.js';

/**
 * Coordinate Attention (Hou, Zhou, Feng, CVPR 2021), after the official `coordatt.py`:
 * pool_h / pool_w → cat → conv1 (C→mid, bias) → bn1 → act (h_swish) → split → conv_h / conv_w
 * (mid→C, bias) → `.sigmoid()` → `identity * a_w * a_h`, with mid = max(minMid, C // r).
 * `directions` 'h' or 'w' keep one branch (the paper's ablation).
 */
export const CA_CONFIG = z
  .object({
    reduction: zDim(1).default(Dim.const(32)),
    minMid: zInt(1).default(8),
    activation: z
      .enum(['hard_swish', 'relu', 'relu6', 'swish', 'sigmoid', 'hard_sigmoid', 'identity'])
      .default('hard_swish'),
    directions: z.enum(['both', 'h', 'w']).default('both'),
    bias: z.boolean().default(true),
  })
  .strict();
export type CoordAttConfig = z.output<typeof CA_CONFIG>;
export type CoordAttInput = z.input<typeof CA_CONFIG>;

/** mid = max(minMid, floor(C / r)). */
export function caMid(c: Dim, cfg: Pick<CoordAttConfig, 'reduction' | 'minMid'>): Dim {
  return max(cfg.minMid, floor(c.div(cfg.reduction)));
}

export function coordinateAttention(
  b: GraphBuilder,
  x: Value,
  input: CoordAttInput = {},
  where = b.path,
): Value {
  const cfg = parseAttrs(CA_CONFIG, input, where, 'coordinate attention');
  const c = channels(x);
  const mid = caMid(c, cfg);
  const [, , h, w] = x.shape;
  const both = cfg.directions === 'both';
  let y: Value;
  if (both) {
    const xh = b.op('directional_mean', x, { over: 'W' }, { name: 'pool_h' });
    const pw = b.op('directional_mean', x, { over: 'H' }, { name: 'pool_w' });
    const xw = b.op('permute', pw, { perm: [0, 1, 3, 2] }, { name: 'permute_w' });
    y = b.op('concat', [xh, xw], { axis: 2 }, { name: 'cat' });
  } else if (cfg.directions === 'h') {
    y = b.op('directional_mean', x, { over: 'W' }, { name: 'pool_h' });
  } else {
    y = b.op('directional_mean', x, { over: 'H' }, { name: 'pool_w' });
  }
  y = b.op('conv2d', y, { outChannels: mid, kernel: 1, bias: cfg.bias }, { name: 'conv1' });
  y = b.op('batch_norm', y, {}, { name: 'bn1' });
  y = act(b, y, cfg.activation, 'act', cfg.activation === 'hard_swish' ? 'h_swish' : undefined);
  const gate = (v: Value, conv: 'conv_h' | 'conv_w', sig: string): Value =>
    b.op(
      'sigmoid',
      b.op('conv2d', v, { outChannels: c, kernel: 1, bias: cfg.bias }, { name: conv }),
      {},
      {
        name: sig,
        provenance: { call: 'tensor', torchType: 'sigmoid' },
      },
    );
  if (both) {
    const [yh, yw] = b.opMulti('split', y, { axis: 2, sizes: [h, w] }, { name: 'split' });
    const ywT = b.op('permute', yw, { perm: [0, 1, 3, 2] }, { name: 'permute_a_w' });
    const ah = gate(yh, 'conv_h', 'sigmoid_h');
    const aw = gate(ywT, 'conv_w', 'sigmoid_w');
    const t = b.op('mul', [x, aw], {}, { name: 'mul_w' });
    return b.op('mul', [t, ah], {}, { name: 'mul_h' });
  }
  if (cfg.directions === 'h') return b.op('mul', [x, gate(y, 'conv_h', 'sigmoid_h')], {}, { name: 'mul_h' });
  return b.op('mul', [x, gate(y, 'conv_w', 'sigmoid_w')], {}, { name: 'mul_w' });
}
