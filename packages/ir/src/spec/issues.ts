/**
 * Turns zod issues into CoordattnErrors that say what is wrong, where (a JSON path) and what was
 * expected (described from the schema itself, so messages never drift from the format).
 */
import { z } from 'zod';
import { CoordattnError, type ErrorCode } from '../errors.js';
import { describe as describeValue } from '../dim/index.js';
import { formatPath, shortName, type PathSegment } from './paths.js';

type Issue = z.core.$ZodIssue;

/** Strips optional/default/nullable wrappers and transforms down to the schema that checks. */
function unwrap(s: z.core.$ZodType | undefined): z.core.$ZodType | undefined {
  for (let k = 0; s && k < 16; k++) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable) s = s.unwrap();
    else if (s instanceof z.ZodPipe) s = s.in;
    else return s;
  }
  return s;
}

/** The fields of an object schema (through optional/default/transform wrappers), in order. */
export function objectKeys(schema: z.core.$ZodType): string[] {
  const u = unwrap(schema);
  return u instanceof z.ZodObject ? Object.keys(u.shape) : [];
}

/** The schema that validates the value at `path` under `schema`, when it can be found. */
export function schemaAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): z.core.$ZodType | undefined {
  let s: z.core.$ZodType | undefined = schema;
  for (const seg of path) {
    const u = unwrap(s);
    if (u instanceof z.ZodObject) {
      s = typeof seg === 'string' && Object.hasOwn(u.shape, seg) ? u.shape[seg] : undefined;
    } else if (u instanceof z.ZodArray) s = u.element;
    else if (u instanceof z.ZodRecord) s = u.valueType;
    else if (u instanceof z.ZodTuple) s = typeof seg === 'number' ? u.def.items[seg] : undefined;
    else if (u instanceof z.ZodUnion) {
      s = undefined;
      for (const o of u.options as readonly z.core.$ZodType[]) {
        const found = schemaAt(o, [seg]);
        if (found) {
          s = found;
          break;
        }
      }
    } else s = undefined;
    if (!s) return undefined;
  }
  return s;
}

function descriptionOf(s: z.core.$ZodType): string | undefined {
  return s instanceof z.ZodType ? s.description : undefined;
}

function quote(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : String(v);
}

/** A short English description of what a schema accepts (undefined when it cannot tell). */
export function describeSchema(s: z.core.$ZodType | undefined): string | undefined {
  const d = describeAny(s, 0);
  return d === UNKNOWN ? undefined : d;
}

const UNKNOWN = 'a valid value';

function describeAny(s: z.core.$ZodType | undefined, depth: number): string {
  if (!s) return UNKNOWN;
  const own = descriptionOf(s);
  if (own) return own;
  const u = unwrap(s);
  if (!u) return UNKNOWN;
  if (u !== s && descriptionOf(u)) return descriptionOf(u)!;
  if (depth > 3) return UNKNOWN;
  if (u instanceof z.ZodString) return 'a string';
  if (u instanceof z.ZodBoolean) return 'true or false';
  if (u instanceof z.ZodNumber) {
    const kind = u.isInt ? 'an integer' : 'a number';
    const lo = u.minValue;
    const hi = u.maxValue;
    const bits: string[] = [];
    // Bounds that only guard against absurd values (1 << 20 and up) are left out.
    if (lo !== null && Number.isFinite(lo) && lo > Number.MIN_SAFE_INTEGER) bits.push(`>= ${lo}`);
    if (hi !== null && Number.isFinite(hi) && hi < 1 << 20) bits.push(`<= ${hi}`);
    return bits.length ? `${kind} ${bits.join(' and ')}` : kind;
  }
  if (u instanceof z.ZodEnum) return `one of ${(u.options as unknown[]).map(quote).join(', ')}`;
  if (u instanceof z.ZodLiteral) return [...u.values].map(quote).join(' or ');
  if (u instanceof z.ZodArray) return `a list of ${describeAny(u.element, depth + 1)}`;
  if (u instanceof z.ZodObject) return `an object with the fields ${Object.keys(u.shape).join(', ')}`;
  if (u instanceof z.ZodRecord) return 'an object';
  if (u instanceof z.ZodTuple) {
    return `[${(u.def.items as readonly z.core.$ZodType[]).map((i) => describeAny(i, depth + 1)).join(', ')}]`;
  }
  if (u instanceof z.ZodUnion) {
    return (u.options as readonly z.core.$ZodType[]).map((o) => describeAny(o, depth + 1)).join(' or ');
  }
  return UNKNOWN;
}

/** The raw value at a path (own properties only). */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    const key = typeof seg === 'number' ? seg : String(seg);
    if (!Object.hasOwn(v, key)) return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

/** A value in a message: JSON for short scalars, a description otherwise. */
export function showValue(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  return describeValue(v);
}

export interface IssueContext {
  /** The value that was validated. */
  readonly root: unknown;
  readonly schema: z.core.$ZodType;
  /** Where `root` sits in the spec (`['attention', 'config']`). */
  readonly prefix?: readonly PathSegment[];
  /** Code for values of the right type but out of range (E_SPEC, or E_OPTION for model options). */
  readonly rangeCode?: ErrorCode;
  /** Code for an unknown enum value, by the name of the field holding it. */
  readonly unknownNameCodes?: Readonly<Record<string, ErrorCode>>;
  /** Code for every issue (op attributes: E_ATTR); overrides the codes above. */
  readonly code?: ErrorCode;
  /** What a field is called in messages ('field', 'attribute'). */
  readonly fieldNoun?: string;
  /** A specific error for an unknown enum value at a (full) path, or undefined for the default. */
  readonly onUnknownValue?: (path: readonly PropertyKey[], value: unknown) => CoordattnError | undefined;
  /** Noun for the object, in unknown-field messages (`the model spec`, `a ca config`). */
  readonly what?: (path: readonly PropertyKey[]) => string | undefined;
}

