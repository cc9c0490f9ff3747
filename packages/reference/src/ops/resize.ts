/**
 * Bilinear resize, PyTorch's `upsample_bilinear2d` with `align_corners=False` and an explicit
 * output size (aten/src/ATen/native/UpSample.h: `area_pixel_compute_source_index`,
 * `guard_index_and_lambda`): along each spatial axis of input length L and output length Lo the
 * output index i reads the source coordinate s = (i + 0.5)·L/Lo − 0.5, clamped to 0 when negative,
 * from i0 = floor(s) and i1 = min(i0 + 1, L − 1) with weights 1 − λ and λ, λ = s − i0. The two axes
 * combine as the product of their weights. In float64 (PyTorch computes in float32).
 */
import { nchw, type ConcreteAttrs, type RefKernel } from './types.js';
import { zeros } from '../tensor.js';

interface Tap {
  readonly i0: number;
  readonly i1: number;
  readonly l0: number;
  readonly l1: number;
}

/** The two source indices and weights of every output index along one axis. */
export function bilinearTaps(len: number, outLen: number): Tap[] {
  const scale = len / outLen;
  const taps: Tap[] = [];
  for (let i = 0; i < outLen; i++) {
    const s = Math.max((i + 0.5) * scale - 0.5, 0);
    const i0 = Math.min(Math.floor(s), len - 1);
    const i1 = i0 < len - 1 ? i0 + 1 : i0;
    const l1 = s - i0;
    taps.push({ i0, i1, l0: 1 - l1, l1 });
  }
  return taps;
}

export const resize: RefKernel<ConcreteAttrs<'resize'>> = ([x], a) => {
  const [n, c, h, w] = nchw(x);
  const [ho, wo] = a.size;
  const ys = bilinearTaps(h, ho);
  const xs = bilinearTaps(w, wo);
  const y = zeros([n, c, ho, wo]);
  for (let p = 0; p < n * c; p++) {
    const src = p * h * w;
    const dst = p * ho * wo;
    for (let i = 0; i < ho; i++) {
      const ty = ys[i];
      const r0 = src + ty.i0 * w;
      const r1 = src + ty.i1 * w;
      for (let j = 0; j < wo; j++) {
        const tx = xs[j];
        const top = tx.l0 * x.data[r0 + tx.i0] + tx.l1 * x.data[r0 + tx.i1];
        const bottom = tx.l0 * x.data[r1 + tx.i0] + tx.l1 * x.data[r1 + tx.i1];
        y.data[dst + i * wo + j] = ty.l0 * top + ty.l1 * bottom;
      }
    }
  }
  return [y];
};
