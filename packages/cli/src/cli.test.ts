import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateReport, type Report } from '@coordattn/cost';
import { reportJson, run } from './test-io.js';
import { reproduce } from './reproduce.js';
import { placementTableMarkdown } from './tables.js';

const ROOT = resolve(__dirname, '../../..');

describe('coordattn report', () => {
  it('gives the MobileNetV2 + CA numbers of the reference (3,950,648 params, 306,666,368 MACs)', async () => {
    const r = await run(['report', 'mobilenetv2', '--attention', 'ca', '--format', 'json']);
    expect(r.code).toBe(0);
    const rep = validateReport(JSON.parse(r.out)) as Report;
    expect(rep.totals.params).toBe(3_950_648);
    expect(rep.totals.macs).toBe(306_666_368);
    expect(rep.preset.name).toBe('paper');
    expect(rep.total.value).toBe(306_666_368);
  });

  it('names its preset, units and headline in the table format', async () => {
    const r = await run(['report', 'resnet50']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/preset: paper/);
    expect(r.out).toMatch(/4,089,184,256/);
  });

  it('reproduces the ECA-ResNet-50 row under the eca-paper recipe (thop-2019)', async () => {
    const r = await run([
      'report',
      'resnet50',
      '--attention',
      'eca',
      '--recipe',
      'eca-paper',
      '--format',
      'json',
    ]);
    const rep = JSON.parse(r.out) as Report;
    expect(rep.preset.name).toBe('thop-2019');
    expect(rep.totals.params).toBe(25_557_112);
    expect((rep.total.value / 2 ** 30).toFixed(2)).toBe('3.86');
  });

  it('tool presets: ptflops 0.7.6 with its double counts, thop 0.1.1, fvcore with the ops it skips', async () => {
    const json = (preset: string, ...more: string[]) => reportJson(['resnet50', '--preset', preset, ...more]);
    // the numbers ptflops 0.7.6, thop 0.1.1 and fvcore 0.1.6 print (packages/cost/test-data/tool-counts.json)
    expect((await json('ptflops')).total.value).toBe(4_132_436_968);
    expect((await json('ptflops', '--batch', '2')).total.value).toBe(4_142_948_840);
    expect((await json('ptflops-modules')).total.value).toBe(4_121_925_096);
    expect((await json('thop')).total.value).toBe(4_133_742_592);
    const fv = await json('fvcore');
    expect(fv.total.value).toBe(4_111_512_576);
    expect(fv.assumptions).toContain(
      'fvcore: fvcore skips (warns "Unsupported operator ... encountered n time(s)", counts 0): aten::add_ ×16, aten::max_pool2d ×1',
    );
  });

  it('draws the reduction sweep as SVG with one data-value mark per point equal to the JSON rows', async () => {
    const args = ['report', 'mobilenetv2', '--attention', 'ca', '--sweep', 'reduction=8,16,32'];
    const svg = (await run([...args, '--format', 'svg'])).out;
    const json = JSON.parse((await run([...args, '--format', 'json'])).out) as Report;
    expect(svg).toMatch(/^<svg[^>]*viewBox="[^"]+"/);
    expect(svg).toMatch(/paper/);
    const rows = json.rows!;
    expect(rows.map((row) => row.totals.params)).toEqual([5_213_456, 4_366_850, 3_950_648]);
    for (const row of rows) {
      expect(svg).toContain(`data-value="${row.totals.params}"`);
      expect(svg).toContain(`data-value="${row.totals.macs}"`);
    }
  });

  it('writes --out files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coordattn-'));
    const r = await run(['report', 'mobilenetv2', '--format', 'csv', '--out', 'r.csv'], dir);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'r.csv'), 'utf8').split('\n')[0]).toMatch(/params/);
  });

  it('gives formulas in H and W with --symbolic', async () => {
    const r = await run(['report', 'mobilenetv2', '--attention', 'ca', '--resolution', 'HxW', '--symbolic']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/params = 3950648/);
    expect(r.out).toMatch(/MACs {3}= .*H.*W/);
  });

  it('reads a JSON spec file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coordattn-'));
    writeFileSync(
      join(dir, 'm.json'),
      JSON.stringify({
        coordattn: 1,
        kind: 'model',
        backbone: 'mobilenetv2',
        attention: { kind: 'ca', config: { reduction: 32 } },
      }),
    );
    const r = await run(['report', 'm.json', '--format', 'json'], dir);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as Report).totals.params).toBe(3_950_648);
  });
});

