/**
 * The bilinear resize kernel against PyTorch's F.interpolate(mode='bilinear',
 * align_corners=False) (test-data/resize-bilinear.json, tools/resize-fixture/make.py) and against
 * a case worked out by hand.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor.js';
import { FLOAT64_TOLERANCE, compare, describeComparison } from '../tolerance.js';
import { REFERENCE_OPS } from './index.js';
import { values } from './test-util.js';

interface FixtureCase {
  readonly name: string;
  readonly shape: [number, number, number, number];
  readonly size: [number, number];
  readonly input: number[];
  readonly output: number[];
}
const FIXTURE = JSON.parse(
  readFileSync(new URL('../../test-data/resize-bilinear.json', import.meta.url), 'utf8'),
) as { producer: string; cases: FixtureCase[] };

describe('resize (bilinear, align_corners=False)', () => {
  it('the fixture comes from PyTorch and covers up, down, 1×1 and batch > 1', () => {
    expect(FIXTURE.producer).toMatch(/^PyTorch /);
    expect(FIXTURE.cases.map((c) => c.name)).toContain('broadcast-1x1-to-5x6');
    expect(FIXTURE.cases.length).toBeGreaterThanOrEqual(8);
  });

  it.each(FIXTURE.cases.map((c) => [c.name, c] as const))('%s equals PyTorch', (_name, c) => {
    const [y] = REFERENCE_OPS.resize([tensor(c.shape, c.input)], { size: c.size, mode: 'bilinear' }, {});
    const ref = tensor([c.shape[0], c.shape[1], c.size[0], c.size[1]], c.output);
    const cmp = compare(y, ref, FLOAT64_TOLERANCE);
    expect(cmp.pass, describeComparison(cmp, c.name)).toBe(true);
  });

  it('1 × 3 → 1 × 6 by hand: half-pixel centres, the first source coordinate clamped to 0', () => {
    // scale 3/6 = 0.5: s = (j + 0.5)·0.5 − 0.5 = −0.25 → 0, 0.25, 0.75, 1.25, 1.75, 2.25.
    // x = [0, 4, 8]: 0, 0.75·0 + 0.25·4 = 1, 3, 5, 7, and s = 2.25 reads index 2 twice: 8.
    const [y] = REFERENCE_OPS.resize(
      [tensor([1, 1, 1, 3], [0, 4, 8])],
      { size: [1, 6], mode: 'bilinear' },
      {},
    );
    expect(values(y)).toEqual([0, 1, 3, 5, 7, 8]);
  });
});
