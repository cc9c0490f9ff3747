/**
 * batch_norm at inference over channel axis 1 (input rank 2, 3 or 4):
 *
 *   y = (x − running_mean[c]) / sqrt(running_var[c] + eps) · γ[c] + β[c]
 *
 * Without `affine`, γ = 1 and β = 0.
 */
import { CoordattnError } from '@coordattn/ir';
import { numel, shapeText, zeros } from '../tensor.js';
import { weight, type ConcreteAttrs, type RefKernel } from './types.js';

export const batchNorm: RefKernel<ConcreteAttrs<'batch_norm'>> = ([x], a, weights) => {
  if (x.shape.length < 2 || x.shape.length > 4) {
    throw new CoordattnError('E_SHAPE', 'batch_norm input must have rank 2, 3 or 4', {
      shapes: [shapeText(x.shape)],
    });
  }
  const [n, c] = x.shape;
  const inner = numel(x.shape.slice(2));
  const mean = weight(weights, 'running_mean').data;
  const variance = weight(weights, 'running_var').data;
  const gamma = a.affine ? weight(weights, 'weight').data : undefined;
  const beta = a.affine ? weight(weights, 'bias').data : undefined;
  const y = zeros(x.shape);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const inv = 1 / Math.sqrt(variance[ch] + a.eps);
      const g = gamma ? gamma[ch] : 1;
      const be = beta ? beta[ch] : 0;
      const base = (b * c + ch) * inner;
      for (let i = 0; i < inner; i++) y.data[base + i] = (x.data[base + i] - mean[ch]) * inv * g + be;
    }
  }
  return [y];
};
