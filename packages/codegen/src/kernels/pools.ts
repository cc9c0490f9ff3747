/**
 * Reduction templates: global pools, directional means, Coordinate Attention's fused two-way pool
 * (`ca_pool`: one kernel writes the concatenated [N, C, H+W, 1] descriptor), channel reduce and
 * windowed max/avg pooling (PyTorch semantics: zero padding excluded from max, counted by avg
 * unless the window runs past the padded edge in ceil mode or countIncludePad is false).
 */
import { floatLiteral, readAt, thread } from './source.js';
import type { KernelTemplate, SumTerm } from './types.js';

/** Max-pool accumulator start: below any float32 value a window can hold (every window has one element). */
const LOWEST = '-3.4028234663852886e38';

export const globalPoolTemplate: KernelTemplate<'global_pool'> = (ctx) => {
  const x = ctx.inputs[0];
  const [, , H, W] = x.shape;
  const [n, c] = ctx.coords.map(thread);
  const max = ctx.node.op === 'global_max_pool';
  const terms: SumTerm[] = [];
  for (let i = 0; i < H; i++) {
    for (let j = 0; j < W; j++) {
      const read = readAt(x, [n, c, String(i), String(j)]);
      terms.push({ guard: null, line: max ? `s = Math.max(s, ${read});` : `s += ${read};` });
    }
  }
  return {
    constants: {},
    body: [],
    sum: {
      init: max ? LOWEST : '0.0',
      terms,
      finish: [max ? 'let v = s;' : `let v = s / ${floatLiteral(H * W)};`],
    },
    key: max ? 'max' : 'mean',
    reduction: H * W,
  };
};

export const directionalMeanTemplate: KernelTemplate<'directional_mean'> = (ctx) => {
  const x = ctx.inputs[0];
  const [, , H, W] = x.shape;
  const [n, c, y, xx] = ctx.coords.map(thread);
  const overW = ctx.node.attrs.over === 'W';
  const len = overW ? W : H;
  const terms: SumTerm[] = [];
  for (let i = 0; i < len; i++) {
    const at = overW ? [n, c, y, String(i)] : [n, c, String(i), xx];
    terms.push({ guard: null, line: `s += ${readAt(x, at)};` });
  }
  return {
    constants: {},
    body: [],
    sum: { init: '0.0', terms, finish: [`let v = s / ${floatLiteral(len)};`] },
    key: overW ? 'overW' : 'overH',
    reduction: len,
  };
};

/**
 * Several keep-dims reductions of one input, each optionally permuted, concatenated along an axis
 * (see the fuse-reductions pass): output entries of segment k run that segment's unrolled terms
 * under a guard on the concat coordinate, so the input is read once per output element. CA's
 * descriptor is [mean over W ‖ permuted mean over H] along H; CBAM's and Triplet's channel pools
 * are [max ‖ mean] along C.
 */
export const multiReduceTemplate: KernelTemplate<'multi_reduce'> = (ctx) => {
  const x = ctx.inputs[0];
  const { axis, segments } = ctx.node.attrs;
  const out = ctx.coords.map(thread);
  const at = out[axis];
  const terms: SumTerm[] = [];
  const inits: string[] = [];
  const finishes: string[] = [];
  const guards: string[] = [];
  let start = 0;
  segments.forEach((seg, k) => {
    const end = start + seg.length;
    const conds = [
      ...(k > 0 ? [`${at} >= ${start}`] : []),
      ...(k < segments.length - 1 ? [`${at} < ${end}`] : []),
    ];
    const guard = conds.length > 0 ? conds.join(' && ') : null;
    guards.push(guard ?? 'true');
    // Segment-local coordinates, then the reduction's output coordinates (undo the permute).
    const local = out.map((c, d) => (d === axis && start > 0 ? `${c} - ${start}` : c));
    const red = [...local];
    if (seg.perm) seg.perm.forEach((src, d) => (red[src] = local[d]));
    // Every combination of the reduced axes, row-major.
    let combos: string[][] = [red];
    for (const ax of seg.axes) {
      const next: string[][] = [];
      for (const c of combos) {
        for (let i = 0; i < x.shape[ax]; i++) next.push(c.map((e, d) => (d === ax ? String(i) : e)));
      }
      combos = next;
    }
    const max = seg.reduce === 'max';
    for (const c of combos) {
      const read = ctx.read0(c);
      terms.push({ guard, line: max ? `s = Math.max(s, ${read});` : `s += ${read};` });
    }
    inits.push(max ? LOWEST : '0.0');
    finishes.push(max ? 's' : `s / ${floatLiteral(combos.length)}`);
    start = end;
  });
  // Per-segment choice by the concat coordinate (a chain of conditionals; one segment: no choice).
  const choose = (values: string[]): string =>
    values.every((v) => v === values[0])
      ? values[0]
      : values
          .slice(0, -1)
          .reduceRight((rest, v, k) => `(${guards[k]} ? ${v} : ${rest})`, values[values.length - 1]);
  return {
    constants: {},
    body: [],
    sum: { init: choose(inits), terms, finish: [`let v = ${choose(finishes)};`] },
    key: `axis${axis}:${segments.map((g) => `${g.reduce}${g.axes.join('')}${g.perm?.join('') ?? ''}x${g.length}`).join(',')}`,
    reduction: Math.max(...segments.map((g) => g.axes.reduce((p, ax) => p * x.shape[ax], 1))),
  };
};

