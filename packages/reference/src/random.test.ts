import { describe, expect, it } from 'vitest';
import { hashSeed, mulberry32, Rng, uniformTensor } from './random.js';

describe('seeded PRNG', () => {
  it('mulberry32 gives a fixed stream per seed (frozen values: platform-independent)', () => {
    const r = mulberry32(1);
    const first = [r(), r(), r()];
    expect(first).toEqual(FROZEN);
    const again = mulberry32(1);
    expect([again(), again(), again()]).toEqual(first);
    expect(mulberry32(2)()).not.toBe(first[0]);
  });

  it('uniforms lie in [lo, hi) and normals have the right moments', () => {
    const rng = new Rng(42);
    const u = rng.uniforms(20000, -2, 3);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(3);
    const z = new Rng(7).normals(40000, 1, 2);
    const mean = z.reduce((s, v) => s + v, 0) / z.length;
    const sd = Math.sqrt(z.reduce((s, v) => s + (v - mean) ** 2, 0) / z.length);
    expect(mean).toBeCloseTo(1, 1);
    expect(sd).toBeCloseTo(2, 1);
  });

  it('hashSeed separates names and seeds', () => {
    expect(hashSeed(1, 'a.weight')).not.toBe(hashSeed(1, 'b.weight'));
    expect(hashSeed(1, 'a.weight')).not.toBe(hashSeed(2, 'a.weight'));
    expect(hashSeed(1, 'a.weight')).toBe(hashSeed(1, 'a.weight'));
  });

  it('uniformTensor: float32-exact values in [−m, m), the stream of Rng(seed)', () => {
    const t = uniformTensor([2, 3], 5, 4);
    const rng = new Rng(5);
    expect(t.shape).toEqual([2, 3]);
    expect(Array.from(t.data)).toEqual(Array.from({ length: 6 }, () => Math.fround(rng.uniform(-4, 4))));
    expect(t.data.every((v) => v >= -4 && v < 4 && Math.fround(v) === v)).toBe(true);
  });
});

// The widely published first outputs of mulberry32(1).
const FROZEN = [0.6270739405881613, 0.002735721180215478, 0.5274470399599522];
