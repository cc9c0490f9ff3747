/**
 * linear over the last axis: y[..., o] = b[o] + Σ_i x[..., i] · W[o, i]   (W: [out, in]).
 */
import { CoordattnError } from '@coordattn/ir';
import { numel, shapeText, zeros } from '../tensor.js';
import { weight, type ConcreteAttrs, type RefKernel } from './types.js';

export const linear: RefKernel<ConcreteAttrs<'linear'>> = ([x], a, weights) => {
  const inF = x.shape[x.shape.length - 1];
  const outF = a.outFeatures;
  const wt = weight(weights, 'weight');
  if (wt.shape.join(',') !== `${outF},${inF}`) {
    throw new CoordattnError('E_SHAPE', 'linear weight has the wrong shape', {
      shapes: [shapeText(wt.shape), shapeText([outF, inF])],
    });
  }
  const bias = a.bias ? weight(weights, 'bias').data : undefined;
  const rows = numel(x.shape.slice(0, -1));
  const y = zeros([...x.shape.slice(0, -1), outF]);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outF; o++) {
      let acc = bias ? bias[o] : 0;
      for (let i = 0; i < inF; i++) acc += x.data[r * inF + i] * wt.data[o * inF + i];
      y.data[r * outF + o] = acc;
    }
  }
  return [y];
};
