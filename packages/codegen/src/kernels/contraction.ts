/**
 * Contraction templates: conv2d (grouped, depthwise, strided, dilated, padded; gates fused into its
 * input reads; bias and epilogue), linear, channel_conv1d (ECA). Loop bounds are constants; every
 * read outside the input is skipped by an explicit bounds check (zero padding).
 */
import { readAt, thread, times } from './source.js';
import type { KernelTemplate, SumTerm, TemplateContext } from './types.js';

function biasLine(ctx: TemplateContext, hasBias: boolean, index: string): string {
  if (!hasBias) return 'let v = s;';
  return `let v = s + ${ctx.weight('bias')}[${index}];`;
}

/**
 * Longest conv2d reduction generated unrolled (a chain of ≤ MAX_TERMS-term kernels); longer ones
 * loop over channels in one kernel. MobileNetV2's convs (≤ 960 terms) stay unrolled.
 */
export const MAX_UNROLLED = 1024;

/** `e + k` as source text with the constant folded in (`y - 1`, `y`, `y * 2 + 1`). */
function plus(e: string, k: number): string {
  if (/^\d+$/.test(e)) return String(Number(e) + k);
  return k === 0 ? e : k > 0 ? `${e} + ${k}` : `${e} - ${-k}`;
}

/**
 * conv2d as an unrolled sum with literal offsets (kernel-performance notes): one term per (input
 * channel of the group, tap), weights read from a constant array at `o·K + t`, index math on thread
 * ids and literals only (no loop counters), taps that can fall in the padding guarded by
 * conditions on y (per thread) and x. Long sums run as a chain of kernels (see MAX_TERMS).
 * Output coordinates are the thread ids themselves (`const` locals would be typed float by
 * gpu.js's wasm backend).
 */
export const conv2dTemplate: KernelTemplate<'conv2d'> = (ctx) => {
  const a = ctx.node.attrs;
  const [, C, H, W] = ctx.inputs[0].shape;
  const [, O, HO, WO] = ctx.node.shape;
  const G = a.groups;
  const CG = C / G;
  const OG = O / G;
  const [KH, KW] = a.kernel;
  const [SH, SW] = a.stride;
  const [DH, DW] = a.dilation;
  const [PH, PW] = a.padding;
  const K = CG * KH * KW;
  // Channel-minor output (lanes over output channels): the weights transposed to [K, O] by the
  // channel-minor pass, so the 4 lanes read 4 neighbouring weights.
  const cm = ctx.node.layout === 'nhwc' && ctx.node.params.weight_cm !== undefined;
  const w = ctx.weight(cm ? 'weight_cm' : 'weight');
  // Output coordinates: x = w, y = h, z = n·O + o.
  const body: string[] = [];
  // n and o from the preamble (`n`, `c` split from z when N > 1), else the thread id itself.
  const n = thread(ctx.coords[0]);
  const o = thread(ctx.coords[1]);
  // Input channel (within the sample) of group-local channel ci: literal when G = 1, the output
  // channel itself for depthwise, else the group's first channel + ci.
  let cb: string | null = null;
  if (G > 1 && !(CG === 1 && OG === 1)) {
    body.push(`const cb = ${OG === 1 ? o : `Math.floor(${o} / ${OG})`} * ${CG};`);
    cb = 'cb';
  }
  const channel = (ci: number): string =>
    G === 1 ? String(ci) : cb === null ? o : ci === 0 ? cb : `${cb} + ${ci}`;
  const ty = thread(ctx.coords[2]);
  const tx = thread(ctx.coords[3]);
  const iyOf = (p: number): string => plus(SH === 1 ? ty : times(ty, SH), p * DH - PH);
  const ixOf = (q: number): string => plus(SW === 1 ? tx : times(tx, SW), q * DW - PW);
  const base = o === '0' ? '' : K === 1 ? o : `${o} * ${K}`;
  const plusBase = (t: string): string => (base === '' ? t : t === '0' ? base : `${base} + ${t}`);
  // Index of weight term t (ci · KH·KW + tap) of output channel o; `ci` a loop counter or null.
  const weightAt = (t: number, ci: string | null): string => {
    const KK = KH * KW;
    if (cm) {
      const parts = [...(ci === null ? [] : [times(ci, KK * O)]), ...(t * O === 0 ? [] : [String(t * O)])];
      return o === '0' ? parts.join(' + ') || '0' : [o, ...parts].join(' + ');
    }
    if (ci === null) return plusBase(String(t));
    return plusBase(KK === 1 ? ci : t === 0 ? `${ci} * ${KK}` : `${ci} * ${KK} + ${t}`);
  };
  const guardOf = (p: number, q: number): string | null => {
    // Conditions needed for this tap only where some output position reads the padding.
    const conds: string[] = [];
    const dy = p * DH - PH;
    const dx = q * DW - PW;
    if (dy < 0) conds.push(`${iyOf(p)} >= 0`);
    if ((HO - 1) * SH + dy > H - 1) conds.push(`${iyOf(p)} < ${H}`);
    if (dx < 0) conds.push(`${ixOf(q)} >= 0`);
    if ((WO - 1) * SW + dx > W - 1) conds.push(`${ixOf(q)} < ${W}`);
    return conds.length > 0 ? conds.join(' && ') : null;
  };
  const hasBias = a.bias;
  const init = hasBias ? `${ctx.weight('bias')}[${o}]` : '0.0';
  const key = `k${KH}x${KW}s${SH}x${SW}p${PH}x${PW}d${DH}x${DW}g${G}${a.bias ? 'b' : ''}${cm ? 'wT' : ''}`;
  if (K > MAX_UNROLLED) {
    // A long reduction (ResNet's 3×3 convs over 256 channels: 2,304 terms) as one kernel with a
    // loop over the group's channels per tap: the unrolled form would be a chain of dozens of
    // kernels, each compiled by gpu.js. The loop's index math stays integer (gpu.js patch).
    const loop = [...body, `let s = ${init};`];
    const ci = G === 1 ? 'ci' : cb === null ? o : `${cb} + ci`;
    for (let p = 0; p < KH; p++) {
      for (let q = 0; q < KW; q++) {
        const guard = guardOf(p, q);
        const t = p * KW + q;
        const inner = [
          `for (let ci = 0; ci < ${CG}; ci++) {`,
          `  s += ${ctx.read0([n, ci, iyOf(p), ixOf(q)])} * ${w}[${weightAt(t, 'ci')}];`,
          '}',
        ];
        loop.push(...(guard ? [`if (${guard}) {`, ...inner.map((l) => `  ${l}`), '}'] : inner));
      }
    }
    loop.push('let v = s;');
    return { constants: {}, body: loop, key: `${key}loop`, reduction: K };
  }
  const terms: SumTerm[] = [];
  for (let p = 0; p < KH; p++) {
    for (let q = 0; q < KW; q++) {
      const guard = guardOf(p, q);
      for (let ci = 0; ci < CG; ci++) {
        const t = (ci * KH + p) * KW + q;
        const read = ctx.read0([n, channel(ci), iyOf(p), ixOf(q)]);
        terms.push({ guard, line: `s += ${read} * ${w}[${weightAt(t, null)}];` });
      }
    }
  }
  return {
    constants: {},
    body,
    sum: { init, terms, finish: ['let v = s;'] },
    key,
    reduction: K,
  };
};