/** The CoordattnError for the first zod issue. */
export function issueToError(issue: Issue, ctx: IssueContext): CoordattnError {
  const e = issueToErrorRaw(issue, ctx);
  return ctx.code && ctx.code !== e.code ? new CoordattnError(ctx.code, bareMessage(e), e.details) : e;
}

/** The message of a CoordattnError without its code, path, shapes and expected parts. */
export function bareMessage(e: CoordattnError): string {
  const d = e.details;
  let m = e.message.slice(e.code.length + (d.path ? ` at ${d.path}`.length : 0) + 2);
  const exp = d.expected ? ` (expected ${d.expected})` : '';
  if (exp && m.endsWith(exp)) m = m.slice(0, m.length - exp.length);
  const shapes = d.shapes && d.shapes.length > 0 ? `: ${d.shapes.join(' vs ')}` : '';
  if (shapes && m.endsWith(shapes)) m = m.slice(0, m.length - shapes.length);
  return m;
}

function issueToErrorRaw(issue: Issue, ctx: IssueContext): CoordattnError {
  const prefix = ctx.prefix ?? [];
  const local = issue.path;
  const full = (p: readonly PropertyKey[]): string => formatPath([...prefix, ...p]);
  const value = valueAt(ctx.root, local);
  const field = local.length ? String(local[local.length - 1]) : undefined;
  /** `width`, `stride[1]`: how the value is named in messages. */
  let tail = local.length - 1;
  while (tail > 0 && typeof local[tail] === 'number') tail--;
  const label = typeof local[local.length - 1] === 'number' ? formatPath(local.slice(tail)) : field;
  const expected = describeSchema(schemaAt(ctx.schema, local));
  const rangeCode = ctx.rangeCode ?? 'E_SPEC';
  const noun = ctx.fieldNoun ?? 'field';
  if (value === undefined && field !== undefined && issue.code !== 'unrecognized_keys') {
    return new CoordattnError('E_SPEC', `missing ${noun} '${field}'`, { path: full(local), expected });
  }
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = shortName(issue.keys[0]);
      const target = unwrap(schemaAt(ctx.schema, local));
      const known = target instanceof z.ZodObject ? Object.keys(target.shape) : [];
      const inWhat = ctx.what?.(local);
      return new CoordattnError(
        'E_SPEC',
        `unknown ${noun} '${key}'${inWhat ? ` in ${inWhat}` : ''}${issue.keys.length > 1 ? ` (and ${issue.keys.length - 1} more)` : ''}`,
        {
          path: full([...local, issue.keys[0]]),
          expected: known.length ? `only the ${noun}s ${known.join(', ')}` : undefined,
        },
      );
    }
    case 'invalid_type':
    case 'invalid_union':
      return new CoordattnError('E_SPEC', `wrong type: got ${showValue(value)}`, {
        path: full(local),
        expected,
      });
    case 'invalid_value': {
      const custom = ctx.onUnknownValue?.([...prefix, ...local], value);
      if (custom) return custom;
      const code = (field !== undefined && ctx.unknownNameCodes?.[field]) || 'E_SPEC';
      const what =
        local.length > 1
          ? local
              .filter((p) => typeof p === 'string')
              .slice(-2)
              .join(' ')
          : (field ?? 'value');
      return new CoordattnError(code, `unknown ${what} ${showValue(value)}`, {
        path: full(local),
        expected: `one of ${issue.values.map(quote).join(', ')}`,
      });
    }
    case 'invalid_format':
      return new CoordattnError(
        'E_SPEC',
        `${label ? `${label} ` : ''}${showValue(value)} has the wrong form`,
        {
          path: full(local),
          expected,
        },
      );
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = Number(small ? issue.minimum : issue.maximum);
      if (issue.origin === 'array' || issue.origin === 'string') {
        const n = Array.isArray(value) || typeof value === 'string' ? value.length : 0;
        const unit = issue.origin === 'array' ? 'item' : 'character';
        return new CoordattnError(
          'E_SPEC',
          `${label ? `'${label}' has` : 'has'} ${n} ${unit}${n === 1 ? '' : 's'}, too ${small ? 'few' : 'many'}`,
          {
            path: full(local),
            expected: `${small ? 'at least' : 'at most'} ${bound} ${unit}${bound === 1 ? '' : 's'}`,
          },
        );
      }
      return new CoordattnError(
        rangeCode,
        `${label ? `${label} ` : ''}${showValue(value)} is too ${small ? 'small' : 'large'}`,
        { path: full(local), expected },
      );
    }
    default:
      return new CoordattnError(
        issue.code === 'custom' || issue.code === 'not_multiple_of' ? rangeCode : 'E_SPEC',
        `${label ? `${label} ` : ''}${showValue(value)} is invalid: ${issue.message}`,
        { path: full(local), expected },
      );
  }
}

/** Validates `value` with `schema`, throwing the CoordattnError of the first issue. */
export function validate<S extends z.core.$ZodType>(
  schema: S,
  value: unknown,
  ctx: Omit<IssueContext, 'root' | 'schema'>,
): z.output<S> {
  const r = z.safeParse(schema, value);
  if (r.success) return r.data;
  throw issueToError(r.error.issues[0], { ...ctx, root: value, schema });
}
