/**
 * Symbolic dimensions in a canonical form.
 *
 * A Dim is a sum of monomials `coef · Π atom^exp` with exact rational coefficients. Atoms are
 * symbols (positive integers: N, C, H, W, r, ...) or opaque function terms (floor, ceil, max, min,
 * make_divisible, piecewise, 1/poly) whose arguments are themselves canonical. Two Dims are
 * *provably equal* iff their canonical keys are equal; mathjs' `simplify` is only used for display,
 * never to decide anything (it proves nothing about floor).
 */
import { CoordattnError } from '../errors.js';
import { Rational } from './rational.js';

export type CmpOp = '<' | '<=' | '>' | '>=' | '==' | '!=';
export type FnName = 'floor' | 'ceil' | 'max' | 'min' | 'make_divisible' | 'inv';

export type Atom =
  | { readonly kind: 'sym'; readonly name: string; readonly key: string }
  | { readonly kind: 'fn'; readonly fn: FnName; readonly args: readonly Dim[]; readonly key: string }
  | {
      readonly kind: 'if';
      readonly op: CmpOp;
      readonly lhs: Dim;
      readonly rhs: Dim;
      readonly then: Dim;
      readonly else: Dim;
      readonly key: string;
    };

export interface Factor {
  readonly atom: Atom;
  readonly exp: number;
}

export interface Monomial {
  readonly coef: Rational;
  /** Sorted by atom key; empty for the constant term. */
  readonly factors: readonly Factor[];
  /** Key of the factors alone ('' for the constant term). */
  readonly key: string;
}

export type DimLike = Dim | number | string;

const SYMBOL_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Upper bound on the number of monomials one product may create (hostile `(a+b+...)^8`). */
export const MAX_TERMS = 4096;

/** Values of symbols for evaluation. Numbers must be finite. */
export type Bindings = Readonly<Record<string, number | Rational>>;

export class Dim {
  /** Sorted by monomial key (constant term, key '', first). Never holds a zero coefficient. */
  readonly terms: readonly Monomial[];
  readonly key: string;

  private constructor(terms: Monomial[]) {
    this.terms = terms;
    this.key = terms.length === 0 ? '0' : terms.map((t) => `${t.coef.toString()}*${t.key}`).join('+');
  }

  // ---- construction -------------------------------------------------------------------------
  static const(v: number | bigint | Rational): Dim {
    const r = v instanceof Rational ? v : typeof v === 'bigint' ? Rational.of(v) : Rational.fromNumber(v);
    return r.isZero() ? ZERO : new Dim([{ coef: r, factors: [], key: '' }]);
  }

  static sym(name: string): Dim {
    if (!SYMBOL_RE.test(name)) throw new CoordattnError('E_EXPR', `invalid symbol name '${name}'`);
    return Dim.atom({ kind: 'sym', name, key: name });
  }

  /** Converts numbers to constants; strings are NOT parsed here (see parseDim). */
  static from(v: Dim | number): Dim {
    return typeof v === 'number' ? Dim.const(v) : v;
  }

  static atom(a: Atom): Dim {
    const factors = [{ atom: a, exp: 1 }];
    return new Dim([{ coef: Rational.ONE, factors, key: monoKey(factors) }]);
  }

  private static fromTerms(terms: Monomial[]): Dim {
    const byKey = new Map<string, Monomial>();
    for (const t of terms) {
      const prev = byKey.get(t.key);
      byKey.set(t.key, prev ? { ...t, coef: prev.coef.add(t.coef) } : t);
    }
    const out = [...byKey.values()].filter((t) => !t.coef.isZero());
    out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return out.length === 0 ? ZERO : new Dim(out);
  }

  // ---- queries ------------------------------------------------------------------------------
  isConst(): boolean {
    return this.terms.length === 0 || (this.terms.length === 1 && this.terms[0].key === '');
  }

