/**
 * Layout probe for the webasm kernels (issue "Kernels worth running", §2): the compiler's NCHW forms
 * (SIMD lanes over 4 neighbouring pixels, `v128.load` of the input through the gpu.js patch) against
 * channel-minor NHWC forms (lanes over 4 output channels), and guarded depthwise convolutions
 * against zero-padded inputs (with the pad kernel that would produce them). MobileNetV2's layer
 * shapes at 224² (stride-1 and stride-2 depthwise); every form is gpu.js-patched and run as a gpu.js pipeline of `REPEAT` layers
 * (one copy in, one readback, as the runtime runs a network), timed call by call alternately.
 * Outputs of each pair of forms are checked equal (after the layout change) before timing.
 * Last, several outputs per thread: a pointwise conv computing 4 output channels per thread
 * (`Array(4)` results, one input load per 4 multiply-adds) against one output per thread, both as
 * the last step of a pipeline (gpu.js's fused executor cannot feed an `Array(n)` result to another
 * step, so only a network's outputs could take that form).
 *
 *   npx tsx packages/codegen/src/runtime/layout.bench.ts [runs=15]
 */
import { performance } from 'node:perf_hooks';
import { cpus, loadavg } from 'node:os';
import { GPU, type IKernelRunShortcut } from 'gpu.js';
import { applyGpujsPatch, gpujsPatchStatus } from './gpujs-patch.js';
import { flat, median, rnd } from './probe-util.js';

/** One kernel: source, grid and constant weights. */
interface KernelSpec {
  readonly src: string;
  readonly output: number[];
  readonly constants: Record<string, Float32Array>;
}

/** A layout form of one layer pattern: kernels called in order, each reading the previous result. */
interface Form {
  readonly name: string;
  /** Kernels of one repetition (a chain of ≤ 96-term partial kernels reads `acc` as well). */
  readonly steps: readonly { spec: KernelSpec; reads: 'prev' | 'layer-in+acc' }[];
  /** The input as this form stores it. */
  readonly input: Float32Array;
  /** Converts this form's output to NCHW for the equality check. */
  readonly toNCHW: (out: Float32Array) => Float32Array;
  /** Each repetition reads the pipeline's input (layers that change the shape: stride 2). */
  readonly independent?: boolean;
}

const MAX_TERMS = 96;
const REPEAT = 4;

/** Pointwise conv Cin→Cout at HW pixels, NCHW, the compiler's form: grid [HW, 1, Cout], lanes over pixels. */
function pointwiseNCHW(Cin: number, Cout: number, HW: number, w: Float32Array): KernelSpec[] {
  const out: KernelSpec[] = [];
  for (let c0 = 0; c0 < Cin; c0 += MAX_TERMS) {
    const lines = [c0 === 0 ? 'let s = 0;' : `let s = acc[this.thread.z * ${HW} + this.thread.x];`];
    for (let c = c0; c < Math.min(Cin, c0 + MAX_TERMS); c++) {
      lines.push(
        `s += x0[this.thread.x${c === 0 ? '' : ` + ${c * HW}`}] * this.constants.w[this.thread.z * ${Cin} + ${c}];`,
      );
    }
    const last = c0 + MAX_TERMS >= Cin;
    lines.push(last ? 'return Math.min(Math.max(s, 0), 6);' : 'return s;');
    out.push({
      src: `function k(x0${c0 === 0 ? '' : ', acc'}) {\n${lines.join('\n')}\n}`,
      output: [HW, 1, Cout],
      constants: { w },
    });
  }
  return out;
}

