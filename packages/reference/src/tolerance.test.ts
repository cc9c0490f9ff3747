import { describe, expect, it } from 'vitest';
import { tensor } from './tensor.js';
import { assertClose, compare, FLOAT32_TOLERANCE, FLOAT64_TOLERANCE, float32Tolerance } from './tolerance.js';

describe('tolerance rule |y − ref| ≤ atol + rtol·|ref|, atol = 1e-6·max|ref|', () => {
  const ref = tensor([3], [100, -1, 0]); // atol = 1e-4

  it('passes on the boundary and fails just past it', () => {
    // bounds: 1e-4 + 1e-3, 1e-4 + 1e-5, 1e-4.
    expect(compare(tensor([3], [100.0011, -1, 0]), ref).pass).toBe(true);
    expect(compare(tensor([3], [100, -1.000109, 0]), ref).pass).toBe(true);
    expect(compare(tensor([3], [100, -1, 0.0000999]), ref).pass).toBe(true);
    const c = compare(tensor([3], [100, -1, 0.0002]), ref);
    expect(c.pass).toBe(false);
    expect(c.failures).toBe(1);
    expect(c.worstIndex).toBe(2);
    expect(c.worstRatio).toBeCloseTo(2, 10);
    expect(c.maxAbsError).toBeCloseTo(0.0002, 15);
    expect(FLOAT64_TOLERANCE).toEqual({ rtol: 1e-5, atolScale: 1e-6 });
    expect(compare(tensor([3], [100.009, -1, 0]), ref, FLOAT32_TOLERANCE).pass).toBe(true);
  });

  it('fails on NaN and on a shape mismatch', () => {
    expect(compare(tensor([3], [NaN, -1, 0]), ref).pass).toBe(false);
    expect(compare(tensor([3], [Infinity, -1, 0]), ref).pass).toBe(false);
    expect(() => compare(tensor([1, 3], [100, -1, 0]), ref)).toThrow(/E_SHAPE.*\[1,3\] vs \[3\]/);
    expect(() => assertClose(tensor([3], [0, 0, 0]), ref, FLOAT64_TOLERANCE, 'y')).toThrow(
      /E_EVAL: y: OUTSIDE tolerance .* 2\/3 elements fail/,
    );
  });

  it('an all-zero reference needs an exact match', () => {
    expect(compare(tensor([2], [0, 0]), tensor([2], [0, 0])).pass).toBe(true);
    expect(compare(tensor([2], [0, 1e-300]), tensor([2], [0, 0])).pass).toBe(false);
  });

  it('float32Tolerance grows with the square root of the reduction length past 1024 terms', () => {
    expect(float32Tolerance(1)).toEqual(FLOAT32_TOLERANCE);
    expect(float32Tolerance(1024)).toEqual(FLOAT32_TOLERANCE);
    expect(float32Tolerance(4096).rtol).toBeCloseTo(2e-4, 15);
    expect(float32Tolerance(4096).atolScale).toBeCloseTo(2e-6, 15);
    expect(float32Tolerance(112 * 112).rtol).toBeCloseTo(1e-4 * Math.sqrt(12544 / 1024), 15);
  });
});
