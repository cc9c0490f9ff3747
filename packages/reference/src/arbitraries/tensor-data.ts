import fc from 'fast-check';
import { numel } from './common.js';
import type { TensorOptions } from './types.js';

/** Steps per unit: values are i / 2^24 · m for integers |i| ≤ 2^24, then rounded to float32. */
const STEPS = 2 ** 24;
const MIN_MAGNITUDE = 2 ** -100;
const FLOAT32_MAX = 3.4028234663852886e38;

/** The largest float32 that is ≤ m (m positive and at most FLOAT32_MAX). */
function float32AtMost(m: number): number {
  const f = Math.fround(m);
  if (f <= m) return f;
  const bits = new Uint32Array(new Float32Array([f]).buffer);
  bits[0] -= 1;
  return new Float32Array(bits.buffer)[0];
}

/**
 * Tensor data of the given shape (row-major), every value exactly representable in float32, never
 * subnormal, NaN or infinite: uniform in [-magnitude, magnitude] (in (0, magnitude] with
 * `positive`), on a grid of 2^24 steps per magnitude. Values shrink towards 0 (towards the
 * smallest step when positive).
 */
export function tensorData(shape: readonly number[], opts: TensorOptions = {}): fc.Arbitrary<Float64Array> {
  const magnitude = opts.magnitude ?? 1;
  if (!(magnitude >= MIN_MAGNITUDE)) {
    throw new RangeError(`tensorData: magnitude must be at least 2^-100, got ${magnitude}`);
  }
  const m = float32AtMost(Math.min(magnitude, FLOAT32_MAX));
  const n = numel(shape);
  // |i| / 2^24 · m ≥ 2^-24 · 2^-100 > 2^-126 for i ≠ 0: no subnormals; rounding keeps |v| ≤ m.
  const value = fc
    .integer({ min: opts.positive ? 1 : -STEPS, max: STEPS })
    .map((i) => Math.fround((i / STEPS) * m) + 0);
  return fc.array(value, { minLength: n, maxLength: n }).map((a) => Float64Array.from(a));
}