/** The same conv channel-minor (NHWC): grid [Cout, HW], lanes over output channels, weights [Cin][Cout]. */
function pointwiseNHWC(Cin: number, Cout: number, HW: number, w: Float32Array): KernelSpec[] {
  const wT = new Float32Array(Cin * Cout);
  for (let o = 0; o < Cout; o++) for (let c = 0; c < Cin; c++) wT[c * Cout + o] = w[o * Cin + c];
  const out: KernelSpec[] = [];
  for (let c0 = 0; c0 < Cin; c0 += MAX_TERMS) {
    const lines = [c0 === 0 ? 'let s = 0;' : `let s = acc[this.thread.y * ${Cout} + this.thread.x];`];
    for (let c = c0; c < Math.min(Cin, c0 + MAX_TERMS); c++) {
      lines.push(
        `s += x0[this.thread.y * ${Cin}${c === 0 ? '' : ` + ${c}`}] * this.constants.w[this.thread.x${c === 0 ? '' : ` + ${c * Cout}`}];`,
      );
    }
    const last = c0 + MAX_TERMS >= Cin;
    lines.push(last ? 'return Math.min(Math.max(s, 0), 6);' : 'return s;');
    out.push({
      src: `function k(x0${c0 === 0 ? '' : ', acc'}) {\n${lines.join('\n')}\n}`,
      output: [Cout, HW],
      constants: { w: wT },
    });
  }
  return out;
}

/** Depthwise 3×3 stride 1 pad 1, NCHW, the compiler's guarded form: grid [W, H, C]. */
function depthwiseGuarded(C: number, H: number, W: number, w: Float32Array, S = 1): KernelSpec {
  const lines = ['let s = 0;'];
  const HO = H / S;
  const WO = W / S;
  const ty = S === 1 ? 'this.thread.y' : `this.thread.y * ${S}`;
  const tx = S === 1 ? 'this.thread.x' : `this.thread.x * ${S}`;
  for (let p = 0; p < 3; p++) {
    for (let q = 0; q < 3; q++) {
      const conds: string[] = [];
      if (p === 0) conds.push(`${ty} - 1 >= 0`);
      if (p === 2 && (HO - 1) * S + 1 > H - 1) conds.push(`${ty} + 1 < ${H}`);
      if (q === 0) conds.push(`${tx} - 1 >= 0`);
      if (q === 2 && (WO - 1) * S + 1 > W - 1) conds.push(`${tx} + 1 < ${W}`);
      const read = `x0[this.thread.z * ${H * W} + (${ty} + ${p - 1}) * ${W} + ${tx} + ${q - 1}] * this.constants.w[this.thread.z * 9 + ${p * 3 + q}]`;
      lines.push(conds.length ? `if (${conds.join(' && ')}) { s += ${read}; }` : `s += ${read};`);
    }
  }
  lines.push('return Math.min(Math.max(s, 0), 6);');
  return { src: `function k(x0) {\n${lines.join('\n')}\n}`, output: [WO, HO, C], constants: { w } };
}

/** The zero-padding kernel a padded form needs: [C, H, W] → [C, H+2, W+2]. */
function padKernel(C: number, H: number, W: number): KernelSpec {
  const src = `function k(x0) {
let v = 0;
if (this.thread.y >= 1 && this.thread.y <= ${H} && this.thread.x >= 1 && this.thread.x <= ${W}) {
  v = x0[this.thread.z * ${H * W} + (this.thread.y - 1) * ${W} + this.thread.x - 1];
}
return v;
}`;
  return { src, output: [W + 2, H + 2, C], constants: {} };
}

/** Depthwise on a zero-padded input: no guards, grid [W, H, C]. */
function depthwisePadded(C: number, H: number, W: number, w: Float32Array, S = 1): KernelSpec {
  const Wp = W + 2;
  const ty = S === 1 ? 'this.thread.y' : `this.thread.y * ${S}`;
  const tx = S === 1 ? 'this.thread.x' : `this.thread.x * ${S}`;
  const lines = ['let s = 0;'];
  for (let p = 0; p < 3; p++) {
    for (let q = 0; q < 3; q++) {
      lines.push(
        `s += x0[this.thread.z * ${(H + 2) * Wp} + (${ty} + ${p}) * ${Wp} + ${tx}${q ? ` + ${q}` : ''}] * this.constants.w[this.thread.z * 9 + ${p * 3 + q}];`,
      );
    }
  }
  lines.push('return Math.min(Math.max(s, 0), 6);');
  return { src: `function k(x0) {\n${lines.join('\n')}\n}`, output: [W / S, H / S, C], constants: { w } };
}

