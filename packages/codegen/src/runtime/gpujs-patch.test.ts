/**
 * The gpu.js code generator patch: it applies and self-tests; the guards refuse a changed gpu.js;
 * the generated wasm has i32 index locals and v128.load; a local that receives a float stays f32;
 * and patched ≡ unpatched (bit for bit on webasm, close to cpu) on the kernel forms our templates
 * use, over random small shapes (x-sizes not multiples of 4, reads near and past the bounds).
 * `Math.floor(A / B)` with A ≥ 0 and B one integer k ≥ 1 (the batch split n, c of z) is i32
 * division with no float → int conversion left; other floors stay gpu.js's float floor.
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
  countFloatToInt,
  countV128Loads,
  GPUJS_PATCH_FINGERPRINT,
  GPUJS_PATCH_FINGERPRINT_BROWSER,
  gpujsFingerprint,
  gpujsPatchStatus,
  kernelWasmBytes,
  removeGpujsPatch,
  sha256Hex,
  wasmBodies,
  wasmInstructions,
  type WasmInstruction,
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
    const code = (c: KernelCase): { scalar: WasmInstruction[]; simd: WasmInstruction[] } => {
      const { kernel } = build('webasm', c);
      const bodies = wasmBodies(kernelWasmBytes(kernel)!);
      kernel.destroy(true);
      // bodies: kernel, run, kernel_simd, run_simd
      return { scalar: wasmInstructions(bodies[0].code), simd: wasmInstructions(bodies[2].code) };
    };
    const count = (is: readonly WasmInstruction[], op: number): number =>
      is.filter((i) => i.op === op).length;

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

/** The element values i at index i (exact in f32): a kernel's output names the indices it read. */
const iota = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => i);

/** `const n = Math.floor(z / OC); const c = z - n * OC;`: source.ts outputCoords at batch > 1. */
const PREAMBLE = `  const x = this.thread.x;
  const y = this.thread.y;
  const z = this.thread.z;
  const n = Math.floor(z / this.constants.OC);
  const c = z - n * this.constants.OC;`;

/**
 * The batch split and a grouped conv's first channel (`cb`, contraction.ts) over an output
 * [W, H, N·C]; it returns the indices it read (x0 and w hold their indices): a read at n, c (SIMD:
 * contiguous), one at cb mirrored in x (a gather), a constant at cb and n, and one at floor(x / 2)
 * (a division that varies over the SIMD lanes).
 */
function batchSplit(W: number, H: number, N: number, C: number, OG: number): KernelCase {
  const HW = W * H;
  return {
    src: `function f(x0) {
${PREAMBLE}
  const cb = Math.floor(c / ${OG}) * ${OG};
  return [
    x0[(n * ${C} + c) * ${HW} + y * ${W} + x],
    x0[(n * this.constants.OC + cb) * ${HW} + y * ${W} + ${W - 1} - x],
    this.constants.w[cb * ${N} + n],
    x0[(n * ${C} + c) * ${HW} + y * ${W} + Math.floor(x / 2)],
  ];
}`,
    output: [W, H, N * C],
    constants: { OC: C, w: Array.from(iota(N * C)) },
    args: [iota(N * C * HW)],
  };
}

/** batchSplit's output computed in JavaScript. */
function batchSplitWant(W: number, H: number, N: number, C: number, OG: number): number[] {
  const out: number[] = [];
  for (let z = 0; z < N * C; z++) {
    const n = Math.floor(z / C);
    const c = z - n * C;
    const cb = Math.floor(c / OG) * OG;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const row = y * W;
        out.push(
          (n * C + c) * W * H + row + x,
          (n * C + cb) * W * H + row + W - 1 - x,
          cb * N + n,
          (n * C + c) * W * H + row + Math.floor(x / 2),
        );
      }
    }
  }
  return out;
}

/** Float → int conversions in a webasm kernel's wasm, per body (kernel, run, kernel_simd, run_simd), and its locals. */
function wasmOf(c: KernelCase): { conversions: number[]; locals: Record<string, number>[]; divs: number[] } {
  const { kernel } = build('webasm', c);
  const bodies = wasmBodies(kernelWasmBytes(kernel)!);
  kernel.destroy(true);
  return {
    conversions: bodies.map((b) => countFloatToInt(b.code)),
    locals: bodies.map((b) => ({ ...b.locals })),
    divs: bodies.map((b) => wasmInstructions(b.code).filter((i) => i.op === I32_DIV_S).length),
  };
}