  /** The constant value, or undefined when symbolic. */
  constValue(): Rational | undefined {
    if (this.terms.length === 0) return Rational.ZERO;
    if (this.terms.length === 1 && this.terms[0].key === '') return this.terms[0].coef;
    return undefined;
  }

  /** Constant integer value as a JS number, or undefined when symbolic or not an integer. */
  toInt(): number | undefined {
    const v = this.constValue();
    return v && v.isInteger() ? Number(v.num) : undefined;
  }

  equals(o: Dim): boolean {
    return this.key === o.key;
  }

  /** True when every value this Dim can take (symbols being positive integers) is an integer. */
  isIntegerValued(): boolean {
    return this.terms.every(
      (t) => t.coef.isInteger() && t.factors.every((f) => f.exp >= 0 && atomIsInteger(f.atom)),
    );
  }

  symbols(): Set<string> {
    const out = new Set<string>();
    const visit = (d: Dim): void => {
      for (const t of d.terms) for (const f of t.factors) visitAtom(f.atom);
    };
    const visitAtom = (a: Atom): void => {
      if (a.kind === 'sym') out.add(a.name);
      else if (a.kind === 'fn') a.args.forEach(visit);
      else [a.lhs, a.rhs, a.then, a.else].forEach(visit);
    };
    visit(this);
    return out;
  }

  // ---- arithmetic ---------------------------------------------------------------------------
  add(o: Dim | number): Dim {
    return Dim.fromTerms([...this.terms, ...Dim.from(o).terms]);
  }
  sub(o: Dim | number): Dim {
    return this.add(Dim.from(o).neg());
  }
  neg(): Dim {
    return this.scale(Rational.of(-1));
  }
  scale(k: Rational): Dim {
    if (k.isZero()) return ZERO;
    return new Dim(this.terms.map((t) => ({ ...t, coef: t.coef.mul(k) })));
  }
  mul(o: Dim | number): Dim {
    const b = Dim.from(o);
    const av = this.constValue();
    if (av) return b.scale(av);
    const bv = b.constValue();
    if (bv) return this.scale(bv);
    if (this.terms.length * b.terms.length > MAX_TERMS) {
      throw new CoordattnError('E_EXPR', `expression too large: a product of more than ${MAX_TERMS} terms`);
    }
    const out: Monomial[] = [];
    for (const x of this.terms) for (const y of b.terms) out.push(mulMono(x, y));
    return Dim.fromTerms(out);
  }
  /** Exact division. Division by a monomial inverts it; by a sum, introduces an `inv` atom. */
  div(o: Dim | number): Dim {
    const b = Dim.from(o);
    const bv = b.constValue();
    if (bv) {
      if (bv.isZero()) throw new CoordattnError('E_EVAL', `division by zero in ${this.toString()} / 0`);
      return this.scale(Rational.ONE.div(bv));
    }
    if (b.terms.length === 1) {
      const m = b.terms[0];
      const inv: Monomial = {
        coef: Rational.ONE.div(m.coef),
        factors: m.factors.map((f) => ({ atom: f.atom, exp: -f.exp })),
        key: '',
      };
      return this.mul(Dim.fromTerms([{ ...inv, key: monoKey(inv.factors) }]));
    }
    return this.mul(Dim.atom(fnAtom('inv', [b])));
  }

  // ---- evaluation ---------------------------------------------------------------------------
  /**
   * The exact value at the bindings. `memo` caches atom values by key across calls that share the
   * same bindings (many Dims over the same floor/max terms, e.g. every layer of a backbone at one
   * resolution); it must not be reused with other bindings.
   */
  evaluate(bindings: Bindings = {}, memo?: Map<string, Rational>): Rational {
    let acc = Rational.ZERO;
    for (const t of this.terms) {
      let v = t.coef;
      for (const f of t.factors) {
        const a = evalAtomMemo(f.atom, bindings, memo);
        v = v.mul(f.exp === 1 ? a : a.pow(f.exp));
      }
      acc = acc.add(v);
    }
    return acc;
  }

