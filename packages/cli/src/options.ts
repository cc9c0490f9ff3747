/**
 * Turns CLI flag strings into validated model options. Every user mistake becomes a CoordattnError
 * naming the flag, the value and what was expected (exit code 2 in main.ts).
 */
import {
  ATTENTION_KINDS,
  BACKBONE_NAMES,
  CoordattnError,
  Dim,
  PLACEMENT_NAMES,
  RECIPE_NAMES,
  parseDim,
  type AttentionKind,
  type AttentionSpec,
  type BackboneName,
  type BackboneOptions,
  type PlacementName,
  type RecipeName,
} from '@coordattn/ir';

/** The model flags, by their commander property names. */
export const MODEL_FLAG_NAMES = [
  'attention',
  'reduction',
  'width',
  'resolution',
  'batch',
  'classes',
  'recipe',
  'placement',
  'stages',
  'ecaK',
  'dim',
  'backbone',
  'outputStride',
] as const;

/** Raw flag values as commander hands them over. */
export interface ModelFlags {
  readonly attention?: string;
  readonly reduction?: string;
  readonly width?: string;
  readonly resolution?: string;
  readonly batch?: string;
  readonly classes?: string;
  readonly recipe?: string;
  readonly placement?: string;
  readonly stages?: string;
  readonly ecaK?: string;
  /** `--dim NAME=VALUE` (repeatable): binds an .onnx file's symbolic dims. */
  readonly dim?: readonly string[];
  /** ssdlite320: its backbone (mobilenetv2 | mobilenext); deeplabv3: mobilenetv2. */
  readonly backbone?: string;
  /** deeplabv3: `--output-stride 8|16`. */
  readonly outputStride?: string;
}

/** A user's value in an error message: its first 40 characters, then '…'. */
export function quote(value: string, max = 40): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}

function optErr(flag: string, value: string, why: string, expected: string): CoordattnError {
  return new CoordattnError('E_OPTION', `${why}: '${quote(value)}'`, { path: `--${flag}`, expected });
}

export function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new CoordattnError('E_UNKNOWN_NAME', `unknown value '${quote(value)}'`, {
    path: `--${flag}`,
    expected: `one of ${allowed.join(', ')}`,
  });
}

/** A positive integer, or (where allowed) a symbol / expression such as `H`. */
export function positiveInt(flag: string, value: string, allowSymbolic = false): Dim {
  const trimmed = value.trim();
  if (/^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?$/.test(trimmed)) {
    const n = Number(trimmed);
    if (!Number.isInteger(n) || n < 1) throw optErr(flag, value, 'not a positive integer', 'an integer >= 1');
    if (n > 1e9) throw optErr(flag, value, 'too large', 'an integer <= 1e9');
    return Dim.const(n);
  }
  if (!allowSymbolic) throw optErr(flag, value, 'not a positive integer', 'an integer >= 1');
  return parseDim(trimmed, `--${flag}`);
}

export function positiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw optErr(flag, value, 'not a positive number', 'a number > 0, e.g. 1.0 or 0.35');
  }
  if (n > 16) throw optErr(flag, value, 'too large', 'a width multiplier <= 16');
  return n;
}

/** `224`, `224x320` (H×W), or symbolic `HxW`. */
export function resolution(value: string): [Dim, Dim] {
  const parts = value.toLowerCase().includes('x') ? value.split(/x/i) : [value, value];
  if (parts.length !== 2 || parts.some((p) => p.trim() === '')) {
    throw optErr('resolution', value, 'not a resolution', 'N or HxW, e.g. 224 or 224x320');
  }
  return [positiveInt('resolution', parts[0], true), positiveInt('resolution', parts[1], true)];
}

export function intList(flag: string, value: string, min = 1): number[] {
  const items = value.split(',').map((s) => s.trim());
  return items.map((s) => {
    const n = Number(s);
    if (s === '' || !Number.isInteger(n) || n < min) {
      throw optErr(
        flag,
        value,
        `'${s}' is not an integer >= ${min}`,
        `a comma-separated list of integers >= ${min}`,
      );
    }
    return n;
  });
}