describe('user errors exit 2 with one clear line', () => {
  const cases: [string[], RegExp][] = [
    [
      ['report', 'mobilenetv9'],
      /E_UNKNOWN_NAME at <model>: 'mobilenetv9' is neither a backbone nor a spec file/,
    ],
    [
      ['report', 'mobilenetv2', '--attention', 'sa'],
      /E_UNKNOWN_NAME at --attention: unknown value 'sa' \(expected one of none, se, cbam, eca, ca, triplet\)/,
    ],
    [
      ['report', 'mobilenetv2', '--attention', 'ca', '--reduction', '0'],
      /E_OPTION at --reduction: not a positive integer: '0'/,
    ],
    [
      ['report', 'mobilenetv2', '--attention', 'ca', '--reduction', '2.5'],
      /E_OPTION at --reduction: not a positive integer: '2.5'/,
    ],
    [['report', 'mobilenetv2', '--width', '-1'], /E_OPTION at --width: not a positive number: '-1'/],
    [['report', 'mobilenetv2', '--width', 'abc'], /E_OPTION at --width: not a positive number: 'abc'/],
    [['report', 'mobilenetv2', '--resolution', '224x'], /E_OPTION at --resolution: not a resolution: '224x'/],
    [['report', 'mobilenetv2', '--preset', 'flops'], /E_UNKNOWN_NAME at --preset: unknown value 'flops'/],
    [['report', 'mobilenetv2', '--sweep', 'r=1,2'], /E_UNKNOWN_NAME at --sweep: unknown value 'r'/],
    [
      ['report', 'mobilenetv2', '--attention', 'eca', '--eca-k', '2,4'],
      /E_OPTION at --eca-k: ECA kernel sizes must be odd/,
    ],
    [['report', 'missing.json'], /E_IO at missing.json: cannot read file \(ENOENT\)/],
    [
      ['report', 'mobilenetv2', '--resolution', 'HxW'],
      /E_OPTION at --resolution: the model has free symbols \(H, W\)/,
    ],
    [['list', 'models'], /E_UNKNOWN_NAME at --list: unknown value 'models'/],
  ];
  it.each(cases)('%j', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('unknown flags are usage errors (exit 2)', async () => {
    const r = await run(['report', 'mobilenetv2', '--colour']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown option '--colour'/);
  });

  it('a spec with a shape error names the node and both shapes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coordattn-'));
    const spec = {
      coordattn: 1,
      kind: 'graph',
      inputs: [{ name: 'input', shape: [1, 96, 7, 9] }],
      nodes: [
        { path: 'pool_h', op: 'directional_mean', inputs: ['input'], attrs: { over: 'W' } },
        { path: 'pool_w', op: 'directional_mean', inputs: ['input'], attrs: { over: 'H' } },
        { path: 'cat', op: 'concat', inputs: ['pool_h', 'pool_w'], attrs: { axis: 2 } },
      ],
      outputs: ['cat'],
    };
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(spec));
    const r = await run(['report', 'bad.json'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/E_SHAPE at .*cat: .*\[1,96,7,1\] vs \[1,96,1,9\]/);
  });
});

describe('generated documents are up to date', () => {
  it('docs/paper-reproduction.md equals `coordattn reproduce`', () => {
    expect(readFileSync(join(ROOT, 'docs/paper-reproduction.md'), 'utf8')).toBe(reproduce());
  });

  it('docs/ir.md holds the placement table of `coordattn list placements`', () => {
    const doc = readFileSync(join(ROOT, 'docs/ir.md'), 'utf8');
    const m = /<!-- placement-table:start -->\n([\s\S]*?)\n<!-- placement-table:end -->/.exec(doc);
    expect(m?.[1].trim()).toBe(placementTableMarkdown().trim());
  });
});

describe('list', () => {
  it('lists backbones, presets and ops', async () => {
    expect((await run(['list', 'backbones'])).out).toMatch(/mobilenetv3-small/);
    const presets = (await run(['list', 'presets'])).out;
    for (const p of ['thop-2019 ', 'thop ', 'fvcore ', 'ptflops ', 'ptflops-modules ']) {
      expect(presets).toMatch(new RegExp(`^${p}`, 'm'));
    }
    expect(presets).toMatch(/d3e98b9/);
    expect(presets).toMatch(/thop 0\.1\.1/);
    expect(presets).toMatch(/fvcore 0\.1\.6/);
    expect(presets).toMatch(/ptflops 0\.7\.6.*count_functional/);
    expect((await run(['list', 'ops'])).out).toMatch(/directional_mean/);
  });
});
