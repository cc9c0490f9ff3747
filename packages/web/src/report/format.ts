/** Number formatting for the page (no Intl: the same output in every browser and locale). */

/** An integer with thousands separators: 3950648 → `3,950,648` (exact: digits are not rounded). */
export function withCommas(n: number): string {
  const s = String(Math.abs(n));
  if (!/^\d+$/.test(s)) return String(n);
  return (n < 0 ? '−' : '') + s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A signed integer with separators: `+14,832`, `−5`, `0`. */
export function signed(n: number): string {
  return n > 0 ? `+${withCommas(n)}` : withCommas(n);
}

export type Scale = 'decimal' | 'binary';

export interface Prefix {
  /** `''`, `K`, `M`, `G`, `T`. */
  readonly symbol: string;
  readonly divisor: number;
}

const SYMBOLS = ['', 'K', 'M', 'G', 'T'];

/** The largest prefix that keeps `max` at or above 1 in that unit (decimal: 10³ⁿ, binary: 2¹⁰ⁿ). */
export function prefixFor(max: number, scale: Scale): Prefix {
  const base = scale === 'binary' ? 1024 : 1000;
  let i = 0;
  while (i < SYMBOLS.length - 1 && Math.abs(max) >= base ** (i + 1)) i++;
  return { symbol: SYMBOLS[i], divisor: base ** i };
}

/** The unit suffix of an axis label: `M`, or `M = 2^20` in binary units. */
export function prefixNote(p: Prefix, scale: Scale): string {
  if (p.symbol === '') return '';
  return scale === 'binary' ? `${p.symbol} = 2^${10 * SYMBOLS.indexOf(p.symbol)}` : p.symbol;
}

/** A short display: 3950648 → `3.95M` (decimal), 344978728 → `329.00M` (binary). */
export function short(n: number, scale: Scale = 'decimal'): string {
  const p = prefixFor(n, scale);
  if (p.symbol === '') return String(n);
  return `${(n / p.divisor).toFixed(2)}${p.symbol}`;
}

/** A percentage with two decimals and its sign: `+1.23%`. */
export function pct(x: number): string {
  const s = x.toFixed(2);
  return `${x > 0 ? '+' : ''}${s}%`;
}

/** The share of a part in a total, 0..100 (0 when the total is 0). */
export function share(part: number, total: number): number {
  return total > 0 ? (100 * part) / total : 0;
}