  /** Evaluates to a safe JS integer or throws E_EVAL saying why (`memo` as in `evaluate`). */
  evaluateInt(bindings: Bindings = {}, what = 'value', memo?: Map<string, Rational>): number {
    const v = this.evaluate(bindings, memo);
    if (!v.isInteger()) {
      throw new CoordattnError('E_EVAL', `${what} ${this.toString()} is not an integer: ${v.toString()}`);
    }
    const n = Number(v.num);
    if (!Number.isSafeInteger(n)) {
      throw new CoordattnError('E_EVAL', `${what} ${this.toString()} = ${v.num} exceeds 2^53`);
    }
    return n;
  }

  /** Substitutes symbols by Dims and re-canonicalises. */
  substitute(map: Readonly<Record<string, Dim | number>>): Dim {
    return this.mapAtoms((a) =>
      a.kind === 'sym' && map[a.name] !== undefined ? Dim.from(map[a.name]) : undefined,
    );
  }

  /**
   * Rebuilds this Dim bottom-up through the canonical constructors, replacing every atom for which
   * `f` returns a Dim (at any depth); other atoms are rebuilt from their mapped arguments.
   */
  mapAtoms(f: (a: Atom) => Dim | undefined): Dim {
    let acc = ZERO;
    for (const t of this.terms) {
      let v = Dim.const(t.coef);
      for (const fac of t.factors) {
        const a = mapAtom(fac.atom, f);
        v = v.mul(fac.exp >= 0 ? powDim(a, fac.exp) : Dim.const(1).div(powDim(a, -fac.exp)));
      }
      acc = acc.add(v);
    }
    return acc;
  }

  toString(): string {
    return printDim(this);
  }
}

const ZERO: Dim = (() => {
  const Ctor = Dim as unknown as new (terms: Monomial[]) => Dim;
  return new Ctor([]);
})();

function powDim(d: Dim, e: number): Dim {
  let out = Dim.const(1);
  for (let i = 0; i < e; i++) out = out.mul(d);
  return out;
}

function monoKey(factors: readonly Factor[]): string {
  return factors.map((f) => (f.exp === 1 ? f.atom.key : `${f.atom.key}^${f.exp}`)).join('*');
}

function mulMono(a: Monomial, b: Monomial): Monomial {
  const m = new Map<string, Factor>();
  for (const f of [...a.factors, ...b.factors]) {
    const p = m.get(f.atom.key);
    m.set(f.atom.key, { atom: f.atom, exp: (p?.exp ?? 0) + f.exp });
  }
  const factors = [...m.values()].filter((f) => f.exp !== 0).sort((x, y) => cmpKey(x.atom.key, y.atom.key));
  return { coef: a.coef.mul(b.coef), factors, key: monoKey(factors) };
}

function cmpKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function fnAtom(fn: FnName, args: readonly Dim[]): Atom {
  return { kind: 'fn', fn, args, key: `${fn}(${args.map((a) => a.key).join(',')})` };
}

function atomIsInteger(a: Atom): boolean {
  if (a.kind === 'sym') return true;
  if (a.kind === 'if') return a.then.isIntegerValued() && a.else.isIntegerValued();
  switch (a.fn) {
    case 'floor':
    case 'ceil':
    case 'make_divisible':
      return true;
    case 'max':
    case 'min':
      return a.args.every((x) => x.isIntegerValued());
    case 'inv':
      return false;
  }
}

function evalAtomMemo(a: Atom, b: Bindings, memo: Map<string, Rational> | undefined): Rational {
  if (memo === undefined || a.kind === 'sym') return evalAtom(a, b, memo);
  let v = memo.get(a.key);
  if (v === undefined) {
    v = evalAtom(a, b, memo);
    memo.set(a.key, v);
  }
  return v;
}