/** Depthwise channel-minor (NHWC): grid [C, W, H], lanes over channels, guards uniform per thread. */
function depthwiseNHWC(C: number, H: number, W: number, w: Float32Array, S = 1): KernelSpec {
  const wT = new Float32Array(9 * C);
  for (let c = 0; c < C; c++) for (let t = 0; t < 9; t++) wT[t * C + c] = w[c * 9 + t];
  const HO = H / S;
  const WO = W / S;
  const tz = S === 1 ? 'this.thread.z' : `this.thread.z * ${S}`;
  const ty = S === 1 ? 'this.thread.y' : `this.thread.y * ${S}`;
  const lines = ['let s = 0;'];
  for (let p = 0; p < 3; p++) {
    for (let q = 0; q < 3; q++) {
      const conds: string[] = [];
      if (p === 0) conds.push(`${tz} - 1 >= 0`);
      if (p === 2 && (HO - 1) * S + 1 > H - 1) conds.push(`${tz} + 1 < ${H}`);
      if (q === 0) conds.push(`${ty} - 1 >= 0`);
      if (q === 2 && (WO - 1) * S + 1 > W - 1) conds.push(`${ty} + 1 < ${W}`);
      const off = ((p - 1) * W + (q - 1)) * C;
      const read = `x0[(this.thread.z * ${W * S} + ${ty}) * ${C} + this.thread.x${off === 0 ? '' : off > 0 ? ` + ${off}` : ` - ${-off}`}] * this.constants.w[this.thread.x + ${(p * 3 + q) * C}]`;
      lines.push(conds.length ? `if (${conds.join(' && ')}) { s += ${read}; }` : `s += ${read};`);
    }
  }
  lines.push('return Math.min(Math.max(s, 0), 6);');
  return { src: `function k(x0) {\n${lines.join('\n')}\n}`, output: [C, WO, HO], constants: { w: wT } };
}

function nhwcToNchw(v: Float32Array, C: number, HW: number): Float32Array {
  const o = new Float32Array(v.length);
  for (let p = 0; p < HW; p++) for (let c = 0; c < C; c++) o[c * HW + p] = v[p * C + c];
  return o;
}

function nchwToNhwc(v: Float32Array, C: number, HW: number): Float32Array {
  const o = new Float32Array(v.length);
  for (let p = 0; p < HW; p++) for (let c = 0; c < C; c++) o[p * C + c] = v[c * HW + p];
  return o;
}

