/**
 * `coordattn report --sweep`: lists, ranges and grids; every row equal to a one-point
 * `coordattn report` at the same setting (which builds the model concretely); limits and errors.
 */
import { describe, expect, it } from 'vitest';
import { PRESET_NAMES } from '@coordattn/cost';
import { parseSweep, parseSweeps } from './options.js';
import { reportJson, run } from './test-io.js';

describe('--sweep values', () => {
  it('lists and ranges A..B[:STEP]', () => {
    expect(parseSweep('reduction=1..5')).toEqual({ key: 'reduction', values: [1, 2, 3, 4, 5] });
    expect(parseSweep('reduction=8..32:8,64').values).toEqual([8, 16, 24, 32, 64]);
    expect(parseSweep('reduction=8..30:8').values).toEqual([8, 16, 24]);
    expect(parseSweep('reduction=1..1000').values).toHaveLength(1000);
    expect(parseSweep('attention=none,ca, se').values).toEqual(['none', 'ca', 'se']);
    expect(parseSweep('placement=ca-paper,block-output').values).toEqual(['ca-paper', 'block-output']);
  });

  it('width: decimal steps computed as A + i·STEP, without float accumulation', () => {
    expect(parseSweep('width=0.5..1.5:0.25').values).toEqual([0.5, 0.75, 1, 1.25, 1.5]);
    // 0.1 summed ten times is 0.9999999999999999; these are the decimals as written.
    expect(parseSweep('width=0.1..1:0.1').values).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(parseSweep('width=0.35,1..1.4:0.05').values).toEqual([
      0.35, 1, 1.05, 1.1, 1.15, 1.2, 1.25, 1.3, 1.35, 1.4,
    ]);
  });

  it('resolution: squares, HxW, and ranges on either side (their product)', () => {
    expect(parseSweep('resolution=160..224:32').values).toEqual([
      [160, 160],
      [192, 192],
      [224, 224],
    ]);
    expect(parseSweep('resolution=97x131,224X320').values).toEqual([
      [97, 131],
      [224, 320],
    ]);
    expect(parseSweep('resolution=160..192:32x96..128:32').values).toEqual([
      [160, 96],
      [160, 128],
      [192, 96],
      [192, 128],
    ]);
  });

  it('errors: the limit with the count, bad ranges, a key twice, one key per --sweep', () => {
    const err = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err(() => parseSweep('reduction=1..20000'))).toBe(
      "E_OPTION at --sweep: a sweep has at most 10000 points; 'reduction=1..20000' has 20000 (expected at most 10000 points (ranges A..B:STEP with a larger step))",
    );
    expect(err(() => parseSweep('resolution=1..200x1..200'))).toMatch(/at most 10000 points; .* has 40000/);
    expect(err(() => parseSweep('reduction=1..999999999'))).toMatch(/has 999999999/);
    expect(err(() => parseSweep('reduction=32..8'))).toMatch(/range '32..8' is empty/);
    expect(err(() => parseSweep('reduction=8..32:0'))).toMatch(/range '8..32:0' has step 0/);
    expect(err(() => parseSweep('reduction=0..4'))).toMatch(/a reduction ratio must be >= 1/);
    expect(err(() => parseSweep('reduction=2.5'))).toMatch(/'2.5' is not a non-negative integer/);
    expect(err(() => parseSweep('width=0..1:0.5'))).toMatch(/a width multiplier must be > 0/);
    expect(err(() => parseSweep('reduction=8,,16'))).toMatch(/empty value in the list/);
    expect(err(() => parseSweeps(['reduction=8', 'reduction=16']))).toMatch(/'reduction' is swept twice/);
    expect(err(() => parseSweep('reduction=8,16;resolution=160'))).toMatch(
      /one key per --sweep.*repeat --sweep for a grid/,
    );
  });

  it('an error about a long value quotes only its first 40 characters', () => {
    const long = `reduction=${Array.from({ length: 300 }, (_, i) => i + 1).join(',')},x`;
    let message = '';
    try {
      parseSweep(long);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(`'${long.slice(0, 40)}…'`);
    expect(message.length).toBeLessThan(300);
  });
});

