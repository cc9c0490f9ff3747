/**
 * Data movement (no arithmetic): concat, split (one output per piece), slice (one strided piece,
 * `end` clamped to the dim), permute, reshape and
 * flatten (row-major reinterpretation, so a copy of the data with a new shape), dropout (identity
 * at inference).
 */
import { CoordattnError } from '@coordattn/ir';
import { numel, shapeText, stridesOf, zeros, type Tensor } from '../tensor.js';
import type { ConcreteAttrs, RefKernel } from './types.js';

/** Sizes before the axis (outer), along it, and after it (inner) in row-major order. */
function around(shape: readonly number[], axis: number): { outer: number; inner: number } {
  if (axis < 0 || axis >= shape.length) {
    throw new CoordattnError('E_ATTR', `axis ${axis} is out of range for rank ${shape.length}`);
  }
  return { outer: numel(shape.slice(0, axis)), inner: numel(shape.slice(axis + 1)) };
}

export const concat: RefKernel<ConcreteAttrs<'concat'>> = (xs, a) => {
  const first = xs[0];
  xs.forEach((x, k) => {
    const ok =
      x.shape.length === first.shape.length && x.shape.every((d, i) => i === a.axis || d === first.shape[i]);
    if (!ok) {
      throw new CoordattnError('E_SHAPE', `concat: inputs 0 and ${k} differ off axis ${a.axis}`, {
        shapes: [shapeText(first.shape), shapeText(x.shape)],
      });
    }
  });
  const total = xs.reduce((s, x) => s + x.shape[a.axis], 0);
  const shape = first.shape.map((d, i) => (i === a.axis ? total : d));
  const { outer, inner } = around(shape, a.axis);
  const y = zeros(shape);
  let offset = 0; // position along the axis where the current input starts
  for (const x of xs) {
    const len = x.shape[a.axis];
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < len * inner; k++)
        y.data[(o * total + offset) * inner + k] = x.data[o * len * inner + k];
    }
    offset += len;
  }
  return [y];
};

/** Elements start, start + step, … (len of them) along the axis: one piece of a split or a slice. */
function strided(x: Tensor, axis: number, start: number, step: number, len: number): Tensor {
  const { outer, inner } = around(x.shape, axis);
  const total = x.shape[axis];
  const y = zeros(x.shape.map((d, i) => (i === axis ? len : d)));
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < len; k++) {
      const src = (o * total + start + k * step) * inner;
      y.data.set(x.data.subarray(src, src + inner), (o * len + k) * inner);
    }
  }
  return y;
}

export const split: RefKernel<ConcreteAttrs<'split'>> = ([x], a) => {
  around(x.shape, a.axis);
  const total = x.shape[a.axis];
  const sum = a.sizes.reduce((s, d) => s + d, 0);
  if (sum !== total) {
    throw new CoordattnError('E_SHAPE', `split sizes [${a.sizes.join(',')}] do not sum to dim ${a.axis}`, {
      shapes: [shapeText(x.shape)],
    });
  }
  let offset = 0;
  return a.sizes.map((len) => {
    const y = strided(x, a.axis, offset, 1, len);
    offset += len;
    return y;
  });
};

export const slice: RefKernel<ConcreteAttrs<'slice'>> = ([x], a) => {
  around(x.shape, a.axis);
  const total = x.shape[a.axis];
  const len = Math.ceil((Math.min(a.end, total) - a.start) / a.step);
  if (!(len >= 1)) {
    throw new CoordattnError('E_SHAPE', `slice start ${a.start} is not inside dim ${a.axis}`, {
      shapes: [shapeText(x.shape)],
    });
  }
  return [strided(x, a.axis, a.start, a.step, len)];
};

export const permute: RefKernel<ConcreteAttrs<'permute'>> = ([x], a) => {
  const rank = x.shape.length;
  const sorted = [...a.perm].sort((p, q) => p - q);
  if (a.perm.length !== rank || sorted.some((v, i) => v !== i)) {
    throw new CoordattnError('E_ATTR', `perm [${a.perm.join(',')}] is not a permutation of ${rank} axes`);
  }
  const shape = a.perm.map((p) => x.shape[p]);
  const inStrides = stridesOf(x.shape);
  // Output axis d walks input axis perm[d].
  const strides = a.perm.map((p) => inStrides[p]);
  const y = zeros(shape);
  const idx = new Array<number>(rank).fill(0);
  for (let flat = 0; flat < y.data.length; flat++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += idx[d] * strides[d];
    y.data[flat] = x.data[src];
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return [y];
};

function reinterpret(x: Tensor, shape: readonly number[]): Tensor {
  if (numel(shape) !== x.data.length) {
    throw new CoordattnError('E_SHAPE', 'reshape changes the number of elements', {
      shapes: [shapeText(x.shape), shapeText(shape)],
    });
  }
  return { shape: [...shape], data: x.data.slice() };
}

export const reshape: RefKernel<ConcreteAttrs<'reshape'>> = ([x], a) => [reinterpret(x, a.shape)];

export const flatten: RefKernel<ConcreteAttrs<'flatten'>> = ([x], a) => {
  if (a.startDim >= x.shape.length) {
    throw new CoordattnError('E_ATTR', `startDim ${a.startDim} is out of range for rank ${x.shape.length}`);
  }
  return [reinterpret(x, [...x.shape.slice(0, a.startDim), numel(x.shape.slice(a.startDim))])];
};

export const dropout: RefKernel<ConcreteAttrs<'dropout'>> = ([x]) => [reinterpret(x, x.shape)];
