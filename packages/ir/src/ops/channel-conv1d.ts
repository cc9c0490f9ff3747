import { z } from 'zod';
import { Dim } from '../dim/index.js';
import { defineOp } from './types.js';
import { zDim } from './attrs.js';

/**
 * ECA's 1-D convolution across the channel axis of a pooled descriptor [N, C, 1, 1]
 * (PyTorch: squeeze → transpose → Conv1d(1, 1, k, padding=(k-1)/2) → transpose → unsqueeze).
 */
export const channelConv1d = defineOp({
  name: 'channel_conv1d',
  summary: "1-D convolution over the channel axis of [N,C,1,1] (ECA), zero 'same' padding",
  traits: ['contraction'],
  attrs: z
    .object({
      // A Dim so that ECA's adaptive k can stay a piecewise function of symbolic C.
      kernel: zDim(1).refine((k) => k.toInt() === undefined || k.toInt()! % 2 === 1, 'kernel must be odd'),
      bias: z.boolean().default(false),
    })
    .strict(),
  arity: { min: 1, max: 1 },
  infer(ctx, [x]) {
    ctx.rank(x, 4, 'input');
    ctx.require('==', x[2], Dim.const(1), 'input height is 1 (a pooled descriptor)', [x]);
    ctx.require('==', x[3], Dim.const(1), 'input width is 1 (a pooled descriptor)', [x]);
    return [x];
  },
  weights(_x, a) {
    const w = {
      name: 'weight',
      role: 'weight',
      trainable: true,
      shape: [Dim.const(1), Dim.const(1), a.kernel],
    } as const;
    return a.bias ? [w, { name: 'bias', role: 'bias', trainable: true, shape: [Dim.const(1)] }] : [w];
  },
});
