/**
 * Movement templates: concat (a branch per input along the axis), slice (one piece of a split),
 * permute (output axis d reads input axis perm[d]) and reshape (flat row-major index → input
 * coordinates; also flatten and dropout when they are not lowered away).
 */
import type { ConcreteAttrs } from '@coordattn/reference';
import { dims3, readAt } from './source.js';
import type { KernelTemplate } from './types.js';

export const concatTemplate: KernelTemplate = (ctx) => {
  const axis = (ctx.node.attrs as unknown as ConcreteAttrs<'concat'>).axis;
  const at = ctx.coords[axis];
  const body = ['let v = 0;'];
  let start = 0;
  ctx.inputs.forEach((inp, k) => {
    const len = inp.shape[axis];
    const coords = ctx.coords.map((c, i) => (i === axis ? (start === 0 ? at : `(${at} - ${start})`) : c));
    const read = `  v = ${readAt(inp.name, inp.shape, coords)};`;
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

export const sliceTemplate: KernelTemplate = (ctx) => {
  const { axis, offset } = ctx.node.attrs as { axis: number; offset: number };
  const x = ctx.inputs[0];
  const coords = ctx.coords.map((c, i) => (i === axis && offset > 0 ? `${c} + ${offset}` : c));
  return {
    constants: {},
    body: [`let v = ${readAt(x.name, x.shape, coords)};`],
    key: `axis${axis}@${offset}`,
    reduction: 1,
  };
};

export const permuteTemplate: KernelTemplate = (ctx) => {
  const perm = (ctx.node.attrs as unknown as ConcreteAttrs<'permute'>).perm;
  const x = ctx.inputs[0];
  const coords = new Array<string>(perm.length);
  perm.forEach((p, d) => (coords[p] = ctx.coords[d]));
  return {
    constants: {},
    body: [`let v = ${readAt(x.name, x.shape, coords)};`],
    key: `perm${perm.join('')}`,
    reduction: 1,
  };
};

export const reshapeTemplate: KernelTemplate = (ctx) => {
  const x = ctx.inputs[0];
  const [ox, oy] = dims3(ctx.node.shape);
  const [ix, iy] = dims3(x.shape);
  return {
    constants: {},
    body: [
      `const f = this.thread.x + ${ox} * (this.thread.y + ${oy} * this.thread.z);`,
      `const zi = Math.floor(f / ${ix * iy});`,
      `const r = f - zi * ${ix * iy};`,
      `const yi = Math.floor(r / ${ix});`,
      `const xi = r - yi * ${ix};`,
      `let v = ${x.name}[zi][yi][xi];`,
    ],
    key: `from${x.shape.join('x')}`,
    reduction: 1,
  };
};
