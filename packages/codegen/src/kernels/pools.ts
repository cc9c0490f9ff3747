/**
 * Reduction templates: global pools, directional means, Coordinate Attention's fused two-way pool
 * (`ca_pool`: one kernel writes the concatenated [N, C, H+W, 1] descriptor), channel reduce and
 * windowed max/avg pooling (PyTorch semantics: zero padding excluded from max, counted by avg
 * unless the window runs past the padded edge in ceil mode or countIncludePad is false).
 */
import type { ConcreteAttrs } from '@coordattn/reference';
import { readAt } from './source.js';
import type { KernelTemplate } from './types.js';

/** Max-pool accumulator start: below any float32 value a window can hold (every window has one element). */
const LOWEST = '-3.4028234663852886e38';

export const globalPoolTemplate: KernelTemplate = (ctx) => {
  const x = ctx.inputs[0];
  const [, , H, W] = x.shape;
  const [n, c] = ctx.coords;
  const read = readAt(x.name, x.shape, [n, c, 'i', 'j']);
  const max = ctx.node.op === 'global_max_pool';
  return {
    constants: { H, W, HW: H * W },
    body: [
      max ? `let s = ${LOWEST};` : 'let s = 0;',
      'for (let i = 0; i < this.constants.H; i++) {',
      '  for (let j = 0; j < this.constants.W; j++) {',
      max ? `    s = Math.max(s, ${read});` : `    s += ${read};`,
      '  }',
      '}',
      max ? 'let v = s;' : 'let v = s / this.constants.HW;',
    ],
    key: max ? 'max' : 'mean',
    reduction: H * W,
  };
};

export const directionalMeanTemplate: KernelTemplate = (ctx) => {
  const x = ctx.inputs[0];
  const [, , H, W] = x.shape;
  const [n, c] = ctx.coords;
  const overW = (ctx.node.attrs as unknown as ConcreteAttrs<'directional_mean'>).over === 'W';
  const body = overW
    ? [
        'let s = 0;',
        'for (let j = 0; j < this.constants.W; j++) {',
        `  s += ${readAt(x.name, x.shape, [n, c, 'y', 'j'])};`,
        '}',
        'let v = s / this.constants.W;',
      ]
    : [
        'let s = 0;',
        'for (let i = 0; i < this.constants.H; i++) {',
        `  s += ${readAt(x.name, x.shape, [n, c, 'i', 'x'])};`,
        '}',
        'let v = s / this.constants.H;',
      ];
  return { constants: { H, W }, body, key: overW ? 'overW' : 'overH', reduction: overW ? W : H };
};

/** CA's pool_h, pool_w, permute and concat as one kernel: rows 0..H-1 are row means, H..H+W-1 column means. */
export const caPoolTemplate: KernelTemplate = (ctx) => {
  const x = ctx.inputs[0];
  const [, , H, W] = x.shape;
  const [n, c] = ctx.coords;
  return {
    constants: { H, W },
    body: [
      'let v = 0;',
      'if (y < this.constants.H) {',
      '  let s = 0;',
      '  for (let j = 0; j < this.constants.W; j++) {',
      `    s += ${readAt(x.name, x.shape, [n, c, 'y', 'j'])};`,
      '  }',
      '  v = s / this.constants.W;',
      '} else {',
      '  const col = y - this.constants.H;',
      '  let s = 0;',
      '  for (let i = 0; i < this.constants.H; i++) {',
      `    s += ${readAt(x.name, x.shape, [n, c, 'i', 'col'])};`,
      '  }',
      '  v = s / this.constants.H;',
      '}',
    ],
    key: '',
    reduction: Math.max(H, W),
  };
};

export const channelReduceTemplate: KernelTemplate = (ctx) => {
  const x = ctx.inputs[0];
  const C = x.shape[1];
  const [n, , y, xx] = ctx.coords;
  const max = (ctx.node.attrs as unknown as ConcreteAttrs<'channel_reduce'>).reduce === 'max';
  const read = readAt(x.name, x.shape, [n, 'ci', y, xx]);
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

export const windowPoolTemplate: KernelTemplate = (ctx) => {
  const a = ctx.node.attrs as unknown as ConcreteAttrs<'max_pool2d'>;
  const x = ctx.inputs[0];
  const [, , H, W] = x.shape;
  const [KH, KW] = a.kernel;
  const [SH, SW] = a.stride;
  const off = ctx.mutation === 'padding-off-by-one' ? 1 : 0;
  const PH = a.padding[0] + off;
  const PW = a.padding[1] + off;
  const [n, c] = ctx.coords;
  const max = ctx.node.op === 'max_pool2d';
  const read = readAt(x.name, x.shape, [n, c, 'iy', 'ix']);
  const K = 'this.constants';
  const body = [
    `const h0 = y * ${K}.SH - ${K}.PH;`,
    `const w0 = x * ${K}.SW - ${K}.PW;`,
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
  const countIncludePad = max || (ctx.node.attrs as unknown as ConcreteAttrs<'avg_pool2d'>).countIncludePad;
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
