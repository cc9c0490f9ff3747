/**
 * LaTeX of a Dim, printed from its canonical terms. Exact: integers are printed digit by digit
 * (mathjs' toTex switches to 5.23584·10^{+5} above 10⁵ and would round beyond 15 digits), and
 * multi-letter symbols are upright (\mathrm{mid}) while one-letter symbols stay italic.
 */
import type { Atom, CmpOp, Dim, Monomial } from './dim.js';

const CMP_TEX: Record<CmpOp, string> = {
  '<': '<',
  '<=': '\\le',
  '>': '>',
  '>=': '\\ge',
  '==': '=',
  '!=': '\\ne',
};

function symTex(name: string): string {
  if (name.length === 1) return name;
  const m = /^([A-Za-z])_?(\d+)$/.exec(name);
  if (m) return `${m[1]}_{${m[2]}}`;
  return `\\mathrm{${name.replace(/_/g, '\\_')}}`;
}

function intTex(n: bigint): string {
  const s = (n < 0n ? -n : n).toString();
  return (n < 0n ? '-' : '') + (s.length > 4 ? s.replace(/\B(?=(\d{3})+(?!\d))/g, '{,}') : s);
}

function atomTex(a: Atom): string {
  if (a.kind === 'sym') return symTex(a.name);
  if (a.kind === 'if') {
    return `\\begin{cases} ${dimTex(a.then)} & ${dimTex(a.lhs)} ${CMP_TEX[a.op]} ${dimTex(a.rhs)} \\\\ ${dimTex(
      a.else,
    )} & \\text{otherwise} \\end{cases}`;
  }
  const args = a.args.map(dimTex);
  switch (a.fn) {
    case 'floor':
      return `\\left\\lfloor ${args[0]} \\right\\rfloor`;
    case 'ceil':
      return `\\left\\lceil ${args[0]} \\right\\rceil`;
    case 'max':
      return `\\max\\left(${args.join(', ')}\\right)`;
    case 'min':
      return `\\min\\left(${args.join(', ')}\\right)`;
    case 'make_divisible':
      return `\\operatorname{make\\_divisible}\\left(${args.join(', ')}\\right)`;
    case 'inv':
      return `\\frac{1}{${args[0]}}`;
  }
}

function powTex(a: Atom, e: number): string {
  const base = atomTex(a);
  const wrapped = a.kind === 'fn' && a.fn === 'inv' ? `\\left(${base}\\right)` : base;
  return e === 1 ? base : `${wrapped}^{${e}}`;
}

function monoTex(t: Monomial): string {
  const num: string[] = [];
  const den: string[] = [];
  for (const f of t.factors) (f.exp > 0 ? num : den).push(powTex(f.atom, Math.abs(f.exp)));
  const c = t.coef;
  const cNum = c.num < 0n ? -c.num : c.num;
  if (cNum !== 1n || num.length === 0) num.unshift(intTex(cNum));
  if (c.den !== 1n) den.unshift(intTex(c.den));
  const n = num.join(' \\cdot ');
  return den.length === 0 ? n : `\\frac{${n}}{${den.join(' \\cdot ')}}`;
}

function degree(t: Monomial): number {
  return t.factors.reduce((s, f) => s + Math.abs(f.exp), 0);
}

/** LaTeX of a Dim, terms in the same order as its text form (highest degree first). */
export function dimTex(d: Dim): string {
  if (d.terms.length === 0) return '0';
  const terms = [...d.terms].sort(
    (a, b) => degree(b) - degree(a) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  return terms
    .map((t, i) => {
      const body = monoTex(t);
      const neg = t.coef.sign() < 0;
      return i === 0 ? (neg ? `-${body}` : body) : neg ? ` - ${body}` : ` + ${body}`;
    })
    .join('');
}