export const channelReduceTemplate: KernelTemplate<'channel_reduce'> = (ctx) => {
  const x = ctx.inputs[0];
  const C = x.shape[1];
  const [n, , y, xx] = ctx.coords;
  const max = ctx.node.attrs.reduce === 'max';
  const read = readAt(x, [n, 'ci', y, xx]);
  return {
    constants: { CIN: C },
    body: [
      max ? `let s = ${LOWEST};` : 'let s = 0;',
      'for (let ci = 0; ci < this.constants.CIN; ci++) {',
      max ? `  s = Math.max(s, ${read});` : `  s += ${read};`,
      '}',
      max ? 'let v = s;' : 'let v = s / this.constants.CIN;',
    ],
    key: max ? 'max' : 'mean',
    reduction: C,
  };
};

export const windowPoolTemplate: KernelTemplate<'window_pool'> = (ctx) => {
  const a = ctx.node.attrs;
  const x = ctx.inputs[0];
  const [, , H, W] = x.shape;
  const [KH, KW] = a.kernel;
  const [SH, SW] = a.stride;
  const [PH, PW] = a.padding;
  const [n, c, oy, ox] = ctx.coords;
  const max = ctx.node.op === 'max_pool2d';
  const read = readAt(x, [n, c, 'iy', 'ix']);
  const K = 'this.constants';
  const body = [
    `const h0 = ${oy} * ${K}.SH - ${K}.PH;`,
    `const w0 = ${ox} * ${K}.SW - ${K}.PW;`,
    max ? `let s = ${LOWEST};` : 'let s = 0;',
    `for (let p = 0; p < ${K}.KH; p++) {`,
    '  const iy = h0 + p;',
    `  if (iy >= 0 && iy < ${K}.H) {`,
    `    for (let q = 0; q < ${K}.KW; q++) {`,
    '      const ix = w0 + q;',
    `      if (ix >= 0 && ix < ${K}.W) {`,
    max ? `        s = Math.max(s, ${read});` : `        s += ${read};`,
    '      }',
    '    }',
    '  }',
    '}',
  ];
  const countIncludePad = max || ctx.node.attrs.countIncludePad;
  if (max) body.push('let v = s;');
  else if (countIncludePad) {
    // count_include_pad: the window clipped to the padded input (it can run past it in ceil mode).
    body.push(
      `const hc = Math.min(h0 + ${K}.KH, ${K}.H + ${K}.PH) - h0;`,
      `const wc = Math.min(w0 + ${K}.KW, ${K}.W + ${K}.PW) - w0;`,
      'let v = s / (hc * wc);',
    );
  } else {
    // Only the input elements the window covers (never none: every window starts inside the input
    // or its left padding and reaches past it).
    body.push(
      `const hc = Math.min(h0 + ${K}.KH, ${K}.H) - Math.max(h0, 0);`,
      `const wc = Math.min(w0 + ${K}.KW, ${K}.W) - Math.max(w0, 0);`,
      'let v = s / (hc * wc);',
    );
  }
  return {
    constants: { H, W, KH, KW, SH, SW, PH, PW },
    body,
    key: `${max ? 'max' : 'avg'}k${KH}x${KW}s${SH}x${SW}p${PH}x${PW}${a.ceilMode ? 'ceil' : ''}${countIncludePad ? '' : 'nopad'}`,
    reduction: KH * KW,
  };
};