export const linearTemplate: KernelTemplate<'linear'> = (ctx) => {
  const a = ctx.node.attrs;
  const x = ctx.inputs[0];
  const o = ctx.coords[ctx.coords.length - 1];
  // Over the last axis: [..., K] → [..., O]; or [N, K, 1, 1] → [N, O] when a flatten was lowered away.
  const flattened = x.shape.length === 4 && ctx.node.shape.length === 2;
  const K = flattened ? x.shape[1] : x.shape[x.shape.length - 1];
  const w = ctx.weight('weight');
  const read = readAt(x, flattened ? [ctx.coords[0], 'k', '0', '0'] : [...ctx.coords.slice(0, -1), 'k']);
  return {
    constants: { K },
    body: [
      'let s = 0;',
      'for (let k = 0; k < this.constants.K; k++) {',
      `  s += ${read} * ${w}[${o === '0' ? 'k' : `${o} * ${K} + k`}];`,
      '}',
      biasLine(ctx, a.bias, o),
    ],
    key: `k${K}${a.bias ? 'b' : ''}${flattened ? 'flat' : ''}`,
    reduction: K,
  };
};

export const channelConv1dTemplate: KernelTemplate<'channel_conv1d'> = (ctx) => {
  const a = ctx.node.attrs;
  const x = ctx.inputs[0];
  const C = x.shape[1];
  const KS = a.kernel;
  const [n, c] = ctx.coords;
  const w = ctx.weight('weight');
  return {
    constants: { C, KS, HALF: (KS - 1) / 2 },
    body: [
      'let s = 0;',
      'for (let t = 0; t < this.constants.KS; t++) {',
      `  const ic = ${c} - this.constants.HALF + t;`,
      '  if (ic >= 0 && ic < this.constants.C) {',
      `    s += ${readAt(x, [n, 'ic', '0', '0'])} * ${w}[t];`,
      '  }',
      '}',
      biasLine(ctx, a.bias, '0'),
    ],
    key: `k${KS}${a.bias ? 'b' : ''}`,
    reduction: KS,
  };
};
