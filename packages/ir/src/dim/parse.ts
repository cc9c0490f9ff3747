/**
 * Parsing of dimension expressions from spec text. Spec text is data: it is parsed with a
 * restricted mathjs instance (the parser alone, no evaluation functions), and the AST is checked
 * against a whitelist of node types, operators and functions before it is turned into a Dim.
 * Nothing the user writes is ever `evaluate`d by mathjs.
 */
import { create, parseDependencies } from 'mathjs';
import type {
  ConditionalNode,
  ConstantNode,
  FunctionNode,
  MathNode,
  OperatorNode,
  ParenthesisNode,
  SymbolNode,
} from 'mathjs';
import { CoordattnError } from '../errors.js';
import type { CmpOp } from './dim.js';
import { Dim, ceil, floor, makeDivisible, max, min, piecewise } from './dim.js';
import { Rational } from './rational.js';

const math = create({ parseDependencies }, { number: 'number' });

/** Limits that keep hostile input cheap: checked before mathjs sees the text. */
export const EXPR_LIMITS = {
  maxLength: 1000,
  maxNesting: 32,
  maxAbsConstant: 1e12,
  maxExponent: 8,
  maxNodes: 400,
  /** Bits of any coefficient's numerator or denominator while building (`((9^8)^8)^8...` towers). */
  maxCoefficientBits: 512,
  /** Total degree of any monomial while building (`((H^8)^8)^8...`). */
  maxDegree: 64,
  /** Monomials of any intermediate result (`floor((a+b+c+d+f)^8 / 3)` repeated: quadratic work). */
  maxMonomials: 128,
  /**
   * Characters of any intermediate result's canonical key. Nested function terms repeat their
   * arguments' keys: `floor((floor((x+1)^8/3)+1)^8/3)...` grows 9x per level (8 levels: 1 GB).
   */
  maxKeyLength: 10_000,
} as const;

const MAX_COEF = 1n << BigInt(EXPR_LIMITS.maxCoefficientBits);

export const ALLOWED_FUNCTIONS = ['floor', 'ceil', 'max', 'min', 'make_divisible', 'piecewise'] as const;

const RESERVED = new Set<string>([
  ...ALLOWED_FUNCTIONS,
  'e',
  'E',
  'pi',
  'PI',
  'i',
  'Infinity',
  'NaN',
  'null',
  'undefined',
  'true',
  'false',
  'tau',
  'phi',
  'LN2',
  'LN10',
  'LOG2E',
  'LOG10E',
  'SQRT1_2',
  'SQRT2',
  'version',
  'end',
  // Names of Object.prototype members: harmless as Map keys, but a symbol called `constructor`
  // or `__proto__` would resolve to a function or an object in a plain-object binding table.
  ...Object.getOwnPropertyNames(Object.prototype),
  'prototype',
]);

const SYMBOL_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

const CMP: Record<string, CmpOp> = {
  smaller: '<',
  smallerEq: '<=',
  larger: '>',
  largerEq: '>=',
  equal: '==',
  unequal: '!=',
};

function fail(text: string, why: string, path?: string): never {
  throw new CoordattnError('E_EXPR', `${why} in '${truncate(text)}'`, {
    path,
    expected:
      'integers, symbols, + - * /, ^ with a small integer exponent, and ' + ALLOWED_FUNCTIONS.join(', '),
  });
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Parses a dimension: a number (integer or decimal) or an expression string. */
export function parseDim(value: unknown, path?: string): Dim {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new CoordattnError('E_EXPR', `not a finite number: ${value}`, { path });
    }
    if (Math.abs(value) > EXPR_LIMITS.maxAbsConstant) {
      throw new CoordattnError('E_EXPR', `constant ${value} is too large`, { path, expected: `|x| <= 1e12` });
    }
    return Dim.const(value);
  }
  if (typeof value !== 'string') {
    throw new CoordattnError('E_EXPR', `expected a number or an expression string, got ${describe(value)}`, {
      path,
    });
  }
  return parseExpr(value, path);
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return `the string '${truncate(v)}'`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

