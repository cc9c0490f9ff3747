/**
 * Before/after timing of the gpu.js code generator patch on the probe kernel forms
 * (../shared/probes/gpujs-perf): pointwise 96→24 at 56², depthwise 3×3 144×56². Every kernel is
 * built twice in one process, once unpatched and once patched, checked bit-identical, then timed
 * call by call alternately (after 3 warm-up calls each); prints the median (and min) of each.
 *
 *   npx tsx packages/codegen/src/runtime/gpujs-patch.bench.ts [runs=31]
 */
import { performance } from 'node:perf_hooks';
import { cpus } from 'node:os';
import { GPU, Input, type IKernelRunShortcut, type OutputDimensions } from 'gpu.js';
import { applyGpujsPatch, gpujsPatchStatus, removeGpujsPatch } from './gpujs-patch.js';
import { flat, median, rnd } from './probe-util.js';

interface Form {
  readonly name: string;
  readonly src: string;
  readonly output: number[];
  readonly constants?: Record<string, number | number[] | Float32Array>;
  readonly args: () => unknown[];
}

const input = (v: Float32Array, size: number[]): Input =>
  new Input(v as unknown as number[], size as unknown as OutputDimensions);

function forms(): Form[] {
  const Cin = 96;
  const Cout = 24;
  const H = 56;
  const W = 56;
  const HW = H * W;
  const x = rnd(Cin * HW, 1);
  const w = rnd(Cin * Cout, 2);
  const b = rnd(Cout, 3);
  const wq = new Float32Array(Cin * Cout);
  for (let g = 0; g < Cout / 4; g++)
    for (let c = 0; c < Cin; c++)
      for (let j = 0; j < 4; j++) wq[(g * Cin + c) * 4 + j] = w[(g * 4 + j) * Cin + c];
  const wT = new Float32Array(Cin * Cout);
  for (let o = 0; o < Cout; o++) for (let c = 0; c < Cin; c++) wT[c * Cout + o] = w[o * Cin + c];
  const xHWC = new Float32Array(HW * Cin);
  for (let c = 0; c < Cin; c++) for (let p = 0; p < HW; p++) xHWC[p * Cin + c] = x[c * HW + p];
  const wI = input(w, [Cin, Cout]);
  const bI = input(b, [Cout]);
  let p8 = '';
  for (let c = 0; c < Cin; c++) {
    p8 += `
    v = x[${c * HW} + this.thread.x];
    s0 += v * this.constants.w[this.thread.y * ${Cin * 4} + ${c * 4}];
    s1 += v * this.constants.w[this.thread.y * ${Cin * 4} + ${c * 4 + 1}];
    s2 += v * this.constants.w[this.thread.y * ${Cin * 4} + ${c * 4 + 2}];
    s3 += v * this.constants.w[this.thread.y * ${Cin * 4} + ${c * 4 + 3}];`;
  }
  let p9 = `let s = this.constants.b[this.thread.z];`;
  for (let c = 0; c < Cin; c++) {
    p9 += `
  s += x0[this.thread.y * ${W} + this.thread.x + ${c * HW}] * this.constants.w[this.thread.z * ${Cin} + ${c}];`;
  }
  let p12 = '';
  for (let c = 0; c < Cin; c++) {
    p12 += `
    s += x[(this.thread.z * ${W} + this.thread.y) * ${Cin} + ${c}] * this.constants.w[${c * Cout} + this.thread.x];`;
  }
  const C = 144;
  const xd = rnd(C * HW, 4);
  const wd = rnd(C * 9, 5);
  const bd = rnd(C, 6);
  const Hp = H + 2;
  const Wp = W + 2;
  const xp = new Float32Array(C * Hp * Wp);
  for (let c = 0; c < C; c++)
    for (let y = 0; y < H; y++)
      xp.set(xd.subarray(c * HW + y * W, c * HW + y * W + W), c * Hp * Wp + (y + 1) * Wp + 1);
  let d2 = '';
  for (let p = 0; p < 3; p++)
    for (let q = 0; q < 3; q++)
      d2 += `
    s += x[this.thread.z * ${Hp * Wp} + (this.thread.y + ${p}) * ${Wp} + this.thread.x + ${q}] * this.constants.w[this.thread.z * 9 + ${p * 3 + q}];`;
  return [
    {
      name: 'pointwise 96→24 @56², project form (ci loop, x[ci][y][x], w/b Input args)',
      src: `function pw(x, w, b) {
  let s = 0;
  for (let ci = 0; ci < this.constants.CG; ci++) { s += x[ci][this.thread.y][this.thread.x] * w[this.thread.z][ci]; }
  return s + b[this.thread.z];
}`,
      output: [W, H, Cout],
      constants: { CG: Cin },
      args: () => [input(x, [W, H, Cin]), wI, bI],
    },
    {
      name: 'pointwise 96→24 @56², ci loop, flat reads x[ci*HW + x], 4 out-ch/thread, weights packed',
      src: `function pw(x) {
  let s0 = 0; let s1 = 0; let s2 = 0; let s3 = 0;
  for (let ci = 0; ci < ${Cin}; ci++) {
    const v = x[ci * ${HW} + this.thread.x];
    s0 += v * this.constants.w[(this.thread.y * ${Cin} + ci) * 4];
    s1 += v * this.constants.w[(this.thread.y * ${Cin} + ci) * 4 + 1];
    s2 += v * this.constants.w[(this.thread.y * ${Cin} + ci) * 4 + 2];
    s3 += v * this.constants.w[(this.thread.y * ${Cin} + ci) * 4 + 3];
  }
  return [s0 + this.constants.b[this.thread.y * 4], s1 + this.constants.b[this.thread.y * 4 + 1], s2 + this.constants.b[this.thread.y * 4 + 2], s3 + this.constants.b[this.thread.y * 4 + 3]];
}`,
      output: [HW, Cout / 4],
      constants: { w: wq, b },
      args: () => [x],
    },
    {
      name: 'pointwise 96→24 @56², unrolled, literal offsets x[c*HW + x], 4 out-ch/thread',
      src: `function pw(x) {
  let s0 = 0; let s1 = 0; let s2 = 0; let s3 = 0; let v = 0.5;${p8}
  return [s0 + this.constants.b[this.thread.y * 4], s1 + this.constants.b[this.thread.y * 4 + 1], s2 + this.constants.b[this.thread.y * 4 + 2], s3 + this.constants.b[this.thread.y * 4 + 3]];
}`,
      output: [HW, Cout / 4],
      constants: { w: wq, b },
      args: () => [x],
    },
    {
      name: "pointwise 96→24 @56², the compiler's form: one line per channel, x0[y*W + x + c*HW], constant w/b",
      src: `function pw(x0) {
  ${p9}
  return s;
}`,
      output: [W, H, Cout],
      constants: { w, b },
      args: () => [x],
    },
    {
      name: 'pointwise 96→24 @56², unrolled, HWC, weights this.constants.w[c*Cout + x] (lanes = out-ch)',
      src: `function pw(x) {
  let s = 0;${p12}
  return s + this.constants.b[this.thread.x];
}`,
      output: [Cout, W, H],
      constants: { w: wT, b },
      args: () => [xHWC],
    },
    {
      name: 'depthwise 3×3 s1 144×56², project form (p,q loops, guards, w/b Input args)',
      src: `function dw(x, w, bb) {
  let s = 0;
  for (let p = 0; p < this.constants.KH; p++) {
    const iy = this.thread.y * this.constants.SH - this.constants.PH + p;
    if (iy >= 0 && iy < this.constants.H) {
      for (let q = 0; q < this.constants.KW; q++) {
        const ix = this.thread.x * this.constants.SW - this.constants.PW + q;
        if (ix >= 0 && ix < this.constants.W) {
          s += x[this.thread.z][iy][ix] * w[this.thread.z][p * this.constants.KW + q];
        }
      }
    }
  }
  return s + bb[this.thread.z];
}`,
      output: [W, H, C],
      constants: { KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1, H, W },
      args: () => [input(xd, [W, H, C]), input(wd, [9, C]), input(bd, [C])],
    },
    {
      name: 'depthwise 3×3 s1 144×56², unrolled 9 taps, zero-padded input, weights this.constants',
      src: `function dw(x) {
  let s = 0;${d2}
  return s + this.constants.b[this.thread.z];
}`,
      output: [W, H, C],
      constants: { w: wd, b: bd },
      args: () => [xp],
    },
  ];
}

