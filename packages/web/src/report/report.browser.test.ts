/**
 * The HTML report in headless Chromium, opened from file:// with the network off: no page error,
 * no request but the file itself; every chart drawn with one SVG element per number, whose
 * `data-value` — like the summary table's cells — is the embedded JSON's number; the tree expands,
 * switches sweep point and filters by path; the formulas are MathML; and a screenshot matches the
 * committed one (packages/web/test-data/, `COORDATTN_UPDATE_SCREENSHOTS=1` rewrites it and
 * docs/images/report.png).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupName, groupRows, type GroupRow, type Report } from '@coordattn/cost';
import { browserAvailable, openBrowser, type BrowserSession } from '../testing/browser.js';
import type { HtmlReportData } from './data.js';
import { renderHtmlReport } from './html.js';
import { attentionSweepData, embeddedJson, reductionSweepData, singleData } from './test-util.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BASELINE = join(ROOT, 'packages/web/test-data/report-attention-sweep.png');
const README_IMAGE = join(ROOT, 'docs/images/report.png');
const UPDATE = process.env.COORDATTN_UPDATE_SCREENSHOTS === '1';

/** Pixels whose largest channel difference exceeds this count as different… */
const PIXEL_TOLERANCE = 16;
/** …and at most this share of them may. */
const MAX_DIFF_RATIO = 0.01;

const PAGES = {
  attention: attentionSweepData,
  reduction: reductionSweepData,
  single: singleData,
} as const;
type PageName = keyof typeof PAGES;

interface Mark {
  readonly chart: string;
  readonly value: number;
  readonly field: string | null;
  readonly x: string | null;
  readonly row: number | null;
  readonly series: string | null;
  readonly pareto: string | null;
}

let dir = '';
let session: BrowserSession | undefined;
const files = new Map<PageName, { file: string; data: HtmlReportData }>();
const requests: string[] = [];

async function open(name: PageName): Promise<HtmlReportData> {
  const s = session!;
  const f = files.get(name)!;
  s.log.length = 0;
  await s.page.goto(pathToFileURL(f.file).href);
  await s.page.waitForSelector('html[data-rendered="true"]', { timeout: 60_000 });
  return f.data;
}

const withoutCommas = (s: string | null): number => Number((s ?? '').replace(/[,\s]/g, '').replace('−', '-'));

/** The stage groups a page's stage charts show for each row (or the model's, row null). */
function stagesOf(data: HtmlReportData): Map<number | null, GroupRow[]> {
  const out = new Map<number | null, GroupRow[]>();
  if (data.report.rows === undefined) out.set(null, groupRows(data.report.layers, 'stage'));
  else data.sweep!.stages.forEach((s, i) => out.set(i, [...s]));
  return out;
}

function paretoRows(r: Report): Set<number> {
  const rows = r.rows!;
  return new Set(
    rows
      .map((p, i) => ({ p, i }))
      .filter(
        ({ p, i }) =>
          !rows.some(
            (q, j) =>
              j !== i &&
              q.totals.params <= p.totals.params &&
              q.total.value <= p.total.value &&
              (q.totals.params < p.totals.params || q.total.value < p.total.value),
          ),
      )
      .map(({ i }) => i),
  );
}

