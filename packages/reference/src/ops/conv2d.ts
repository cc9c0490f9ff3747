/**
 * conv2d: PyTorch `nn.Conv2d` (cross-correlation), NCHW, zero padding, stride, dilation, groups,
 * optional bias. Weight [O, C/groups, kh, kw].
 *
 *   y[n,o,i,j] = b[o] + Σ_{c in group(o)} Σ_{p,q} w[o, c - g·C/G, p, q] · x[n, c, i·sh − ph + p·dh, j·sw − pw + q·dw]
 */
import { CoordattnError } from '@coordattn/ir';
import { shapeText, zeros } from '../tensor.js';
import { nchw, weight, type ConcreteAttrs, type RefKernel } from './types.js';

export const conv2d: RefKernel<ConcreteAttrs<'conv2d'>> = ([x], a, weights) => {
  const [n, c, h, w] = nchw(x);
  const wt = weight(weights, 'weight');
  const o = a.outChannels;
  const g = a.groups;
  const [kh, kw] = a.kernel;
  const [sh, sw] = a.stride;
  const [ph, pw] = a.padding;
  const [dh, dw] = a.dilation;
  if (c % g !== 0 || o % g !== 0) {
    throw new CoordattnError('E_SHAPE', `channels ${c} → ${o} are not divisible by groups ${g}`);
  }
  const cg = c / g; // input channels per group
  const og = o / g; // output channels per group
  const expected = [o, cg, kh, kw];
  if (wt.shape.join(',') !== expected.join(',')) {
    throw new CoordattnError('E_SHAPE', 'conv2d weight has the wrong shape', {
      shapes: [shapeText(wt.shape), shapeText(expected)],
    });
  }
  const bias = a.bias ? weight(weights, 'bias').data : undefined;
  const ho = Math.floor((h + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
  const wo = Math.floor((w + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
  const y = zeros([n, o, ho, wo]);
  const X = x.data;
  const W = wt.data;
  const Y = y.data;
  for (let b = 0; b < n; b++) {
    for (let oc = 0; oc < o; oc++) {
      const group = Math.floor(oc / og);
      for (let i = 0; i < ho; i++) {
        for (let j = 0; j < wo; j++) {
          let acc = bias ? bias[oc] : 0;
          for (let ci = 0; ci < cg; ci++) {
            const ic = group * cg + ci;
            for (let p = 0; p < kh; p++) {
              const yi = i * sh - ph + p * dh;
              if (yi < 0 || yi >= h) continue;
              for (let q = 0; q < kw; q++) {
                const xj = j * sw - pw + q * dw;
                if (xj < 0 || xj >= w) continue;
                acc += W[((oc * cg + ci) * kh + p) * kw + q] * X[((b * c + ic) * h + yi) * w + xj];
              }
            }
          }
          Y[((b * o + oc) * ho + i) * wo + j] = acc;
        }
      }
    }
  }
  return [y];
};
