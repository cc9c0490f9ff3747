/**
 * Elementwise templates: `elementwise` (read input 0 broadcast at the output coordinates; the
 * activation / clip / scale / offset / add / sub / mul / div steps are its epilogue) and `batch_norm` (inference-mode BN from the
 * raw statistics, used when BN folding is off or has no producer to fold into).
 */
import { floatLiteral, readAt } from './source.js';
import type { KernelTemplate } from './types.js';

export const elementwiseTemplate: KernelTemplate<'elementwise'> = (ctx) => {
  return { constants: {}, body: [`let v = ${ctx.read0(ctx.coords)};`], key: '', reduction: 1 };
};

export const batchNormTemplate: KernelTemplate<'batch_norm'> = (ctx) => {
  const a = ctx.node.attrs;
  const x = ctx.inputs[0];
  const c = ctx.coords[1];
  const mean = ctx.weight('running_mean');
  const variance = ctx.weight('running_var');
  const body = [
    `let v = (${readAt(x, ctx.coords)} - ${mean}[${c}]) / Math.sqrt(${variance}[${c}] + ${floatLiteral(a.eps)});`,
  ];
  if (a.affine) {
    body.push(`v = v * ${ctx.weight('weight')}[${c}] + ${ctx.weight('bias')}[${c}];`);
  }
  return { constants: {}, body, key: `eps${a.eps}${a.affine ? 'affine' : ''}`, reduction: 1 };
};
