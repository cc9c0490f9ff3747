/**
 * The gpu.js code generator patch: it applies and self-tests; the guards refuse a changed gpu.js;
 * the generated wasm has i32 index locals and v128.load; a local that receives a float stays f32;
 * and patched ≡ unpatched (bit for bit on webasm, close to cpu) on the kernel forms our templates
 * use, over random small shapes (x-sizes not multiples of 4, reads near and past the bounds).
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { GPU, Input, type IKernelRunShortcut, type OutputDimensions } from 'gpu.js';
import { fcRuns } from '@coordattn/ir/testing';
import { assertProperty } from '../test-util.js';
import {
  applyGpujsPatch,
  countV128Loads,
  GPUJS_PATCH_FINGERPRINT,
  GPUJS_PATCH_FINGERPRINT_BROWSER,
  gpujsFingerprint,
  gpujsPatchStatus,
  kernelWasmBytes,
  removeGpujsPatch,
  sha256Hex,
  wasmBodies,
} from './gpujs-patch.js';
import { gpujsPatchStatus as runtimeStatus } from './runtime.js';

const FILE = 'src/runtime/gpujs-patch.test.ts';
const DISABLED = process.env.COORDATTN_GPUJS_PATCH === '0';
const requireHere = createRequire(import.meta.url);
const proto = (
  requireHere(requireHere.resolve('gpu.js/src/backend/web-assembly/function-node.js')) as {
    WebAssemblyFunctionNode: { prototype: Record<string, unknown> };
  }
).WebAssemblyFunctionNode.prototype;

type Constants = Record<string, number | number[] | number[][]>;

interface KernelCase {
  readonly src: string;
  readonly output: number[];
  readonly constants?: Constants;
  readonly args: unknown[];
}

const gpus = { cpu: new GPU({ mode: 'cpu' }), webasm: new GPU({ mode: 'webasm' }) };

afterAll(() => {
  if (!DISABLED) applyGpujsPatch();
  void gpus.cpu.destroy();
  void gpus.webasm.destroy();
});

function flat(v: unknown, out: number[] = []): number[] {
  if (ArrayBuffer.isView(v)) out.push(...(v as Float32Array));
  else if (Array.isArray(v)) for (const e of v) flat(e, out);
  else if (typeof v === 'number') out.push(v);
  return out;
}

/** Builds and runs a kernel now (gpu.js compiles on the first call, under the current patch state). */
function build(mode: 'cpu' | 'webasm', c: KernelCase): { kernel: IKernelRunShortcut; out: number[] } {
  const kernel = gpus[mode].createKernel(c.src, {
    output: c.output,
    constants: c.constants,
    precision: 'single',
  } as never);
  const out = flat(kernel(...(c.args as never[])));
  return { kernel, out };
}

/** Output, or the error gpu.js threw (its scalar path traps on reads before a region's start). */
function outcome(mode: 'cpu' | 'webasm', c: KernelCase): number[] | string {
  try {
    const { kernel, out } = build(mode, c);
    kernel.destroy(true);
    return out;
  } catch (e) {
    return `threw: ${(e as Error).message}`;
  }
}

/** The same kernel built unpatched, patched, and on cpu. */
function threeWays(c: KernelCase): {
  unpatched: number[] | string;
  patched: number[] | string;
  cpu: number[] | string;
} {
  removeGpujsPatch();
  const unpatched = outcome('webasm', c);
  applyGpujsPatch();
  return { unpatched, patched: outcome('webasm', c), cpu: outcome('cpu', c) };
}

function bitIdentical(a: readonly number[] | string, b: readonly number[] | string): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

function closeTo(a: readonly number[] | string, b: readonly number[] | string): boolean {
  if (typeof a === 'string' || typeof b === 'string') return false;
  return a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) <= 1e-4 * (1 + Math.abs(b[i])));
}

const input = (v: Float32Array, size: number[]): Input =>
  new Input(v as unknown as number[], size as unknown as OutputDimensions);

function data(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return Math.fround(s / 4294967296 - 0.5);
  });
}

/** One decoded wasm instruction: its opcode (0xfd00 + n for SIMD `0xfd n`) and memarg offset. */
interface Instruction {
  readonly op: number;
  readonly offset?: number;
}