function evalAtom(a: Atom, b: Bindings, memo: Map<string, Rational> | undefined): Rational {
  if (a.kind === 'sym') {
    const v = Object.hasOwn(b, a.name) ? b[a.name] : undefined;
    if (v === undefined) throw new CoordattnError('E_EVAL', `symbol '${a.name}' has no value`);
    return v instanceof Rational ? v : Rational.fromNumber(v);
  }
  if (a.kind === 'if') {
    return cmpHolds(a.op, a.lhs.evaluate(b, memo).cmp(a.rhs.evaluate(b, memo)))
      ? a.then.evaluate(b, memo)
      : a.else.evaluate(b, memo);
  }
  const args = a.args.map((x) => x.evaluate(b, memo));
  switch (a.fn) {
    case 'floor':
      return args[0].floor();
    case 'ceil':
      return args[0].ceil();
    case 'max':
      return args.reduce((x, y) => (x.cmp(y) >= 0 ? x : y));
    case 'min':
      return args.reduce((x, y) => (x.cmp(y) <= 0 ? x : y));
    case 'make_divisible':
      return makeDivisibleExact(args[0], args[1], args[2]);
    case 'inv':
      if (args[0].isZero())
        throw new CoordattnError('E_EVAL', `division by zero: 1/(${a.args[0].toString()})`);
      return Rational.ONE.div(args[0]);
  }
}

function mapAtom(a: Atom, f: (a: Atom) => Dim | undefined): Dim {
  const replaced = f(a);
  if (replaced !== undefined) return replaced;
  if (a.kind === 'sym') return Dim.atom(a);
  const m = (d: Dim): Dim => d.mapAtoms(f);
  if (a.kind === 'if') return piecewise(a.op, m(a.lhs), m(a.rhs), m(a.then), m(a.else));
  const args = a.args.map(m);
  switch (a.fn) {
    case 'floor':
      return floor(args[0]);
    case 'ceil':
      return ceil(args[0]);
    case 'max':
      return max(...args);
    case 'min':
      return min(...args);
    case 'make_divisible':
      return makeDivisible(args[0], args[1], args[2]);
    case 'inv':
      return Dim.const(1).div(args[0]);
  }
}

export function cmpHolds(op: CmpOp, c: number): boolean {
  switch (op) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    case '==':
      return c === 0;
    case '!=':
      return c !== 0;
  }
}

/**
 * torchvision's `_make_divisible(v, divisor, min_value=None)`:
 * `new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)`; if `new_v < 0.9 * v` add
 * `divisor`. With `min_value` omitted it defaults to `divisor`.
 */
export function makeDivisibleExact(v: Rational, divisor: Rational, minValue?: Rational): Rational {
  const m = minValue ?? divisor;
  const half = divisor.div(Rational.of(2));
  // int() truncates toward zero; v + d/2 is positive for every valid width.
  const t = v.add(half);
  const truncated = t.sign() >= 0 ? t.floor() : t.ceil();
  const q = truncated.div(divisor).floor().mul(divisor);
  let nv = q.cmp(m) >= 0 ? q : m;
  if (nv.cmp(v.mul(Rational.of(9, 10))) < 0) nv = nv.add(divisor);
  return nv;
}

// ---- canonical constructors for the non-polynomial functions ----------------------------------

/** Splits d into (integer-valued part, rest). */
function splitInteger(d: Dim): [Dim, Dim] {
  const intTerms: Monomial[] = [];
  const rest: Monomial[] = [];
  for (const t of d.terms) {
    const integral = t.coef.isInteger() && t.factors.every((f) => f.exp >= 0 && atomIsInteger(f.atom));
    (integral ? intTerms : rest).push(t);
  }
  const mk = (ts: Monomial[]): Dim => ts.reduce((acc, t) => acc.add(monoDim(t)), Dim.const(0));
  return [mk(intTerms), mk(rest)];
}

function monoDim(t: Monomial): Dim {
  let d = Dim.const(t.coef);
  for (const f of t.factors) {
    const a = Dim.atom(f.atom);
    d = d.mul(f.exp >= 0 ? powDim(a, f.exp) : Dim.const(1).div(powDim(a, -f.exp)));
  }
  return d;
}