const I32_DIV_S = 0x6d;

describe.skipIf(DISABLED)('gpu.js code generator patch: Math.floor(A / B) as integer', () => {
  it('batch split n, c and a grouped channel cb: patched ≡ unpatched ≡ JavaScript, W % 4 = 0 and ≠ 0', () => {
    const check = (W: number, H: number, N: number, C: number, OG: number): void => {
      const what = `${W}×${H}, N=${N} C=${C} OG=${OG}`;
      const { unpatched, patched, cpu } = threeWays(batchSplit(W, H, N, C, OG));
      const want = batchSplitWant(W, H, N, C, OG);
      expect(patched, what).toEqual(want);
      expect(cpu, what).toEqual(want);
      expect(bitIdentical(patched, unpatched), what).toBe(true);
    };
    check(6, 3, 2, 5, 2);
    check(8, 2, 3, 4, 3);
    // i32.div_s for n, cb and floor(x / 2) in the scalar function; in the SIMD one n and cb are
    // uniform (one each) and floor(x / 2) divides lane by lane (four)
    expect(wasmOf(batchSplit(6, 3, 2, 5, 2))).toMatchObject({
      conversions: [0, 0, 0, 0],
      divs: [3, 0, 6, 0],
    });
    assertProperty(
      fc.property(
        fc.record({
          W: fc.integer({ min: 1, max: 13 }),
          H: fc.integer({ min: 1, max: 4 }),
          N: fc.integer({ min: 1, max: 3 }),
          C: fc.integer({ min: 1, max: 6 }),
          OG: fc.integer({ min: 1, max: 4 }),
        }),
        ({ W, H, N, C, OG }) => check(W, H, N, C, OG),
      ),
      fcRuns(60),
      { file: FILE, test: 'batch split n, c' },
    );
  });

  it('emits the batch split as i32 (no f32 local, no float → int conversion); unpatched converts', () => {
    for (const W of [6, 8]) {
      const [H, N, C] = [3, 2, 5];
      const HW = W * H;
      const c: KernelCase = {
        src: `function f(x0) {
${PREAMBLE}
  const cb = Math.floor(c / 2) * 2;
  return x0[(n * ${C} + c) * ${HW} + y * ${W} + x] + x0[(n * ${C} + cb) * ${HW} + y * ${W} + x] * 2;
}`,
        output: [W, H, N * C],
        constants: { OC: C },
        args: [data(N * C * HW, 5)],
      };
      removeGpujsPatch();
      const before = wasmOf(c);
      applyGpujsPatch();
      const after = wasmOf(c);
      // bodies: kernel, run, kernel_simd, run_simd. Unpatched: x, y, z, n, c, cb are f32 and both
      // reads' indices are truncated from f32, in the scalar and the SIMD function.
      expect(before.locals[0].f32, `W=${W}`).toBeGreaterThanOrEqual(6);
      expect(before.conversions[0], `W=${W}`).toBeGreaterThanOrEqual(2);
      expect(before.conversions[2], `W=${W}`).toBeGreaterThanOrEqual(2);
      // patched: every local i32 (the sum is never stored), floor as i32.div_s, no conversion
      for (const f of [0, 2]) {
        expect(after.locals[f].f32 ?? 0, `W=${W} body ${f}`).toBe(0);
        expect(after.divs[f], `W=${W} body ${f}`).toBe(2);
      }
      expect(after.conversions, `W=${W}`).toEqual([0, 0, 0, 0]);
      const { unpatched, patched } = threeWays(c);
      expect(bitIdentical(patched, unpatched)).toBe(true);
    }
  });

  it('keeps gpu.js float floor where the dividend may be negative (exact floor, not truncation)', () => {
    const W = 13;
    const c: KernelCase = {
      src: `function f(x0) {
  const h = Math.floor((this.thread.x - 3) / 2);
  return [x0[h + 3], x0[Math.floor((this.thread.x - 3) / 2) + 2], h, Math.floor((0 - this.thread.x) / 3)];
}`,
      output: [W],
      args: [iota(W)],
    };
    const want = Array.from({ length: W }, (_, x) => {
      const h = Math.floor((x - 3) / 2);
      return [h + 3, h + 2, h, Math.floor((0 - x) / 3)];
    }).flat();
    const { unpatched, patched, cpu } = threeWays(c);
    expect(patched).toEqual(want);
    expect(cpu).toEqual(want);
    expect(bitIdentical(patched, unpatched)).toBe(true);
    // h stays f32, its reads convert
    const after = wasmOf(c);
    expect(after.locals[0].f32 ?? 0).toBeGreaterThanOrEqual(1);
    expect(after.conversions[0]).toBeGreaterThan(0);
    expect(after.divs[0]).toBe(0);
  });

  it('re-analyses a dynamicOutput kernel for its new output size (a dividend that can turn negative)', () => {
    // output 6: x - 6 + 8 ∈ [2, 7], h an i32 local; output 12: x - 12 + 8 ∈ [-4, 7], h float
    const src = `function f(x0) {
  const h = Math.floor((this.thread.x - this.output.x + 8) / 2);
  return x0[h + 4];
}`;
    const want = (W: number): number[] =>
      Array.from({ length: W }, (_, x) => Math.floor((x - W + 8) / 2) + 4);
    const run = (): number[][] => {
      const kernel = gpus.webasm.createKernel(src, {
        output: [6],
        dynamicOutput: true,
        precision: 'single',
      } as never);
      const first = flat(kernel(iota(16) as never));
      kernel.setOutput([12]);
      const second = flat(kernel(iota(16) as never));
      kernel.destroy(true);
      return [first, second];
    };
    removeGpujsPatch();
    const unpatched = run();
    applyGpujsPatch();
    const patched = run();
    expect(patched).toEqual([want(6), want(12)]);
    expect(unpatched).toEqual(patched);
  });

  it('keeps divisors that are not one known positive integer correct (varying, float, 0, negative)', () => {
    const W = 11;
    const H = 3;
    // divs: i32.div_s per body (kernel, run, kernel_simd, run_simd)
    const cases: { src: string; want: (x: number, y: number) => number[]; divs: number[] }[] = [
      {
        // divisors: a uniform non-constant, a float constant, 0, a negative literal. (Not
        // `x0[Math.floor(x / D)]`: gpu.js, patched or not, indexes that as if D were 3.)
        src: `function f(x0) {
  const q = Math.floor(this.thread.x / (this.thread.y + 1));
  return [x0[q], Math.floor(this.thread.x / this.constants.D), Math.floor(this.thread.x / this.constants.Z) > 100 ? 1 : 0, Math.floor(this.thread.x / -2)];
}`,
        want: (x, y) => [Math.floor(x / (y + 1)), Math.floor(x / 2.5), x > 0 ? 1 : 0, Math.floor(x / -2)],
        divs: [0, 0, 0, 0],
      },
      {
        // a divisor that varies over the SIMD lanes syntactically but is always 3 (integer: per-lane
        // division), and one that really varies (float)
        src: `function f(x0) {
  return [x0[Math.floor(this.thread.x / (this.thread.x * 0 + 3))], x0[Math.floor(24 / (this.thread.x + 1))], Math.floor((this.thread.x + this.thread.y) / this.constants.OC), 0];
}`,
        want: (x, y) => [Math.floor(x / 3), Math.floor(24 / (x + 1)), Math.floor((x + y) / 4), 0],
        divs: [1, 0, 4, 0],
      },
      {
        // that divisor as a local declared under a lane mask: its masked-off lanes hold 0, so the
        // SIMD function divides by the proven 3, not by the local's lanes
        src: `function f(x0) {
  let v = 0;
  if (this.thread.x > 1) {
    const d = this.thread.x * 0 + 3;
    v = x0[Math.floor(this.thread.x / d) + this.thread.y];
  }
  return [v, 0, 0, 0];
}`,
        want: (x, y) => [x > 1 ? Math.floor(x / 3) + y : 0, 0, 0, 0],
        divs: [1, 0, 4, 0],
      },
    ];
    for (const { src, want, divs } of cases) {
      const c: KernelCase = { src, output: [W, H], constants: { D: 2.5, Z: 0, OC: 4 }, args: [iota(32)] };
      const expected: number[] = [];
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) expected.push(...want(x, y));
      const { unpatched, patched, cpu } = threeWays(c);
      expect(patched, src).toEqual(expected);
      expect(cpu, src).toEqual(expected);
      expect(bitIdentical(patched, unpatched), src).toBe(true);
      expect(wasmOf(c).divs, src).toEqual(divs);
    }
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
