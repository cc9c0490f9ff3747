import { z } from 'zod';
import { defineOp } from './types.js';
import { zDim } from './attrs.js';

/**
 * Bilinear resize of the two spatial axes to an explicit size, PyTorch's
 * `F.interpolate(x, size=(Ho, Wo), mode='bilinear', align_corners=False)` (ONNX `Resize`, mode
 * `linear`, `half_pixel`): output (i, j) samples the input at ((i + 0.5)·H/Ho − 0.5,
 * (j + 0.5)·W/Wo − 0.5), a negative source coordinate clamped to 0. Upsampling from 1 × 1 is a
 * broadcast (DeepLabV3's image-pooling branch).
 */
export const resize = defineOp({
  name: 'resize',
  summary: "bilinear resize of H, W to `size` (F.interpolate mode='bilinear', align_corners=False)",
  traits: ['resample'],
  attrs: z
    .object({
      size: z.tuple([zDim(1), zDim(1)]),
      mode: z.literal('bilinear').default('bilinear'),
    })
    .strict(),
  arity: { min: 1, max: 1 },
  infer(ctx, [x], a) {
    ctx.rank(x, 4, 'input');
    return [[x[0], x[1], a.size[0], a.size[1]]];
  },
  weights: () => [],
});