export function floor(d: Dim | number): Dim {
  const x = Dim.from(d);
  const v = x.constValue();
  if (v) return Dim.const(v.floor());
  const [i, rest] = splitInteger(x);
  if (rest.terms.length === 0) return i;
  const rv = rest.constValue();
  if (rv) return i.add(Dim.const(rv.floor()));
  return i.add(Dim.atom(fnAtom('floor', [rest])));
}

export function ceil(d: Dim | number): Dim {
  const x = Dim.from(d);
  const v = x.constValue();
  if (v) return Dim.const(v.ceil());
  const [i, rest] = splitInteger(x);
  if (rest.terms.length === 0) return i;
  const rv = rest.constValue();
  if (rv) return i.add(Dim.const(rv.ceil()));
  return i.add(Dim.atom(fnAtom('ceil', [rest])));
}

/** `floor(a / b)`, Python's `a // b` for positive operands. */
export function floorDiv(a: Dim | number, b: Dim | number): Dim {
  return floor(Dim.from(a).div(Dim.from(b)));
}

function extremum(kind: 'max' | 'min', args: (Dim | number)[]): Dim {
  if (args.length === 0) throw new CoordattnError('E_EXPR', `${kind}() needs at least one argument`);
  const flat: Dim[] = [];
  for (const a of args.map(Dim.from)) {
    const t = a.terms;
    const f =
      t.length === 1 && t[0].coef.eq(Rational.ONE) && t[0].factors.length === 1 ? t[0].factors[0] : undefined;
    if (f && f.exp === 1 && f.atom.kind === 'fn' && f.atom.fn === kind) flat.push(...f.atom.args);
    else flat.push(a);
  }
  // Drop arguments that are provably dominated by another one.
  const keep: Dim[] = [];
  for (let i = 0; i < flat.length; i++) {
    const a = flat[i];
    let dominated = false;
    for (let j = 0; j < flat.length && !dominated; j++) {
      if (i === j) continue;
      const b = flat[j];
      if (a.key === b.key) {
        dominated = j < i;
        continue;
      }
      const s = signOf(kind === 'max' ? b.sub(a) : a.sub(b));
      if (s === 'nonneg') {
        // b is at least as good as a. When a is also at least as good as b, the two are provably
        // equal in different forms: keep one (the smaller key), never drop both.
        const r = signOf(kind === 'max' ? a.sub(b) : b.sub(a));
        dominated = r === 'nonneg' ? b.key < a.key : true;
      } else dominated = s === 'pos';
    }
    if (!dominated) keep.push(a);
  }
  if (keep.length === 1) return keep[0];
  keep.sort((x, y) => cmpKey(x.key, y.key));
  return Dim.atom(fnAtom(kind, keep));
}

export function max(...args: (Dim | number)[]): Dim {
  return extremum('max', args);
}
export function min(...args: (Dim | number)[]): Dim {
  return extremum('min', args);
}

export function makeDivisible(v: Dim | number, divisor: Dim | number, minValue?: Dim | number): Dim {
  const a = Dim.from(v);
  const d = Dim.from(divisor);
  const m = minValue === undefined ? undefined : Dim.from(minValue);
  const av = a.constValue();
  const dv = d.constValue();
  const mv = m?.constValue();
  if (av && dv && (m === undefined || mv)) return Dim.const(makeDivisibleExact(av, dv, mv));
  return Dim.atom(fnAtom('make_divisible', m ? [a, d, m] : [a, d]));
}

export function piecewise(
  op: CmpOp,
  lhs: Dim | number,
  rhs: Dim | number,
  then: Dim | number,
  otherwise: Dim | number,
): Dim {
  const l = Dim.from(lhs);
  const r = Dim.from(rhs);
  const t = Dim.from(then);
  const e = Dim.from(otherwise);
  const decided = decide(op, l, r);
  if (decided === true) return t;
  if (decided === false) return e;
  if (t.key === e.key) return t;
  return Dim.atom({
    kind: 'if',
    op,
    lhs: l,
    rhs: r,
    then: t,
    else: e,
    key: `if(${l.key}${op}${r.key},${t.key},${e.key})`,
  });
}

