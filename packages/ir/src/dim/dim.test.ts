import fc from 'fast-check';
import { all, create, type Fraction } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { CoordattnError } from '../errors.js';
import {
  Dim,
  Rational,
  ceil,
  decide,
  floor,
  makeDivisible,
  makeDivisibleExact,
  max,
  min,
  parseDim,
  printDim,
  signOf,
  type Bindings,
} from './index.js';
import { FC_SEED, fcRuns } from '../testing.js';

/** Runs of each property here (FC_RUNS sets them). */
const RUNS = fcRuns(1000);

const H = Dim.sym('H');
const W = Dim.sym('W');
const C = Dim.sym('C');
const p = (s: string): Dim => parseDim(s);

describe('canonical form', () => {
  const equal: [string, string][] = [
    ['floor((H+2-3)/1)+1', 'H'], // a 3x3 conv with padding 1, stride 1
    ['(H+W)*(H-W)', 'H^2-W^2'],
    ['(H+1)^2', 'H^2 + 2*H + 1'],
    ['floor(H + 1/2)', 'H'],
    ['ceil(2*H - 1/3)', '2*H'],
    ['floor((H + 2*1 - 3)/2) + 1', 'floor((H - 1)/2) + 1'],
    ['H/2 + H/2', 'H'],
    ['max(H, H + 1)', 'H + 1'],
    ['min(C, C, C)', 'C'],
    ['max(W, H)', 'max(H, W)'],
    ['max(max(H, W), C)', 'max(C, H, W)'],
    ['make_divisible(32 * 0.35, 8)', '16'],
    ['piecewise(H + 1 > H, C, W)', 'C'],
    ['H > 0 ? C : W', 'C'],
    ['0 * H', '0'],
    ['H - H', '0'],
  ];
  for (const [a, b] of equal) {
    it(`${a} == ${b}`, () => {
      expect(p(a).key).toBe(p(b).key);
      expect(p(a).equals(p(b))).toBe(true);
    });
  }

  const different: [string, string][] = [
    ['floor(H/2)*2', 'H'],
    ['floor(H/2)', 'H/2'],
    ['max(H, W)', 'H'],
    ['H*W', 'H+W'],
  ];
  for (const [a, b] of different) {
    it(`${a} != ${b}`, () => expect(p(a).equals(p(b))).toBe(false));
  }

  it('builds the same Dims through the API and the parser', () => {
    expect(floor(H.add(2 - 3).div(1)).add(1).key).toBe(H.key);
    expect(H.add(W).mul(H.sub(W)).key).toBe(H.mul(H).sub(W.mul(W)).key);
    expect(max(8, floor(C.div(Dim.sym('r')))).key).toBe(p('max(8, floor(C / r))').key);
    expect(ceil(H.div(2)).key).toBe(p('ceil(H / 2)').key);
    expect(min(H, W).key).toBe(p('min(W, H)').key);
  });
});

describe('decide() and signOf()', () => {
  it('true: provable for every positive-integer binding', () => {
    expect(decide('<', H, H.add(1))).toBe(true);
    expect(decide('>=', floor(H.div(2)), Dim.const(0))).toBe(true);
    expect(decide('==', p('(H+W)^2'), p('H^2 + 2*H*W + W^2'))).toBe(true);
    expect(decide('!=', H, H.add(1))).toBe(true);
  });

  it('false: provably violated', () => {
    expect(decide('>', H, H.add(1))).toBe(false);
    expect(decide('==', H, H.add(1))).toBe(false);
    expect(decide('<', H.mul(W), Dim.const(1))).toBe(false);
  });

  it('undefined: depends on the binding', () => {
    expect(decide('<', H, W)).toBeUndefined();
    expect(decide('==', H, W)).toBeUndefined();
    expect(decide('>', floor(H.div(2)), Dim.const(0))).toBeUndefined(); // H = 1 gives 0
  });

  it('signs', () => {
    expect(signOf(Dim.const(0))).toBe('zero');
    expect(signOf(H)).toBe('pos');
    expect(signOf(H.neg())).toBe('neg');
    expect(signOf(H.sub(W))).toBe('unknown');
    expect(signOf(floor(H.div(2)))).toBe('nonneg');
  });
});

