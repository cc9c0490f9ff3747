import { describe, expect, it } from 'vitest';
import { DEFAULT_FC_SEED, FC_SEED, fcParams, fcRuns, readFcSettings } from './testing.js';

describe('FC_SEED / FC_RUNS (the one reader of both)', () => {
  it('defaults: seed 20261122, runs per property', () => {
    expect(readFcSettings({})).toEqual({ seed: 20261122, runs: undefined });
    expect(readFcSettings({ FC_SEED: '', FC_RUNS: ' ' })).toEqual({ seed: DEFAULT_FC_SEED, runs: undefined });
  });

  it('reads integers', () => {
    expect(readFcSettings({ FC_SEED: '42', FC_RUNS: '7' })).toEqual({ seed: 42, runs: 7 });
    expect(readFcSettings({ FC_SEED: '-3' }).seed).toBe(-3);
    expect(readFcSettings({ FC_RUNS: ' 100000 ' }).runs).toBe(100000);
  });

  it('rejects what is not an integer, naming the variable', () => {
    for (const bad of ['abc', '1.5', '1e3', '0x10', 'NaN', '99999999999999999999']) {
      expect(() => readFcSettings({ FC_SEED: bad })).toThrow(/^FC_SEED must be an integer, got "/);
    }
    for (const bad of ['0', '-1', '2.5', 'many']) {
      expect(() => readFcSettings({ FC_RUNS: bad })).toThrow(/^FC_RUNS must be a positive integer, got "/);
    }
  });

  it('fcRuns: FC_RUNS when set, else the property’s own default', () => {
    const runs = readFcSettings(process.env).runs;
    expect(fcRuns(123)).toBe(runs ?? 123);
    expect(fcParams(5)).toEqual({ seed: FC_SEED, numRuns: runs ?? 5 });
    expect(() => fcRuns(0)).toThrow(RangeError);
  });
});
