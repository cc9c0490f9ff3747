import fc from 'fast-check';
import { numel } from './common.js';
import type { OpCase, TensorOptions } from './types.js';

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
 * `positive`; with `minMagnitude` m, |value| ≥ m), on a grid of 2^24 steps per magnitude. Values
 * shrink towards 0 (towards the smallest step, or ±m, when positive or bounded away from 0).
 */
export function tensorData(shape: readonly number[], opts: TensorOptions = {}): fc.Arbitrary<Float64Array> {
  const magnitude = opts.magnitude ?? 1;
  if (!(magnitude >= MIN_MAGNITUDE)) {
    throw new RangeError(`tensorData: magnitude must be at least 2^-100, got ${magnitude}`);
  }
  const m = float32AtMost(Math.min(magnitude, FLOAT32_MAX));
  const n = numel(shape);
  // |i| / 2^24 · m ≥ 2^-24 · 2^-100 > 2^-126 for i ≠ 0: no subnormals; rounding keeps |v| ≤ m.
  const at = (i: number): number => Math.fround((i / STEPS) * m) + 0;
  let value: fc.Arbitrary<number>;
  if (opts.minMagnitude === undefined) {
    value = fc.integer({ min: opts.positive ? 1 : -STEPS, max: STEPS }).map(at);
  } else {
    if (!(opts.minMagnitude > 0 && opts.minMagnitude <= m)) {
      throw new RangeError(`tensorData: minMagnitude must be in (0, ${m}], got ${opts.minMagnitude}`);
    }
    // The smallest step whose value is at least minMagnitude (fround may round a step down).
    let lo = Math.ceil((opts.minMagnitude / m) * STEPS);
    while (at(lo) < opts.minMagnitude) lo++;
    const mag = fc.integer({ min: lo, max: STEPS }).map(at);
    value = opts.positive ? mag : fc.tuple(mag, fc.boolean()).map(([v, neg]) => (neg ? -v : v));
  }
  return fc.array(value, { minLength: n, maxLength: n }).map((a) => Float64Array.from(a));
}

/** Data for each input of a case: the caller's options, overridden by the case's `inputData`. */
export function caseData(c: OpCase, defaults: TensorOptions = {}): fc.Arbitrary<Float64Array[]> {
  return fc.tuple(...c.inputs.map((s, i) => tensorData(s, { ...defaults, ...c.inputData?.[i] })));
}
