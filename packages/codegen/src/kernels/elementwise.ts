/**
 * Elementwise templates: `elementwise` (read input 0 broadcast at the output coordinates; the
 * activation / clip / scale / offset / add / sub / mul / div steps are its epilogue) and `batch_norm` (inference-mode BN from the
 * raw statistics, used when BN folding is off or has no producer to fold into).
 */
import type { ConcreteAttrs } from '@coordattn/reference';
import { floatLiteral, readAt } from './source.js';
import type { KernelTemplate } from './types.js';

export const elementwiseTemplate: KernelTemplate = (ctx) => {
  const x = ctx.inputs[0];
  return { constants: {}, body: [`let v = ${readAt(x.name, x.shape, ctx.coords)};`], key: '', reduction: 1 };
};

export const batchNormTemplate: KernelTemplate = (ctx) => {
  const a = ctx.node.attrs as unknown as ConcreteAttrs<'batch_norm'>;
  const x = ctx.inputs[0];
  const C = x.shape[1];
  const c = ctx.coords[1];
  const mean = ctx.param('running_mean', [C]);
  const variance = ctx.param('running_var', [C]);
  const body = [
    `let v = (${readAt(x.name, x.shape, ctx.coords)} - ${mean}[${c}]) / Math.sqrt(${variance}[${c}] + ${floatLiteral(a.eps)});`,
  ];
  if (a.affine) {
    body.push(`v = v * ${ctx.param('weight', [C])}[${c}] + ${ctx.param('bias', [C])}[${c}];`);
  }
  return { constants: {}, body, key: `eps${a.eps}${a.affine ? 'affine' : ''}`, reduction: 1 };
};
