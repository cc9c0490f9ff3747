import { z } from 'zod';
import { Dim } from '../dim/index.js';
import { CoordattnError } from '../errors.js';
import { shapeToString } from '../graph/shape.js';
import type { Shape } from '../graph/types.js';
import { defineOp, type CheckContext } from './types.js';

const one = Dim.const(1);

/** numpy broadcasting over symbolic dims: equal, or one side provably 1. */
export function broadcast(ctx: CheckContext, a: Shape, b: Shape, opName: string): Shape {
  const n = Math.max(a.length, b.length);
  const pa = [...Array(n - a.length).fill(one), ...a] as Dim[];
  const pb = [...Array(n - b.length).fill(one), ...b] as Dim[];
  return pa.map((x, i) => {
    const y = pb[i];
    if (x.equals(y)) return x;
    if (x.equals(one)) return y;
    if (y.equals(one)) return x;
    const xv = x.constValue();
    const yv = y.constValue();
    if (xv && yv) {
      throw new CoordattnError('E_SHAPE', `${opName}: dims ${i} differ and neither is 1`, {
        path: ctx.path,
        shapes: [shapeToString(a), shapeToString(b)],
      });
    }
    ctx.require('==', x, y, `${opName}: dims ${i} broadcast`, [a, b]);
    return x;
  });
}

/** The binary elementwise ops: one definition, numpy broadcasting. */
export const BINARY_OPS = ['add', 'sub', 'mul', 'div'] as const;
export type BinaryOpName = (typeof BINARY_OPS)[number];

function binary(name: BinaryOpName, summary: string) {
  return defineOp({
    name,
    summary,
    traits: ['elementwise', 'broadcast'],
    attrs: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
    arity: { min: 2, max: 2 },
    infer: (ctx, [a, b]) => [broadcast(ctx, a, b, name)],
    weights: () => [],
  });
}

export const add = binary('add', 'elementwise sum with numpy broadcasting (residual add)');
export const sub = binary('sub', 'elementwise difference a − b with numpy broadcasting');
export const mul = binary('mul', 'elementwise product with numpy broadcasting (attention re-weighting)');
export const div = binary('div', 'elementwise quotient a / b with numpy broadcasting');

/** Multiplication by a constant (averaging Triplet's branches, `x / 6`). */
export const scale = defineOp({
  name: 'scale',
  summary: 'multiply by a constant factor',
  traits: ['elementwise'],
  attrs: z.object({ factor: z.number().finite() }).strict(),
  arity: { min: 1, max: 1 },
  infer: (_ctx, [x]) => [x],
  weights: () => [],
});

/** Addition of a constant (`x + 3`; the twin of scale). */
export const offset = defineOp({
  name: 'offset',
  summary: 'add a constant value',
  traits: ['elementwise'],
  attrs: z.object({ value: z.number().finite() }).strict(),
  arity: { min: 1, max: 1 },
  infer: (_ctx, [x]) => [x],
  weights: () => [],
});