describe('make_divisible (torchvision _make_divisible)', () => {
  // Values computed with torchvision's function in Python (float arithmetic).
  const cases: [number, number, number][] = [
    [32 * 0.35, 8, 16],
    [1280 * 1.4, 8, 1792],
    [16 * 0.5, 8, 8],
    [24 * 0.35, 8, 8],
    [16 * 0.35, 8, 8],
    [96 * 1.4, 8, 136],
    [32 * 0.75, 8, 24],
    [320 * 1.4, 8, 448],
    [40 * 0.35, 8, 16],
    [72 / 4, 8, 24], // MobileNetV3's SE squeeze of 72 channels
    [240 / 4, 8, 64],
    [24 * 0.1, 8, 8],
  ];
  for (const [v, d, want] of cases) {
    it(`make_divisible(${v}, ${d}) = ${want}`, () => {
      expect(makeDivisible(v, d).toInt()).toBe(want);
      expect(makeDivisibleExact(Rational.fromNumber(v), Rational.of(d)).toString()).toBe(String(want));
    });
  }

  it('min_value', () => {
    expect(makeDivisible(3, 8, 16).toInt()).toBe(16);
    expect(p('make_divisible(100, 8, 4)').toInt()).toBe(104);
  });

  it('stays symbolic for symbolic arguments and evaluates exactly', () => {
    const d = p('make_divisible(C * 0.35, 8)');
    expect(d.isConst()).toBe(false);
    expect(d.evaluateInt({ C: 32 })).toBe(16);
    expect(d.evaluateInt({ C: 1280 })).toBe(448);
  });
});

// ---- exact evaluation vs mathjs ---------------------------------------------------------------

/** A full mathjs instance with exact fractions: test-only, never used on spec text. */
const math = create(all, { number: 'Fraction' });
const SYMS = ['H', 'W', 'C', 'r'] as const;

/** Whitelisted expressions; `pos` never evaluates to 0 (safe denominators). */
const grammar = fc.letrec<{ e: string; pos: string }>((tie) => ({
  pos: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    fc.integer({ min: 1, max: 12 }).map(String),
    fc.constantFrom(...SYMS),
    fc.tuple(tie('pos'), fc.constantFrom('+', '*', '/'), tie('pos')).map(([a, o, b]) => `(${a} ${o} ${b})`),
    fc.tuple(tie('pos'), tie('e')).map(([a, b]) => `max(${a}, ${b})`),
    tie('pos').map((a) => `ceil(${a})`),
  ),
  e: fc.oneof(
    { depthSize: 'medium', maxDepth: 5 },
    fc.integer({ min: 0, max: 20 }).map(String),
    fc.constantFrom(...SYMS),
    fc.tuple(tie('e'), fc.constantFrom('+', '-', '*'), tie('e')).map(([a, o, b]) => `(${a} ${o} ${b})`),
    fc.tuple(tie('e'), tie('pos')).map(([a, b]) => `${a} / ${b}`),
    tie('e').map((a) => `floor(${a})`),
    tie('e').map((a) => `ceil(${a})`),
    fc.array(tie('e'), { minLength: 1, maxLength: 3 }).map((xs) => `max(${xs.join(', ')})`),
    fc.array(tie('e'), { minLength: 1, maxLength: 3 }).map((xs) => `min(${xs.join(', ')})`),
    tie('e').map((a) => `-(${a})`),
  ),
}));

const bindings = fc.record({
  H: fc.integer({ min: 1, max: 300 }),
  W: fc.integer({ min: 1, max: 300 }),
  C: fc.integer({ min: 1, max: 2048 }),
  r: fc.integer({ min: 1, max: 64 }),
});

