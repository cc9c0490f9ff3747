import { z } from 'zod';
import { Dim, floor } from '../dim/index.js';
import { defineOp } from './types.js';
import { zDim, zPair } from './attrs.js';

/** 2-D convolution, NCHW. Depthwise (groups = C) and pointwise (1×1) are cases of it. */
export const conv2d = defineOp({
  name: 'conv2d',
  summary: '2-D convolution (NCHW); depthwise = groups C, pointwise = kernel 1',
  traits: ['contraction'],
  attrs: z
    .object({
      outChannels: zDim(1),
      kernel: zPair(1),
      stride: zPair(1).default([1, 1]),
      padding: zPair(0).default([0, 0]),
      dilation: zPair(1).default([1, 1]),
      groups: zDim(1).default(Dim.const(1)),
      bias: z.boolean().default(false),
    })
    .strict(),
  arity: { min: 1, max: 1 },
  infer(ctx, [x], a) {
    ctx.rank(x, 4, 'input');
    const [n, c, h, w] = x;
    ctx.divisible(c, a.groups, 'input channels divisible by groups', [x]);
    ctx.divisible(a.outChannels, a.groups, 'output channels divisible by groups', [x]);
    const out = (size: Dim, i: 0 | 1): Dim =>
      floor(size.add(2 * a.padding[i] - a.dilation[i] * (a.kernel[i] - 1) - 1).div(a.stride[i])).add(1);
    const ho = out(h, 0);
    const wo = out(w, 1);
    ctx.positive(ho, 'output height', [x]);
    ctx.positive(wo, 'output width', [x]);
    return [[n, a.outChannels, ho, wo]];
  },
  weights([x], a) {
    const w = {
      name: 'weight',
      role: 'weight',
      trainable: true,
      shape: [a.outChannels, x[1].div(a.groups), Dim.const(a.kernel[0]), Dim.const(a.kernel[1])],
    } as const;
    return a.bias ? [w, { name: 'bias', role: 'bias', trainable: true, shape: [a.outChannels] }] : [w];
  },
});
