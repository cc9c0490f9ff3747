/**
 * Spec text is data. These properties feed hostile and random input to parseSpec, readSpec and
 * parseDim and require that only CoordattnErrors come out (no other error, no crash), quickly and
 * without large allocations. Fixed seed (FC_SEED); FC_RUNS sets the runs of every property (e.g.
 * FC_RUNS=100000 for a deep local sweep; default 5,000).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attention } from '../blocks/index.js';
import { Dim, parseDim, printDim, type Bindings } from '../dim/index.js';
import { CoordattnError } from '../errors.js';
import { GraphBuilder } from '../graph/index.js';
import { FC_SEED, fcRuns } from '../testing.js';
import { parseSpec, readSpec, writeSpec } from './index.js';

const RUNS = fcRuns(5000);
/*
 * Time bounds. The code bounds its own work (the limits these tests hit: 4,000,000 JSON values,
 * 128 monomials, 10,000 characters of canonical form, nesting 32/64 …) but does not report a count
 * of the work done, so the tests bound wall-clock time: each bound is at least 10× the worst time
 * measured on a loaded 2-core machine (load 3–5; this file alone and within the whole ir suite,
 * six runs), and a bound that is exceeded is measured once more before it fails (a GC pause is not
 * the input's fault). They catch the super-linear blow-ups of the regressions noted below (0.6 s,
 * 7 s, 8 s, minutes).
 */
/**
 * Per fuzzed input: the worst measured is 459 ms, once (usually 110–155 ms: a mutated model spec
 * builds a whole backbone).
 */
const MAX_FUZZ_MS = 5000;
/** Per hand-built hostile input, unless the case says otherwise: the worst measured is 7.1 ms. */
const MAX_MS = 200;
/** Heap growth across one input (a hostile input must not allocate its way to an answer). */
const MAX_HEAP_DELTA = 64 * 1024 * 1024;
/** Vitest's limit for one property: the default 60 s, more for deep FC_RUNS sweeps. */
const PROPERTY_TIMEOUT = Math.max(60_000, RUNS * 40);
/** Heap retained after a whole property and a full GC. */
const MAX_RETAINED = 64 * 1024 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heap = (): number => process.memoryUsage().heapUsed;

interface Stats {
  runs: number;
  ok: number;
  errors: number;
  totalMs: number;
  maxMs: number;
}

function newStats(): Stats {
  return { runs: 0, ok: 0, errors: 0, totalMs: 0, maxMs: 0 };
}

/**
 * Runs fn on one input: it may return or throw a CoordattnError with a well-formed message;
 * anything else, or a slow or memory-hungry run, fails the property with the reason.
 */