/** Pairs of forms per layer pattern; each pair computes the same thing in two layouts. */
function cases(): { title: string; forms: Form[] }[] {
  const out: { title: string; forms: Form[] }[] = [];
  // MobileNetV2 expand + project pairs (expansion 6) at 56², 28², 14², 7²
  for (const [C, S] of [
    [24, 56],
    [32, 28],
    [96, 14],
    [160, 7],
  ] as const) {
    const HW = S * S;
    const E = C * 6;
    const we = rnd(E * C, 1);
    const wp = rnd(C * E, 2);
    const x = rnd(C * HW, 3);
    const chain = (kernels: KernelSpec[]) =>
      kernels.map((spec, i) => ({ spec, reads: i === 0 ? ('prev' as const) : ('layer-in+acc' as const) }));
    out.push({
      title: `pointwise expand ${C}→${E} + project ${E}→${C} @${S}² (×${REPEAT})`,
      forms: [
        {
          name: 'NCHW, lanes over pixels (compiler)',
          steps: [...chain(pointwiseNCHW(C, E, HW, we)), ...chain(pointwiseNCHW(E, C, HW, wp))],
          input: x,
          toNCHW: (v) => v,
        },
        {
          name: 'NHWC, lanes over out-channels',
          steps: [...chain(pointwiseNHWC(C, E, HW, we)), ...chain(pointwiseNHWC(E, C, HW, wp))],
          input: nchwToNhwc(x, C, HW),
          toNCHW: (v) => nhwcToNchw(v, C, HW),
        },
      ],
    });
  }
  for (const [C, S] of [
    [144, 56],
    [192, 28],
    [576, 14],
    [960, 7],
  ] as const) {
    const w = rnd(C * 9, 4);
    const x = rnd(C * S * S, 5);
    out.push({
      title: `depthwise 3×3 s1 ${C}×${S}² (×${REPEAT})`,
      forms: [
        {
          name: 'NCHW guarded (compiler)',
          steps: [{ spec: depthwiseGuarded(C, S, S, w), reads: 'prev' }],
          input: x,
          toNCHW: (v) => v,
        },
        {
          name: 'NCHW zero-padded + pad kernel',
          steps: [
            { spec: padKernel(C, S, S), reads: 'prev' },
            { spec: depthwisePadded(C, S, S, w), reads: 'prev' },
          ],
          input: x,
          toNCHW: (v) => v,
        },
        {
          name: 'NHWC guarded, lanes over channels',
          steps: [{ spec: depthwiseNHWC(C, S, S, w), reads: 'prev' }],
          input: nchwToNhwc(x, C, S * S),
          toNCHW: (v) => nhwcToNchw(v, C, S * S),
        },
      ],
    });
  }
  for (const [C, S] of [
    [96, 112],
    [144, 56],
    [192, 28],
    [576, 14],
  ] as const) {
    const w = rnd(C * 9, 6);
    const x = rnd(C * S * S, 7);
    const O = (S / 2) * (S / 2);
    out.push({
      title: `depthwise 3×3 s2 ${C}×${S}² → ${S / 2}² (×${REPEAT})`,
      forms: [
        {
          name: 'NCHW guarded (compiler)',
          steps: [{ spec: depthwiseGuarded(C, S, S, w, 2), reads: 'prev' }],
          input: x,
          toNCHW: (v) => v,
          independent: true,
        },
        {
          name: 'NCHW zero-padded + pad kernel',
          steps: [
            { spec: padKernel(C, S, S), reads: 'prev' },
            { spec: depthwisePadded(C, S, S, w, 2), reads: 'prev' },
          ],
          input: x,
          toNCHW: (v) => v,
          independent: true,
        },
        {
          name: 'NHWC guarded, lanes over channels',
          steps: [{ spec: depthwiseNHWC(C, S, S, w, 2), reads: 'prev' }],
          input: nchwToNhwc(x, C, S * S),
          toNCHW: (v) => nhwcToNchw(v, C, O),
          independent: true,
        },
      ],
    });
  }
  return out;
}

/** A pipeline running the form REPEAT times (each repetition reads the previous one's output). */
function pipelineOf(gpu: GPU, f: Form): (x: Float32Array) => Promise<Float32Array> {
  const kernels: IKernelRunShortcut[] = f.steps.map((s) =>
    gpu.createKernel(s.spec.src, {
      output: s.spec.output,
      constants: s.spec.constants,
      precision: 'single',
    } as never),
  );
  const orchestrate = (x: unknown): Record<string, unknown> => {
    let value = x;
    const outs: unknown[] = [];
    for (let r = 0; r < REPEAT; r++) {
      if (f.independent) value = x;
      // the first kernel of a layer reads the layer's input; a chain's later kernels read it and acc
      let acc: unknown;
      f.steps.forEach((s, i) => {
        acc = s.reads === 'prev' ? kernels[i](value as never) : kernels[i](value as never, acc as never);
        if (f.steps[i + 1]?.reads !== 'layer-in+acc') value = acc;
      });
      outs.push(value);
    }
    // every repetition's result is read back (an unread step could be skipped); compared: the last
    return f.independent
      ? Object.fromEntries(outs.map((o, i) => [i === outs.length - 1 ? 'out' : `rest${i}`, o]))
      : { out: value };
  };
  Object.defineProperty(orchestrate, 'length', { value: 1 });
  const p = gpu.createPipeline(orchestrate as never, { threads: false } as never) as unknown as (
    x: Float32Array,
  ) => Promise<Record<string, unknown>>;
  return async (x) => Float32Array.from(flat((await p(x)).out));
}

