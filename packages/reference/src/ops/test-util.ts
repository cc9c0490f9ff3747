/** Helpers shared by the reference package's tests (not exported from the package). */
import { tensor, type Tensor } from '../tensor.js';

/**
 * Fast-check settings: seed from FC_SEED (default 20261122, as elsewhere in the repo), runs from
 * FC_RUNS (default given per test).
 */
export const FC_SEED = Number(process.env.FC_SEED ?? 20261122);
export function fcParams(defaultRuns: number): { seed: number; numRuns: number } {
  const runs = process.env.FC_RUNS === undefined ? defaultRuns : Number(process.env.FC_RUNS);
  return { seed: FC_SEED, numRuns: Math.max(1, runs) };
}

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
