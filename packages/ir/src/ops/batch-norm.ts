import { z } from 'zod';
import { defineOp } from './types.js';

/** Batch normalisation at inference: y = γ (x − μ) / sqrt(σ² + eps) + β per channel. */
export const batchNorm = defineOp({
  name: 'batch_norm',
  summary: 'inference batch-norm over channel axis 1 (γ, β trainable; running stats as buffers)',
  traits: ['normalization', 'elementwise'],
  attrs: z
    .object({ eps: z.number().positive().max(1).default(1e-5), affine: z.boolean().default(true) })
    .strict(),
  arity: { min: 1, max: 1 },
  infer(ctx, [x]) {
    ctx.rank(x, [2, 3, 4], 'input');
    return [x];
  },
  weights([x], a) {
    const c = [x[1]];
    const stats = [
      { name: 'running_mean', role: 'running_mean', trainable: false, shape: c },
      { name: 'running_var', role: 'running_var', trainable: false, shape: c },
    ] as const;
    return a.affine
      ? [
          { name: 'weight', role: 'gamma', trainable: true, shape: c },
          { name: 'bias', role: 'beta', trainable: true, shape: c },
          ...stats,
        ]
      : [...stats];
  },
});
