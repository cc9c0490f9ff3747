/**
 * Sweeps: the formula path (one symbolic graph per class of points, evaluated exactly) against
 * rebuilding every point, and every row against a one-point report of a concretely built model.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ATTENTION_KINDS,
  BACKBONE_NAMES,
  CoordattnError,
  Dim,
  buildBackbone,
  type AttentionKind,
  type BackboneName,
  type BackboneOptions,
} from '@coordattn/ir';
import { fcParams } from '@coordattn/ir/testing';
import { PRESET_NAMES, type PresetName } from './presets/index.js';
import { GROUP_BY, buildReport, validateReport, type GroupBy } from './report.js';
import {
  MAX_SWEEP_POINTS,
  runSweep,
  sweepPoints,
  type SweepPoint,
  type SweepSpec,
  type SweepStats,
  type SweepValues,
  type SymbolicAxes,
} from './sweep.js';

const TAKES_R: readonly AttentionKind[] = ['ca', 'se', 'cbam'];

/** The backbone options of a point (as the CLI builds them), with some axes symbolic. */
function optionsAt(p: SweepPoint, sym: SymbolicAxes = {}): BackboneOptions {
  const r = sym.reduction ?? p.reduction;
  return {
    attention:
      p.attention === 'none'
        ? { kind: 'none' }
        : ({
            kind: p.attention,
            config: TAKES_R.includes(p.attention) && r !== undefined ? { reduction: r } : {},
          } as BackboneOptions['attention']),
    width: p.width,
    height: sym.resolution?.[0] ?? p.resolution[0],
    widthPx: sym.resolution?.[1] ?? p.resolution[1],
  };
}

function spec(
  name: BackboneName,
  base: SweepPoint,
  values: SweepValues,
  report: { preset: PresetName; groupBy: GroupBy },
  method: 'auto' | 'rebuild' = 'auto',
): SweepSpec {
  return {
    base,
    values,
    build: (p) => buildBackbone(name, optionsAt(p)),
    buildSymbolic: (p, sym) => buildBackbone(name, optionsAt(p, sym)),
    report,
    method,
  };
}

/** A random sweep: a backbone, a base point and one or two swept axes, at most a dozen points. */
const sweepArb = fc
  .record({
    name: fc.constantFrom(...BACKBONE_NAMES.filter((n) => n !== 'resnet101' && n !== 'resnet152')),
    attention: fc.constantFrom(...ATTENTION_KINDS),
    width: fc.constantFrom(0.5, 0.75, 1, 1.3),
    reductions: fc.uniqueArray(fc.integer({ min: 1, max: 120 }), { minLength: 3, maxLength: 5 }),
    resolutions: fc.uniqueArray(
      fc.tuple(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 400 })),
      { minLength: 3, maxLength: 4, selector: ([h, w]) => `${h}x${w}` },
    ),
    axes: fc.constantFrom('reduction', 'resolution', 'grid', 'attention+resolution'),
    preset: fc.constantFrom(...PRESET_NAMES),
    groupBy: fc.constantFrom(...GROUP_BY),
  })
  .map((x) => {
    const takesR = x.axes === 'reduction' || x.axes === 'grid';
    const attention: AttentionKind = takesR && !TAKES_R.includes(x.attention) ? 'ca' : x.attention;
    const values: SweepValues =
      x.axes === 'reduction'
        ? { reduction: x.reductions }
        : x.axes === 'resolution'
          ? { resolution: x.resolutions }
          : x.axes === 'grid'
            ? { reduction: x.reductions.slice(0, 3), resolution: x.resolutions.slice(0, 3) }
            : { attention: ['none', x.attention], resolution: x.resolutions };
    // torchvision's ResNets have no width multiplier.
    const width = x.name.startsWith('resnet') ? 1 : x.width;
    const base: SweepPoint = { attention, width, resolution: [224, 224] };
    return { ...x, base, values };
  });

