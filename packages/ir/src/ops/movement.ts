import { z } from 'zod';
import { ceil, decide, Dim } from '../dim/index.js';
import { CoordattnError } from '../errors.js';
import { shapeToString } from '../graph/shape.js';
import { defineOp } from './types.js';
import { zDim, zInt } from './attrs.js';

const axis = zInt(0, 7);

/** Concatenation along one axis; all other dims must be equal. */
export const concat = defineOp({
  name: 'concat',
  summary: 'concatenate inputs along an axis (torch.cat)',
  traits: ['movement'],
  attrs: z.object({ axis }).strict(),
  arity: { min: 1, max: 16 },
  infer(ctx, xs, a) {
    const first = xs[0];
    if (a.axis >= first.length) {
      throw new CoordattnError('E_ATTR', `axis ${a.axis} is out of range for rank ${first.length}`, {
        path: `${ctx.path}.attrs.axis`,
      });
    }
    let size = Dim.const(0);
    xs.forEach((x, k) => {
      if (x.length !== first.length) {
        throw new CoordattnError('E_SHAPE', `concat inputs 0 and ${k} have different ranks`, {
          path: ctx.path,
          shapes: [shapeToString(first), shapeToString(x)],
        });
      }
      x.forEach((d, i) => {
        if (i !== a.axis)
          ctx.require('==', first[i], d, `concat: dims ${i} of inputs 0 and ${k} are equal`, [first, x]);
      });
      size = size.add(x[a.axis]);
    });
    return [first.map((d, i) => (i === a.axis ? size : d))];
  },
  weights: () => [],
});

/** Split along an axis into pieces of the given sizes (torch.split with a list). */
export const split = defineOp({
  name: 'split',
  summary: 'split one input along an axis into pieces of given sizes (one output each)',
  traits: ['movement', 'multi-output'],
  attrs: z.object({ axis, sizes: z.array(zDim(1)).min(1).max(16) }).strict(),
  arity: { min: 1, max: 1 },
  infer(ctx, [x], a) {
    if (a.axis >= x.length) {
      throw new CoordattnError('E_ATTR', `axis ${a.axis} is out of range for rank ${x.length}`, {
        path: `${ctx.path}.attrs.axis`,
      });
    }
    const total = a.sizes.reduce((s, d) => s.add(d), Dim.const(0));
    ctx.require('==', total, x[a.axis], `split: sizes sum to dim ${a.axis} of the input`, [x]);
    return a.sizes.map((s) => x.map((d, i) => (i === a.axis ? s : d)));
  },
  weights: () => [],
});

/**
 * One strided piece of one axis (`x[:, :, 1:7:2]`, ONNX Slice on one axis) with Python / ONNX
 * semantics on non-negative indices: an `end` past the dim is clamped to it, so the output length
 * is ceil((min(end, D) − start) / step). When end ≤ D cannot be decided it is assumed.
 */
export const slice = defineOp({
  name: 'slice',
  summary: 'elements start, start+step, … before end along one axis (end clamped to the dim)',
  traits: ['movement'],
  attrs: z
    .object({
      axis,
      start: zInt(0),
      end: zInt(1, Number.MAX_SAFE_INTEGER),
      step: zInt(1).default(1),
    })
    .strict()
    .refine((a) => a.end > a.start, { message: 'end must be greater than start', path: ['end'] }),
  arity: { min: 1, max: 1 },
  infer(ctx, [x], a) {
    if (a.axis >= x.length) {
      throw new CoordattnError('E_ATTR', `axis ${a.axis} is out of range for rank ${x.length}`, {
        path: `${ctx.path}.attrs.axis`,
      });
    }
    const d = x[a.axis];
    const start = Dim.const(a.start);
    const end = Dim.const(a.end);
    let stop = end;
    if (decide('<=', end, d) === false) {
      // end is past the dim: clamped, and start must then lie inside it.
      stop = d;
      ctx.require('<', start, d, `slice: start lies inside dim ${a.axis}`, [x]);
    } else {
      ctx.require('<=', end, d, `slice: end lies within dim ${a.axis}`, [x]);
    }
    const len = ceil(stop.sub(start).div(a.step));
    return [x.map((v, i) => (i === a.axis ? len : v))];
  },
  weights: () => [],
});

/** Axis permutation (Tensor.permute). */
export const permute = defineOp({
  name: 'permute',
  summary: 'permute axes (Tensor.permute)',
  traits: ['movement'],
  attrs: z.object({ perm: z.array(axis).min(1).max(8) }).strict(),
  arity: { min: 1, max: 1 },
  infer(ctx, [x], a) {
    const sorted = [...a.perm].sort((p, q) => p - q);
    if (a.perm.length !== x.length || sorted.some((v, i) => v !== i)) {
      throw new CoordattnError(
        'E_ATTR',
        `perm [${a.perm.join(',')}] is not a permutation of the ${x.length} axes`,
        {
          path: `${ctx.path}.attrs.perm`,
          shapes: [shapeToString(x)],
        },
      );
    }
    return [a.perm.map((p) => x[p])];
  },
  weights: () => [],
});

/** Reshape to an explicit shape with the same element count. */
export const reshape = defineOp({
  name: 'reshape',
  summary: 'reshape to an explicit shape with the same number of elements',
  traits: ['movement'],
  attrs: z.object({ shape: z.array(zDim(1)).min(1).max(8) }).strict(),
  arity: { min: 1, max: 1 },
  infer(ctx, [x], a) {
    const prod = (s: readonly Dim[]): Dim => s.reduce((p, d) => p.mul(d), Dim.const(1));
    ctx.require('==', prod(a.shape), prod(x), 'reshape keeps the number of elements', [x, a.shape]);
    return [a.shape];
  },
  weights: () => [],
});

/** Flatten axes from startDim on (torch.flatten(x, 1)). */
export const flatten = defineOp({
  name: 'flatten',
  summary: 'flatten axes startDim.. into one (torch.flatten)',
  traits: ['movement'],
  attrs: z.object({ startDim: zInt(0, 7).default(1) }).strict(),
  arity: { min: 1, max: 1 },
  infer(ctx, [x], a) {
    if (a.startDim >= x.length) {
      throw new CoordattnError('E_ATTR', `startDim ${a.startDim} is out of range for rank ${x.length}`, {
        path: `${ctx.path}.attrs.startDim`,
      });
    }
    const tail = x.slice(a.startDim).reduce((p, d) => p.mul(d), Dim.const(1));
    return [[...x.slice(0, a.startDim), tail]];
  },
  weights: () => [],
});

/** Dropout: identity at inference. */
export const dropout = defineOp({
  name: 'dropout',
  summary: 'dropout (identity at inference)',
  traits: ['identity', 'elementwise'],
  attrs: z.object({ p: z.number().min(0).max(1).default(0.5) }).strict(),
  arity: { min: 1, max: 1 },
  infer: (_ctx, [x]) => [x],
  weights: () => [],
});
