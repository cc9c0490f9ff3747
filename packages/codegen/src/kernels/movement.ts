/**
 * Movement templates: concat (a branch per input along the axis), slice (one piece of a split, or a
 * strided slice op), permute (output axis d reads input axis perm[d]) and reshape (flat row-major
 * index → input coordinates; also flatten and dropout when they are not lowered away).
 */
import { dims3, readAt } from './source.js';
import type { KernelTemplate } from './types.js';

export const concatTemplate: KernelTemplate<'concat'> = (ctx) => {
  const axis = ctx.node.attrs.axis;
  const at = ctx.coords[axis];
  const body = ['let v = 0;'];
  let start = 0;
  ctx.inputs.forEach((inp, k) => {
    const len = inp.shape[axis];
    const coords = ctx.coords.map((c, i) => (i === axis ? (start === 0 ? at : `(${at} - ${start})`) : c));
    const read = `  v = ${readAt(inp, coords)};`;
    const last = k === ctx.inputs.length - 1;
    if (k === 0) body.push(last ? `{` : `if (${at} < ${start + len}) {`, read);
    else body.push(last ? '} else {' : `} else if (${at} < ${start + len}) {`, read);
    start += len;
  });
  body.push('}');
  return {
    constants: {},
    body,
    key: `axis${axis}:${ctx.inputs.map((i) => i.shape[axis]).join(',')}`,
    reduction: 1,
  };
};

/** Output index i along the axis reads input index start + i·step (a split piece has step 1). */
export const sliceTemplate: KernelTemplate<'slice'> = (ctx) => {
  const { axis, start, step } = ctx.node.attrs;
  const x = ctx.inputs[0];
  const at = (c: string): string => {
    // A literal coordinate (a size-1 output axis) folds to a literal: gpu.js's GL backends reject
    // an index such as `0 + 1` (a constant integer expression).
    if (/^\d+$/.test(c)) return String(Number(c) * step + start);
    const scaled = step === 1 ? c : `${c} * ${step}`;
    return start > 0 ? `${scaled} + ${start}` : scaled;
  };
  const coords = ctx.coords.map((c, i) => (i === axis ? at(c) : c));
  return {
    constants: {},
    body: [`let v = ${readAt(x, coords)};`],
    key: `axis${axis}@${start}${step === 1 ? '' : `:${step}`}`,
    reduction: 1,
  };
};

export const permuteTemplate: KernelTemplate<'permute'> = (ctx) => {
  const perm = ctx.node.attrs.perm;
  const coords = new Array<string>(perm.length);
  perm.forEach((p, d) => (coords[p] = ctx.coords[d]));
  return {
    constants: {},
    body: [`let v = ${ctx.read0(coords)};`],
    key: `perm${perm.join('')}`,
    reduction: 1,
  };
};

export const reshapeTemplate: KernelTemplate<'reshape'> = (ctx) => {
  const x = ctx.inputs[0];
  const [ox, oy] = dims3(ctx.node.shape);
  return {
    constants: {},
    // Same elements in the same row-major order: the flat output index reads the flat input.
    body: [`let v = ${x.name}[this.thread.x + ${ox} * (this.thread.y + ${oy} * this.thread.z)];`],
    key: `from${x.shape.join('x')}`,
    reduction: 1,
  };
};
