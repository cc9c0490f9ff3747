/**
 * Pooling and reductions, NCHW:
 * - global_avg_pool / global_max_pool: mean / max over H and W → [N, C, 1, 1];
 * - directional_mean: over 'W' → [N, C, H, 1] (mean of each row), over 'H' → [N, C, 1, W];
 * - channel_reduce: mean or max over C → [N, 1, H, W];
 * - max_pool2d: windowed max, padding counts as −∞ (never chosen);
 * - avg_pool2d: windowed mean; with countIncludePad (PyTorch count_include_pad, the default) zero
 *   padding is counted in the divisor, without it only the input elements the window covers are.
 *
 * Windowed output size, as PyTorch: floor or ceil((size + 2p − k) / s) + 1, and with ceilMode the
 * last window is dropped when it would start inside the right padding
 * (`(out − 1)·s ≥ size + p`). The divisor of avg_pool2d is the window clipped to the padded input
 * (`min(start + k, size + p) − start` per axis), so a ceil-mode window hanging past the right
 * padding divides by fewer elements, as `torch.nn.AvgPool2d(count_include_pad=True)` does; with
 * `count_include_pad=False` it is the window clipped to the input
 * (`min(start + k, size) − max(start, 0)`), never 0 since every window covers an input element.
 */
import { CoordattnError } from '@coordattn/ir';
import { zeros, type Tensor } from '../tensor.js';
import { nchw, type ConcreteAttrs, type RefKernel } from './types.js';

function globalPool(x: Tensor, reduce: 'mean' | 'max'): Tensor {
  const [n, c, h, w] = nchw(x);
  const y = zeros([n, c, 1, 1]);
  const hw = h * w;
  for (let nc = 0; nc < n * c; nc++) {
    let acc = reduce === 'mean' ? 0 : -Infinity;
    for (let i = 0; i < hw; i++) {
      const v = x.data[nc * hw + i];
      acc = reduce === 'mean' ? acc + v : Math.max(acc, v);
    }
    y.data[nc] = reduce === 'mean' ? acc / hw : acc;
  }
  return y;
}

export const globalAvgPool: RefKernel<ConcreteAttrs<'global_avg_pool'>> = ([x]) => [globalPool(x, 'mean')];
export const globalMaxPool: RefKernel<ConcreteAttrs<'global_max_pool'>> = ([x]) => [globalPool(x, 'max')];

export const directionalMean: RefKernel<ConcreteAttrs<'directional_mean'>> = ([x], a) => {
  const [n, c, h, w] = nchw(x);
  const at = (nc: number, i: number, j: number): number => x.data[(nc * h + i) * w + j];
  if (a.over === 'W') {
    const y = zeros([n, c, h, 1]);
    for (let nc = 0; nc < n * c; nc++) {
      for (let i = 0; i < h; i++) {
        let sum = 0;
        for (let j = 0; j < w; j++) sum += at(nc, i, j);
        y.data[nc * h + i] = sum / w;
      }
    }
    return [y];
  }
  const y = zeros([n, c, 1, w]);
  for (let nc = 0; nc < n * c; nc++) {
    for (let j = 0; j < w; j++) {
      let sum = 0;
      for (let i = 0; i < h; i++) sum += at(nc, i, j);
      y.data[nc * w + j] = sum / h;
    }
  }
  return [y];
};

export const channelReduce: RefKernel<ConcreteAttrs<'channel_reduce'>> = ([x], a) => {
  const [n, c, h, w] = nchw(x);
  const y = zeros([n, 1, h, w]);
  const hw = h * w;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < hw; i++) {
      let acc = a.reduce === 'mean' ? 0 : -Infinity;
      for (let ch = 0; ch < c; ch++) {
        const v = x.data[(b * c + ch) * hw + i];
        acc = a.reduce === 'mean' ? acc + v : Math.max(acc, v);
      }
      y.data[b * hw + i] = a.reduce === 'mean' ? acc / c : acc;
    }
  }
  return [y];
};

/** PyTorch's pooling output size along one axis (see the file comment). */
export function pooledSize(size: number, k: number, s: number, p: number, ceilMode: boolean): number {
  const span = size + 2 * p - k;
  let out = (ceilMode ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceilMode && (out - 1) * s >= size + p) out -= 1;
  // In ceil mode a window may be larger than the padded input (PyTorch clips it); out < 1 is an error.
  if (!(out >= 1)) {
    throw new CoordattnError('E_SHAPE', `pooling window ${k} leaves no output over ${size} + 2·${p} inputs`);
  }
  return out;
}

function windowPool(
  x: Tensor,
  a: ConcreteAttrs<'max_pool2d'>,
  reduce: 'max' | 'avg',
  countIncludePad = true,
): Tensor {
  const [n, c, h, w] = nchw(x);
  const [kh, kw] = a.kernel;
  const [sh, sw] = a.stride;
  const [ph, pw] = a.padding;
  const ho = pooledSize(h, kh, sh, ph, a.ceilMode);
  const wo = pooledSize(w, kw, sw, pw, a.ceilMode);
  const y = zeros([n, c, ho, wo]);
  for (let nc = 0; nc < n * c; nc++) {
    for (let i = 0; i < ho; i++) {
      const h0 = i * sh - ph;
      const h1 = Math.min(h0 + kh, h + ph);
      for (let j = 0; j < wo; j++) {
        const w0 = j * sw - pw;
        const w1 = Math.min(w0 + kw, w + pw);
        const [p0, p1, q0, q1] = [Math.max(h0, 0), Math.min(h1, h), Math.max(w0, 0), Math.min(w1, w)];
        let acc = reduce === 'max' ? -Infinity : 0;
        for (let p = p0; p < p1; p++) {
          for (let q = q0; q < q1; q++) {
            const v = x.data[(nc * h + p) * w + q];
            acc = reduce === 'max' ? Math.max(acc, v) : acc + v;
          }
        }
        const count = countIncludePad ? (h1 - h0) * (w1 - w0) : (p1 - p0) * (q1 - q0);
        y.data[(nc * ho + i) * wo + j] = reduce === 'max' ? acc : acc / count;
      }
    }
  }
  return y;
}

export const maxPool2d: RefKernel<ConcreteAttrs<'max_pool2d'>> = ([x], a) => [windowPool(x, a, 'max')];
export const avgPool2d: RefKernel<ConcreteAttrs<'avg_pool2d'>> = ([x], a) => [
  windowPool(x, a, 'avg', a.countIncludePad),
];