/**
 * Decodes a function body's code (after its locals) into instructions, for the opcodes gpu.js
 * emits; throws on any other, so a test never silently misreads an immediate as an opcode.
 */
function instructions(code: Uint8Array): Instruction[] {
  let at = 0;
  const uleb = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = code[at++];
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) return result;
    }
  };
  const sleb = (): void => {
    while ((code[at++] & 0x80) !== 0);
  };
  const out: Instruction[] = [];
  while (at < code.length) {
    const op = code[at++];
    if (op === 0x02 || op === 0x03 || op === 0x04)
      at++; // block type (one byte)
    else if (op === 0x0c || op === 0x0d || op === 0x10 || (op >= 0x20 && op <= 0x24)) uleb();
    else if (op >= 0x28 && op <= 0x3e) {
      uleb();
      out.push({ op, offset: uleb() });
      continue;
    } else if (op === 0x41 || op === 0x42) sleb();
    else if (op === 0x43) at += 4;
    else if (op === 0x44) at += 8;
    else if (op === 0xfc) uleb();
    else if (op === 0xfd) {
      const n = uleb();
      if (n <= 11 || n === 92 || n === 93) {
        uleb();
        out.push({ op: 0xfd00 + n, offset: uleb() });
        continue;
      }
      if (n === 12 || n === 13) at += 16;
      else if (n >= 21 && n <= 34) at++;
      else if (n >= 84 && n <= 91) {
        uleb();
        uleb();
        at++;
      }
      out.push({ op: 0xfd00 + n });
      continue;
    } else if (!(
      op <= 0x01 ||
      op === 0x05 ||
      op === 0x0b ||
      op === 0x0f ||
      op === 0x1a ||
      op === 0x1b ||
      (op >= 0x45 && op <= 0xc4)
    )) {
      throw new Error(`unexpected opcode 0x${op.toString(16)} at ${at - 1}`);
    }
    out.push({ op });
  }
  return out;
}

const F32_LOAD = 0x2a;
const V128_LOAD = 0xfd00;
const I32X4_EXTRACT_LANE = 0xfd00 + 27;
const GLOBAL_GET = 0x23;
const I32_MUL = 0x6c;

