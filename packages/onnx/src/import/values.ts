/**
 * Values while importing: constants (float data, or integer data as `Dim`s so that torch's
 * Shape → Gather → Concat → Reshape chains fold even with a symbolic batch) and dynamic tensors
 * (a pending-graph output with its shape).
 */
import { CoordattnError, Dim, type Shape } from '@coordattn/ir';
import type { PRef } from './pending.js';
import { shapeOf } from './pending.js';
import { numel } from '@coordattn/reference/tensor';
import { LIMITS } from './proto.js';

export type Val =
  | {
      readonly kind: 'float';
      readonly shape: readonly number[];
      readonly data: Float32Array;
      readonly key?: string;
    }
  | { readonly kind: 'int'; readonly shape: readonly number[]; readonly data: readonly Dim[] }
  | { readonly kind: 'dyn'; readonly ref: PRef };

export function valShape(v: Val): Shape {
  return v.kind === 'dyn' ? shapeOf(v.ref) : v.shape.map((d) => Dim.const(d));
}

/** Checks a folded constant's size before it is allocated. */
export function checkConstSize(shape: readonly number[], where: string): void {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new CoordattnError('E_ONNX', `constant dim ${d} is not a non-negative integer`, { path: where });
    }
    n *= d;
    if (n > LIMITS.elements) {
      throw new CoordattnError('E_ONNX', `a constant of ${shape.join('×')} elements is too large`, {
        path: where,
        expected: `at most ${LIMITS.elements} elements`,
      });
    }
  }
}

/**
 * Elements that constant folding may create in one import, beyond the data the file holds
 * (`ConstantOfShape`, broadcasting arithmetic and gathers make new constants). A file that folds more
 * is rejected, so a small hostile file cannot make the importer allocate gigabytes.
 */
export const FOLD_BUDGET = 2 ** 26;

export class ConstBudget {
  private left: number;
  constructor(readonly limit: number = FOLD_BUDGET) {
    this.left = limit;
  }

  /** Checks a folded constant's shape and charges its elements to the budget. */
  take(shape: readonly number[], where: string): void {
    checkConstSize(shape, where);
    this.left -= numel(shape);
    if (this.left < 0) {
      throw new CoordattnError('E_ONNX', `constant folding would create more than ${this.limit} elements`, {
        path: where,
        expected: 'shape arithmetic on small constants',
      });
    }
  }
}

/** Concrete integers of an int constant (E_UNSUPPORTED naming `what` if an entry is symbolic). */
export function concreteInts(v: Val, what: string, where: string): number[] {
  if (v.kind === 'float') {
    return Array.from(v.data, (x) => {
      if (!Number.isInteger(x))
        throw new CoordattnError('E_ONNX', `${what} holds a non-integer ${x}`, { path: where });
      return x;
    });
  }
  if (v.kind !== 'int') {
    throw new CoordattnError(
      'E_UNSUPPORTED',
      `${what} must be a constant (an initializer or folded from constants)`,
      {
        path: where,
      },
    );
  }
  return v.data.map((d, i) => {
    const n = d.toInt();
    if (n === undefined) {
      throw new CoordattnError('E_UNSUPPORTED', `${what}[${i}] is symbolic (${d.toString()})`, {
        path: where,
        expected: 'a concrete value: bind the symbol with --dim or --batch',
      });
    }
    return n;
  });
}

/** Generic gather of a constant's elements into a new shape by a multi-index map. */
export function remap<T>(
  src: ArrayLike<T>,
  outShape: readonly number[],
  index: (outIdx: readonly number[]) => number,
  make: (n: number) => { set(i: number, v: T): void; result(): unknown },
): unknown {
  const n = numel(outShape);
  const sink = make(n);
  const idx = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < n; i++) {
    sink.set(i, src[index(idx)]);
    for (let a = outShape.length - 1; a >= 0; a--) {
      if (++idx[a] < outShape[a]) break;
      idx[a] = 0;
    }
  }
  return sink.result();
}

/** A constant's data re-indexed (transpose, gather, slice) into a new constant of the same kind. */
export function reindex(
  v: Val,
  outShape: readonly number[],
  index: (outIdx: readonly number[]) => number,
): Val {
  if (v.kind === 'float') {
    const out = new Float32Array(numel(outShape));
    remap(v.data, outShape, index, () => ({ set: (i, x) => (out[i] = x), result: () => out }));
    return { kind: 'float', shape: outShape, data: out };
  }
  if (v.kind === 'int') {
    const out = new Array<Dim>(numel(outShape));
    remap(v.data, outShape, index, () => ({ set: (i, x) => (out[i] = x), result: () => out }));
    return { kind: 'int', shape: outShape, data: out };
  }
  throw new Error('reindex of a dynamic value');
}
