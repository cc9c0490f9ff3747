/**
 * Contraction templates: conv2d (grouped, depthwise, strided, dilated, padded; gates fused into its
 * input reads; bias and epilogue), linear, channel_conv1d (ECA). Loop bounds are constants; every
 * read outside the input is skipped by an explicit bounds check (zero padding).
 */
import type { ConcreteAttrs } from '@coordattn/reference';
import { readAt } from './source.js';
import type { KernelTemplate, TemplateContext } from './types.js';

/** `base + Σ coef·term`, dropping zero coefficients (terms are identifiers or constants). */
function affine(parts: readonly (readonly [string, string | number])[]): string {
  const out: string[] = [];
  for (const [sign, t] of parts) {
    if (t === 0 || t === '0') continue;
    out.push(out.length === 0 ? (sign === '-' ? `-${t}` : `${t}`) : `${sign} ${t}`);
  }
  return out.length === 0 ? '0' : out.join(' ');
}

/** Input 0 read at coordinates, times every gate read at the same coordinates. */
function gatedRead(ctx: TemplateContext, coords: readonly string[]): string {
  const x = ctx.inputs[0];
  return [readAt(x.name, x.shape, coords), ...ctx.gates.map((g) => readAt(g.name, g.shape, coords))].join(
    ' * ',
  );
}

function biasLine(ctx: TemplateContext, hasBias: boolean, index: string, size: number): string {
  if (!hasBias || ctx.mutation === 'drop-bias') return 'let v = s;';
  return `let v = s + ${ctx.param('bias', [size])}[${index}];`;
}

export const conv2dTemplate: KernelTemplate = (ctx) => {
  const a = ctx.node.attrs as unknown as ConcreteAttrs<'conv2d'>;
  const [, C, H, W] = ctx.inputs[0].shape;
  const O = a.outChannels;
  const G = a.groups;
  const CG = C / G;
  const OG = O / G;
  const [KH, KW] = a.kernel;
  const [SH, SW] = a.stride;
  const [DH, DW] = a.dilation;
  const off = ctx.mutation === 'padding-off-by-one' ? 1 : 0;
  const PH = a.padding[0] + off;
  const PW = a.padding[1] + off;
  const [n, o] = ctx.coords;
  const w = ctx.param('weight', [CG * KH * KW, O]);
  const group = G === 1 ? '0' : OG === 1 ? o : `Math.floor(${o} / this.constants.OG)`;
  const ic = G === 1 ? 'ci' : `${group} * this.constants.CG + ci`;
  const K = 'this.constants';
  const body = [`let s = 0;`, `for (let ci = 0; ci < ${K}.CG; ci++) {`, `  const ic = ${ic};`];
  const iy = affine([
    ['+', SH === 1 ? 'y' : `y * ${K}.SH`],
    ['-', PH === 0 ? 0 : `${K}.PH`],
    ['+', KH === 1 ? 0 : DH === 1 ? 'p' : `p * ${K}.DH`],
  ]);
  const ix = affine([
    ['+', SW === 1 ? 'x' : `x * ${K}.SW`],
    ['-', PW === 0 ? 0 : `${K}.PW`],
    ['+', KW === 1 ? 0 : DW === 1 ? 'q' : `q * ${K}.DW`],
  ]);
  const widx =
    KH === 1 && KW === 1
      ? 'ci'
      : `(ci * ${K}.KH + ${KH === 1 ? '0' : 'p'}) * ${K}.KW + ${KW === 1 ? '0' : 'q'}`;
  const acc = `s += ${gatedRead(ctx, [n, 'ic', 'iy', 'ix'])} * ${w}[${o}][${widx}];`;
  // Nested loops/guards, innermost first.
  let inner = [acc];
  if (PW > 0) inner = [`if (ix >= 0 && ix < ${K}.W) {`, ...inner.map((l) => `  ${l}`), '}'];
  inner = [`const ix = ${ix};`, ...inner];
  if (KW > 1) inner = [`for (let q = 0; q < ${K}.KW; q++) {`, ...inner.map((l) => `  ${l}`), '}'];
  if (PH > 0) inner = [`if (iy >= 0 && iy < ${K}.H) {`, ...inner.map((l) => `  ${l}`), '}'];
  inner = [`const iy = ${iy};`, ...inner];
  if (KH > 1) inner = [`for (let p = 0; p < ${K}.KH; p++) {`, ...inner.map((l) => `  ${l}`), '}'];
  body.push(...inner.map((l) => `  ${l}`), '}', biasLine(ctx, a.bias, o, O));
  return {
    constants: { C, H, W, CG, OG, KH, KW, SH, SW, PH, PW, DH, DW },
    body,
    key: `k${KH}x${KW}s${SH}x${SW}p${PH}x${PW}d${DH}x${DW}g${G}${a.bias ? 'b' : ''}`,
    reduction: CG * KH * KW,
  };
};

export const linearTemplate: KernelTemplate = (ctx) => {
  const a = ctx.node.attrs as unknown as ConcreteAttrs<'linear'>;
  const x = ctx.inputs[0];
  const o = ctx.coords[ctx.coords.length - 1];
  // Over the last axis: [..., K] → [..., O]; or [N, K, 1, 1] → [N, O] when a flatten was lowered away.
  const flattened = x.shape.length === 4 && ctx.node.shape.length === 2;
  const K = flattened ? x.shape[1] : x.shape[x.shape.length - 1];
  const w = ctx.param('weight', [K, a.outFeatures]);
  const read = readAt(
    x.name,
    x.shape,
    flattened ? [ctx.coords[0], 'k', '0', '0'] : [...ctx.coords.slice(0, -1), 'k'],
  );
  return {
    constants: { K },
    body: [
      'let s = 0;',
      'for (let k = 0; k < this.constants.K; k++) {',
      `  s += ${read} * ${w}[${o}][k];`,
      '}',
      biasLine(ctx, a.bias, o, a.outFeatures),
    ],
    key: `k${K}${a.bias ? 'b' : ''}${flattened ? 'flat' : ''}`,
    reduction: K,
  };
};

export const channelConv1dTemplate: KernelTemplate = (ctx) => {
  const a = ctx.node.attrs as unknown as ConcreteAttrs<'channel_conv1d'>;
  const x = ctx.inputs[0];
  const C = x.shape[1];
  const KS = a.kernel;
  const off = ctx.mutation === 'padding-off-by-one' ? 1 : 0;
  const [n, c] = ctx.coords;
  const w = ctx.param('weight', [KS]);
  return {
    constants: { C, KS, HALF: (KS - 1) / 2 + off },
    body: [
      'let s = 0;',
      'for (let t = 0; t < this.constants.KS; t++) {',
      `  const ic = ${c} - this.constants.HALF + t;`,
      '  if (ic >= 0 && ic < this.constants.C) {',
      `    s += ${readAt(x.name, x.shape, [n, 'ic', '0', '0'])} * ${w}[t];`,
      '  }',
      '}',
      biasLine(ctx, a.bias, '0', 1),
    ],
    key: `k${KS}${a.bias ? 'b' : ''}`,
    reduction: KS,
  };
};
