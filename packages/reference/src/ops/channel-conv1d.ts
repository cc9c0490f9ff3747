/**
 * channel_conv1d: ECA's 1-D convolution across the channel axis of a pooled descriptor
 * [N, C, 1, 1] (PyTorch: squeeze → transpose → Conv1d(1, 1, k, padding=(k−1)/2) → transpose back).
 * Weight [1, 1, k], optional bias [1], zero padding:
 *
 *   y[n, c] = b + Σ_{j<k} w[j] · x[n, c + j − (k−1)/2]
 */
import { CoordattnError } from '@coordattn/ir';
import { shapeText, zeros } from '../tensor.js';
import { nchw, weight, type ConcreteAttrs, type RefKernel } from './types.js';

export const channelConv1d: RefKernel<ConcreteAttrs<'channel_conv1d'>> = ([x], a, weights) => {
  const [n, c, h, w] = nchw(x);
  if (h !== 1 || w !== 1) {
    throw new CoordattnError('E_SHAPE', 'channel_conv1d input must be [N,C,1,1]', {
      shapes: [shapeText(x.shape)],
    });
  }
  const k = a.kernel;
  const wt = weight(weights, 'weight');
  if (wt.shape.join(',') !== `1,1,${k}`) {
    throw new CoordattnError('E_SHAPE', 'channel_conv1d weight has the wrong shape', {
      shapes: [shapeText(wt.shape), shapeText([1, 1, k])],
    });
  }
  const bias = a.bias ? weight(weights, 'bias').data[0] : 0;
  const pad = (k - 1) / 2;
  const y = zeros([n, c, 1, 1]);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      let acc = bias;
      for (let j = 0; j < k; j++) {
        const src = ch + j - pad;
        if (src >= 0 && src < c) acc += wt.data[j] * x.data[b * c + src];
      }
      y.data[b * c + ch] = acc;
    }
  }
  return [y];
};
