/**
 * The reference tensor: a row-major (C order) float64 array with its shape. NCHW for feature maps,
 * [N, F] after flatten. A shape of [] is a scalar (one element).
 */
import { CoordattnError } from '@coordattn/ir';

export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** Number of elements of a shape (1 for a scalar). */
export function numel(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** A tensor from a shape and data (copied into a Float64Array); checks that the sizes agree. */
export function tensor(shape: readonly number[], data?: ArrayLike<number>): Tensor {
  shape.forEach((d, i) => {
    if (!Number.isInteger(d) || d < 0) {
      throw new CoordattnError('E_SHAPE', `dim ${i} of ${shapeText(shape)} is not a non-negative integer`);
    }
  });
  const n = numel(shape);
  if (data === undefined) return { shape: [...shape], data: new Float64Array(n) };
  if (data.length !== n) {
    throw new CoordattnError(
      'E_SHAPE',
      `shape ${shapeText(shape)} has ${n} elements, data has ${data.length}`,
    );
  }
  return { shape: [...shape], data: Float64Array.from(data) };
}

export function zeros(shape: readonly number[]): Tensor {
  return tensor(shape);
}