function guarded<T>(stats: Stats, fn: () => T): T | undefined {
  const h0 = heap();
  const t0 = performance.now();
  let out: T | undefined;
  try {
    out = fn();
    stats.ok++;
  } catch (e) {
    if (!(e instanceof CoordattnError)) {
      throw new Error(
        `non-CoordattnError escaped: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
      );
    }
    if (!e.message.startsWith(e.code) || e.message.length > 20_000) {
      throw new Error(`malformed error message: ${e.message.slice(0, 200)}`);
    }
    stats.errors++;
  }
  const ms = performance.now() - t0;
  const dh = heap() - h0;
  stats.runs++;
  stats.totalMs += ms;
  stats.maxMs = Math.max(stats.maxMs, ms);
  if (ms > MAX_FUZZ_MS) {
    // A GC pause or a busy CI machine is not the input's fault: a slow input is slow every time.
    const t1 = performance.now();
    try {
      fn();
    } catch {
      // already classified above
    }
    const again = performance.now() - t1;
    if (again > MAX_FUZZ_MS)
      throw new Error(`took ${ms.toFixed(0)} ms, then ${again.toFixed(0)} ms (limit ${MAX_FUZZ_MS} ms)`);
  }
  if (dh > MAX_HEAP_DELTA) throw new Error(`heap grew by ${(dh / 2 ** 20).toFixed(0)} MiB`);
  return out;
}

/** Runs a property with the fixed seed, then checks the heap came back. */
function check<T>(arb: fc.Arbitrary<T>, body: (v: T, stats: Stats) => void, runs = RUNS): Stats {
  const stats = newStats();
  gc();
  const before = heap();
  fc.assert(
    fc.property(arb, (v) => body(v, stats)),
    { seed: FC_SEED, numRuns: runs },
  );
  gc();
  expect(heap() - before).toBeLessThan(MAX_RETAINED);
  // The whole property: a mean far below the per-input bound (the worst measured mean is 0.88 ms).
  expect(stats.totalMs / Math.max(1, stats.runs)).toBeLessThan(25);
  return stats;
}

// ---- generators -------------------------------------------------------------------------------

const HOSTILE_TOKENS = [
  'import("fs")',
  'createUnit("x")',
  'evaluate("1")',
  'f(x) = x',
  'x = 1',
  '1:1e9',
  '100000!',
  '2^1e9',
  '9^9^9',
  '1e309',
  '1e-400',
  '1e12',
  '1e13',
  'x.constructor',
  '[1,2][1]',
  '{a:1}',
  '"str"',
  "'s'",
  '5 cm',
  '1;2',
  '# comment',
  'π',
  '∑',
  'ℵ',
  '１',
  '\u0000',
  '\ud800',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'e',
  'pi',
  'i',
  'NaN',
  'Infinity',
  'true',
  'null',
  'undefined',
  'end',
  '0x10',
  '0b101',
  '.5',
  '@',
  '$x',
  '?',
  ':',
];

/** Expressions over the dim grammar, mixed with tokens and constructs it must reject. */
const expression: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', maxDepth: 6 },
    fc.integer({ min: 0, max: 300 }).map(String),
    fc.constantFrom('0', '1', '2.5', '0.1', '7', '1000000000000', '999999999999', '-0'),
    fc.constantFrom('H', 'W', 'C', 'r', 'N', 'x_1', 'B2'),
    fc.constantFrom(...HOSTILE_TOKENS),
    fc
      .tuple(
        tie('e'),
        fc.constantFrom(
          '+',
          '-',
          '*',
          '/',
          '^',
          ' ',
          '==',
          '!=',
          '<',
          '<=',
          '>',
          '>=',
          '%',
          ' mod ',
          ':',
          '.',
          '=',
          ' and ',
          ' to ',
          '&',
          '|',
        ),
        tie('e'),
      )
      .map(([a, o, b]) => `${a}${o}${b}`),
    fc
      .tuple(
        fc.constantFrom(
          'floor',
          'ceil',
          'max',
          'min',
          'make_divisible',
          'piecewise',
          'import',
          'evaluate',
          'sqrt',
          'f',
          'constructor',
          'max.call',
        ),
        fc.array(tie('e'), { maxLength: 4 }),
      )
      .map(([f, args]) => `${f}(${args.join(', ')})`),
    tie('e').map((a) => `(${a})`),
    tie('e').map((a) => `-${a}`),
    tie('e').map((a) => `(${a})^8`),
    tie('e').map((a) => `[${a}]`),
    tie('e').map((a) => `${a}!`),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([c, a, b]) => `${c} ? ${a} : ${b}`),
  ),
})).e;

const strings = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({
    unit: fc.constantFrom('(', ')', '^', '8', '9', 'e', 'H', '+', '*', '/', ' ', '[', ']', '.', ','),
    maxLength: 200,
  }),
  expression,
);

/** A tiny valid graph spec whose input shape holds `dim`. */
function withDim(dim: unknown): Record<string, unknown> {
  return {
    coordattn: 1,
    kind: 'graph',
    inputs: [{ name: 'input', shape: [1, dim, 4, 4] }],
    nodes: [{ path: 'r', op: 'relu', inputs: ['input'] }],
    outputs: ['r'],
  };
}

const BINDINGS: Bindings = { H: 7, W: 3, C: 64, r: 4, N: 2, x_1: 5, B2: 9 };

/** parseDim; when it accepts, print and parse again (canonical keys agree) and evaluate. */
function dimProperty(text: string, stats: Stats): void {
  const d = guarded(stats, () => parseDim(text));
  if (!d) return;
  guarded(stats, () => {
    const printed = printDim(d);
    let again: Dim | undefined;
    try {
      again = parseDim(printed);
    } catch (e) {
      // Printing can exceed the parser's size limits; anything else is a round-trip bug.
      if (!(e instanceof CoordattnError && /longer than|nesting deeper|more than \d+ terms/.test(e.message)))
        throw e;
    }
    if (again && again.key !== d.key)
      throw new Error(`print/parse changed ${JSON.stringify(text)}: ${d.key} -> ${again.key}`);
    d.evaluate(BINDINGS);
  });
}

// Valid specs to mutate.
function caSpec(): Record<string, unknown> {
  const b = new GraphBuilder();
  const x = b.input('input', [Dim.sym('N'), Dim.sym('C'), Dim.sym('H'), Dim.sym('W')]);
  b.output(attention(b, x, { kind: 'ca', config: { reduction: Dim.sym('r') } }));
  return writeSpec(b.build()) as unknown as Record<string, unknown>;
}
function ecaSpec(): Record<string, unknown> {
  const b = new GraphBuilder();
  const x = b.input('input', [1, 64, 8, 8]);
  b.output(attention(b, x, { kind: 'cbam' }));
  return writeSpec(b.build()) as unknown as Record<string, unknown>;
}
const MODEL = {
  coordattn: 1,
  kind: 'model',
  backbone: 'resnet18',
  resolution: ['H', 'W'],
  attention: { kind: 'eca' },
};

type Json = unknown;
type Path = (string | number)[];

function paths(v: Json, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

const HOSTILE_VALUES: Json[] = [
  0,
  -3,
  2.5,
  -0,
  1e308,
  Number.MAX_SAFE_INTEGER,
  '',
  'H-H',
  '0*H',
  '(((((((9^8)^8)^8)^8)^8)^8)^8)',
  '('.repeat(2000),
  'x'.repeat(5000),
  '__proto__',
  'constructor',
  'NaN',
  null,
  true,
  [],
  {},
  [[[[[[]]]]]],
  { __proto__: null },
];

type Edit =
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'delete'; at: number }
  | { kind: 'add'; at: number; key: string; value: Json }
  | { kind: 'dup'; at: number }
  | { kind: 'swap'; at: number; other: number };

const value = fc.oneof(fc.constantFrom(...HOSTILE_VALUES), fc.jsonValue({ maxDepth: 2 }), strings);
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('add' as const),
    at: fc.nat(),
    key: fc.oneof(
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'extra', 'op', 'attrs'),
      fc.string({ maxLength: 8 }),
    ),
    value,
  }),
  fc.record({ kind: fc.constant('dup' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), other: fc.nat() }),
);

function parentOf(root: Json, path: Path): Json {
  let v = root;
  for (const seg of path.slice(0, -1)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, Json>)[seg];
  }
  return v;
}

function setOwn(obj: Record<string | number, Json>, key: string | number, v: Json): void {
  Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
}

function applyEdits(base: Json, edits: readonly Edit[]): Json {
  const root = { v: structuredClone(base) };
  for (const e of edits) {
    const all = paths(root.v).map((p) => ['v', ...p]);
    const path = all[e.at % all.length];
    const parent = parentOf(root, path) as Record<string | number, Json> | Json[] | undefined;
    const key = path[path.length - 1];
    if (parent === null || typeof parent !== 'object') continue;
    const target = (parent as Record<string | number, Json>)[key];
    switch (e.kind) {
      case 'replace':
        setOwn(parent as Record<string | number, Json>, key, structuredClone(e.value));
        break;
      case 'delete':
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete (parent as Record<string | number, Json>)[key];
        break;
      case 'add':
        if (Array.isArray(target)) target.push(structuredClone(e.value));
        else if (target !== null && typeof target === 'object')
          setOwn(target as Record<string, Json>, e.key, structuredClone(e.value));
        break;
      case 'dup':
        if (Array.isArray(parent)) parent.splice(Number(key), 0, structuredClone(target));
        break;
      case 'swap':
        if (Array.isArray(parent)) {
          const j = e.other % parent.length;
          [parent[Number(key)], parent[j]] = [parent[j], parent[Number(key)]];
        }
        break;
    }
  }
  return root.v;
}

// ---- properties -------------------------------------------------------------------------------

describe('fuzz (fixed seed)', () => {
  const report: Record<string, Stats> = {};
  beforeAll(() => gc());
  afterAll(() => {
    // One line per property, for CI logs.
    for (const [k, s] of Object.entries(report)) {
      console.log(
        `${k}: ${s.runs} runs, ${s.ok} ok, ${s.errors} CoordattnErrors, max ${s.maxMs.toFixed(1)} ms`,
      );
    }
  });

  it(
    'arbitrary JSON values → parseSpec / readSpec',
    () => {
      const arb = fc.oneof(
        fc.jsonValue(),
        fc
          .record({ coordattn: fc.constantFrom(1, 2, '1'), kind: fc.constantFrom('graph', 'model', 'x') })
          .chain((head) =>
            fc
              .dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 })
              .map((rest) => ({ ...rest, ...head })),
          ),
      );
      report.json = check(arb, (v, stats) => {
        guarded(stats, () => parseSpec(v, 'fuzz.json'));
        guarded(stats, () => readSpec(JSON.stringify(v), 'fuzz.json'));
      });
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'mutated valid specs → parseSpec / readSpec; accepted ones round-trip',
    () => {
      const bases: Json[] = [caSpec(), ecaSpec(), MODEL];
      const arb = fc.record({
        base: fc.nat({ max: 9 }).map((k) => bases[k < 6 ? 0 : k < 9 ? 1 : 2]),
        edits: fc.array(edit, { minLength: 1, maxLength: 3 }),
      });
      report.mutated = check(arb, ({ base, edits }, stats) => {
        const spec = applyEdits(base, edits);
        const g = guarded(stats, () => parseSpec(spec, 'fuzz.json'));
        guarded(stats, () => readSpec(JSON.stringify(spec) ?? '', 'fuzz.json'));
        if (g) {
          guarded(stats, () => {
            const j = writeSpec(g);
            const again = writeSpec(parseSpec(j));
            if (JSON.stringify(again) !== JSON.stringify(j))
              throw new Error('write(read(write(g))) != write(g)');
          });
        }
      });
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'arbitrary strings → parseDim and spec dims',
    () => {
      report.strings = check(strings, (s, stats) => {
        dimProperty(s, stats);
        guarded(stats, () => parseSpec(withDim(s)));
      });
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'grammar-based expressions mixing allowed and disallowed tokens → parseDim',
    () => {
      report.expressions = check(expression, (s, stats) => dimProperty(s, stats));
    },
    PROPERTY_TIMEOUT,
  );
});

// ---- hostile corpus ---------------------------------------------------------------------------

/** Expect a CoordattnError (code, message pattern) within `ms`. */
function expectRejected(fn: () => unknown, code: string, pattern: RegExp, ms = MAX_MS): void {
  const t0 = performance.now();
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  let dt = performance.now() - t0;
  if (dt > ms) {
    // Once more, to tell a slow input from a GC pause or a busy machine.
    const t1 = performance.now();
    try {
      fn();
    } catch {
      // classified below
    }
    dt = performance.now() - t1;
  }
  expect(err).toBeInstanceOf(CoordattnError);
  expect((err as CoordattnError).code).toBe(code);
  expect((err as CoordattnError).message).toMatch(pattern);
  expect(dt).toBeLessThan(ms);
}

describe('hostile corpus', () => {
  const nested = (n: number): string => `${'('.repeat(n)}1${')'.repeat(n)}`;
  const poly = '(a+b+c+d+f+g+h+j)^8';
  const expressions: [string, RegExp][] = [
    ['import("fs")', /function 'import' is not allowed/],
    ['createUnit("x")', /function 'createUnit' is not allowed/],
    ['evaluate("1")', /function 'evaluate' is not allowed/],
    ['f(x) = x', /functionassignment syntax is not allowed/],
    ['x = 1', /assignment syntax is not allowed/],
    ['1:1e9', /range syntax is not allowed/],
    ['100000!', /operator '!' is not allowed/],
    [nested(10_000), /longer than 1000 characters/],
    ['('.repeat(1e5), /longer than 1000 characters/],
    [nested(40), /nesting deeper than 32/],
    ['('.repeat(500), /nesting deeper than 32/],
    ['2^1e9', /exponent must be an integer constant from 0 to 8/],
    ['9^9^9', /exponent must be an integer constant from 0 to 8/],
    ['H^-1', /exponent must be an integer constant from 0 to 8/],
    // Regression: each exponent is in range but the tower's value is 9^(8^10) (hung for minutes).
    [`${'('.repeat(10)}9${')^8'.repeat(10)}`, /a coefficient exceeds 512 bits/],
    [`${'('.repeat(10)}H${')^8'.repeat(10)}`, /a term has degree above 64/],
    ['1e12^8 * 1e12^8', /a coefficient exceeds 512 bits/],
    ['1e309', /constant is not finite/],
    ['1e13', /constant 10000000000000 is too large/],
    [poly, /a subexpression expands to more than 128 monomials/],
    ['(a+b+c+d+e+f+g+h)^8', /'e' is reserved/],
    [Array(30).fill('(a+b+c+d)^8').join(' + '), /a subexpression expands to more than 128 monomials/],
    // Regression: quadratic canonicalisation made 20 of these take 0.6 s.
    [
      Array(20).fill('floor((a+b+c+d+f)^8/3)').join('+'),
      /a subexpression expands to more than 128 monomials/,
    ],
    // Regression: each level repeats the inner key 9 times; 8 levels took 7 s and 1 GB, 9 threw a
    // RangeError (string length).
    [
      Array(9)
        .fill(0)
        .reduce((t: string) => `floor((${t}+1)^8/3)`, 'x'),
      /canonical form exceeds 10000 characters/,
    ],
    ['x.constructor', /accessor syntax is not allowed/],
    ['[1,2][1]', /accessor syntax is not allowed/],
    ['[1,2]', /array syntax is not allowed/],
    ['{a:1}', /object syntax is not allowed/],
    ['"str"', /constant the string 'str' is not a number/],
    ['π', /symbol 'π' is not an ASCII identifier/],
    ['∑', /syntax error/],
    ['１', /syntax error/],
    ['__proto__', /'__proto__' is reserved/],
    ['constructor', /'constructor' is reserved/],
    ['toString + 1', /'toString' is reserved/],
    ['e', /'e' is reserved/],
    ['#', /empty expression/],
    ['   ', /empty expression/],
    ['1;2', /block syntax is not allowed/],
    ['5 mod 2', /operator 'mod' is not allowed/],
    ['x'.repeat(1 << 20), /longer than 1000 characters/],
    ['H / (H - H)', /division by zero/],
    ['max(' + 'H,'.repeat(20) + 'H)', /max\(\) takes 1 to 16 arguments, got 21/],
    // Regression: a zero divisor threw a RangeError (Rational division by zero).
    ['make_divisible(0, 0)', /make_divisible\(\)'s divisor must be an integer constant >= 1/],
    ['make_divisible(H, H)', /make_divisible\(\)'s divisor must be an integer constant >= 1/],
    ['make_divisible(H, 8, 0)', /make_divisible\(\)'s min_value must be an integer constant >= 1/],
  ];
  for (const [text, pattern] of expressions) {
    const name = text.length > 50 ? `${text.slice(0, 30)}... (${text.length} chars)` : text;
    it(`parseDim: ${JSON.stringify(name)}`, () => {
      // 1 s: the worst measured of these is 18 ms (a regression once took 0.6 s, another minutes).
      expectRejected(() => parseDim(text), 'E_EXPR', pattern, 1000);
      expectRejected(() => parseSpec(withDim(text)), 'E_EXPR', pattern, 1000);
    });
  }

  const dims: [unknown, string, RegExp][] = [
    [0, 'E_DIM', /dimension 0 is not positive/],
    [-3, 'E_DIM', /dimension -3 is not positive/],
    [-0, 'E_DIM', /dimension 0 is not positive/],
    [2.5, 'E_DIM', /dimension 2.5 is not an integer/],
    [1e308, 'E_DIM', /dimension 1e\+308 is too large/],
    ['0*H', 'E_DIM', /dimension "0\*H" is 0, which is not positive/],
    ['H-H', 'E_DIM', /dimension "H-H" is 0, which is not positive/],
    ['NaN', 'E_EXPR', /constant is not finite/],
    ['Infinity', 'E_EXPR', /constant is not finite/],
    ['', 'E_EXPR', /empty expression/],
    [null, 'E_SPEC', /wrong type: got null/],
    [[], 'E_SPEC', /wrong type: got an array/],
  ];
  for (const [d, code, pattern] of dims) {
    it(`spec dim ${JSON.stringify(d)}`, () => {
      expectRejected(() => parseSpec(withDim(d)), code, pattern);
      expectRejected(() => readSpec(JSON.stringify(withDim(d))), code, pattern);
    });
  }

  it('10,000 nested JSON arrays and objects', () => {
    const arrays = `{"coordattn": 1, "kind": "graph", "meta": {"x": ${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;
    const objects = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    expectRejected(
      () => readSpec(arrays, 'deep.json'),
      'E_JSON',
      /^E_JSON at deep\.json:1:\d+: arrays and objects nested deeper than 64/,
    );
    expectRejected(() => readSpec(objects, 'deep.json'), 'E_JSON', /nested deeper than 64/);
    // Already-parsed deep values handed to parseSpec: the walker is iterative.
    const deep: unknown[] = [];
    let cur = deep;
    for (let k = 0; k < 10_000; k++) {
      const next: unknown[] = [];
      cur.push(next);
      cur = next;
    }
    expectRejected(
      () => parseSpec({ coordattn: 1, kind: 'graph', meta: { deep } }),
      'E_SPEC',
      /nested deeper than 64 levels/,
    );
  });

  it('a chain of 2,000 strided pools on symbolic H (each nests the size one level deeper)', () => {
    const nodes = Array.from({ length: 2000 }, (_, i) => ({
      path: `p${i}`,
      op: 'max_pool2d',
      inputs: [i ? `p${i - 1}` : 'input'],
      attrs: { kernel: 3, stride: 2, padding: 1 },
    }));
    const spec = {
      ...withDim(3),
      inputs: [{ name: 'input', shape: [1, 3, 'H', 'W'] }],
      nodes,
      outputs: ['p1999'],
    };
    // Regression: work per node grows with the nesting depth: 2,000 nodes took 8 s. The reader
    // stops at a size limit of the canonical form (the message); 3 s: the worst measured is 172 ms.
    expectRejected(
      () => parseSpec(spec),
      'E_DIM',
      /^E_DIM at nodes\[\d+\]: output 0 dim 2 of node 'p\d+' is too complex/,
      3000,
    );
  });

  it('control characters in value references (regression: TypeError in Graph.parseRef)', () => {
    for (const r of ['r\n', 'r\u2028', 'input\n:1', '\n']) {
      const spec = { ...withDim(3), outputs: [r] };
      expectRejected(
        () => parseSpec(spec),
        'E_SPEC',
        /^E_SPEC at outputs\[0\]: outputs\[0\] ".*" has the wrong form/s,
      );
    }
  });

  it('a shared-reference value that would take 2^60 steps to walk', () => {
    let v: unknown = [];
    for (let k = 0; k < 60; k++) v = [v, v];
    // The work bound is the walker's own (the message: it stopped after 4,000,000 values); the time
    // bound is a backstop, 4 s: the worst measured is 233 ms.
    expectRejected(
      () => parseSpec({ coordattn: 1, kind: 'graph', meta: { v } }),
      'E_SPEC',
      /more than 4000000 JSON values/,
      4000,
    );
  });

  it('a 1 MB string in a spec', () => {
    // 1 s each: the worst measured is 12 ms.
    const big = 'x'.repeat(1 << 20);
    expectRejected(
      () => readSpec(JSON.stringify({ ...withDim(4), name: big })),
      'E_SPEC',
      /'name' has 1048576 characters, too many/,
      1000,
    );
    expectRejected(
      () => readSpec(JSON.stringify(withDim(big))),
      'E_EXPR',
      /longer than 1000 characters/,
      1000,
    );
    expectRejected(() => readSpec(`"${big}`), 'E_JSON', /unterminated string/, 1000);
    const key = JSON.stringify({ ...withDim(4), [big]: 1 });
    const e = (() => {
      try {
        readSpec(key);
      } catch (err) {
        return err as CoordattnError;
      }
    })();
    expect(e?.code).toBe('E_SPEC');
    expect(e!.message.length).toBeLessThan(1000);
  });

  it('{"__proto__": {...}} at every level', () => {
    const texts = [
      '{"__proto__": {"polluted": 1}, "coordattn": 1, "kind": "graph"}',
      '{"coordattn": 1, "kind": "model", "backbone": "resnet18", "attention": {"kind": "se", "config": {"__proto__": {"polluted": 1}}}}',
      JSON.stringify(withDim(4)).replace('"inputs"', '"meta": {"__proto__": {"polluted": 1}}, "inputs"'),
    ];
    for (const t of texts) expectRejected(() => readSpec(t), 'E_SPEC', /forbidden field '__proto__'/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('constructor, prototype and toString as field names are just unknown fields', () => {
    for (const k of ['constructor', 'prototype', 'toString']) {
      const spec = JSON.parse(JSON.stringify(withDim(4)).replace('"inputs"', `"${k}": {}, "inputs"`));
      expectRejected(() => parseSpec(spec), 'E_SPEC', new RegExp(`unknown field '${k}' in a graph spec`));
    }
  });

  it('numbers: 1e308, -0, 1e400 (Infinity), NaN and a version of 1e308', () => {
    expectRejected(
      () => readSpec('{"coordattn": 1e308, "kind": "graph"}'),
      'E_SPEC_VERSION',
      /unsupported spec version 1e\+308/,
    );
    expectRejected(
      () => readSpec('{"coordattn": 1, "kind": "model", "backbone": "resnet18", "classes": 1e400}'),
      'E_SPEC',
      /the number Infinity is not a JSON number/,
    );
    expectRejected(
      () => parseSpec({ coordattn: 1, kind: 'model', backbone: 'resnet18', width: Number.NaN }),
      'E_SPEC',
      /NaN is not a JSON number/,
    );
    expectRejected(
      () => readSpec('{"coordattn": 1, "kind": "model", "backbone": "mobilenetv2", "width": -0}'),
      'E_OPTION',
      /width 0 is too small/,
    );
    expectRejected(
      () => readSpec('{"coordattn": 1, "kind": "model", "backbone": "mobilenetv2", "width": "NaN"}'),
      'E_SPEC',
      /wrong type: got "NaN"/,
    );
  });

  it('non-JSON JavaScript values handed to parseSpec', () => {
    for (const v of [undefined, () => 1, Symbol('s'), 10n, new Date(0), new Map(), Object.create({ x: 1 })]) {
      expectRejected(() => parseSpec(v), 'E_SPEC', /is not a JSON value/);
    }
    expectRejected(
      () => parseSpec({ coordattn: 1, kind: 'graph', meta: { f: () => 1 } }),
      'E_SPEC',
      /^E_SPEC at meta\.f: a function is not a JSON value/,
    );
  });
});