describe.skipIf(DISABLED)('gpu.js code generator patch', () => {
  it('applies for gpu.js 2.24.1, passes its self-test, and the runtime reports it', () => {
    const s = gpujsPatchStatus();
    expect(s, JSON.stringify(s)).toMatchObject({ applied: true, gpujsVersion: '2.24.1' });
    expect(s.selfTest).toMatchObject({ passed: true, intLocals: true, numbersMatch: true });
    if (s.selfTest?.simdSupported) expect(s.selfTest.vectorLoads).toBe(true);
    expect(runtimeStatus()).toEqual(s);
  });

  it('refuses a gpu.js whose code generator differs, and COORDATTN_GPUJS_PATCH=0', () => {
    removeGpujsPatch();
    expect(gpujsFingerprint(proto)).toBe(GPUJS_PATCH_FINGERPRINT);
    const original = proto.vAnalyze;
    proto.vAnalyze = function changed(): void {};
    try {
      const s = applyGpujsPatch();
      expect(s.applied).toBe(false);
      expect(s.reason).toMatch(/differs from the one the patch was written for/);
    } finally {
      proto.vAnalyze = original;
    }
    process.env.COORDATTN_GPUJS_PATCH = '0';
    try {
      expect(applyGpujsPatch()).toEqual({ applied: false, reason: 'disabled by COORDATTN_GPUJS_PATCH=0' });
    } finally {
      delete process.env.COORDATTN_GPUJS_PATCH;
    }
    expect(applyGpujsPatch().applied).toBe(true);
    expect(gpujsPatchStatus().selfTest?.passed).toBe(true);
  });

  it('emits i32 index locals and v128.load for a loop kernel with a read contiguous in thread.x', () => {
    const c: KernelCase = {
      src: `function pw(x) {
  let s = 0;
  for (let ci = 0; ci < this.constants.CG; ci++) {
    const ic = ci * this.constants.HW;
    s += x[ic + this.thread.y * 12 + this.thread.x] * this.constants.w[ci * 12 + this.thread.x];
  }
  return s;
}`,
      output: [12, 3],
      constants: { CG: 5, HW: 36, w: Array.from(data(60, 2)) },
      args: [data(180, 1)],
    };
    const wasm = (patched: boolean): { scalar: Record<string, number>; v128Loads: number } => {
      if (patched) applyGpujsPatch();
      else removeGpujsPatch();
      const { kernel } = build('webasm', c);
      const bodies = wasmBodies(kernelWasmBytes(kernel)!);
      kernel.destroy(true);
      // bodies: kernel, run, kernel_simd, run_simd
      return { scalar: bodies[0].locals, v128Loads: countV128Loads(bodies[2].code) };
    };
    const before = wasm(false);
    const after = wasm(true);
    // unpatched: s, ci and ic are f32; patched: ci and ic are i32, only the float sum s is f32
    expect(before.scalar).toEqual({ f32: 3 });
    expect(after.scalar).toEqual({ f32: 1, i32: 2 });
    expect(before.v128Loads).toBe(0);
    expect(after.v128Loads).toBe(2);
  });

  it('addresses a read at a literal offset by the load immediate, with lane-invariant parts computed once', () => {
    const C = 6;
    const HW = 3136;
    const pointwise = (channels: number): KernelCase => {
      let body = '  let s = this.constants.b[this.thread.z];';
      for (let ci = 0; ci < channels; ci++) {
        body += `\n  s += x0[this.thread.y * 56 + this.thread.x + ${ci * HW}] * this.constants.w[this.thread.z * 24 + ${ci}];`;
      }
      return {
        src: `function k(x0) {\n${body}\n  return s;\n}`,
        output: [56, 56, 2],
        constants: { w: Array.from(data(48, 2)), b: [0.25, -0.5] },
        args: [data(channels * HW, 1)],
      };
    };
    const code = (c: KernelCase): { scalar: Instruction[]; simd: Instruction[] } => {
      const { kernel } = build('webasm', c);
      const bodies = wasmBodies(kernelWasmBytes(kernel)!);
      kernel.destroy(true);
      // bodies: kernel, run, kernel_simd, run_simd
      return { scalar: instructions(bodies[0].code), simd: instructions(bodies[2].code) };
    };
    const count = (is: readonly Instruction[], op: number): number => is.filter((i) => i.op === op).length;

    // the read of the brief: x0[this.thread.x + 3136]
    const one = code({
      src: 'function k(x0) {\n  return x0[this.thread.x + 3136] * 2;\n}',
      output: [60],
      args: [data(3136 + 64, 3)],
    });
    const loads = one.simd.filter((i) => i.op === V128_LOAD);
    expect(loads).toEqual([{ op: V128_LOAD, offset: 3136 * 4 }]);
    expect(count(one.simd, I32X4_EXTRACT_LANE)).toBe(0);
    expect(one.scalar.filter((i) => i.op === F32_LOAD)).toEqual([{ op: F32_LOAD, offset: 3136 * 4 }]);

    // the pointwise form: one v128.load per channel at offset 4·ci·HW, weights at w + 4·ci; the
    // thread-id arithmetic does not grow with the number of channels (computed once per call)
    const small = code(pointwise(C));
    const large = code(pointwise(2 * C));
    const simdLoads = large.simd.filter((i) => i.op === V128_LOAD).map((i) => i.offset);
    expect(simdLoads).toEqual(Array.from({ length: 2 * C }, (_, ci) => ci * HW * 4));
    expect(count(large.simd, I32X4_EXTRACT_LANE)).toBe(0);
    const weights = large.simd.filter((i) => i.op === F32_LOAD).map((i) => i.offset ?? 0);
    const wBase = weights[1];
    expect(weights.slice(1)).toEqual(Array.from({ length: 2 * C }, (_, ci) => wBase + 4 * ci));
    for (const f of ['scalar', 'simd'] as const) {
      expect(count(large[f], GLOBAL_GET), f).toBe(count(small[f], GLOBAL_GET));
      expect(count(large[f], I32_MUL), f).toBe(count(small[f], I32_MUL));
      expect(large[f].length - small[f].length, f).toBeLessThanOrEqual(C * 10);
    }
    const { unpatched, patched, cpu } = threeWays(pointwise(C));
    expect(bitIdentical(patched, unpatched)).toBe(true);
    expect(closeTo(patched, cpu)).toBe(true);
  });

  it('keeps f32 for a local that ever receives a float (correctness first)', () => {
    const x = data(64, 3).map((v, i) => (i % 3 === 0 ? -Math.abs(v) : Math.abs(v)));
    const c: KernelCase = {
      src: `function f(x) {
  let k = this.thread.x;
  if (x[this.thread.x] > 0) {
    k = k + 0.5;
  }
  let j = 0;
  j++;
  j = j * 3;
  j = j / 2;
  let m = 0;
  m += 2;
  return k * 4 + j + m + x[Math.floor(k) + 1];
}`,
      output: [13],
      args: [x],
    };
    const { unpatched, patched, cpu } = threeWays(c);
    const want = Array.from({ length: 13 }, (_, t) => {
      const k = x[t] > 0 ? t + 0.5 : t;
      return Math.fround(k * 4 + 1.5 + 2 + x[Math.floor(k) + 1]);
    });
    expect(patched).toEqual(want);
    expect(cpu).toEqual(want);
    expect(bitIdentical(patched, unpatched)).toBe(true);
  });

  /** ` + n` or ` - |n|`: a literal offset as the source would write it. */
  const plus = (n: number): string => (n < 0 ? ` - ${-n}` : ` + ${n}`);

  /** Kernel forms our templates use, sized by (W, H, C), with input data of `seed`. */
  const FORMS: readonly ((W: number, H: number, C: number, seed: number, d: number) => KernelCase)[] = [
    // loop with a let counter, const indices, flat reads contiguous in thread.x
    (W, H, C, seed) => ({
      src: `function f(x) {
  let s = 0;
  for (let ci = 0; ci < this.constants.C; ci++) {
    const ic = ci * this.constants.HW;
    s += x[ic + this.thread.y * this.constants.W + this.thread.x] * (ci + 1);
  }
  return s;
}`,
      output: [W, H],
      constants: { C, HW: W * H, W },
      args: [data(C * W * H, seed)],
    }),
    // the conv2d template: 3×3 taps, zero padding by guards, x[z][iy][ix] on an Input, weights constant
    (W, H, C, seed) => ({
      src: `function f(x) {
  const xx = this.thread.x;
  const y = this.thread.y;
  let s = 0;
  for (let p = 0; p < this.constants.KH; p++) {
    const iy = y - this.constants.PH + p;
    if (iy >= 0 && iy < this.constants.H) {
      for (let q = 0; q < this.constants.KW; q++) {
        const ix = xx - this.constants.PW + q;
        if (ix >= 0 && ix < this.constants.W) {
          s += x[this.thread.z][iy][ix] * this.constants.w[(this.thread.z * 3 + p) * 3 + q];
        }
      }
    }
  }
  return s;
}`,
      output: [W, H, C],
      constants: { KH: 3, KW: 3, PH: 1, PW: 1, H, W, w: Array.from(data(9 * C, seed + 1)) },
      args: [input(data(W * H * C, seed), [W, H, C])],
    }),
    // unguarded reads near and past both ends of the array (gpu.js clamps SIMD lanes)
    (W, H, _C, seed, d) => ({
      src: `function f(x) {
  return x[this.thread.y * ${W} + this.thread.x + ${d}] + this.constants.w[this.thread.x - ${d}];
}`,
      output: [W, H],
      constants: { w: Array.from(data(W + 1, seed + 2)) },
      args: [data(W * H, seed)],
    }),
    // conditional reads, a varying declaration under a mask, a non-contiguous read
    (W, H, _C, seed) => ({
      src: `function f(x) {
  let v = 0;
  if (x[this.thread.y * ${W} + this.thread.x] > 0) {
    const ix = this.thread.x + 1;
    v = x[this.thread.y * ${W} + ix - 1] * 2;
  } else {
    const k = this.thread.x * 2;
    v = x[k] + x[${W * H - 1} - this.thread.x];
  }
  return v;
}`,
      output: [W, H],
      args: [data(Math.max(W * H, 2 * W), seed)],
    }),
    // Array(4) return, integer let locals with compound assignment, reads at const + thread.x
    (W, H, _C, seed) => ({
      src: `function f(x) {
  let k = 0;
  k += 3;
  k *= 2;
  let m = this.thread.x;
  m += this.thread.y * ${W};
  return [x[m], x[m + k], this.constants.w[this.constants.OFF + this.thread.x], x[k + this.thread.x] * 2];
}`,
      output: [W, H],
      constants: { OFF: 5, w: Array.from(data(W + 5, seed + 3)) },
      args: [data(W * H + 6, seed)],
    }),
    // unrolled taps with literal offsets on a zero-padded input (depthwise probe form)
    (W, H, C, seed) => {
      const Wp = W + 2;
      const Hp = H + 2;
      let body = '';
      for (let p = 0; p < 3; p++)
        for (let q = 0; q < 3; q++)
          body += `\n  s += x[this.thread.z * ${Hp * Wp} + (this.thread.y + ${p}) * ${Wp} + this.thread.x + ${q}] * this.constants.w[this.thread.z * 9 + ${p * 3 + q}];`;
      return {
        src: `function f(x) {\n  let s = 0;${body}\n  return s;\n}`,
        output: [W, H, C],
        constants: { w: Array.from(data(9 * C, seed + 4)) },
        args: [data(C * Hp * Wp, seed)],
      };
    },
    // the pointwise form our compiler generates: one line per input channel, literal offsets on
    // a flat read (inside and outside the uniform part), a constant bias and weight table
    (W, H, C, seed) => {
      const HW = W * H;
      const O = 3;
      const reads = [
        (ci: number) => `x0[this.thread.y * ${W} + this.thread.x + ${ci * HW}]`,
        (ci: number) => `x0[${ci * HW} + this.thread.x + this.thread.y * ${W}]`,
        (ci: number) => `x0[(this.thread.y * ${W} + ${ci * HW + 1}) + this.thread.x - 1]`,
      ];
      let body = `  let s = this.constants.b[this.thread.z];`;
      for (let ci = 0; ci < C + 1; ci++) {
        const read = reads[(ci + seed) % reads.length](ci);
        body += `\n  s += ${read} * this.constants.w[this.thread.z * ${C + 1} + ${ci}];`;
      }
      return {
        src: `function f(x0) {\n${body}\n  return s;\n}`,
        output: [W, H, O],
        constants: { w: Array.from(data(O * (C + 1), seed + 5)), b: Array.from(data(O, seed + 6)) },
        args: [data((C + 1) * HW, seed)],
      };
    },
    // literal offsets that put vector and uniform reads near and past both ends (d = −2…3)
    (W, H, _C, seed, d) => ({
      src: `function f(x) {
  const r = this.thread.y * ${W};
  return x[r + this.thread.x${plus(W * (H - 1) + d)}] + x[this.thread.x + r${plus(-d - 1)}] * 3
    + this.constants.w[this.thread.y${plus(W - H + d)}] - this.constants.w[this.thread.y * 2 + 1${plus(-d)}]
    + x[this.thread.y * 0${plus(W * H - 2 + d)}];
}`,
      output: [W, H],
      constants: { w: Array.from(data(W + 2 * H + 4, seed + 7)) },
      args: [data(W * H, seed)],
    }),
    // a[z][y][x] reads with literal offsets in every index, a 2-D constant, uniform reads under a
    // lane mask (proven in range, and not), a cached uniform const, reads inside a loop
    (W, H, C, seed, d) => ({
      src: `function f(x) {
  let s = 0;
  if (this.thread.y > 0) {
    s += this.constants.w[this.thread.y * 2 + this.thread.z + 1];
  }
  if (x[this.thread.z][this.thread.y + 1][this.thread.x] > 0) {
    s += this.constants.w[this.thread.y * 2 + this.thread.z + 2] + x[this.thread.z][this.thread.y][this.thread.x + 1];
  }
  s += this.constants.w[this.thread.y * 2 + this.thread.z] * x[this.thread.z][this.thread.y][this.thread.x + 1];
  const zz = this.thread.z * 9;
  s += this.constants.w[zz + 4];
  for (let i = 0; i < 2; i++) {
    s += x[this.thread.z][this.thread.y + 1][this.thread.x + 2 - i] * this.constants.w[zz + i];
  }
  if (x[this.thread.z][this.thread.y][this.thread.x] > 0) {
    s += this.constants.w[zz + 3] + this.constants.m[this.thread.z + 1][1];
    s += this.constants.w[zz${plus(9 + d)}];
  }
  return s + this.constants.w[zz + 1] + x[this.thread.z][this.thread.y + 2][this.thread.x + 1];
}`,
      output: [W, H, C],
      constants: {
        w: Array.from(data(9 * C + 3, seed + 8)),
        m: Array.from({ length: C + 1 }, (_, i) => Array.from(data(2, seed + 9 + i))),
      },
      args: [input(data((W + 2) * (H + 2) * C, seed), [W + 2, H + 2, C])],
    }),
  ];

  it('patched ≡ unpatched (bit for bit) on webasm and close to cpu, over the template kernel forms', () => {
    const arb = fc.record({
      form: fc.integer({ min: 0, max: FORMS.length - 1 }),
      W: fc.integer({ min: 1, max: 13 }),
      H: fc.integer({ min: 1, max: 4 }),
      C: fc.integer({ min: 1, max: 3 }),
      d: fc.integer({ min: -2, max: 3 }),
      seed: fc.integer({ min: 1, max: 1 << 20 }),
    });
    assertProperty(
      fc.property(arb, ({ form, W, H, C, d, seed }) => {
        const c = FORMS[form](W, H, C, seed, d);
        const { unpatched, patched, cpu } = threeWays(c);
        expect(bitIdentical(patched, unpatched), `form ${form} ${W}×${H}×${C} d=${d}`).toBe(true);
        // out-of-range reads (forms 2, 7, 8 with d = 3) in gpu.js's scalar path read neighbouring
        // memory or trap
        const outOfRange = form === 2 || form === 7 || (form === 8 && d === 3);
        if (!outOfRange) expect(closeTo(patched, cpu), `form ${form} vs cpu`).toBe(true);
      }),
      fcRuns(300),
      { file: FILE, test: 'patched ≡ unpatched' },
    );
  });
});

