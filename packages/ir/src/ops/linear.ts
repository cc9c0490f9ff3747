import { z } from 'zod';
import { defineOp } from './types.js';
import { zDim } from './attrs.js';

/** Fully connected layer over the last axis. */
export const linear = defineOp({
  name: 'linear',
  summary: 'fully connected layer over the last axis: y = x Wᵀ + b',
  traits: ['contraction'],
  attrs: z.object({ outFeatures: zDim(1), bias: z.boolean().default(true) }).strict(),
  arity: { min: 1, max: 1 },
  infer(ctx, [x], a) {
    ctx.rank(x, [2, 3, 4], 'input');
    return [[...x.slice(0, -1), a.outFeatures]];
  },
  weights([x], a) {
    const inF = x[x.length - 1];
    const w = { name: 'weight', role: 'weight', trainable: true, shape: [a.outFeatures, inF] } as const;
    return a.bias ? [w, { name: 'bias', role: 'bias', trainable: true, shape: [a.outFeatures] }] : [w];
  },
});
