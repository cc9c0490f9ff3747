/**
 * The project's one comparison rule for numerical results against a reference:
 *
 *   |y − ref| ≤ atol + rtol · |ref|   elementwise,   atol = atolScale · max|ref|
 *
 * The absolute part scales with the reference's magnitude, so values that are near zero only
 * because of cancellation are judged relative to the tensor they belong to, not to themselves.
 * Defaults (see the golden fixtures' README): a float64 implementation meets rtol 1e-5 on every
 * fixture (`FLOAT64_TOLERANCE`); float32 kernels meet rtol 1e-4 (`FLOAT32_TOLERANCE`); atolScale
 * is 1e-6 in both. Shapes must be equal; a NaN or infinity where the reference is finite fails.
 */
import { CoordattnError } from '@coordattn/ir';
import { sameShape, shapeText, type Tensor } from './tensor.js';

export interface Tolerance {
  /** Relative tolerance. */
  readonly rtol: number;
  /** atol = atolScale · max|ref|. */
  readonly atolScale: number;
}

export const FLOAT64_TOLERANCE: Tolerance = { rtol: 1e-5, atolScale: 1e-6 };
export const FLOAT32_TOLERANCE: Tolerance = { rtol: 1e-4, atolScale: 1e-6 };

/**
 * Whole float32 networks against a float32 framework (PyTorch): rounding compounds over ~50 layers,
 * and a logit that cancels to near zero carries the error of its large terms. Calibrated on the
 * ONNX test data: onnxruntime and PyTorch, two independent float32 runtimes, differ by up to
 * 6.3e-6·max|ref| on MobileNetV2 0.35 (64×64, 10 logits; printed by `npx vitest run
 * src/import/import.test.ts -t calibrated` in packages/onnx); atolScale 1e-5 admits that and nothing
 * much larger (a network with one activation changed fails by orders of magnitude).
 */
export const FLOAT32_NETWORK_TOLERANCE: Tolerance = { rtol: 1e-4, atolScale: 1e-5 };

/** Reduction length up to which a float32 kernel keeps FLOAT32_TOLERANCE unchanged. */
export const FLOAT32_BASE_REDUCTION = 1024;

/**
 * The tolerance of a float32 kernel whose output elements each accumulate `reduction` terms:
 * rtol = 1e-4 · max(1, √(reduction / 1024)), atolScale 1e-6 · the same factor. A float32 sum of L
 * terms has a rounding error that grows like √L·u·Σ|terms| for independent roundings (u = 2^-24),
 * so the allowance grows with √L beyond 1024 terms (e.g. 3.5× at a 112×112 global pool).
 */
export function float32Tolerance(reduction: number): Tolerance {
  const f = Math.max(1, Math.sqrt(reduction / FLOAT32_BASE_REDUCTION));
  return { rtol: FLOAT32_TOLERANCE.rtol * f, atolScale: FLOAT32_TOLERANCE.atolScale * f };
}

export interface Comparison {
  readonly pass: boolean;
  readonly count: number;
  /** Elements outside the tolerance. */
  readonly failures: number;
  readonly maxAbsError: number;
  /** max over elements of |y − ref| / (atol + rtol·|ref|): ≤ 1 passes. */
  readonly worstRatio: number;
  /** Flat index of the element with the worst ratio (−1 when empty). */
  readonly worstIndex: number;
  readonly atol: number;
  readonly maxAbsRef: number;
  readonly tolerance: Tolerance;
}

/** Compares y to ref with the rule above. Throws E_SHAPE when the shapes differ. */
export function compare(y: Tensor, ref: Tensor, tol: Tolerance = FLOAT64_TOLERANCE): Comparison {
  if (!sameShape(y.shape, ref.shape)) {
    throw new CoordattnError('E_SHAPE', 'compared tensors have different shapes', {
      shapes: [shapeText(y.shape), shapeText(ref.shape)],
    });
  }
  let maxAbsRef = 0;
  for (const v of ref.data) maxAbsRef = Math.max(maxAbsRef, Math.abs(v));
  const atol = tol.atolScale * maxAbsRef;
  let failures = 0;
  let maxAbsError = 0;
  let worstRatio = 0;
  let worstIndex = ref.data.length > 0 ? 0 : -1;
  for (let i = 0; i < ref.data.length; i++) {
    const err = Math.abs(y.data[i] - ref.data[i]);
    const bound = atol + tol.rtol * Math.abs(ref.data[i]);
    // NaN compares false: a NaN error (or NaN output) is a failure with an infinite ratio.
    const ok = err <= bound;
    const ratio = Number.isNaN(err) ? Infinity : bound > 0 ? err / bound : err === 0 ? 0 : Infinity;
    if (!ok) failures++;
    if (!Number.isNaN(err)) maxAbsError = Math.max(maxAbsError, err);
    else maxAbsError = NaN;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worstIndex = i;
    }
  }
  return {
    pass: failures === 0,
    count: ref.data.length,
    failures,
    maxAbsError,
    worstRatio,
    worstIndex,
    atol,
    maxAbsRef,
    tolerance: tol,
  };
}

/** One line describing a comparison (for test messages and reports). */
export function describeComparison(c: Comparison, what = 'result'): string {
  return (
    `${what}: ${c.pass ? 'within' : 'OUTSIDE'} tolerance (rtol ${c.tolerance.rtol}, atol ${c.atol.toExponential(3)}): ` +
    `max |err| ${c.maxAbsError.toExponential(3)}, worst ratio ${c.worstRatio.toFixed(4)} at ${c.worstIndex}, ` +
    `${c.failures}/${c.count} elements fail`
  );
}

/** Throws E_EVAL with describeComparison's text when y is not within tolerance of ref. */
export function assertClose(
  y: Tensor,
  ref: Tensor,
  tol: Tolerance = FLOAT64_TOLERANCE,
  what = 'result',
): Comparison {
  const c = compare(y, ref, tol);
  if (!c.pass) throw new CoordattnError('E_EVAL', describeComparison(c, what));
  return c;
}
