/**
 * A small seeded PRNG for reproducible weights and test data: mulberry32 (32-bit state, period
 * 2^32, good enough for initialisation and tests, not for cryptography) for uniforms and
 * Box-Muller for normals. The same seed gives the same stream on every platform: all arithmetic is
 * 32-bit integer (Math.imul, >>>) except the final division by 2^32 and Box-Muller's log/cos/sin.
 */

import { tensor, type Tensor } from './tensor.js';

/** mulberry32: a uniform in [0, 1) per call. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a hash of a string mixed with a seed: derives an independent stream per name. */
export function hashSeed(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export class Rng {
  private readonly next: () => number;
  private spare: number | undefined;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** Uniform in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }

  /** Normal N(mean, std²) by Box-Muller; the second value of each pair is kept for the next call. */
  normal(mean = 0, std = 1): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return mean + std * z;
    }
    const u1 = 1 - this.next(); // (0, 1]: log(u1) is finite
    const u2 = this.next();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return mean + std * r * Math.cos(2 * Math.PI * u2);
  }

  /** A Float64Array of n normals. */
  normals(n: number, mean = 0, std = 1): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal(mean, std);
    return out;
  }

  /** A Float64Array of n uniforms in [lo, hi). */
  uniforms(n: number, lo = 0, hi = 1): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.uniform(lo, hi);
    return out;
  }
}

/** A tensor of float32-exact uniforms in [−magnitude, magnitude) from the stream of `seed`. */
export function uniformTensor(shape: readonly number[], seed: number, magnitude = 1): Tensor {
  const t = tensor(shape);
  const rng = new Rng(seed);
  for (let i = 0; i < t.data.length; i++) t.data[i] = Math.fround(rng.uniform(-magnitude, magnitude));
  return t;
}