export function parseExpr(text: string, path?: string): Dim {
  if (text.length > EXPR_LIMITS.maxLength)
    fail(text, `expression longer than ${EXPR_LIMITS.maxLength} characters`, path);
  if (text.trim() === '') fail(text, 'empty expression', path);
  let depth = 0;
  for (const ch of text) {
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    if (depth > EXPR_LIMITS.maxNesting) fail(text, `nesting deeper than ${EXPR_LIMITS.maxNesting}`, path);
  }
  let node: MathNode;
  try {
    node = math.parse(text);
  } catch (e) {
    fail(text, `syntax error (${(e as Error).message})`, path);
  }
  let count = 0;
  node.traverse(() => {
    count++;
  });
  if (count > EXPR_LIMITS.maxNodes) fail(text, `more than ${EXPR_LIMITS.maxNodes} terms`, path);
  return toDim(node, text, path);
}

/**
 * Keeps every intermediate Dim small, so that work and memory stay proportional to the text.
 * Without it, `(((9^8)^8)^8)^8...` (each exponent within limits) builds a bigint of 8^k digits
 * and hangs, `((H^8)^8)^8...` overflows exponents, repeated `floor((a+b+c+d+f)^8 / 3)` takes
 * seconds (floor of a long sum is quadratic), and nested `floor((...+1)^8/3)` grows the canonical
 * key 9x per level until the string-length limit throws a RangeError.
 */
function bounded(d: Dim, text: string, path?: string): Dim {
  if (d.terms.length > EXPR_LIMITS.maxMonomials) {
    fail(text, `a subexpression expands to more than ${EXPR_LIMITS.maxMonomials} monomials`, path);
  }
  if (d.key.length > EXPR_LIMITS.maxKeyLength) {
    fail(text, `a subexpression's canonical form exceeds ${EXPR_LIMITS.maxKeyLength} characters`, path);
  }
  for (const t of d.terms) {
    const n = t.coef.num < 0n ? -t.coef.num : t.coef.num;
    if (n >= MAX_COEF || t.coef.den >= MAX_COEF) {
      fail(text, `a coefficient exceeds ${EXPR_LIMITS.maxCoefficientBits} bits`, path);
    }
    let degree = 0;
    for (const f of t.factors) degree += Math.abs(f.exp);
    if (degree > EXPR_LIMITS.maxDegree) fail(text, `a term has degree above ${EXPR_LIMITS.maxDegree}`, path);
  }
  return d;
}

function toDim(n: MathNode, text: string, path?: string): Dim {
  return bounded(toDimUnchecked(n, text, path), text, path);
}