describe.runIf(DISABLED)('gpu.js code generator patch, disabled by COORDATTN_GPUJS_PATCH=0', () => {
  it('is not applied and says why', () => {
    expect(gpujsPatchStatus()).toEqual({ applied: false, reason: 'disabled by COORDATTN_GPUJS_PATCH=0' });
    expect(runtimeStatus()).toEqual(gpujsPatchStatus());
  });
});

describe('fingerprint', () => {
  it('sha256Hex agrees with node:crypto (empty, block edges, non-ASCII, random text)', () => {
    const sha = (t: string): string => createHash('sha256').update(t).digest('hex');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    for (const n of [1, 55, 56, 63, 64, 65, 119, 120, 1000])
      expect(sha256Hex('a'.repeat(n))).toBe(sha('a'.repeat(n)));
    expect(sha256Hex('√L · 2⁻²⁴ — 😀')).toBe(sha('√L · 2⁻²⁴ — 😀'));
    assertProperty(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (t) => sha256Hex(t) === sha(t)),
      fcRuns(200),
      { file: FILE, test: 'sha256Hex agrees' },
    );
  });

  it("identifies gpu.js 2.24.1's browser build (dist/gpu-browser.js, what browser bundles load)", () => {
    const browser = requireHere(requireHere.resolve('gpu.js/dist/gpu-browser.js')) as {
      WebAssemblyFunctionNode: { prototype: Record<string, unknown> };
    };
    expect(gpujsFingerprint(browser.WebAssemblyFunctionNode.prototype)).toBe(GPUJS_PATCH_FINGERPRINT_BROWSER);
    expect(GPUJS_PATCH_FINGERPRINT_BROWSER).not.toBe(GPUJS_PATCH_FINGERPRINT);
  });
});