const runs = Number(process.argv[2] ?? 15);
const gpu = new GPU({ mode: 'webasm' });
applyGpujsPatch();
console.log(
  `node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? '?'}, load ${loadavg()[0].toFixed(2)}, ${new Date().toISOString()}`,
);
console.log('patch:', JSON.stringify(gpujsPatchStatus()));
for (const c of cases()) {
  const runners = c.forms.map((f) => pipelineOf(gpu, f));
  const outs: Float32Array[] = [];
  for (let i = 0; i < runners.length; i++) outs.push(c.forms[i].toNCHW(await runners[i](c.forms[i].input)));
  const maxDiff = Math.max(
    ...outs.slice(1).map((o) => o.reduce((m, v, i) => Math.max(m, Math.abs(v - outs[0][i])), 0)),
  );
  const times: number[][] = c.forms.map(() => []);
  for (let w = 0; w < 2; w++) for (let i = 0; i < runners.length; i++) await runners[i](c.forms[i].input);
  for (let i = 0; i < runs; i++) {
    for (let j = 0; j < runners.length; j++) {
      const k = (i + j) % runners.length;
      const t0 = performance.now();
      await runners[k](c.forms[k].input);
      times[k].push(performance.now() - t0);
    }
  }
  const base = median(times[0]);
  console.log(`${c.title}; ${outs[0].length} outputs, max |Δ| between forms ${maxDiff.toExponential(1)}`);
  c.forms.forEach((f, i) => {
    const m = median(times[i]);
    console.log(
      `  ${f.name.padEnd(40)} ${(m / REPEAT).toFixed(2)} ms per layer (median of ${runs}, min ${(Math.min(...times[i]) / REPEAT).toFixed(2)}), ×${(m / base).toFixed(2)} of the first`,
    );
  });
}

/** One ≤ 96-term piece of a pointwise conv, 1 or 4 output channels per thread, timed as pipeline results. */
async function severalOutputs(Cin: number, Cout: number, S: number): Promise<void> {
  const HW = S * S;
  const w = rnd(Cin * Cout, 1);
  const x = rnd(Cin * HW, 2);
  const T = Math.min(Cin, MAX_TERMS);
  const one = ['let s = 0;'];
  for (let c = 0; c < T; c++)
    one.push(`s += x0[this.thread.x + ${c * HW}] * this.constants.w[this.thread.z * ${Cin} + ${c}];`);
  one.push('return s;');
  const four = ['let s0 = 0;', 'let s1 = 0;', 'let s2 = 0;', 'let s3 = 0;'];
  for (let c = 0; c < T; c++) {
    four.push(`const v${c} = x0[this.thread.x + ${c * HW}];`);
    for (let j = 0; j < 4; j++)
      four.push(`s${j} += v${c} * this.constants.w[this.thread.z * ${Cin * 4} + ${j * Cin + c}];`);
  }
  four.push('return [s0, s1, s2, s3];');
  const k1 = gpu.createKernel(`function k(x0) {\n${one.join('\n')}\n}`, {
    output: [HW, 1, Cout],
    constants: { w },
    precision: 'single',
  } as never);
  const k4 = gpu.createKernel(`function k(x0) {\n${four.join('\n')}\n}`, {
    output: [HW, 1, Cout / 4],
    constants: { w },
    precision: 'single',
    returnType: 'Array(4)',
  } as never);
  const pipe = (k: IKernelRunShortcut) => {
    const o = (x0: unknown): unknown[] => Array.from({ length: REPEAT }, () => k(x0 as never));
    Object.defineProperty(o, 'length', { value: 1 });
    return gpu.createPipeline(o as never, { threads: false } as never) as unknown as (
      x: Float32Array,
    ) => Promise<unknown>;
  };
  const runners = [pipe(k1), pipe(k4)];
  const times: number[][] = [[], []];
  for (let i = 0; i < 2; i++) for (const r of runners) await r(x);
  for (let i = 0; i < runs; i++) {
    for (let j = 0; j < 2; j++) {
      const k = (i + j) % 2;
      const t0 = performance.now();
      await runners[k](x);
      times[k].push(performance.now() - t0);
    }
  }
  const [m1, m4] = times.map(median);
  console.log(
    `pointwise ${Cin}→${Cout} @${S}², first ${T} terms: 1 output per thread ${(m1 / REPEAT).toFixed(2)} ms, 4 outputs per thread ${(m4 / REPEAT).toFixed(2)} ms, ×${(m4 / m1).toFixed(2)}`,
  );
}

for (const [Cin, Cout, S] of [
  [144, 24, 56],
  [96, 576, 14],
  [576, 96, 14],
  [160, 960, 7],
] as const) {
  await severalOutputs(Cin, Cout, S);
}
void gpu.destroy();
