import { describe, expect, it } from 'vitest';
import { autoPrefix, displayTotal, formatCount, roundScaled } from './units.js';

describe('units', () => {
  it('rounds half up on exact integers', () => {
    expect(roundScaled(125, 100n, 1)).toBe('1.3'); // 1.25 → 1.3
    expect(roundScaled(124, 100n, 1)).toBe('1.2');
    expect(roundScaled(-125, 100n, 1)).toBe('-1.3');
    expect(roundScaled(5, 10n, 0)).toBe('1');
    // 2^53 + 1 is not a double; BigInt keeps it exact
    expect(roundScaled(2n ** 53n + 1n, 1n, 0)).toBe('9007199254740993');
  });
  it('decimal and binary prefixes', () => {
    expect(formatCount(306_666_368, 'decimal')).toBe('306.67M');
    expect(formatCount(4_142_111_768, 'binary')).toBe('3.86G');
    expect(formatCount(25_557_032, 'binary', { prefix: 'M' })).toBe('24.37M');
    expect(formatCount(999, 'decimal')).toBe('999');
    expect(autoPrefix(1023, 'binary')).toBe('');
    expect(autoPrefix(1024, 'binary')).toBe('K');
  });
  it('the headline display names the unit and, when binary, the divisor', () => {
    expect(displayTotal(306_666_368, 'MACs', 'decimal')).toBe('306.67M MACs');
    expect(displayTotal(4_142_111_768, 'MACs', 'binary')).toBe('3.86G MACs, binary (G = 2^30)');
    expect(displayTotal(331_776, 'FLOPs', 'decimal')).toBe('331.78K FLOPs');
  });
});
