import { z } from 'zod';
import { Dim, piecewise } from '../dim/index.js';
import type { GraphBuilder, Value } from '../graph/index.js';
import { parseAttrs, zInt } from '../ops/index.js';
import { channels } from './common.js';

/**
 * ECA-Net (Wang et al., CVPR 2020): global average pool → 1-D conv of size k across channels
 * (no bias) → sigmoid → re-weight. k is either fixed or adaptive:
 * t = floor(|(log2 C + b) / γ|), k = t if t is odd else t + 1.
 */
export const ECA_CONFIG = z
  .object({
    kernel: z.union([z.literal('adaptive'), zInt(1, 255)]).default('adaptive'),
    gamma: z.number().positive().max(64).default(2),
    beta: z.number().min(0).max(64).default(1),
  })
  .strict();
export type ECAConfig = z.output<typeof ECA_CONFIG>;
export type ECAInput = z.input<typeof ECA_CONFIG>;

/** ECA's adaptive kernel size for concrete C. */
export function ecaAdaptiveK(c: number, gamma = 2, beta = 1): number {
  const t = Math.floor(Math.abs((Math.log2(c) + beta) / gamma));
  return t % 2 === 1 ? t : t + 1;
}

const MAX_SYMBOLIC_C = 1 << 20;

/** k as a Dim: a number for concrete C, a piecewise function of C otherwise (C up to 2^20). */
export function ecaKernel(c: Dim, cfg: ECAConfig): Dim {
  if (cfg.kernel !== 'adaptive') return Dim.const(cfg.kernel);
  const cv = c.toInt();
  if (cv !== undefined) return Dim.const(ecaAdaptiveK(cv, cfg.gamma, cfg.beta));
  // Thresholds where k changes, found by scanning powers of two and bisecting.
  const steps: { from: number; k: number }[] = [{ from: 1, k: ecaAdaptiveK(1, cfg.gamma, cfg.beta) }];
  for (let lo = 1; lo < MAX_SYMBOLIC_C;) {
    const cur = ecaAdaptiveK(lo, cfg.gamma, cfg.beta);
    let hi = lo;
    while (hi < MAX_SYMBOLIC_C && ecaAdaptiveK(hi, cfg.gamma, cfg.beta) === cur) hi *= 2;
    if (hi >= MAX_SYMBOLIC_C) break;
    let a = lo;
    let bnd = hi;
    while (bnd - a > 1) {
      const m = Math.floor((a + bnd) / 2);
      if (ecaAdaptiveK(m, cfg.gamma, cfg.beta) === cur) a = m;
      else bnd = m;
    }
    steps.push({ from: bnd, k: ecaAdaptiveK(bnd, cfg.gamma, cfg.beta) });
    lo = bnd;
  }
  let out: Dim = Dim.const(steps[steps.length - 1].k);
  for (let i = steps.length - 1; i >= 1; i--) out = piecewise('<', c, steps[i].from, steps[i - 1].k, out);
  return out;
}

export function eca(b: GraphBuilder, x: Value, input: ECAInput = {}, where = b.path): Value {
  const cfg = parseAttrs(ECA_CONFIG, input, where, 'eca');
  const k = ecaKernel(channels(x), cfg);
  const y = b.op('global_avg_pool', x, {}, { name: 'avg_pool' });
  // eca_module.py: self.conv(y.squeeze(-1).transpose(-1, -2)).transpose(-1, -2).unsqueeze(-1)
  const z1 = b.op(
    'channel_conv1d',
    y,
    { kernel: k },
    { name: 'conv', provenance: { folded: ['squeeze', 'transpose', 'transpose', 'unsqueeze'] } },
  );
  const s = b.op('sigmoid', z1, {}, { name: 'sigmoid' });
  // x * y.expand_as(x)
  return b.op('mul', [x, s], {}, { name: 'mul', provenance: { folded: ['expand_as'] } });
}
