/**
 * `coordattn report ... --format html`: one self-contained file whose embedded JSON holds the report
 * exactly as `--format json` prints it for the same command, the `compare` of the model, formulas
 * that evaluate to the report's numbers, and each sweep point's layers or stages. (The page itself
 * is tested in Chromium by packages/web/src/report/report.browser.test.ts.)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDim } from '@coordattn/ir';
import { groupRows, validateReport, type Comparison, type Report } from '@coordattn/cost';
import type { HtmlReportData } from '@coordattn/web/report';
import { reportJson, run } from './test-io.js';

const dir = mkdtempSync(join(tmpdir(), 'coordattn-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The embedded data, read as a browser reads the script element's text. */
function embedded(html: string): HtmlReportData {
  const m = /<script type="application\/json" id="coordattn-report">([\s\S]*?)<\/script>/.exec(html);
  if (m === null) throw new Error('no embedded JSON');
  return JSON.parse(m[1]) as HtmlReportData;
}

/** src/href attributes, CSS url() and @import that point anywhere on the network. */
function externalUrls(html: string): string[] {
  return [
    ...html.matchAll(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:|\/\/)[^"'\s>]*/gi),
    ...html.matchAll(/url\(\s*["']?\s*(?:https?:|\/\/)[^)]*\)/gi),
    ...html.matchAll(/@import\s+(?:url\()?\s*["']?\s*(?:https?:|\/\/)[^;]*/gi),
  ].map((m) => m[0]);
}

async function html(args: string[]): Promise<HtmlReportData> {
  const r = await run(['report', ...args, '--format', 'html']);
  if (r.code !== 0)
    throw new Error(`coordattn report ${args.join(' ')} --format html exited ${r.code}: ${r.err}`);
  expect(r.out.startsWith('<!doctype html>')).toBe(true);
  expect(externalUrls(r.out)).toEqual([]);
  return embedded(r.out);
}

describe('coordattn report --format html', () => {
  it('acceptance: report mobilenetv2 --sweep attention=none,se,cbam,eca,ca --format html --out r.html', async () => {
    const args = ['report', 'mobilenetv2', '--sweep', 'attention=none,se,cbam,eca,ca'];
    const r = await run([...args, '--format', 'html', '--out', 'r.html'], dir);
    expect([r.code, r.err, r.out]).toEqual([0, 'wrote r.html\n', '']);
    const text = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(text.startsWith('<!doctype html>')).toBe(true);
    expect(externalUrls(text)).toEqual([]);
    const data = embedded(text);
    expect(data.format).toBe('coordattn-html-report');
    // the report is what --format json prints for the same command
    expect(data.report).toEqual(await reportJson(args.slice(1)));
    validateReport(data.report);
    expect(data.command).toBe(
      'coordattn report mobilenetv2 --sweep attention=none,se,cbam,eca,ca --format html --out r.html',
    );
    // every point's layers (the tree of each attention kind) and stages
    const rows = data.report.rows!;
    expect(data.sweep?.layers?.map((l) => l.reduce((s, x) => s + x.params, 0))).toEqual(
      rows.map((x) => x.totals.params),
    );
    expect(data.sweep?.stages).toEqual(data.sweep!.layers!.map((l) => groupRows(l, 'stage')));
    // compare: as `coordattn compare mobilenetv2 --format json`
    const c = await run(['compare', 'mobilenetv2', '--format', 'json']);
    expect(data.compare).toEqual(JSON.parse(c.out) as Comparison);
    // formulas in r for the kinds that take one, the model in H × W, each block alone
    expect(data.formulas?.map((f) => f.title)).toEqual([
      'mobilenetv2+se: the reduction ratio r symbolic',
      'mobilenetv2+cbam: the reduction ratio r symbolic',
      'mobilenetv2+ca: the reduction ratio r symbolic',
      'mobilenetv2: the input H × W symbolic',
      'squeeze-excitation block alone on a C × H × W input (default settings)',
      'cbam block alone on a C × H × W input (default settings)',
      'eca block alone on a C × H × W input (default settings)',
      'coordinate-attention block alone on a C × H × W input (default settings)',
    ]);
  });

  it('a reduction sweep: the formulas in r evaluate to every row’s params and MACs', async () => {
    const args = ['mobilenetv2', '--attention', 'ca', '--sweep', 'reduction=8,16,32'];
    const data = await html(args);
    expect(data.report).toEqual(await reportJson(args));
    const f = data.formulas!.find((x) => x.title === 'mobilenetv2+ca: the reduction ratio r symbolic')!;
    expect(f.symbols).toEqual(['r']);
    expect(f.command).toBe('coordattn report mobilenetv2 --attention ca --reduction r --symbolic');
    for (const row of data.report.rows!) {
      const r = row.point.reduction as number;
      expect(parseDim(f.params.text).evaluateInt({ r })).toBe(row.totals.params);
      expect(parseDim(f.macs.text).evaluateInt({ r })).toBe(row.totals.macs);
    }
    // the command shown beside the formulas prints the same formulas
    const printed = await run([
      'report',
      'mobilenetv2',
      '--attention',
      'ca',
      '--reduction',
      'r',
      '--symbolic',
    ]);
    expect(printed.out).toContain(`params = ${f.params.text}`);
    expect(printed.out).toContain(`MACs   = ${f.macs.text}`);
  });

  it('one model: the report as --format json (any --by), its layers, compare and formulas in H × W', async () => {
    for (const by of ['block', 'stage', 'layer']) {
      const args = ['mobilenetv2', '--attention', 'ca', '--by', by];
      const data = await html(args);
      expect(data.report).toEqual(await reportJson(args));
      expect(data.report.layers.length).toBeGreaterThan(100);
      expect(data.sweep).toBeUndefined();
    }
    const data = await html(['resnet18', '--attention', 'se', '--resolution', '160x224', '--preset', 'thop']);
    const hw = data.formulas!.find((x) => x.title.endsWith('the input H × W symbolic'))!;
    expect(hw.symbols).toEqual(['H', 'W']);
    expect(hw.total).toBeDefined(); // thop's headline is not the conv + linear MACs
    expect(hw.command).toBe(
      'coordattn report resnet18 --attention se --resolution HxW --symbolic --preset thop',
    );
    const c = await run([
      'compare',
      'resnet18',
      '--attention',
      'se',
      '--resolution',
      '160x224',
      '--format',
      'json',
    ]);
    expect(data.compare).toEqual(JSON.parse(c.out) as Comparison);
  });

  it('a sweep of more than 16 points embeds each point’s stages, not its layers; --by layer is reused', async () => {
    const args = ['mobilenetv2', '--attention', 'ca', '--sweep', 'reduction=1..20'];
    const data = await html(args);
    expect(data.report).toEqual(await reportJson(args));
    expect(data.sweep?.layers).toBeUndefined();
    expect(data.sweep?.stages).toHaveLength(20);
    data.report.rows!.forEach((row, i) => {
      expect(data.sweep!.stages[i].reduce((s, g) => s + g.presetValue, 0)).toBe(row.total.value);
    });
    const byLayer = ['mobilenetv2', '--attention', 'se', '--sweep', 'reduction=8,16', '--by', 'layer'];
    const d2 = await html(byLayer);
    const json: Report = await reportJson(byLayer);
    expect(d2.report).toEqual(json);
    expect(d2.sweep?.layers).toEqual(json.rows!.map((r) => r.layers));
  });

  it('a model with free symbols has no numbers: E_OPTION, exit 2; writing nowhere is E_IO', async () => {
    const r = await run(['report', 'mobilenetv2', '--resolution', 'HxW', '--format', 'html']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^coordattn: E_OPTION at --resolution: an HTML report needs numbers/);
    const w = await run([
      'report',
      'mobilenetv2',
      '--format',
      'html',
      '--out',
      join(dir, 'no/such/dir/r.html'),
    ]);
    expect(w.code).toBe(2);
    expect(w.err).toMatch(/E_IO/);
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });

  it('--help lists the html format', async () => {
    const r = await run(['report', '--help']);
    expect(r.out.replace(/\s+/g, ' ')).toContain('"latex", "svg", "html", "netron"');
    expect(r.out).toMatch(/--format html --out r\.html/);
  });
});
