/**
 * tune: candidates per node, the choice rule (deterministic, through a prepared cache), the cache
 * round trip, and tuned programs computing what the reference computes.
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder, type Graph } from '@coordattn/ir';
import { compile } from './compile.js';
import { MAX_TERMS } from './kernels/index.js';
import { seededTensor, seededWeights, TEST_MODES } from './test-util.js';
import { tune, TUNE_SPLITS, type TuneCache } from './tune.js';
import { verifyCompiled } from './verify.js';

/** A 3×3 conv over 64 channels (576 terms) and a 1×1 conv over 128 (128 terms), on 6 × 10 maps. */
function graph(): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', [1, 64, 6, 10]);
  const a = b.op('conv2d', x, { outChannels: 128, kernel: 3, padding: 1 }, { name: 'a' });
  b.output(b.op('conv2d', a, { outChannels: 8, kernel: 1 }, { name: 'b' }));
  return b.build();
}

/** A cache that records every key and serves the given times. */
function recording(times: (key: string) => number | undefined = () => undefined) {
  const keys: string[] = [];
  const cache: TuneCache = {
    get: (k) => times(k),
    set: (k) => void keys.push(k),
  };
  return { cache, keys };
}

describe('tune', () => {
  const g = graph();
  const weights = seededWeights(g, 2);

  it('times every distinct split of each long sum, the default first, and caches them', async () => {
    const rec = recording();
    const r = await tune(g, weights, { mode: 'webasm', runs: 2, cache: rec.cache });
    const byNode = new Map(r.nodes.map((n) => [n.node, n]));
    const a = byNode.get('a')!;
    expect(a.candidates[0].split).toBe(MAX_TERMS);
    // 576 terms: every split gives another chain (⌈576 / s⌉ kernels)
    expect(a.candidates.map((c) => c.split).sort((p, q) => p - q)).toEqual(
      [...TUNE_SPLITS].sort((p, q) => p - q),
    );
    for (const c of a.candidates) {
      expect(c.kernels).toBe(Math.ceil(576 / c.split));
      expect(c.ms).toBeGreaterThan(0);
      expect(c.cached).toBe(false);
    }
    // 128 terms: 32, 64 and 96 split it, 192 and 384 give the same single kernel (one candidate)
    expect(byNode.get('b')!.candidates.map((c) => c.kernels)).toEqual([2, 4, 2, 1]);
    expect(r.measured).toBe(rec.keys.length);
    expect(r.cached).toBe(0);
    // a second tuning with those times measures nothing
    const times = new Map(rec.keys.map((k) => [k, 1]));
    const again = await tune(g, weights, {
      mode: 'webasm',
      cache: { get: (k) => times.get(k), set: () => {} },
    });
    expect(again.measured).toBe(0);
    expect(again.cached).toBe(rec.keys.length);
  });

  it('moves a node off the default only for a clear gain (margin and minimum ms)', async () => {
    const rec = recording();
    await tune(g, weights, { mode: 'webasm', runs: 1, cache: rec.cache });
    // the keys in order: node a's candidates (96, 32, 64, 192, 384), then node b's (96, 32, 64, 192)
    const [a96, a32, , a192] = rec.keys;
    const serve = (ms: Record<string, number>) => ({
      get: (k: string) => ms[k] ?? 10,
      set: () => {},
    });
    const fast = await tune(g, weights, { mode: 'webasm', cache: serve({ [a192]: 5, [a96]: 10 }) });
    expect(fast.splits.get('a')).toBe(192);
    expect(fast.splits.has('b')).toBe(false); // all equal: stays at the default
    // 3 % faster: within the 5 % margin
    const close = await tune(g, weights, { mode: 'webasm', cache: serve({ [a32]: 9.7 }) });
    expect(close.splits.size).toBe(0);
    // 50 % faster but by less than minGainMs
    const tiny = await tune(g, weights, {
      mode: 'webasm',
      cache: serve({ [a32]: 0.005, [a96]: 0.01 }),
    });
    expect(tiny.splits.size).toBe(0);
    // the cache key depends on the machine string
    const other = recording();
    await tune(g, weights, { mode: 'webasm', runs: 1, cache: other.cache, machine: 'another machine' });
    expect(other.keys.some((k) => rec.keys.includes(k))).toBe(false);
  });

  it('a program compiled with any splits computes what the reference computes', () => {
    const splits = new Map([
      ['a', 32],
      ['b', 384],
    ]);
    const compiled = compile(g, weights, { splits, mode: 'webasm' });
    expect(compiled.program.kernels.filter((k) => k.nodes.includes('a')).length).toBe(18);
    for (const mode of TEST_MODES) {
      const r = verifyCompiled(g, compiled, weights, { x: seededTensor([1, 64, 6, 10], 3, 2) }, mode);
      expect(r.pass, mode).toBe(true);
    }
  });
});