function outcome(s: SweepSpec): { rows: unknown; stats: SweepStats } | { error: string } {
  try {
    const { report, stats } = runSweep(s);
    return { rows: report.rows, stats };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('sweep: formulas ≡ rebuilding every point', () => {
  it('random backbones, attention kinds, presets, groupings, reduction / resolution / grid sweeps', () => {
    fc.assert(
      fc.property(sweepArb, (x) => {
        const report = { preset: x.preset, groupBy: x.groupBy };
        const fast = outcome(spec(x.name, x.base, x.values, report));
        const slow = outcome(spec(x.name, x.base, x.values, report, 'rebuild'));
        if ('error' in slow) {
          expect(fast).toEqual(slow);
          return;
        }
        if (!('rows' in fast)) throw new Error(`only the formula path failed: ${fast.error}`);
        expect(fast.rows).toEqual(slow.rows);
        expect(slow.stats.evaluated).toBe(0);
        expect(fast.stats.fallbacks).toEqual([]);
        expect(fast.stats.evaluated).toBeGreaterThan(0);
      }),
      fcParams(12), // each run builds and analyses a backbone about 20 times
    );
  });

  it('a reduction sweep of SE past C: the invalid points fail as a one-point report does', () => {
    const s = spec(
      'mobilenetv2',
      { attention: 'se', width: 1, resolution: [224, 224] },
      { reduction: [16, 32, 97] },
      { preset: 'paper', groupBy: 'block' },
    );
    // floor(96 / 97) = 0 channels in the first SE block: the symbolic graph assumed >= 1.
    let error = '';
    try {
      buildReport(buildBackbone('mobilenetv2', optionsAt({ ...s.base, reduction: 97 })));
    } catch (e) {
      error = (e as Error).message;
    }
    expect(error).toMatch(/^E_ATTR at features\.2\.conv\.attention\.fc1\.attrs\.outChannels: .* got 0$/);
    expect(() => runSweep(s)).toThrow(error);
    const ok = runSweep({ ...s, values: { reduction: [16, 32, 96] } });
    expect(ok.stats.fallbacks).toEqual([]);
    expect(ok.stats.evaluated).toBeGreaterThan(0);
  });

  it('a symbolic build that fails, lies or leaves other symbols free: rebuilt, and stats say why', () => {
    const base: SweepPoint = { attention: 'ca', width: 1, resolution: [160, 160] };
    const values: SweepValues = { reduction: [4, 8, 16] };
    const good = spec('mobilenetv3-small', base, values, { preset: 'thop', groupBy: 'block' });
    const expected = runSweep({ ...good, method: 'rebuild' }).report.rows;
    const liars: [SweepSpec['buildSymbolic'], RegExp][] = [
      [
        () => {
          throw new CoordattnError('E_GRAPH', 'no symbolic build here');
        },
        /symbolic build failed: E_GRAPH: no symbolic build here/,
      ],
      // ignores the symbolic axis: the formulas are those of r = 4 at every point
      [
        (p) => buildBackbone('mobilenetv3-small', optionsAt(p)),
        /the formulas disagree with a concrete build/,
      ],
      [
        (p, sym) => buildBackbone('mobilenetv3-small', { ...optionsAt(p, sym), batch: Dim.sym('N') }),
        /other free symbols: N/,
      ],
    ];
    for (const [buildSymbolic, why] of liars) {
      const { report, stats } = runSweep({ ...good, buildSymbolic });
      expect(report.rows).toEqual(expected);
      expect(stats.fallbacks.join('\n')).toMatch(why);
      expect(stats.evaluated).toBe(0);
    }
  });

  it('1,000 reduction ratios: one symbolic graph, every point exact, at least 200 points per second', () => {
    const t0 = performance.now();
    const { report, stats } = runSweep(
      spec(
        'mobilenetv2',
        { attention: 'ca', width: 1, resolution: [224, 224] },
        { reduction: Array.from({ length: 1000 }, (_, i) => i + 1) },
        { preset: 'paper', groupBy: 'block' },
      ),
    );
    const seconds = (performance.now() - t0) / 1000;
    expect(stats).toMatchObject({ points: 1000, evaluated: 998, symbolicBuilds: 1, fallbacks: [] });
    validateReport(report);
    // mid = max(8, floor(C / r)), C <= 960, is 8 for every r >= 107: the rows are equal from there on.
    const rows = report.rows!;
    expect(rows[106].totals).toEqual(rows[999].totals);
    expect(rows[105].totals.params).toBeGreaterThan(rows[106].totals.params);
    expect(rows.every((x) => x.layers === undefined)).toBe(true);
    expect(1000 / seconds).toBeGreaterThan(200);
  });

  it('rows carry groups, per-layer rows only when grouped by layer', () => {
    const base: SweepPoint = { attention: 'ca', width: 1, resolution: [97, 131] };
    const by = (groupBy: GroupBy) =>
      runSweep(spec('resnet18', base, { reduction: [4, 8] }, { preset: 'fvcore', groupBy })).report;
    const block = by('block');
    expect(block.rows![0].groups.by).toBe('block');
    expect(block.rows![0].layers).toBeUndefined();
    const layer = by('layer');
    expect(layer.rows![1].layers!.map((l) => l.path)).toEqual(layer.layers.map((l) => l.path));
    expect(layer.rows![1].groups.rows).toHaveLength(layer.layers.length);
    validateReport(layer);
  });

  it(`at most ${MAX_SWEEP_POINTS} points: more is an E_OPTION error with the count`, () => {
    const base: SweepPoint = { attention: 'ca', width: 1, resolution: [224, 224] };
    const values = {
      reduction: Array.from({ length: 200 }, (_, i) => i + 1),
      resolution: Array.from({ length: 51 }, (_, i) => [100 + i, 100] as const),
    };
    expect(() => sweepPoints({ base, values })).toThrow(
      /E_OPTION at sweep: a sweep has at most 10000 points; this one has 10200 \(reduction 200 × resolution 51\)/,
    );
  });
});

describe('sweep rows = one-point reports of concretely built models', () => {
  /** Every preset, each on another backbone, across reduction, odd / non-square resolutions and width. */
  const CASES: [PresetName, BackboneName, AttentionKind][] = PRESET_NAMES.map((p, i) => [
    p,
    (['mobilenetv2', 'resnet50', 'efficientnet-b0', 'mobilenetv3-small', 'mobilenext'] as const)[i % 5],
    (['ca', 'se', 'cbam'] as const)[i % 3],
  ]);
  it.each(CASES)('%s on %s + %s: reduction × resolution grid, width sweep', (preset, name, attention) => {
    const base: SweepPoint = { attention, width: 1, resolution: [224, 224] };
    const sweeps: SweepValues[] = [
      {
        reduction: [3, 7],
        resolution: [
          [97, 131],
          [224, 224],
          [33, 17],
        ],
      },
      ...(name.startsWith('resnet') ? [] : [{ width: [0.75, 1.25, 1.4] }]),
    ];
    for (const values of sweeps) {
      const { report } = runSweep(spec(name, base, values, { preset, groupBy: 'stage' }));
      const { points } = sweepPoints({ base, values });
      report.rows!.forEach((row, i) => {
        const one = buildReport(buildBackbone(name, optionsAt(points[i])), { preset, groupBy: 'stage' });
        expect(row.totals).toEqual(one.totals);
        expect(row.total.value).toBe(one.total.value);
        expect(row.total.display).toBe(one.total.display);
        expect(row.groups).toEqual(one.groups);
        const none = buildReport(buildBackbone(name, optionsAt({ ...points[i], attention: 'none' })), {
          preset,
        });
        expect(row.delta.baseline).toEqual({
          params: none.totals.params,
          macs: none.totals.macs,
          total: none.total.value,
        });
      });
    }
  });
});
