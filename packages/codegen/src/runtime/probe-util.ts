/** Helpers of the probe scripts (*.bench.ts): seeded data and flattening gpu.js results. */
export { median } from '../stats.js';

/** n floats uniform in [-0.5, 0.5) from a linear congruential generator seeded with `seed`. */
export function rnd(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    a[i] = s / 4294967296 - 0.5;
  }
  return a;
}

/** Every number of a gpu.js result (typed arrays nested in arrays), in order. */
export function flat(v: unknown, out: number[] = []): number[] {
  if (ArrayBuffer.isView(v)) out.push(...(v as Float32Array));
  else if (Array.isArray(v)) for (const e of v) flat(e, out);
  return out;
}
