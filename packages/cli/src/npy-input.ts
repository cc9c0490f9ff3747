/**
 * `coordattn run --input`: an .npy array of any numeric dtype (float16/32/64, int8…int64,
 * uint8…uint64, bool), either byte order, C or Fortran order, as the float32 the kernels read.
 * What changed on the way is said on stderr (a note), and so are NaN and infinite values (a
 * warning), which would otherwise run through the model unnoticed.
 */
import { readNpyArray, type NpyArray } from '@coordattn/reference';
import type { Io } from './io.js';

/** An input array as the kernels take it: float32, C order. */
export interface InputArray {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** `[i, j, k]`: the multi-index of flat (C order) index `flat` in `shape`. */
export function indexText(shape: readonly number[], flat: number): string {
  const idx: number[] = [];
  let rest = flat;
  for (let k = shape.length - 1; k >= 0; k--) {
    idx.unshift(rest % shape[k]);
    rest = Math.floor(rest / shape[k]);
  }
  return `[${idx.join(',')}]`;
}

const FLOAT32_EXACT_INT = 2 ** 24;

/** The note on what converting `a` to float32 did, or undefined for a plain float32 C-order array. */
export function conversionNote(file: string, a: NpyArray): string | undefined {
  const layout = [a.bigEndian ? 'big-endian' : '', a.fortranOrder ? 'Fortran order' : '']
    .filter((s) => s !== '')
    .join(', ');
  if (a.dtype === 'float32' && layout === '') return undefined;
  const what = `${file}: ${a.dtype}${layout ? ` (${layout})` : ''}`;
  if (a.dtype === 'float32') return `note: ${what} read into C order; values unchanged`;
  if (a.dtype === 'bool') return `note: ${what} converted to float32 (False = 0, True = 1)`;
  // What rounding to float32 changed: how many values, the largest change, the first one.
  let changed = 0;
  let overflow = 0;
  let maxChange = 0;
  let first = -1;
  for (let i = 0; i < a.data.length; i++) {
    const v = a.data[i];
    const f = a.float32[i];
    if (Number.isNaN(v) || v === f) continue;
    if (Number.isFinite(v) && !Number.isFinite(f)) overflow++;
    else {
      changed++;
      maxChange = Math.max(maxChange, Math.abs(f - v));
    }
    if (first < 0) first = i;
  }
  const isInt = a.dtype.startsWith('int') || a.dtype.startsWith('uint');
  if (changed === 0 && overflow === 0) return `note: ${what} converted to float32 (every value exactly)`;
  const parts: string[] = [];
  if (changed > 0) {
    parts.push(
      isInt
        ? `${changed} value(s) beyond ±2^24 (${FLOAT32_EXACT_INT}) lost precision (largest change ${maxChange.toExponential(2)})`
        : `${changed} value(s) rounded (largest change ${maxChange.toExponential(2)})`,
    );
  }
  if (overflow > 0) parts.push(`${overflow} value(s) beyond float32's range became ±Infinity`);
  return `note: ${what} converted to float32: ${parts.join('; ')}; the first at ${indexText(a.shape, first)}`;
}

/** The warning for NaN and infinite values in the float32 data, or undefined when all are finite. */
export function nonFiniteWarning(
  file: string,
  shape: readonly number[],
  data: Float32Array,
): string | undefined {
  let nan = 0;
  let inf = 0;
  let first = -1;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (Number.isFinite(v)) continue;
    if (Number.isNaN(v)) nan++;
    else inf++;
    if (first < 0) first = i;
  }
  if (first < 0) return undefined;
  return (
    `warning: ${file}: ${nan + inf} non-finite value(s) (${nan} NaN, ${inf} ±Infinity), the first at ` +
    `${indexText(shape, first)}; they propagate through the model into the output`
  );
}

/** Reads `file` (as given, for messages) from `path`, says on stderr what converting it did. */
export function readInputArray(file: string, path: string, io: Io): InputArray {
  const a = readNpyArray(path);
  const note = conversionNote(file, a);
  if (note) io.err(`${note}\n`);
  const warning = nonFiniteWarning(file, a.shape, a.float32);
  if (warning) io.err(`${warning}\n`);
  return { shape: a.shape, data: a.float32 };
}
