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

function optErr(flag: string, value: string, why: string, expected: string): CoordattnError {
  return new CoordattnError('E_OPTION', `${why}: '${value}'`, { path: `--${flag}`, expected });
}

export function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new CoordattnError('E_UNKNOWN_NAME', `unknown value '${value}'`, {
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

/** `--sweep reduction=8,16,32` → { key, values }. */
export const SWEEP_KEYS = ['reduction', 'attention', 'width', 'resolution', 'placement'] as const;
export type SweepKey = (typeof SWEEP_KEYS)[number];

export function parseSweep(value: string): { key: SweepKey; values: string[] } {
  const m = /^([a-z]+)=(.+)$/.exec(value.trim());
  if (!m)
    throw optErr('sweep', value, 'not a sweep', 'KEY=V1,V2,... with KEY one of ' + SWEEP_KEYS.join(', '));
  const key = oneOf<SweepKey>('sweep', m[1], SWEEP_KEYS);
  const values = m[2].split(',').map((s) => s.trim());
  if (values.some((v) => v === '')) throw optErr('sweep', value, 'empty value in the list', 'KEY=V1,V2,...');
  if (values.length > 64) throw optErr('sweep', value, 'too many points', 'at most 64 values');
  return { key, values };
}

/** Parsed command flags (commander): strings, booleans, and lists for variadic options. */
export type Flags = Record<string, string | boolean | string[] | undefined>;

/** A string-valued flag, or undefined. */
export function str(flags: Flags, k: string): string | undefined {
  const v = flags[k];
  return typeof v === 'string' ? v : undefined;
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
