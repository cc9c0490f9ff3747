/**
 * The resize template: bilinear, align_corners=False, as PyTorch's upsample_bilinear2d — per
 * output row y the source row sy = max((y + 0.5)·H/Ho − 0.5, 0), rows floor(sy) and the next one
 * (clamped to H − 1) weighted 1 − λ and λ; columns the same. A size-1 input axis reads index 0
 * (readAt), so a 1 × 1 input is a broadcast.
 */
import { floatLiteral, readAt } from './source.js';
import type { KernelTemplate } from './types.js';

export const resizeTemplate: KernelTemplate<'resize'> = (ctx) => {
  const x = ctx.inputs[0];
  const [, , H, W] = x.shape;
  const [ho, wo] = ctx.node.attrs.size;
  const [n, c, y, xc] = ctx.coords;
  const at = (i: string, j: string): string => readAt(x, [n, c, i, j]);
  const where = ctx.node.nodes[0];
  return {
    constants: { HM1: H - 1, WM1: W - 1 },
    body: [
      `const sy = Math.max((${y} + 0.5) * ${floatLiteral(H / ho, where)} - 0.5, 0.0);`,
      'const iy0 = Math.min(Math.floor(sy), this.constants.HM1);',
      'const iy1 = Math.min(iy0 + 1, this.constants.HM1);',
      'const ly = sy - iy0;',
      `const sx = Math.max((${xc} + 0.5) * ${floatLiteral(W / wo, where)} - 0.5, 0.0);`,
      'const ix0 = Math.min(Math.floor(sx), this.constants.WM1);',
      'const ix1 = Math.min(ix0 + 1, this.constants.WM1);',
      'const lx = sx - ix0;',
      `const top = (1.0 - lx) * ${at('iy0', 'ix0')} + lx * ${at('iy0', 'ix1')};`,
      `const bottom = (1.0 - lx) * ${at('iy1', 'ix0')} + lx * ${at('iy1', 'ix1')};`,
      'let v = (1.0 - ly) * top + ly * bottom;',
    ],
    key: `bilinear${H}x${W}`,
    reduction: 4,
  };
};
