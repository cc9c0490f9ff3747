/** Shared zod building blocks for op attributes. */
import { z } from 'zod';
import { Dim, parseDim } from '../dim/index.js';
import { CoordattnError, isCoordattnError } from '../errors.js';

/** A dimension: a Dim, an integer, or an expression string; constants must be integers >= min. */
export function zDim(min = 1): z.ZodType<Dim> {
  return z
    .custom<Dim | number | string>(
      (v) => v instanceof Dim || typeof v === 'number' || typeof v === 'string',
      {
        message: 'expected a positive integer or a dimension expression',
      },
    )
    .transform((v, ctx) => {
      try {
        const d = v instanceof Dim ? v : parseDim(v);
        const c = d.constValue();
        if (c && (!c.isInteger() || c.cmp(Dim.const(min).constValue()!) < 0)) {
          ctx.addIssue({ code: 'custom', message: `expected an integer >= ${min}, got ${c.toString()}` });
          return z.NEVER;
        }
        return d;
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: isCoordattnError(e) ? e.message : String(e) });
        return z.NEVER;
      }
    }) as unknown as z.ZodType<Dim>;
}

export const zInt = (min: number, max = 1 << 20): z.ZodNumber => z.number().int().min(min).max(max);

/** An int or an [h, w] pair of ints, normalised to a pair. */
export function zPair(min: number): z.ZodType<readonly [number, number]> {
  return z
    .union([zInt(min), z.tuple([zInt(min), zInt(min)])])
    .transform((v) =>
      typeof v === 'number' ? ([v, v] as const) : ([v[0], v[1]] as const),
    ) as unknown as z.ZodType<readonly [number, number]>;
}

/** Validates attributes against an op's schema, turning zod issues into E_ATTR errors. */
export function parseAttrs<A>(schema: z.ZodType<A>, raw: unknown, where: string, op: string): A {
  const r = schema.safeParse(raw ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue.path.length ? `.${issue.path.join('.')}` : '';
  let msg = issue.message;
  if (issue.code === 'unrecognized_keys')
    msg = `unknown attribute ${issue.keys.map((k) => `'${k}'`).join(', ')} for op '${op}'`;
  else if (issue.code === 'invalid_type' && /received undefined/.test(issue.message))
    msg = `missing required attribute for op '${op}'`;
  throw new CoordattnError('E_ATTR', msg, { path: `${where}.attrs${field}` });
}
