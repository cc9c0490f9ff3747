/**
 * Exact display of integer counts in decimal (10³ⁿ) or binary (2¹⁰ⁿ) units, rounding half up
 * on exact integers (BigInt), never through floating point.
 */
import type { Scale, Unit } from './presets/types.js';

export type Prefix = '' | 'K' | 'M' | 'G' | 'T';
const PREFIXES: readonly Prefix[] = ['', 'K', 'M', 'G', 'T'];

export function divisorOf(prefix: Prefix, scale: Scale): bigint {
  const k = BigInt(PREFIXES.indexOf(prefix));
  return scale === 'binary' ? 1n << (10n * k) : 10n ** (3n * k);
}

/** The largest prefix whose divisor is at most the value (none below 1000 / 1024). */
export function autoPrefix(value: number | bigint, scale: Scale): Prefix {
  const v = BigInt(value) < 0n ? -BigInt(value) : BigInt(value);
  let best: Prefix = '';
  for (const p of PREFIXES) if (divisorOf(p, scale) <= v) best = p;
  return best;
}

/** value / divisor rounded half up (away from zero for .5) to `decimals` places, as text. */
export function roundScaled(value: number | bigint, divisor: bigint, decimals: number): string {
  const v = BigInt(value);
  const neg = v < 0n;
  const a = neg ? -v : v;
  const pow = 10n ** BigInt(decimals);
  // round(a·pow / divisor) half up = floor((2·a·pow + divisor) / (2·divisor))
  const q = (2n * a * pow + divisor) / (2n * divisor);
  const int = q / pow;
  const frac = (q % pow).toString().padStart(decimals, '0');
  const body = decimals > 0 ? `${int}.${frac}` : `${int}`;
  return neg && q !== 0n ? `-${body}` : body;
}

export interface FormatOptions {
  /** Fixed prefix; default: automatic. */
  readonly prefix?: Prefix;
  /** Decimal places (default 2). */
  readonly decimals?: number;
}

/** `306.67M` (decimal) or `3.86G` (binary: G = 2³⁰), rounded half up. */
export function formatCount(value: number | bigint, scale: Scale, opts: FormatOptions = {}): string {
  const prefix = opts.prefix ?? autoPrefix(value, scale);
  const decimals = prefix === '' ? 0 : (opts.decimals ?? 2);
  return `${roundScaled(value, divisorOf(prefix, scale), decimals)}${prefix}`;
}

export function scaleNote(scale: Scale): string {
  return scale === 'binary'
    ? 'binary units: K = 2^10, M = 2^20, G = 2^30'
    : 'decimal units: K = 10^3, M = 10^6, G = 10^9';
}

/** Headline display, e.g. `306.67M MACs` or `3.86G MACs, binary (G = 2^30)`. */
export function displayTotal(value: number, unit: Unit, scale: Scale, opts: FormatOptions = {}): string {
  const prefix = opts.prefix ?? autoPrefix(value, scale);
  const text = `${formatCount(value, scale, { ...opts, prefix })} ${unit}`;
  if (scale === 'decimal' || prefix === '') return text;
  const exp = 10 * PREFIXES.indexOf(prefix);
  return `${text}, binary (${prefix} = 2^${exp})`;
}
