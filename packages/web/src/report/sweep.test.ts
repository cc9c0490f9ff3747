/** Chart layout of sweeps and the Pareto front. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fcParams } from '@coordattn/ir/testing';
import { paretoFront, pointLabel, pointShort, sampleRows, seriesLabel, sweepLayout } from './sweep.js';

const rows = (points: Record<string, number | string>[]) => points.map((point) => ({ point }));

describe('sweepLayout', () => {
  it('numbers on a linear x axis, kinds as bars, the other keys as series', () => {
    expect(sweepLayout(['reduction'], rows([{ reduction: 8 }, { reduction: 16 }]))).toEqual({
      x: 'reduction',
      xKind: 'linear',
      mark: 'line',
      series: [],
    });
    expect(sweepLayout(['attention'], rows([{ attention: 'se' }]))).toMatchObject({
      x: 'attention',
      mark: 'bar',
    });
    const grid = sweepLayout(['reduction', 'attention'], rows([{ reduction: 8, attention: 'se' }]));
    expect(grid).toMatchObject({ x: 'reduction', series: ['attention'] });
    expect(seriesLabel({ reduction: 8, attention: 'se' }, grid)).toBe('attention=se');
    expect(sweepLayout(['resolution'], rows([{ resolution: '160x160' }]))).toMatchObject({
      xKind: 'ordinal',
      mark: 'line',
    });
    expect(pointLabel({ reduction: 8, attention: 'se' }, ['reduction', 'attention'])).toBe(
      'reduction=8, attention=se',
    );
    expect(pointShort({ reduction: 8, attention: 'se' }, ['reduction', 'attention'])).toBe('8 · se');
    expect(pointLabel({ attention: 'se' }, ['attention'])).toBe('se');
  });
});

describe('paretoFront', () => {
  it('equals the brute-force set of non-dominated points', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ params: fc.integer({ min: 0, max: 20 }), cost: fc.integer({ min: 0, max: 20 }) }),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        (pts) => {
          const brute = pts
            .map((p, i) => ({ p, i }))
            .filter(
              ({ p, i }) =>
                !pts.some(
                  (q, j) =>
                    j !== i &&
                    q.params <= p.params &&
                    q.cost <= p.cost &&
                    (q.params < p.params || q.cost < p.cost),
                ),
            )
            .map(({ i }) => i);
          expect([...paretoFront(pts)].sort((a, b) => a - b)).toEqual(brute);
        },
      ),
      fcParams(300),
    );
  });
});

describe('sampleRows', () => {
  it('every row when few, else evenly spaced with both ends', () => {
    expect(sampleRows(3, 6)).toEqual([0, 1, 2]);
    expect(sampleRows(1000, 6)).toEqual([0, 200, 400, 599, 799, 999]);
  });
});