describe.skipIf(!browserAvailable())('the HTML report in Chromium (file://, offline)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coordattn-report-'));
    for (const [name, make] of Object.entries(PAGES) as [
      PageName,
      () => Omit<HtmlReportData, 'format' | 'version'>,
    ][]) {
      const html = renderHtmlReport(make());
      const file = join(dir, `${name}.html`);
      writeFileSync(file, html);
      // What the page itself reads: the embedded JSON.
      files.set(name, { file, data: JSON.parse(embeddedJson(html)) as HtmlReportData });
    }
    session = await openBrowser({ offline: true });
    session.page.on('request', (r) => requests.push(r.url()));
  }, 300_000);

  afterAll(async () => {
    await session?.close();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it.each(Object.keys(PAGES) as PageName[])(
    '%s: renders with no page error and loads nothing but itself',
    async (name) => {
      requests.length = 0;
      await open(name);
      const errors = session!.log.filter((l) => l.startsWith('pageerror') || l.startsWith('error'));
      expect(errors).toEqual([]);
      expect(
        requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:') && !u.startsWith('blob:')),
      ).toEqual([]);
      expect(requests.filter((u) => u.startsWith('file:'))).toHaveLength(1);
    },
  );

  it.each(Object.keys(PAGES) as PageName[])(
    '%s: every chart has one SVG element per number, each data-value the JSON’s number',
    async (name) => {
      const data = await open(name);
      const r = data.report;
      const page = session!.page;
      const charts = await page.$$eval('figure.chart', (figs) =>
        figs.map((f) => ({
          id: f.id,
          marks: Number(f.getAttribute('data-marks')),
          svgMarks: f.querySelectorAll('svg [data-value]').length,
          svgs: f.querySelectorAll('svg').length,
        })),
      );
      const marks: Mark[] = await page.$$eval('figure.chart svg [data-value]', (els) =>
        els.map((e) => ({
          chart: e.closest('figure.chart')!.id,
          value: Number(e.getAttribute('data-value')),
          field: e.getAttribute('data-field'),
          x: e.getAttribute('data-x'),
          row: e.hasAttribute('data-row') ? Number(e.getAttribute('data-row')) : null,
          series: e.getAttribute('data-series'),
          pareto: e.getAttribute('data-pareto'),
        })),
      );
      const stages = stagesOf(data);
      const stageCount = [...stages.values()].reduce((s, g) => s + g.length, 0);
      const presets = data.compare!.presets;
      const n = r.rows?.length ?? 0;
      const expected: Record<string, number> =
        r.rows !== undefined
          ? {
              'chart-params': n,
              'chart-total': n,
              'chart-overhead': 2 * n,
              'chart-pareto': n,
              'chart-stages-params': stageCount,
              'chart-stages-total': stageCount,
              'chart-compare': presets.length,
            }
          : {
              'chart-stages-params': stageCount,
              'chart-stages-total': stageCount,
              'chart-compare': presets.length,
            };
      expect(Object.fromEntries(charts.map((c) => [c.id, c.svgMarks]))).toEqual(expected);
      for (const c of charts) expect(c.marks, c.id).toBe(c.svgMarks);
      const front = r.rows !== undefined ? paretoRows(r) : new Set<number>();
      for (const m of marks) {
        const row = m.row !== null && r.rows !== undefined ? r.rows[m.row] : undefined;
        const where = `${m.chart} ${m.field} x=${m.x} row=${m.row}`;
        switch (m.chart) {
          case 'chart-params':
            expect(m.value, where).toBe(row!.totals.params);
            break;
          case 'chart-total':
            expect(m.value, where).toBe(row!.total.value);
            break;
          case 'chart-overhead':
            expect(m.value, where).toBe(
              m.field === 'rows[].delta.paramsPct' ? row!.delta.paramsPct : row!.delta.totalPct,
            );
            break;
          case 'chart-pareto':
            expect([m.value, Number(m.x), m.pareto], where).toEqual([
              row!.total.value,
              row!.totals.params,
              String(front.has(m.row!)),
            ]);
            break;
          case 'chart-stages-params':
          case 'chart-stages-total': {
            const g = stages.get(m.row)!.find((s) => s.name === m.x)!;
            expect(m.value, where).toBe(m.chart === 'chart-stages-params' ? g.params : g.presetValue);
            break;
          }
          case 'chart-compare':
            expect(m.value, where).toBe(presets.find((p) => p.name === m.x)!.value);
            break;
          default:
            throw new Error(`unexpected chart ${m.chart}`);
        }
      }
      // every row (and every stage of it) is drawn once per chart
      if (r.rows !== undefined) {
        const rowsOf = (c: string) =>
          marks
            .filter((m) => m.chart === c)
            .map((m) => m.row)
            .sort((a, b) => a! - b!);
        expect(rowsOf('chart-params')).toEqual(r.rows.map((_, i) => i));
        expect(rowsOf('chart-pareto')).toEqual(r.rows.map((_, i) => i));
      }
    },
  );

  it.each(Object.keys(PAGES) as PageName[])(
    '%s: the summary table shows the JSON’s exact integers',
    async (name) => {
      const data = await open(name);
      const r = data.report;
      const cells = await session!.page.$$eval('#summary td[data-field]', (tds) =>
        tds.map((td) => ({
          field: td.getAttribute('data-field')!,
          value: Number(td.getAttribute('data-value')),
          text: td.textContent,
          row: td.closest('tr')!.hasAttribute('data-row')
            ? Number(td.closest('tr')!.getAttribute('data-row'))
            : null,
        })),
      );
      expect(cells.length).toBeGreaterThan(0);
      for (const c of cells) {
        let want: number;
        if (c.row !== null) {
          const row = r.rows![c.row];
          want = (
            {
              'rows[].totals.params': row.totals.params,
              'rows[].totals.macs': row.totals.macs,
              'rows[].total.value': row.total.value,
              'rows[].delta.params': row.delta.params,
              'rows[].delta.total': row.delta.total,
            } as Record<string, number>
          )[c.field];
        } else {
          const [a, b] = c.field.split('.');
          want = a === 'total' ? r.total.value : (r.totals as Record<string, number>)[b];
        }
        expect(c.value, c.field).toBe(want);
        if (!c.field.startsWith('rows[].delta')) expect(withoutCommas(c.text), c.field).toBe(want);
      }
      if (r.rows !== undefined) {
        expect(cells.filter((c) => c.field === 'rows[].totals.params')).toHaveLength(r.rows.length);
      } else {
        expect(cells.map((c) => c.field)).toEqual(
          expect.arrayContaining(['totals.params', 'totals.macs', 'total.value']),
        );
      }
    },
  );

  it.each(Object.keys(PAGES) as PageName[])(
    '%s: the tree expands, switches point and filters by path',
    async (name) => {
      const data = await open(name);
      const page = session!.page;
      const r = data.report;
      const layersShown = r.rows !== undefined ? data.sweep!.layers![r.rows.length - 1] : r.layers;
      expect(Number(await page.getAttribute('#model-tree', 'data-layers'))).toBe(layersShown.length);
      // the root row: the totals of the point shown
      const rootParams = Number(
        await page.getAttribute('#model-tree .tn.model [data-field="params"]', 'data-value'),
      );
      expect(rootParams).toBe(layersShown.reduce((s, l) => s + l.params, 0));
      // collapsed: stages only
      expect(await page.locator('#model-tree .tn.layer:visible').count()).toBe(0);
      const stage = page.locator('#model-tree details.stage').nth(2);
      await stage.locator(':scope > summary').click();
      const stageName = await stage.getAttribute('data-path');
      expect(await stage.evaluate((e) => (e as HTMLDetailsElement).open)).toBe(true);
      const blocks = await stage.locator(':scope > .kids > details.block:visible').count();
      const blockNames = layersShown
        .filter((l) => l.stage === stageName)
        .map((l) => groupName({ ...l, block: undefined }, 'block'))
        .filter((b) => !layersShown.some((l) => l.path === b));
      expect(blocks).toBe(new Set(blockNames).size);
      // search: the visible layers are those whose path contains the query
      const q = 'features.3.conv';
      await page.fill('#tree-search', q);
      const visible = await page.$$eval('#model-tree .tn.layer', (els) =>
        els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => e.getAttribute('data-path')),
      );
      expect(visible).toEqual(layersShown.filter((l) => l.path.includes(q)).map((l) => l.path));
      expect(await page.textContent('#tree .count')).toMatch(/matching nodes/);
      await page.fill('#tree-search', '');
      if (r.rows !== undefined) {
        // the first sweep point
        await page.selectOption('#tree-point', '0');
        expect(Number(await page.getAttribute('#model-tree', 'data-layers'))).toBe(
          data.sweep!.layers![0].length,
        );
        await page.click('#tree-expand');
        const attention = await page.locator('#model-tree details.attention:visible').count();
        expect(attention).toBe(
          new Set(data.sweep!.layers![0].filter((l) => l.block).map((l) => l.block)).size,
        );
      }
    },
  );

  it.each(Object.keys(PAGES) as PageName[])(
    '%s: the formulas are MathML, one block per formula set',
    async (name) => {
      const data = await open(name);
      const page = session!.page;
      expect(await page.locator('#formulas .formula').count()).toBe(data.formulas!.length);
      expect(await page.locator('#formulas math').count()).toBeGreaterThanOrEqual(2 * data.formulas!.length);
      expect(await page.locator('.katex-error').count()).toBe(0);
      // MathML laid out by the browser: the math has a size
      const box = await page.locator('#formulas math').first().boundingBox();
      expect(box!.width).toBeGreaterThan(20);
      expect(box!.height).toBeGreaterThan(10);
      expect(await page.locator('#formulas .formula[data-symbols*="r"]').count()).toBeGreaterThan(0);
    },
  );

  it('a screenshot of the attention sweep matches the committed one (≤ 1% of pixels off by > 16/255)', async () => {
    await open('attention');
    const page = session!.page;
    await page.setViewportSize({ width: 1280, height: 900 });
    const shot = await page.screenshot({ type: 'png', animations: 'disabled', caret: 'hide' });
    if (UPDATE) {
      for (const f of [BASELINE, README_IMAGE]) {
        mkdirSync(dirname(f), { recursive: true });
        writeFileSync(f, shot);
      }
      console.warn(`COORDATTN_UPDATE_SCREENSHOTS=1: wrote ${BASELINE} and ${README_IMAGE}`);
      return;
    }
    const want = PNG.sync.read(readFileSync(BASELINE));
    const got = PNG.sync.read(shot);
    const actual = join(tmpdir(), 'coordattn-report-actual.png');
    expect([got.width, got.height], 'screenshot size').toEqual([want.width, want.height]);
    let off = 0;
    for (let i = 0; i < want.data.length; i += 4) {
      const d = Math.max(
        Math.abs(want.data[i] - got.data[i]),
        Math.abs(want.data[i + 1] - got.data[i + 1]),
        Math.abs(want.data[i + 2] - got.data[i + 2]),
        Math.abs(want.data[i + 3] - got.data[i + 3]),
      );
      if (d > PIXEL_TOLERANCE) off++;
    }
    const ratio = off / (want.width * want.height);
    if (ratio > MAX_DIFF_RATIO) writeFileSync(actual, shot);
    expect(
      ratio,
      `${(100 * ratio).toFixed(2)}% of the pixels differ from ${BASELINE} (this run's screenshot: ${actual}; COORDATTN_UPDATE_SCREENSHOTS=1 rewrites the baseline)`,
    ).toBeLessThanOrEqual(MAX_DIFF_RATIO);
  });
});
