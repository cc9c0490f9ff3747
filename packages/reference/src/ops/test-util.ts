/** Helpers shared by the reference package's tests (not exported from the package). */
import { tensor, type Tensor } from '../tensor.js';

/** 1, 2, 3, … in row-major order. */
export function iota(shape: readonly number[], start = 1): Tensor {
  const t = tensor(shape);
  t.data.forEach((_, i) => (t.data[i] = start + i));
  return t;
}

/** Plain nested-array view of a tensor's data for readable expectations. */
export function values(t: Tensor): number[] {
  return Array.from(t.data);
}