/** Builds BackboneOptions (and the attention spec) from flags. */
export function modelOptions(flags: ModelFlags): BackboneOptions {
  const kind: AttentionKind = flags.attention ? oneOf('attention', flags.attention, ATTENTION_KINDS) : 'none';
  const config: Record<string, unknown> = {};
  if (flags.reduction !== undefined) {
    if (kind === 'none' || kind === 'eca' || kind === 'triplet') {
      throw new CoordattnError('E_OPTION', `--reduction does not apply to attention '${kind}'`, {
        path: '--reduction',
        expected: '--attention ca, se or cbam',
      });
    }
    config.reduction = positiveInt('reduction', flags.reduction, true);
  }
  let ecaK: BackboneOptions['ecaK'];
  if (flags.ecaK !== undefined) {
    if (kind !== 'eca') {
      throw new CoordattnError('E_OPTION', `--eca-k needs --attention eca`, { path: '--eca-k' });
    }
    ecaK = flags.ecaK === 'adaptive' ? 'adaptive' : intList('eca-k', flags.ecaK);
    if (ecaK !== 'adaptive' && ecaK.some((k) => k % 2 === 0)) {
      throw optErr(
        'eca-k',
        flags.ecaK,
        'ECA kernel sizes must be odd',
        "'adaptive' or odd integers, e.g. 3,5,5,7",
      );
    }
  }
  const attention = (kind === 'none' ? { kind } : { kind, config }) as AttentionSpec;
  const [height, widthPx] = flags.resolution ? resolution(flags.resolution) : [undefined, undefined];
  const opts: BackboneOptions = {
    attention,
    ...(flags.width !== undefined ? { width: positiveNumber('width', flags.width) } : {}),
    ...(height ? { height, widthPx } : {}),
    ...(flags.batch !== undefined ? { batch: positiveInt('batch', flags.batch, true) } : {}),
    ...(flags.classes !== undefined ? { classes: positiveInt('classes', flags.classes).toInt()! } : {}),
    ...(flags.recipe !== undefined
      ? { recipe: oneOf<RecipeName>('recipe', flags.recipe, RECIPE_NAMES) }
      : {}),
    ...(flags.placement !== undefined
      ? { placement: oneOf<PlacementName>('placement', flags.placement, PLACEMENT_NAMES) }
      : {}),
    ...(flags.stages !== undefined ? { stages: intList('stages', flags.stages) } : {}),
    ...(ecaK !== undefined ? { ecaK } : {}),
  };
  return opts;
}

/** `--output-stride`: 8 or 16 (deeplabv3). */
export function outputStride(value: string): 8 | 16 {
  const v = value.trim();
  if (v === '8' || v === '16') return Number(v) as 8 | 16;
  throw optErr('output-stride', value, 'not an output stride', '8 or 16');
}

export function isBackboneName(s: string): s is BackboneName {
  return (BACKBONE_NAMES as readonly string[]).includes(s);
}

// ---- --sweep ---------------------------------------------------------------------------------

/** The keys `--sweep` takes (the cost package's SWEEP_KEYS). */
export const SWEEP_KEYS = ['reduction', 'attention', 'width', 'resolution', 'placement'] as const;
export type SweepKey = (typeof SWEEP_KEYS)[number];

/** The most points of one sweep (cost's MAX_SWEEP_POINTS; checked again there on the product). */
export const MAX_SWEEP_POINTS = 10_000;

const SWEEP_SYNTAX =
  'KEY=V1,V2,... with ranges A..B[:STEP] (reduction, width, resolution), e.g. reduction=1..64 or width=0.5..1.5:0.25; repeat --sweep for a grid';

/** Typed values of one swept key. */
export type SweepAxis =
  | { readonly key: 'reduction'; readonly values: number[] }
  | { readonly key: 'attention'; readonly values: AttentionKind[] }
  | { readonly key: 'width'; readonly values: number[] }
  | { readonly key: 'resolution'; readonly values: [number, number][] }
  | { readonly key: 'placement'; readonly values: PlacementName[] };

/** A decimal written as digits with an optional fraction: its value × 10^decimals, exactly. */
interface Decimal {
  readonly scaled: bigint;
  readonly decimals: number;
}

