/**
 * renderHtmlReport on the node side: one self-contained file (no external URL), the data embedded
 * as JSON that parses back equal, `</script` in the data harmless, a missing page bundle an E_IO
 * error that says to build.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCoordattnError } from '@coordattn/ir';
import { HTML_REPORT_FORMAT, HTML_REPORT_VERSION } from './data.js';
import { jsonForScript, readPageBundle, renderHtmlReport, webPackageRoot } from './html.js';
import { attentionSweepData, embeddedJson, externalUrls, singleData } from './test-util.js';

describe('renderHtmlReport', () => {
  it('embeds the data as JSON that parses back equal (format, version and the report as given)', () => {
    const data = singleData();
    const html = renderHtmlReport(data);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    const parsed = JSON.parse(embeddedJson(html)) as Record<string, unknown>;
    expect(parsed).toEqual({
      format: HTML_REPORT_FORMAT,
      version: HTML_REPORT_VERSION,
      ...JSON.parse(JSON.stringify(data)),
    });
    expect(parsed.report).toEqual(JSON.parse(JSON.stringify(data.report)));
  });

  it('a sweep: the report, every point’s layers and stages', () => {
    const data = attentionSweepData();
    const parsed = JSON.parse(embeddedJson(renderHtmlReport(data))) as typeof data;
    expect(parsed.report).toEqual(JSON.parse(JSON.stringify(data.report)));
    expect(parsed.sweep?.layers).toHaveLength(5);
    expect(parsed.sweep?.stages.map((s) => s.length)).toEqual([9, 9, 9, 9, 9]);
    // The stages of a point add up to its totals.
    parsed.report.rows!.forEach((row, i) => {
      const st = parsed.sweep!.stages[i];
      expect(st.reduce((s, g) => s + g.params, 0)).toBe(row.totals.params);
      expect(st.reduce((s, g) => s + g.presetValue, 0)).toBe(row.total.value);
    });
  });

  it('no external URL: no http(s) in src/href, CSS url() or @import; the page script is inline', () => {
    const html = renderHtmlReport(attentionSweepData());
    expect(externalUrls(html)).toEqual([]);
    expect(html).not.toMatch(/<script[^>]*\bsrc=/i);
    expect(html).not.toMatch(/<link\b/i);
    // The inlined bundle is the built page.
    expect(html).toContain(readPageBundle('report').slice(0, 200));
    // The detector itself finds what it is meant to.
    expect(externalUrls('<img src="https://x/y.png"><a href=\'http://a\'>')).toHaveLength(2);
    expect(
      externalUrls('<style>@import url(https://f/c.css); b{background:url("//cdn/x")}</style>'),
    ).toHaveLength(3);
  });

  it('`</script` and `<!--` in the data cannot end the script element; the JSON still parses equal', () => {
    const data = singleData();
    const evil = 'x</script><script>alert(1)</script><!-- </SCRIPT >';
    const report = { ...data.report, model: { ...data.report.model, name: evil } };
    const html = renderHtmlReport({ ...data, report });
    const json = embeddedJson(html);
    expect(json).not.toMatch(/<\/script/i);
    expect(json).not.toContain('<!--');
    expect((JSON.parse(json) as { report: { model: { name: string } } }).report.model.name).toBe(evil);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(jsonForScript({ a: '</Script>' })).toBe('{"a":"<\\/Script>"}');
    // The title is escaped as HTML text.
    expect(html).toContain('<title>coordattn report: x&lt;/script&gt;&lt;script&gt;alert(1)');
  });

  it('an invalid report is refused (schema), as is sweep detail that does not match the rows', () => {
    const data = attentionSweepData();
    expect(() => renderHtmlReport({ ...data, report: { ...data.report, schemaVersion: 1 as 2 } })).toThrow();
    const err = (() => {
      try {
        renderHtmlReport({ ...data, sweep: { stages: data.sweep!.stages.slice(1) } });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(isCoordattnError(err) && err.code).toBe('E_OPTION');
  });

  it('finds its package root from src/, dist/ or a chunk; a missing page bundle is E_IO saying to build', () => {
    const root = webPackageRoot();
    expect(webPackageRoot(new URL('../../dist/chunks/x.js', import.meta.url))).toBe(root);
    const dir = mkdtempSync(join(tmpdir(), 'coordattn-web-'));
    try {
      mkdirSync(join(dir, 'dist'));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@coordattn/web' }));
      expect(webPackageRoot(join(dir, 'dist', 'index.js'))).toBe(dir);
      let e: unknown;
      try {
        renderHtmlReport(singleData(), { root: dir });
      } catch (x) {
        e = x;
      }
      expect(isCoordattnError(e) && e.code).toBe('E_IO');
      expect((e as Error).message).toMatch(/not built.*npm run build/);
      expect(() => webPackageRoot(join(tmpdir(), 'nowhere', 'x.js'))).toThrow(
        /cannot find the @coordattn\/web package/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
