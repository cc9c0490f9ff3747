import { z } from 'zod';
import { defineOp, type OpDef } from './types.js';

/** The unary activations. Each is its own primitive op; they share this one definition. */
export const ACTIVATIONS = {
  relu: 'max(x, 0)',
  relu6: 'min(max(x, 0), 6)',
  sigmoid: '1 / (1 + exp(−x))',
  hard_sigmoid: 'relu6(x + 3) / 6',
  hard_swish: 'x · relu6(x + 3) / 6',
  swish: 'x · sigmoid(x)  (SiLU)',
  identity: 'x',
} as const;

export type ActivationName = keyof typeof ACTIVATIONS;

function activation(name: ActivationName): OpDef<Record<string, never>> {
  return defineOp({
    name,
    summary: `activation: ${ACTIVATIONS[name]}`,
    traits: name === 'identity' ? ['elementwise', 'identity'] : ['elementwise', 'activation'],
    attrs: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
    arity: { min: 1, max: 1 },
    infer: (_ctx, [x]) => [x],
    weights: () => [],
  });
}

export const relu = activation('relu');
export const relu6 = activation('relu6');
export const sigmoid = activation('sigmoid');
export const hardSigmoid = activation('hard_sigmoid');
export const hardSwish = activation('hard_swish');
export const swish = activation('swish');
export const identity = activation('identity');

const bound = z.number().finite().nullable().default(null);

/** Clamping to [min, max] (torch.clamp, Hardtanh, ONNX Clip); a missing bound is null. */
export const clip = defineOp({
  name: 'clip',
  summary: 'activation: min(max(x, min), max); either bound may be null (absent)',
  traits: ['elementwise', 'activation'],
  attrs: z
    .object({ min: bound, max: bound })
    .strict()
    .refine((a) => a.min !== null || a.max !== null, 'clip needs min, max or both')
    .refine((a) => a.min === null || a.max === null || a.min <= a.max, {
      message: 'min must be at most max',
      path: ['max'],
    }),
  arity: { min: 1, max: 1 },
  infer: (_ctx, [x]) => [x],
  weights: () => [],
});