function decimal(text: string, flagValue: string, integer: boolean): Decimal {
  const m = (integer ? /^\d{1,9}$/ : /^\d{1,9}(?:\.(\d{1,6}))?$/).exec(text);
  if (!m) {
    throw optErr(
      'sweep',
      flagValue,
      `'${quote(text)}' is not ${integer ? 'a non-negative integer' : 'a decimal number'}`,
      SWEEP_SYNTAX,
    );
  }
  const decimals = m[1]?.length ?? 0;
  return { scaled: BigInt(text.replace('.', '')), decimals };
}

function rescale(d: Decimal, decimals: number): bigint {
  return d.scaled * 10n ** BigInt(decimals - d.decimals);
}

/** An arithmetic run of values on integers scaled by 10^decimals: start + i·step, i < count. */
interface Run {
  readonly start: bigint;
  readonly step: bigint;
  readonly count: bigint;
  readonly decimals: number;
}

/**
 * One list item: `V` or the range `A..B[:STEP]` (A, A+STEP, ... up to B; STEP defaults to 1).
 * Values are computed as A + i·STEP on integers scaled by the largest number of decimals, so
 * `0.5..1.5:0.1` gives exactly the decimals 0.5, 0.6, ..., 1.5 (no float accumulation).
 */
function run(item: string, flagValue: string, integer: boolean): Run {
  const m = /^([^.:]+(?:\.[^.:]+)?)\.\.([^:]+)(?::(.+))?$/.exec(item);
  if (!m) {
    const d = decimal(item, flagValue, integer);
    return { start: d.scaled, step: 1n, count: 1n, decimals: d.decimals };
  }
  const [a, b, step] = [m[1], m[2], m[3] ?? '1'].map((t) => decimal(t, flagValue, integer));
  const dec = Math.max(a.decimals, b.decimals, step.decimals);
  const [A, B, S] = [a, b, step].map((x) => rescale(x, dec));
  if (S === 0n) throw optErr('sweep', flagValue, `range '${quote(item)}' has step 0`, SWEEP_SYNTAX);
  if (B < A) {
    throw optErr('sweep', flagValue, `range '${quote(item)}' is empty (end below start)`, SWEEP_SYNTAX);
  }
  return { start: A, step: S, count: (B - A) / S + 1n, decimals: dec };
}

/** The values of a run (the caller has bounded its count). */
function runValues(r: Run): number[] {
  const scale = 10 ** r.decimals;
  return Array.from({ length: Number(r.count) }, (_, i) => Number(r.start + BigInt(i) * r.step) / scale);
}

function tooMany(flagValue: string, count: bigint): CoordattnError {
  return new CoordattnError(
    'E_OPTION',
    `a sweep has at most ${MAX_SWEEP_POINTS} points; '${quote(flagValue)}' has ${count}`,
    { path: '--sweep', expected: `at most ${MAX_SWEEP_POINTS} points (ranges A..B:STEP with a larger step)` },
  );
}

/** The items of a list (comma-separated), each non-empty. */
function items(body: string, flagValue: string): string[] {
  const out = body.split(',').map((v) => v.trim());
  if (out.some((v) => v === '')) throw optErr('sweep', flagValue, 'empty value in the list', SWEEP_SYNTAX);
  return out;
}

/** A list of values and ranges → its values, at most MAX_SWEEP_POINTS of them. */
function expandList(body: string, flagValue: string, integer: boolean): number[] {
  const runs = items(body, flagValue).map((i) => run(i, flagValue, integer));
  const count = runs.reduce((n, r) => n + r.count, 0n);
  if (count > BigInt(MAX_SWEEP_POINTS)) throw tooMany(flagValue, count);
  return runs.flatMap(runValues);
}

/**
 * `--sweep KEY=VALUES` → the key and its typed values. VALUES is a comma-separated list whose items
 * are values or ranges `A..B[:STEP]`: integers for reduction (>= 1), decimals for width (> 0,
 * <= 16), and for resolution a size (square) or `HxW`, each side a value or a range (the product of
 * the two sides), e.g. `resolution=160..224:32` or `resolution=160..224:32x96,224x320`.
 */