// ---- bounds and decisions ---------------------------------------------------------------------

/** An interval [lo, hi]; undefined ends are unbounded. */
export interface Interval {
  readonly lo?: Rational;
  readonly hi?: Rational;
}

const POSITIVE_INT: Interval = { lo: Rational.ONE };

/** Conservative interval of values of d, with every symbol a positive integer. */
export function bounds(d: Dim): Interval {
  let lo: Rational | undefined = Rational.ZERO;
  let hi: Rational | undefined = Rational.ZERO;
  for (const t of d.terms) {
    let mlo: Rational | undefined = Rational.ONE;
    let mhi: Rational | undefined = Rational.ONE;
    let ok = true;
    for (const f of t.factors) {
      const ab = atomBounds(f.atom);
      if (!ab.lo || ab.lo.sign() < 0 || (f.exp < 0 && ab.lo.sign() <= 0)) {
        ok = false;
        break;
      }
      // ab is a nonnegative interval; x^e is monotone increasing (e>0) or decreasing (e<0).
      const flo: Rational | undefined =
        f.exp > 0 ? ab.lo.pow(f.exp) : ab.hi ? ab.hi.pow(f.exp) : Rational.ZERO;
      const fhi: Rational | undefined = f.exp > 0 ? (ab.hi ? ab.hi.pow(f.exp) : undefined) : ab.lo.pow(f.exp);
      mlo = mlo.mul(flo);
      mhi = mhi && fhi ? mhi.mul(fhi) : undefined;
    }
    if (!ok) return {};
    const c = t.coef;
    const tlo = c.sign() >= 0 ? mlo.mul(c) : mhi ? mhi.mul(c) : undefined;
    const thi = c.sign() >= 0 ? (mhi ? mhi.mul(c) : undefined) : mlo.mul(c);
    lo = lo && tlo ? lo.add(tlo) : undefined;
    hi = hi && thi ? hi.add(thi) : undefined;
  }
  return { lo, hi };
}

function atomBounds(a: Atom): Interval {
  if (a.kind === 'sym') return POSITIVE_INT;
  if (a.kind === 'if') return hull(bounds(a.then), bounds(a.else));
  const bs = a.args.map(bounds);
  switch (a.fn) {
    case 'floor':
      return { lo: bs[0].lo?.floor(), hi: bs[0].hi?.floor() };
    case 'ceil':
      return { lo: bs[0].lo?.ceil(), hi: bs[0].hi?.ceil() };
    case 'max':
      return {
        lo: bs.reduce<Rational | undefined>(
          (m, b) => (b.lo && (!m || b.lo.cmp(m) > 0) ? b.lo : m),
          undefined,
        ),
        hi: bs.every((b) => b.hi)
          ? bs.reduce((m, b) => (b.hi!.cmp(m) > 0 ? b.hi! : m), bs[0].hi!)
          : undefined,
      };
    case 'min':
      return {
        lo: bs.every((b) => b.lo)
          ? bs.reduce((m, b) => (b.lo!.cmp(m) < 0 ? b.lo! : m), bs[0].lo!)
          : undefined,
        hi: bs.reduce<Rational | undefined>(
          (m, b) => (b.hi && (!m || b.hi.cmp(m) < 0) ? b.hi : m),
          undefined,
        ),
      };
    case 'make_divisible': {
      // Result is >= min_value (default divisor) when those are constants.
      const m = a.args[2] ? bs[2].lo : bs[1].lo;
      return { lo: m };
    }
    case 'inv': {
      const b = bs[0];
      if (b.lo && b.lo.sign() > 0)
        return { lo: b.hi ? Rational.ONE.div(b.hi) : Rational.ZERO, hi: Rational.ONE.div(b.lo) };
      return {};
    }
  }
}

