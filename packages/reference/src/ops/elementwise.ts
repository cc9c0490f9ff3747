/**
 * add, sub, mul and div with numpy broadcasting (shapes aligned on the right; each dim pair equal
 * or one of them 1), scale (multiply by a constant) and offset (add a constant).
 */
import { CoordattnError, type BinaryOpName } from '@coordattn/ir';
import { shapeText, stridesOf, zeros, type Tensor } from '../tensor.js';
import { map } from './activations.js';
import type { ConcreteAttrs, RefKernel } from './types.js';

/** The numpy broadcast shape of a and b, or an E_SHAPE error naming both. */
export function broadcastShape(a: readonly number[], b: readonly number[], op: string): number[] {
  const n = Math.max(a.length, b.length);
  const pa = [...Array<number>(n - a.length).fill(1), ...a];
  const pb = [...Array<number>(n - b.length).fill(1), ...b];
  return pa.map((x, i) => {
    const y = pb[i];
    if (x === y || y === 1) return x;
    if (x === 1) return y;
    throw new CoordattnError('E_SHAPE', `${op}: dims ${i} differ and neither is 1`, {
      shapes: [shapeText(a), shapeText(b)],
    });
  });
}

/** Elementwise f(a, b) over the broadcast shape: each output index reads a and b at the same index, with size-1 dims pinned to 0. */
export function broadcastBinary(
  a: Tensor,
  b: Tensor,
  f: (x: number, y: number) => number,
  op: string,
): Tensor {
  const shape = broadcastShape(a.shape, b.shape, op);
  const n = shape.length;
  const y = zeros(shape);
  // Strides of a and b in the output's rank; 0 where the input dim is missing or 1 (broadcast).
  const sa = stridesOf(a.shape);
  const sb = stridesOf(b.shape);
  const strideA = shape.map((_, i) => {
    const k = i - (n - a.shape.length);
    return k < 0 || a.shape[k] === 1 ? 0 : sa[k];
  });
  const strideB = shape.map((_, i) => {
    const k = i - (n - b.shape.length);
    return k < 0 || b.shape[k] === 1 ? 0 : sb[k];
  });
  const idx = new Array<number>(n).fill(0);
  for (let flat = 0; flat < y.data.length; flat++) {
    let ia = 0;
    let ib = 0;
    for (let d = 0; d < n; d++) {
      ia += idx[d] * strideA[d];
      ib += idx[d] * strideB[d];
    }
    y.data[flat] = f(a.data[ia], b.data[ib]);
    // Advance the multi-index in row-major order.
    for (let d = n - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return y;
}

/** The scalar function of each binary op (float64; a / 0 follows IEEE: ±Infinity or NaN). */
export const BINARY_FNS: Readonly<Record<BinaryOpName, (x: number, y: number) => number>> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
};

function binary<K extends BinaryOpName>(op: K): RefKernel<ConcreteAttrs<K>> {
  return ([a, b]) => [broadcastBinary(a, b, BINARY_FNS[op], op)];
}

export const add = binary('add');
export const sub = binary('sub');
export const mul = binary('mul');
export const div = binary('div');

export const scale: RefKernel<ConcreteAttrs<'scale'>> = ([x], a) => [map(x, (v) => v * a.factor)];

export const offset: RefKernel<ConcreteAttrs<'offset'>> = ([x], a) => [map(x, (v) => v + a.value)];