describe('coordattn report --sweep', () => {
  it('every row equals a one-point report at the same setting, for every preset', async () => {
    // Each preset on another model; reduction × resolution grids (odd, non-square) and width sweeps.
    const models: [string, string][] = [
      ['mobilenetv2', 'ca'],
      ['resnet18', 'se'],
      ['efficientnet-b0', 'cbam'],
      ['mobilenetv3-large', 'ca'],
    ];
    for (const [i, preset] of PRESET_NAMES.entries()) {
      const [model, attention] = models[i % models.length];
      const flags = [model, '--attention', attention, '--preset', preset];
      const sweeps: [string[], (row: Record<string, number | string>) => string[]][] = [
        [
          ['--sweep', 'reduction=5..13:8', '--sweep', 'resolution=97x131,64x33'],
          (p) => ['--reduction', String(p.reduction), '--resolution', String(p.resolution)],
        ],
        ...(model.startsWith('resnet')
          ? []
          : [
              [
                ['--sweep', 'width=0.75..1.25:0.5'],
                (p: Record<string, number | string>) => ['--width', String(p.width)],
              ] as [string[], (row: Record<string, number | string>) => string[]],
            ]),
      ];
      for (const [sweepArgs, oneArgs] of sweeps) {
        const s = await reportJson([...flags, ...sweepArgs]);
        expect(s.schemaVersion).toBe(2);
        for (const row of s.rows!) {
          const one = await reportJson([...flags, ...oneArgs(row.point)]);
          const what = `${flags.join(' ')} ${JSON.stringify(row.point)}`;
          expect(row.totals, what).toEqual(one.totals);
          expect(row.total.value, what).toBe(one.total.value);
          expect(row.groups, what).toEqual(one.groups);
        }
      }
    }
  });

  it('1,000 points: small rows (groups, no layers) and the same numbers as the table', async () => {
    const args = ['report', 'mobilenetv2', '--attention', 'ca', '--sweep', 'reduction=1..1000'];
    const r = await run([...args, '--format', 'json']);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out) as { rows: Record<string, unknown>[] };
    expect(rep.rows).toHaveLength(1000);
    expect(Object.keys(rep.rows[0]).sort()).toEqual(['delta', 'groups', 'point', 'total', 'totals']);
    // about 15 KB a row of indented JSON (its block groups), against ~160 KB when every row
    // carried every layer
    expect(r.out.length / 1000).toBeLessThan(20_000);
    const csv = (await run([...args, '--format', 'csv'])).out.trim().split('\n');
    expect(csv).toHaveLength(1001);
    expect(csv[32]).toMatch(/^32,paper,MACs,decimal,3950648,306666368,306666368,/);
  });

  it('--by layer: every row carries its layers', async () => {
    const rep = await reportJson([
      'mobilenetv3-small',
      '--attention',
      'ca',
      '--by',
      'layer',
      '--sweep',
      'resolution=96,128x160',
    ]);
    expect(rep.rows!.map((x) => x.layers!.length)).toEqual([rep.layers.length, rep.layers.length]);
    expect(rep.rows![1].layers![0].outputShape).toEqual([1, 16, 64, 80]);
  });

  it('an attention × reduction grid gives every kind with a reduction ratio its r', async () => {
    const rep = await reportJson([
      'mobilenetv2',
      '--attention',
      'ca',
      '--sweep',
      'attention=se,eca',
      '--sweep',
      'reduction=4,8',
    ]);
    const v = (attention: string, reduction: number) =>
      rep.rows!.find((x) => x.point.attention === attention && x.point.reduction === reduction)!.totals
        .params;
    expect(v('se', 4)).toBeGreaterThan(v('se', 8));
    expect(v('eca', 4)).toBe(v('eca', 8));
    const one = await reportJson(['mobilenetv2', '--attention', 'se', '--reduction', '4']);
    expect(v('se', 4)).toBe(one.totals.params);
  });

  it('user errors', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['--sweep', 'reduction=1..200', '--sweep', 'resolution=100..150'],
        /E_OPTION at sweep: a sweep has at most 10000 points; this one has 10200 \(reduction 200 × resolution 51\)/,
      ],
      [['--sweep', 'reduction=8;resolution=160'], /one key per --sweep/],
      [['--sweep', 'reduction=8', '--sweep', 'reduction=16'], /'reduction' is swept twice/],
    ];
    for (const [args, message] of cases) {
      const r = await run(['report', 'mobilenetv2', '--attention', 'ca', ...args]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
    }
    const r = await run(['report', 'mobilenetv2', '--sweep', 'reduction=8,16']);
    expect(r.err).toMatch(/a reduction sweep needs --attention ca, se or cbam \(got none\)/);
  });
});