function hull(a: Interval, b: Interval): Interval {
  return {
    lo: a.lo && b.lo ? (a.lo.cmp(b.lo) <= 0 ? a.lo : b.lo) : undefined,
    hi: a.hi && b.hi ? (a.hi.cmp(b.hi) >= 0 ? a.hi : b.hi) : undefined,
  };
}

export type Sign = 'pos' | 'nonneg' | 'zero' | 'neg' | 'nonpos' | 'unknown';

export function signOf(d: Dim): Sign {
  if (d.terms.length === 0) return 'zero';
  const b = bounds(d);
  if (b.lo && b.lo.sign() > 0) return 'pos';
  if (b.hi && b.hi.sign() < 0) return 'neg';
  if (b.lo && b.lo.sign() >= 0) return 'nonneg';
  if (b.hi && b.hi.sign() <= 0) return 'nonpos';
  return 'unknown';
}

/** true / false when the relation provably holds / fails for all positive-integer symbols, else undefined. */
export function decide(op: CmpOp, a: Dim, b: Dim): boolean | undefined {
  const diff = a.sub(b);
  const s = signOf(diff);
  switch (op) {
    case '==':
      return s === 'zero' ? true : s === 'pos' || s === 'neg' ? false : undefined;
    case '!=': {
      const r = decide('==', a, b);
      return r === undefined ? undefined : !r;
    }
    case '<':
      return s === 'neg' ? true : s === 'pos' || s === 'nonneg' || s === 'zero' ? false : undefined;
    case '<=':
      return s === 'neg' || s === 'nonpos' || s === 'zero' ? true : s === 'pos' ? false : undefined;
    case '>':
      return decide('<', b, a);
    case '>=':
      return decide('<=', b, a);
  }
}

// ---- printing ---------------------------------------------------------------------------------

/** Prints a Dim as a mathjs-parsable expression (round-trips through parseDim). */
export function printDim(d: Dim): string {
  if (d.terms.length === 0) return '0';
  // Constant term last, highest degree first reads best.
  const terms = [...d.terms].sort((a, b) => degree(b) - degree(a) || cmpKey(a.key, b.key));
  let out = '';
  terms.forEach((t, i) => {
    const neg = t.coef.sign() < 0;
    const body = printMono(neg ? { ...t, coef: t.coef.neg() } : t);
    out += i === 0 ? (neg ? `-${body}` : body) : neg ? ` - ${body}` : ` + ${body}`;
  });
  return out;
}

function degree(t: Monomial): number {
  return t.factors.reduce((s, f) => s + Math.abs(f.exp), 0);
}

function printMono(t: Monomial): string {
  const numer: string[] = [];
  const denom: string[] = [];
  for (const f of t.factors) {
    const base = printAtom(f.atom);
    const e = Math.abs(f.exp);
    const s = e === 1 ? base : `${base}^${e}`;
    (f.exp > 0 ? numer : denom).push(s);
  }
  const c = t.coef;
  if (c.num !== 1n || numer.length === 0) numer.unshift(c.num.toString());
  if (c.den !== 1n) denom.unshift(c.den.toString());
  const n = numer.join(' * ');
  if (denom.length === 0) return n;
  const dd = denom.length === 1 ? denom[0] : `(${denom.join(' * ')})`;
  return `${n} / ${dd}`;
}

function wrap(d: Dim): string {
  return d.terms.length > 1 || (d.terms[0] && d.terms[0].coef.sign() < 0) ? `(${printDim(d)})` : printDim(d);
}

function printAtom(a: Atom): string {
  if (a.kind === 'sym') return a.name;
  if (a.kind === 'if') {
    return `piecewise(${printDim(a.lhs)} ${a.op} ${printDim(a.rhs)}, ${printDim(a.then)}, ${printDim(a.else)})`;
  }
  if (a.fn === 'inv') return `(1 / ${wrap(a.args[0])})`;
  return `${a.fn}(${a.args.map(printDim).join(', ')})`;
}
