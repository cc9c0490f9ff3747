/**
 * Source-text helpers shared by the kernel templates: the 3-D layout of logical tensors, output
 * coordinates from gpu.js thread ids, broadcast reads, activation snippets and the epilogue.
 *
 * Layout: a logical tensor of rank r is a gpu.js 3-D array `t[z][y][x]` with x = last axis,
 * y = the one before (1 if none) and z = the product of the leading axes; NCHW [N,C,H,W] is
 * `t[n*C + c][h][w]`, [N,F] is `t[0][n][f]`. Row-major order is preserved (flat = x + X·(y + Y·z)),
 * so every backend stores the same bytes.
 *
 * A rank-4 value may instead be stored channel-minor (`nhwc`: bytes in [N, H, W, C] order; chosen
 * by the channel-minor pass): its writer's thread grid is [C, W, N·H] (SIMD lanes over 4
 * channels) and every reader indexes it with NHWC strides. Logical coordinates stay NCHW.
 */
import { CoordattnError, type ActivationName, type BinaryOpName } from '@coordattn/ir';
import type { Epilogue } from '../lower/lgraph.js';

import { dims3 } from '../runtime/runtime.js';

export { dims3 };

/** How a rank-4 value's bytes are ordered: row-major NCHW (the default) or channel-minor NHWC. */
export type Layout = 'nchw' | 'nhwc';

/** A value a kernel reads: its argument name, logical shape and (rank 4) storage layout. */
export interface ValueRef {
  readonly name: string;
  readonly shape: readonly number[];
  /** Absent: row-major in logical order. */
  readonly layout?: Layout;
}

const isLiteral = (s: string): boolean => /^\d+$/.test(s);

/**
 * Sum expression of terms with the literal terms folded into one (dropped when 0): gpu.js's GL
 * backends reject an index that is a constant integer expression such as `0 + 1`.
 */
function sum(terms: string[]): string {
  const literal = terms.filter(isLiteral).reduce((a, s) => a + Number(s), 0);
  const t = [...terms.filter((s) => !isLiteral(s)), ...(literal !== 0 ? [String(literal)] : [])];
  return t.length === 0 ? '0' : t.join(' + ');
}

/** a · k; a literal folds, a compound coordinate (`n + 1`, `y * 2 + 1`) is parenthesised first. */
export function times(a: string, k: number): string {
  if (isLiteral(a)) return String(Number(a) * k);
  if (k === 0) return '0';
  if (k === 1) return a;
  return /^(\w+|\([^()]*\))$/.test(a) ? `${a} * ${k}` : `(${a}) * ${k}`;
}

export interface OutputCoords {
  /** Statements that define the coordinate variables. */
  readonly lines: string[];
  /** One expression per logical axis of the output. */
  readonly coords: string[];
  /** The gpu.js thread grid [x, y, z]. */
  readonly dims: [number, number, number];
  /** Set when `n` and `c` are split out of z (see readAt). */
  readonly split?: BatchSplit;
}

/**
 * Logical output coordinates from the thread ids. The names are fixed so templates can use them:
 * rank 4 → n, c, y, x (n and c split from z with the constant OC = output channels; the split is
 * omitted when N or C is 1).
 */
export function outputCoords(shape: readonly number[], view = false, layout: Layout = 'nchw'): OutputCoords {
  const lines = ['const x = this.thread.x;'];
  const r = shape.length;
  const dims = dims3(shape);
  if (r >= 2) lines.push('const y = this.thread.y;');
  if (r >= 3) lines.push('const z = this.thread.z;');
  if (r === 4 && layout === 'nhwc') {
    // Channel-minor: x over channels (the SIMD lanes), y over W, z over N·H (n split off by an
    // integer division, which the gpu.js patch keeps in i32).
    const [n, c, h, w] = shape;
    const grid: [number, number, number] = [c, w, n * h];
    if (n === 1) return { lines, coords: ['0', 'x', 'z', 'y'], dims: grid };
    lines.push('const n = Math.floor(z / this.constants.OH);', 'const oh = z - n * this.constants.OH;');
    return { lines, coords: ['n', 'x', 'oh', 'y'], dims: grid };
  }
  if (r === 4) {
    const [n, c, h, w] = shape;
    if (n === 1) return { lines, coords: ['0', 'z', 'y', 'x'], dims };
    if (c === 1) return { lines, coords: ['z', '0', 'y', 'x'], dims };
    // [N, C, 1, W] seen through a view (whose templates address the output only through these
    // coordinates): the grid [W, C, N] needs no division to split n from c.
    if (view && h === 1) return { lines, coords: ['z', 'y', '0', 'x'], dims: [w, c, n] };
    lines.push('const n = Math.floor(z / this.constants.OC);', 'const c = z - n * this.constants.OC;');
    return { lines, coords: ['n', 'c', 'y', 'x'], dims, split: { channels: c } };
  }
  if (r === 3) return { lines, coords: ['z', 'y', 'x'], dims };
  if (r === 2) return { lines, coords: ['y', 'x'], dims };
  return { lines, coords: ['x'], dims };
}

/**
 * A coordinate of outputCoords as a thread id where it is one (`z` → `this.thread.z`): gpu.js's
 * wasm backend types `const` locals as float, so index math on them goes through float.
 */
export function thread(c: string): string {
  return c === 'x' || c === 'y' || c === 'z' ? `this.thread.${c}` : c;
}