function toDimUnchecked(n: MathNode, text: string, path?: string): Dim {
  switch (n.type) {
    case 'ConstantNode': {
      const v = (n as ConstantNode).value as unknown;
      // mathjs parses an empty or comment-only text (`#`, `# H`) to an undefined constant.
      if (v === undefined) fail(text, 'empty expression', path);
      if (typeof v !== 'number') fail(text, `constant ${describe(v)} is not a number`, path);
      if (!Number.isFinite(v)) fail(text, `constant is not finite`, path);
      if (Math.abs(v) > EXPR_LIMITS.maxAbsConstant) fail(text, `constant ${v} is too large`, path);
      return Dim.const(Rational.fromNumber(v));
    }
    case 'SymbolNode': {
      const name = (n as SymbolNode).name;
      if (!SYMBOL_RE.test(name)) fail(text, `symbol '${name}' is not an ASCII identifier`, path);
      if (RESERVED.has(name)) fail(text, `'${name}' is reserved and cannot be a symbol`, path);
      return Dim.sym(name);
    }
    case 'ParenthesisNode':
      return toDim((n as ParenthesisNode).content, text, path);
    case 'OperatorNode': {
      const o = n as OperatorNode;
      const a = o.args.map((x) => x);
      switch (o.fn) {
        case 'add':
          return toDim(a[0], text, path).add(toDim(a[1], text, path));
        case 'subtract':
          return toDim(a[0], text, path).sub(toDim(a[1], text, path));
        case 'multiply':
          return toDim(a[0], text, path).mul(toDim(a[1], text, path));
        case 'divide': {
          const d = toDim(a[1], text, path);
          if (d.isConst() && d.constValue()!.isZero()) fail(text, 'division by zero', path);
          return toDim(a[0], text, path).div(d);
        }
        case 'unaryMinus':
          return toDim(a[0], text, path).neg();
        case 'unaryPlus':
          return toDim(a[0], text, path);
        case 'pow': {
          const e = toDim(a[1], text, path).toInt();
          if (e === undefined || e < 0 || e > EXPR_LIMITS.maxExponent) {
            fail(text, `exponent must be an integer constant from 0 to ${EXPR_LIMITS.maxExponent}`, path);
          }
          const b = toDim(a[0], text, path);
          let out = Dim.const(1);
          for (let i = 0; i < e; i++) out = bounded(out.mul(b), text, path);
          return out;
        }
        default:
          fail(text, `operator '${o.op}' is not allowed`, path);
      }
      break;
    }
    case 'ConditionalNode': {
      const c = n as ConditionalNode;
      return condToDim(c.condition, c.trueExpr, c.falseExpr, text, path);
    }
    case 'FunctionNode': {
      const f = n as FunctionNode;
      const fnNode = f.fn as unknown as MathNode;
      if (fnNode.type !== 'SymbolNode') fail(text, 'only named functions may be called', path);
      const name = (fnNode as SymbolNode).name;
      const args = f.args;
      const arity = (lo: number, hi: number): void => {
        if (args.length < lo || args.length > hi) {
          fail(
            text,
            `${name}() takes ${lo === hi ? lo : `${lo} to ${hi}`} arguments, got ${args.length}`,
            path,
          );
        }
      };
      switch (name) {
        case 'floor':
          arity(1, 1);
          return floor(toDim(args[0], text, path));
        case 'ceil':
          arity(1, 1);
          return ceil(toDim(args[0], text, path));
        case 'max':
          arity(1, 16);
          return max(...args.map((x) => toDim(x, text, path)));
        case 'min':
          arity(1, 16);
          return min(...args.map((x) => toDim(x, text, path)));
        case 'make_divisible': {
          arity(2, 3);
          // torchvision's divisor and min_value are positive ints (a zero divisor divides by 0).
          const positiveConst = (k: number, what: string): Dim => {
            const d = toDim(args[k], text, path);
            const v = d.toInt();
            if (v === undefined || v < 1)
              fail(text, `make_divisible()'s ${what} must be an integer constant >= 1`, path);
            return d;
          };
          return makeDivisible(
            toDim(args[0], text, path),
            positiveConst(1, 'divisor'),
            args[2] && positiveConst(2, 'min_value'),
          );
        }
        case 'piecewise':
          arity(3, 3);
          return condToDim(args[0], args[1], args[2], text, path);
        default:
          fail(text, `function '${name}' is not allowed`, path);
      }
      break;
    }
    default:
      fail(text, `${n.type.replace(/Node$/, '').toLowerCase()} syntax is not allowed`, path);
  }
}

function condToDim(cond: MathNode, t: MathNode, e: MathNode, text: string, path?: string): Dim {
  let c = cond;
  while (c.type === 'ParenthesisNode') c = (c as ParenthesisNode).content;
  const op = c.type === 'OperatorNode' ? CMP[(c as OperatorNode).fn as string] : undefined;
  if (!op) fail(text, 'a condition must be one comparison (<, <=, >, >=, ==, !=)', path);
  const o = c as OperatorNode;
  return piecewise(
    op,
    toDim(o.args[0], text, path),
    toDim(o.args[1], text, path),
    toDim(t, text, path),
    toDim(e, text, path),
  );
}