export function parseSweep(value: string): SweepAxis {
  const m = /^([a-z]+)=(.+)$/s.exec(value.trim());
  if (!m) {
    const hint = value.includes(';')
      ? 'repeat --sweep for a grid, e.g. --sweep reduction=8,16 --sweep resolution=160,224'
      : SWEEP_SYNTAX;
    throw optErr('sweep', value, 'not a sweep', hint);
  }
  const key = oneOf<SweepKey>('sweep', m[1], SWEEP_KEYS);
  const body = m[2];
  if (body.includes(';') || body.includes('=')) {
    throw optErr(
      'sweep',
      value,
      'one key per --sweep',
      'repeat --sweep for a grid, e.g. --sweep reduction=8,16 --sweep resolution=160,224',
    );
  }
  const names = <T extends string>(allowed: readonly T[]): T[] =>
    items(body, value).map((t) => oneOf<T>('sweep', t, allowed));
  switch (key) {
    case 'reduction': {
      const values = expandList(body, value, true);
      if (values.some((v) => v < 1))
        throw optErr('sweep', value, 'a reduction ratio must be >= 1', SWEEP_SYNTAX);
      return { key, values };
    }
    case 'width': {
      const values = expandList(body, value, false);
      if (values.some((v) => v <= 0 || v > 16)) {
        throw optErr('sweep', value, 'a width multiplier must be > 0 and <= 16', SWEEP_SYNTAX);
      }
      return { key, values };
    }
    case 'resolution': {
      const sides = items(body, value).map((item) => {
        const parts = item.split(/x/i).map((t) => t.trim());
        if (parts.length > 2 || parts.some((t) => t === '')) {
          throw optErr(
            'sweep',
            value,
            `'${quote(item)}' is not a resolution`,
            'N or HxW, each side a value or a range, e.g. 160..224:32 or 160..224:32x224',
          );
        }
        const [h, w] = parts.map((t) => run(t, value, true));
        return { h, w };
      });
      const count = sides.reduce((n, x) => n + x.h.count * (x.w?.count ?? 1n), 0n);
      if (count > BigInt(MAX_SWEEP_POINTS)) throw tooMany(value, count);
      const out: [number, number][] = [];
      for (const { h, w } of sides) {
        const hs = runValues(h);
        const ws = w ? runValues(w) : undefined;
        for (const x of hs) for (const y of ws ?? [x]) out.push([x, y]);
      }
      if (out.some(([x, y]) => x < 1 || y < 1)) {
        throw optErr('sweep', value, 'a resolution must be >= 1', SWEEP_SYNTAX);
      }
      return { key, values: out };
    }
    case 'attention':
      return { key, values: names(ATTENTION_KINDS) };
    case 'placement':
      return { key, values: names(PLACEMENT_NAMES) };
  }
}

/** Every `--sweep` (repeatable) → one axis per key; a key given twice is an error. */
export function parseSweeps(values: readonly string[]): SweepAxis[] {
  const axes: SweepAxis[] = [];
  for (const v of values) {
    const axis = parseSweep(v);
    if (axes.some((a) => a.key === axis.key)) {
      throw optErr(
        'sweep',
        v,
        `'${axis.key}' is swept twice`,
        'each key in one --sweep, e.g. reduction=8..16,32',
      );
    }
    axes.push(axis);
  }
  return axes;
}

/** Parsed command flags (commander): strings, booleans, and lists for variadic options. */
export type Flags = Record<string, string | boolean | string[] | undefined>;

/** A string-valued flag, or undefined. */
export function str(flags: Flags, k: string): string | undefined {
  const v = flags[k];
  return typeof v === 'string' ? v : undefined;
}

/** A repeatable flag (every value given), or undefined when absent. */
export function strList(flags: Flags, k: string): string[] | undefined {
  const v = flags[k];
  if (Array.isArray(v)) return v;
  return typeof v === 'string' ? [v] : undefined;
}

/** The model flags among the parsed flags. */
export function modelFlags(flags: Flags): ModelFlags {
  const out: Record<string, string | string[]> = {};
  for (const k of MODEL_FLAG_NAMES) {
    const v = flags[k];
    if (k === 'dim' && v !== undefined) out[k] = Array.isArray(v) ? v : [String(v)];
    else if (typeof v === 'string') out[k] = v;
  }
  return out as ModelFlags;
}