function build(gpu: GPU, f: Form): IKernelRunShortcut {
  const k = gpu.createKernel(f.src, {
    output: f.output,
    constants: f.constants,
    precision: 'single',
  } as never);
  k(...(f.args() as never[])); // builds the wasm now, under the current patch state
  return k;
}

const runs = Number(process.argv[2] ?? 31);
const gpu = new GPU({ mode: 'webasm' });
console.log(
  `node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? '?'}, ${new Date().toISOString()}`,
);
applyGpujsPatch();
console.log('patch status:', JSON.stringify(gpujsPatchStatus()));
for (const f of forms()) {
  removeGpujsPatch();
  const before = build(gpu, f);
  applyGpujsPatch();
  const after = build(gpu, f);
  const a = flat(before(...(f.args() as never[])));
  const c = flat(after(...(f.args() as never[])));
  for (let i = 0; i < 3; i++) {
    before(...(f.args() as never[]));
    after(...(f.args() as never[]));
  }
  const same = a.length === c.length && a.every((v, i) => Object.is(v, c[i]));
  const tb: number[] = [];
  const ta: number[] = [];
  // alternate single calls, so load from other processes falls on both alike
  for (let i = 0; i < runs; i++) {
    for (const [k, t] of [
      [before, tb],
      [after, ta],
    ] as const) {
      const args = f.args();
      const t0 = performance.now();
      k(...(args as never[]));
      t.push(performance.now() - t0);
    }
  }
  const mb = median(tb);
  const ma = median(ta);
  console.log(
    `${f.name}\n  unpatched ${mb.toFixed(2)} ms (min ${Math.min(...tb).toFixed(2)}), patched ${ma.toFixed(2)} ms (min ${Math.min(...ta).toFixed(2)}), ×${(mb / ma).toFixed(2)} (medians of ${runs}); outputs bit-identical: ${same}`,
  );
}
void gpu.destroy();
