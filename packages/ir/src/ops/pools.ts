import { z } from 'zod';
import { Dim, floor, ceil, piecewise } from '../dim/index.js';
import { defineOp } from './types.js';
import { zPair } from './attrs.js';

const one = Dim.const(1);
const noAttrs = z.object({}).strict() as unknown as z.ZodType<Record<string, never>>;

/** Global average pooling to [N, C, 1, 1] (AdaptiveAvgPool2d(1), `x.mean((2,3), keepdim)`). */
export const globalAvgPool = defineOp({
  name: 'global_avg_pool',
  summary: 'mean over H and W → [N,C,1,1]',
  traits: ['reduce', 'pool'],
  attrs: noAttrs,
  arity: { min: 1, max: 1 },
  infer(ctx, [x]) {
    ctx.rank(x, 4, 'input');
    return [[x[0], x[1], one, one]];
  },
  weights: () => [],
});

/** Global max pooling to [N, C, 1, 1] (AdaptiveMaxPool2d(1)). */
export const globalMaxPool = defineOp({
  name: 'global_max_pool',
  summary: 'max over H and W → [N,C,1,1]',
  traits: ['reduce', 'pool'],
  attrs: noAttrs,
  arity: { min: 1, max: 1 },
  infer(ctx, [x]) {
    ctx.rank(x, 4, 'input');
    return [[x[0], x[1], one, one]];
  },
  weights: () => [],
});

/**
 * Coordinate Attention's directional pools. `over: 'W'` averages each row → [N,C,H,1]
 * (AdaptiveAvgPool2d((None, 1)), "pool_h"); `over: 'H'` averages each column → [N,C,1,W]
 * (AdaptiveAvgPool2d((1, None)), "pool_w").
 */
export const directionalMean = defineOp({
  name: 'directional_mean',
  summary: "mean over one spatial axis: over 'W' → [N,C,H,1], over 'H' → [N,C,1,W]",
  traits: ['reduce', 'pool'],
  attrs: z.object({ over: z.enum(['H', 'W']) }).strict(),
  arity: { min: 1, max: 1 },
  infer(ctx, [x], a) {
    ctx.rank(x, 4, 'input');
    return [a.over === 'W' ? [x[0], x[1], x[2], one] : [x[0], x[1], one, x[3]]];
  },
  weights: () => [],
});

/** Mean or max across channels → [N, 1, H, W] (CBAM spatial branch, Triplet's Z-pool). */
export const channelReduce = defineOp({
  name: 'channel_reduce',
  summary: 'mean or max over the channel axis → [N,1,H,W]',
  traits: ['reduce'],
  attrs: z.object({ reduce: z.enum(['mean', 'max']) }).strict(),
  arity: { min: 1, max: 1 },
  infer(ctx, [x]) {
    ctx.rank(x, 4, 'input');
    return [[x[0], one, x[2], x[3]]];
  },
  weights: () => [],
});

const windowFields = {
  kernel: zPair(1),
  stride: zPair(1).optional(),
  padding: zPair(0).default([0, 0]),
  ceilMode: z.boolean().default(false),
};

/** The stride defaults to the kernel (PyTorch). */
const strideOrKernel = <A extends { kernel: readonly [number, number]; stride?: readonly [number, number] }>(
  a: A,
): A & { stride: readonly [number, number] } => ({ ...a, stride: a.stride ?? a.kernel });

const maxPoolAttrs = z.object(windowFields).strict().transform(strideOrKernel);
/** countIncludePad (PyTorch count_include_pad, default true): zero padding counts in the divisor. */
const avgPoolAttrs = z
  .object({ ...windowFields, countIncludePad: z.boolean().default(true) })
  .strict()
  .transform(strideOrKernel);

type WindowAttrs = z.output<typeof maxPoolAttrs>;

function windowed<A extends WindowAttrs>(
  name: 'max_pool2d' | 'avg_pool2d',
  summary: string,
  attrs: z.ZodType<A>,
) {
  return defineOp({
    name,
    summary,
    traits: ['pool'],
    attrs,
    arity: { min: 1, max: 1 },
    infer(ctx, [x], a) {
      ctx.rank(x, 4, 'input');
      for (const i of [0, 1] as const) {
        if (a.padding[i] * 2 > a.kernel[i]) {
          ctx.require(
            '<=',
            Dim.const(a.padding[i] * 2),
            Dim.const(a.kernel[i]),
            'padding at most half the kernel',
            [x],
          );
        }
      }
      // PyTorch: floor or ceil((L + 2p − k) / s) + 1; in ceil mode a last window that would start
      // inside the right padding is dropped: if (out − 1)·s ≥ L + p then out − 1.
      const out = (s: Dim, i: 0 | 1): Dim => {
        const q = s.add(2 * a.padding[i] - a.kernel[i]).div(a.stride[i]);
        if (!a.ceilMode) return floor(q).add(1);
        const o = ceil(q).add(1);
        return piecewise('>=', o.sub(1).mul(a.stride[i]), s.add(a.padding[i]), o.sub(1), o);
      };
      const ho = out(x[2], 0);
      const wo = out(x[3], 1);
      ctx.positive(ho, 'output height', [x]);
      ctx.positive(wo, 'output width', [x]);
      return [[x[0], x[1], ho, wo]];
    },
    weights: () => [],
  });
}

export const maxPool2d = windowed('max_pool2d', 'windowed max pooling (MaxPool2d)', maxPoolAttrs);
export const avgPool2d = windowed(
  'avg_pool2d',
  'windowed average pooling (AvgPool2d; countIncludePad: padding counted in the divisor)',
  avgPoolAttrs,
);
