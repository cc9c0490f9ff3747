/** Shape building blocks shared by the case generators. */
import fc from 'fast-check';
import type { CaseOptions } from './types.js';

export interface Limits {
  readonly maxBatch: number;
  readonly maxSpatial: number;
  readonly maxChannels: number;
  readonly large: boolean;
}

export function limits(o: CaseOptions = {}): Limits {
  const atLeast1 = (v: number | undefined, d: number): number => Math.max(1, Math.floor(v ?? d));
  return {
    maxBatch: atLeast1(o.maxBatch, 3),
    maxSpatial: atLeast1(o.maxSpatial, 9),
    maxChannels: atLeast1(o.maxChannels, 12),
    large: o.large ?? false,
  };
}

/** An integer in [min, max(min, max)]. */
export const int = (min: number, max: number): fc.Arbitrary<number> =>
  fc.integer({ min, max: Math.max(min, max) });

export const batch = (l: Limits): fc.Arbitrary<number> => int(1, l.maxBatch);
export const channels = (l: Limits): fc.Arbitrary<number> => int(1, l.maxChannels);
export const spatial = (l: Limits, min = 1): fc.Arbitrary<number> => int(min, l.maxSpatial);

/** [N, C, H, W] with H and W drawn independently. */
export const nchw = (l: Limits): fc.Arbitrary<number[]> =>
  fc.tuple(batch(l), channels(l), spatial(l), spatial(l)).map((s) => [...s]);

/** A shape of rank minRank..maxRank (1..4): [L], [N, F], [N, C, L] or [N, C, H, W]. */
export function shapeOfRank(l: Limits, rank: number): fc.Arbitrary<number[]> {
  switch (rank) {
    case 1:
      return spatial(l).map((d) => [d]);
    case 2:
      return fc.tuple(batch(l), channels(l)).map((s) => [...s]);
    case 3:
      return fc.tuple(batch(l), channels(l), spatial(l)).map((s) => [...s]);
    default:
      return nchw(l);
  }
}

export function anyShape(l: Limits, minRank = 1, maxRank = 4): fc.Arbitrary<number[]> {
  return int(minRank, maxRank).chain((r) => shapeOfRank(l, r));
}

/** true, false or left out (the schema default). */
export const optionalBool = fc.constantFrom<boolean | undefined>(true, false, undefined);

/** An [h, w] attribute: a bare number when square (sometimes), else a pair. */
export function pair(h: number, w: number, bare: boolean): number | [number, number] {
  return h === w && bare ? h : [h, w];
}

/** Attributes without the keys whose value is undefined (left to the schema's defaults). */
export function attrs(a: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined));
}

export const numel = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);

/** Prime factors of a positive integer, smallest first (1 has none). */
export function primeFactors(n: number): number[] {
  const out: number[] = [];
  let m = n;
  for (let p = 2; p * p <= m; p++) {
    while (m % p === 0) {
      out.push(p);
      m /= p;
    }
  }
  if (m > 1) out.push(m);
  return out;
}

/** Floor of (size + 2p − d(k − 1) − 1) / s + 1: conv2d's output size along one axis. */
export const convOut = (size: number, k: number, s: number, p: number, d: number): number =>
  Math.floor((size + 2 * p - d * (k - 1) - 1) / s) + 1;

/** Escapes a string for use inside a RegExp. */
export const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `[1,2,3]`, as the IR prints a concrete shape. */
export const shapeStr = (s: readonly number[]): string => `[${s.join(',')}]`;
