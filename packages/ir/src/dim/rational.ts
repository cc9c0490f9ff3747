/** Exact rational numbers over bigint, always normalised (den > 0, gcd(num, den) = 1). */
export class Rational {
  readonly num: bigint;
  readonly den: bigint;

  private constructor(num: bigint, den: bigint) {
    this.num = num;
    this.den = den;
  }

  static of(num: bigint | number, den: bigint | number = 1n): Rational {
    let n = typeof num === 'number' ? BigInt(num) : num;
    let d = typeof den === 'number' ? BigInt(den) : den;
    if (d === 0n) throw new RangeError('Rational: division by zero');
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const g = gcd(n < 0n ? -n : n, d);
    return new Rational(n / g, d / g);
  }

  /** Exact conversion of a finite JS number (decimal literal semantics via its shortest string). */
  static fromNumber(x: number): Rational {
    if (!Number.isFinite(x)) throw new RangeError(`Rational: not finite: ${x}`);
    if (Number.isInteger(x)) return Rational.of(BigInt(x));
    return Rational.parseDecimal(String(x));
  }

  /** Parses `123`, `-1.25`, `3e5`, `1.5e-3` exactly. */
  static parseDecimal(text: string): Rational {
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
    if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new RangeError(`Rational: not a decimal: ${text}`);
    const sign = m[1] === '-' ? -1n : 1n;
    const intPart = m[2] || '0';
    const frac = m[3] ?? '';
    const exp = Number(m[4] ?? '0') - frac.length;
    const digits = BigInt(intPart + frac) * sign;
    if (Math.abs(exp) > 400) throw new RangeError(`Rational: exponent out of range: ${text}`);
    return exp >= 0 ? Rational.of(digits * 10n ** BigInt(exp)) : Rational.of(digits, 10n ** BigInt(-exp));
  }

  static readonly ZERO = new Rational(0n, 1n);
  static readonly ONE = new Rational(1n, 1n);

  add(o: Rational): Rational {
    return Rational.of(this.num * o.den + o.num * this.den, this.den * o.den);
  }
  sub(o: Rational): Rational {
    return Rational.of(this.num * o.den - o.num * this.den, this.den * o.den);
  }
  mul(o: Rational): Rational {
    return Rational.of(this.num * o.num, this.den * o.den);
  }
  div(o: Rational): Rational {
    return Rational.of(this.num * o.den, this.den * o.num);
  }
  neg(): Rational {
    return new Rational(-this.num, this.den);
  }
  pow(e: number): Rational {
    if (!Number.isInteger(e)) throw new RangeError('Rational.pow: integer exponent required');
    if (e < 0) return Rational.ONE.div(this.pow(-e));
    return Rational.of(this.num ** BigInt(e), this.den ** BigInt(e));
  }
  floor(): Rational {
    const q = this.num / this.den;
    return Rational.of(this.num < 0n && q * this.den !== this.num ? q - 1n : q);
  }
  ceil(): Rational {
    return this.neg().floor().neg();
  }
  cmp(o: Rational): number {
    const d = this.num * o.den - o.num * this.den;
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  }
  eq(o: Rational): boolean {
    return this.num === o.num && this.den === o.den;
  }
  isZero(): boolean {
    return this.num === 0n;
  }
  isInteger(): boolean {
    return this.den === 1n;
  }
  sign(): number {
    return this.num < 0n ? -1 : this.num > 0n ? 1 : 0;
  }
  toNumber(): number {
    if (this.den === 1n) return Number(this.num);
    return Number(this.num) / Number(this.den);
  }
  toString(): string {
    return this.den === 1n ? this.num.toString() : `${this.num}/${this.den}`;
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}