function mathjsExact(text: string, b: Record<string, number>): string {
  const scope = Object.fromEntries(Object.entries(b).map(([k, v]) => [k, math.fraction(v)]));
  return (math.evaluate(text, scope) as Fraction).toFraction();
}

describe('exact evaluation', () => {
  it(
    'agrees with mathjs (fractions) on random floor/ceil/max/min/+,-,*,/ expressions',
    { timeout: Math.max(60_000, RUNS * 20) },
    () => {
      fc.assert(
        fc.property(grammar.e, bindings, (text, b) => {
          const ours = parseDim(text)
            .evaluate(b as Bindings)
            .toString();
          expect(ours).toBe(mathjsExact(text, b));
        }),
        { seed: FC_SEED, numRuns: RUNS },
      );
    },
  );

  it('parse(print(d)) gives the same canonical Dim', { timeout: Math.max(60_000, RUNS * 20) }, () => {
    fc.assert(
      fc.property(grammar.e, (text) => {
        const d = parseDim(text);
        expect(parseDim(printDim(d)).key).toBe(d.key);
      }),
      { seed: FC_SEED, numRuns: RUNS },
    );
  });

  it('parse(print(d)) also for make_divisible, piecewise and division by sums', () => {
    for (const text of [
      'make_divisible(C / r, 8)',
      'make_divisible(C * 0.25, 8, 16) + 1',
      'piecewise(C < 16, 3, piecewise(C < 64, 5, 7))',
      'H / (W + 1)',
      '(H + 1) / (2 * W) - 1 / (C + r)',
      '-H / 3 + 5 / 7',
      'max(floor(C / r), 8) * min(H, W)',
    ]) {
      const d = parseDim(text);
      expect(parseDim(printDim(d)).key, text).toBe(d.key);
    }
  });

  it('min/max of provably equal arguments in different forms keep one (regression: kept none)', () => {
    // floor(1 / (H + 1)) is 0 for every H >= 1, but not by key.
    const text = 'min(-(floor(1 / (1 + H))), 0)';
    const d = parseDim(text);
    expect(d.evaluate({ H: 1 }).toString()).toBe('0');
    expect(parseDim(printDim(d)).key).toBe(d.key);
    expect(parseDim('min(0, -(floor(1 / (1 + H))))').key).toBe(d.key);
    expect(parseDim('max(floor(1 / (1 + H)), 0) + H').evaluate({ H: 3 }).toString()).toBe('3');
  });

  it('evaluateInt reports non-integers and unbound symbols', () => {
    expect(() => p('H / 2').evaluateInt({ H: 3 })).toThrow(CoordattnError);
    expect(() => p('H / 2').evaluateInt({ H: 3 })).toThrow(/E_EVAL: value H \/ 2 is not an integer: 3\/2/);
    expect(() => p('H + W').evaluate({ H: 1 })).toThrow(/symbol 'W' has no value/);
  });
});

describe('parse limits', () => {
  it('rejects Object.prototype member names as symbols', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty']) {
      expect(() => p(`${name} + 1`)).toThrow(
        new RegExp(`E_EXPR: '${name}' is reserved and cannot be a symbol`),
      );
    }
  });

  it('keeps intermediate results small (exponent towers)', () => {
    expect(() => p('((((9^8)^8)^8)^8)^8')).toThrow(/a coefficient exceeds 512 bits/);
    expect(() => p('(((H^8)^8)^8)')).toThrow(/a term has degree above 64/);
    expect(p('(H^8)^8').toString()).toBe('H^64');
  });

  it('reports a comment-only expression as empty', () => {
    expect(() => p('# nothing')).toThrow(/E_EXPR: empty expression in '# nothing'/);
  });
});

describe('symbols named like object members', () => {
  it('evaluate an unbound `constructor` symbol as unbound, not as Object.prototype.constructor', () => {
    expect(() => Dim.sym('constructor').evaluate({})).toThrow("E_EVAL: symbol 'constructor' has no value");
    expect(Dim.sym('constructor').evaluateInt({ constructor: 3 })).toBe(3);
  });
});