/**
 * `arg[i]` reading a tensor of `shape` at the logical coordinates `coords` of a tensor of rank
 * coords.length, numpy-broadcast (shapes align on the right and size-1 axes read index 0), with i
 * the flat row-major index: every backend reads any value flat, whatever the output size of the
 * kernel that wrote it (webasm memory, GL textures and Inputs are all addressed row-major).
 */
export function readAt(value: ValueRef, coords: readonly string[], split?: BatchSplit): string {
  const { name: arg, shape, layout } = value;
  const r = shape.length;
  const off = coords.length - r;
  // Storage order of the axes: NHWC stores axis 1 (C) last.
  const order = r === 4 && layout === 'nhwc' ? [0, 2, 3, 1] : shape.map((_, i) => i);
  // Flat index Σ coordinate · stride over the storage order; broadcast (size-1) axes contribute nothing.
  const terms: string[] = [];
  let stride = 1;
  for (let j = r - 1; j >= 0; j--) {
    const i = order[j];
    // n·C + c is z itself when the read has the output's batch and channels (see BatchSplit).
    if (
      split &&
      layout !== 'nhwc' &&
      r === 4 &&
      off === 0 &&
      i === 1 &&
      coords[0] === 'n' &&
      coords[1] === 'c' &&
      shape[0] > 1 &&
      shape[1] === split.channels
    ) {
      terms.unshift(times('z', stride));
      break;
    }
    if (shape[i] !== 1) terms.unshift(times(coords[i + off], stride));
    stride *= shape[i];
  }
  return `${arg}[${sum(terms)}]`;
}

/**
 * The output's z = n·C + c split into the coordinates `n` and `c` (a division, so float index math
 * in gpu.js's wasm): a read of a value with the same N and C can index with z directly.
 */
export interface BatchSplit {
  readonly channels: number;
}

/** The expression of an activation applied to the variable `v`. */
export function activation(fn: ActivationName, v: string): string {
  switch (fn) {
    case 'relu':
      return `Math.max(${v}, 0)`;
    case 'relu6':
      return `Math.min(Math.max(${v}, 0), 6)`;
    case 'sigmoid':
      return `1 / (1 + Math.exp(-${v}))`;
    case 'hard_sigmoid':
      return `Math.min(Math.max(${v} + 3, 0), 6) / 6`;
    case 'hard_swish':
      return `(${v} * Math.min(Math.max(${v} + 3, 0), 6)) / 6`;
    case 'swish':
      return `${v} / (1 + Math.exp(-${v}))`;
    case 'identity':
      return v;
  }
}

/** A float literal that gpu.js types as a float (always has a decimal point or exponent). */
export function floatLiteral(v: number, where = ''): string {
  const f = Math.fround(v);
  if (!Number.isFinite(f) || (f === 0 && v !== 0) || (f !== 0 && Math.abs(f) < 2 ** -126)) {
    throw new CoordattnError('E_KERNEL', `constant ${v} is not a normal float32 number`, {
      ...(where ? { path: where } : {}),
      expected:
        'a finite value 0 or of magnitude 1.2e-38 … 3.4e38 (GL flushes subnormals, float32 overflows)',
    });
  }
  const s = String(v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/**
 * Epilogue statements applied to `v`, in order. `argOf` names the kernel argument of an operand;
 * operands are read broadcast at the output coordinates.
 */
export function epilogueLines(
  epilogue: readonly Epilogue[],
  coords: readonly string[],
  argOf: (value: string) => ValueRef,
  split?: BatchSplit,
): string[] {
  return epilogue.map((e) => {
    switch (e.kind) {
      case 'act':
        return `v = ${activation(e.fn, 'v')}; // ${e.fn} (${e.node})`;
      case 'scale':
        return `v = v * ${floatLiteral(e.factor, e.node)}; // scale (${e.node})`;
      case 'offset':
        return `v = v + ${floatLiteral(e.value, e.node)}; // offset (${e.node})`;
      case 'clip': {
        let x = 'v';
        if (e.min !== null) x = `Math.max(${x}, ${floatLiteral(e.min, e.node)})`;
        if (e.max !== null) x = `Math.min(${x}, ${floatLiteral(e.max, e.node)})`;
        return `v = ${x}; // clip (${e.node})`;
      }
      case 'binary': {
        const a = argOf(e.operand);
        return `v = v ${BINARY_SYMBOL[e.op]} ${readAt(a, coords, split)}; // ${e.op} (${e.node})`;
      }
    }
  });
}

const BINARY_SYMBOL: Readonly<Record<BinaryOpName, string>> = { add: '+', sub: '-', mul: '*', div: '/' };

/** The part of a kernel's cache key that one epilogue step contributes (everything its source line depends on). */
export function epilogueKey(e: Epilogue): string {
  switch (e.kind) {
    case 'act':
      return e.fn;
    case 'scale':
      return `scale${e.factor}`;
    case 'offset':
      return `offset${e.value}`;
    case 'clip':
      return `clip${e.min ?? ''},${e.max ?? ''}`;
    case 'binary':
      return e.op;
  }
}

/** A JavaScript identifier for a kernel from a value id (`features.3.conv.0.0` → `features_3_conv_0_0`). */
export function identifier(prefix: string, id: string): string {
  return `${prefix}_${id.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '')}`;
}
