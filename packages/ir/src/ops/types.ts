import type { z } from 'zod';
import { CoordattnError } from '../errors.js';
import type { CmpOp, Dim } from '../dim/index.js';
import { decide } from '../dim/index.js';
import type { Assumption, Shape, Trait, WeightSpec } from '../graph/types.js';
import { shapeToString } from '../graph/shape.js';

/**
 * The check context of shape inference. Every relation has three outcomes: provably satisfied
 * (nothing happens), provably violated (an E_SHAPE error naming both shapes), unknown (recorded as
 * an assumption that reports list).
 */
export class CheckContext {
  readonly assumptions: Assumption[] = [];
  constructor(readonly path: string) {}

  require(op: CmpOp, a: Dim, b: Dim, relation: string, shapes: readonly Shape[] = []): void {
    const r = decide(op, a, b);
    if (r === true) return;
    const printed = shapes.map(shapeToString);
    if (r === false) {
      throw new CoordattnError(
        'E_SHAPE',
        `${relation} does not hold (${a.toString()} ${op} ${b.toString()} is false)`,
        {
          path: this.path,
          shapes: printed,
        },
      );
    }
    this.assumptions.push({
      path: this.path,
      relation: `${a.toString()} ${op} ${b.toString()} (${relation})`,
      shapes: printed,
      check: { op, lhs: a, rhs: b },
    });
  }

  /** Every output dim must be positive. */
  positive(d: Dim, what: string, shapes: readonly Shape[] = []): void {
    const r = decide('>', d, zeroDim);
    if (r === true) return;
    if (r === false) {
      throw new CoordattnError('E_DIM', `${what} is ${d.toString()}, which is not positive`, {
        path: this.path,
        shapes: shapes.map(shapeToString),
        expected: 'a dimension >= 1',
      });
    }
    this.assumptions.push({
      path: this.path,
      relation: `${d.toString()} >= 1 (${what})`,
      check: { op: '>=', lhs: d, rhs: oneDim },
    });
  }

  /** `a` divides evenly by `b`. */
  divisible(a: Dim, b: Dim, relation: string, shapes: readonly Shape[] = []): void {
    const q = a.div(b);
    if (q.isIntegerValued()) return;
    const qv = q.constValue();
    if (qv) {
      throw new CoordattnError(
        'E_SHAPE',
        `${relation}: ${a.toString()} is not divisible by ${b.toString()}`,
        {
          path: this.path,
          shapes: shapes.map(shapeToString),
        },
      );
    }
    this.assumptions.push({
      path: this.path,
      relation: `${a.toString()} divisible by ${b.toString()} (${relation})`,
      check: { op: 'divisible', lhs: a, rhs: b },
    });
  }

  rank(s: Shape, rank: number | readonly number[], which: string): void {
    const ok = typeof rank === 'number' ? s.length === rank : rank.includes(s.length);
    if (!ok) {
      throw new CoordattnError(
        'E_SHAPE',
        `${which} must have rank ${typeof rank === 'number' ? rank : rank.join(' or ')}`,
        {
          path: this.path,
          shapes: [shapeToString(s)],
        },
      );
    }
  }
}

import { Dim as DimClass } from '../dim/index.js';
const zeroDim = DimClass.const(0);
const oneDim = DimClass.const(1);

export interface OpDef<A = unknown> {
  readonly name: string;
  /** One line for docs and `coordattn list`. */
  readonly summary: string;
  readonly traits: readonly Trait[];
  /** Validates raw attributes (from JSON or the builder) and fills defaults. */
  readonly attrs: z.ZodType<A>;
  readonly arity: { readonly min: number; readonly max: number };
  /** Output shapes; relations go through ctx so that the three outcomes are handled uniformly. */
  infer(ctx: CheckContext, inputs: readonly Shape[], attrs: A): Shape[];
  /** Weight tensors owned by a node of this op (empty when none). */
  weights(inputs: readonly Shape[], attrs: A): WeightSpec[];
}

/** Identity helper that keeps the attribute type of each op definition. */
export function defineOp<A>(def: OpDef<A>): OpDef<A> {
  return def;
}
