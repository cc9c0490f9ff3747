/**
 * `coordattn report --format html`: one self-contained HTML file — the page script
 * (dist/pages/report.js: the page code with Observable Plot and KaTeX bundled), the stylesheet and
 * the data as JSON, all inline. Nothing is loaded from anywhere: it works offline from file://.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoordattnError } from '@coordattn/ir';
import { validateReport } from '@coordattn/cost';
import { HTML_REPORT_DATA_ID, HTML_REPORT_FORMAT, HTML_REPORT_VERSION, type HtmlReportData } from './data.js';
import { REPORT_CSS } from './style.js';

const PACKAGE_NAME = '@coordattn/web';

/**
 * The root folder of @coordattn/web: the nearest package.json named @coordattn/web above `from`
 * (this module in src/report/, dist/ or a dist/chunks/ file, in the workspace or installed).
 */
export function webPackageRoot(from: string | URL = import.meta.url): string {
  let dir = dirname(typeof from === 'string' && !from.startsWith('file:') ? from : fileURLToPath(from));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === PACKAGE_NAME) return dir;
    } catch {
      // no package.json here (or not JSON): go up
    }
    const up = dirname(dir);
    if (up === dir) {
      throw new CoordattnError('E_IO', `cannot find the ${PACKAGE_NAME} package above this module`, {
        path: typeof from === 'string' ? from : from.href,
      });
    }
    dir = up;
  }
}

const bundles = new Map<string, string>();

/** The built page script `dist/pages/<name>.js` of the package at `root`; E_IO when not built. */
export function readPageBundle(name: string, root: string = webPackageRoot()): string {
  const file = join(root, 'dist', 'pages', `${name}.js`);
  const cached = bundles.get(file);
  if (cached !== undefined) return cached;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CoordattnError(
      'E_IO',
      `the ${name} page of ${PACKAGE_NAME} is not built (${(e as NodeJS.ErrnoException).code ?? 'error'}): run \`npm run build\``,
      { path: file },
    );
  }
  bundles.set(file, text);
  return text;
}

/**
 * The page script, safe inside a <script> element: `</script` (any case) → `<\/script` (the same
 * string or regular expression in JavaScript; esbuild already writes it so). `<!--` is refused.
 */
function scriptSafe(text: string): string {
  const safe = text.replace(/<\/(script)/gi, '<\\/$1');
  if (safe.includes('<!--')) throw new Error('page bundle contains <!--: it cannot be inlined');
  return safe;
}

/** JSON for a `<script type="application/json">`: `</script` and `<!--` escaped, parse-equal to the input. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/<\/(script)/gi, '<\\/$1')
    .replace(/<!--/g, '\\u003c!--');
}

function htmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Options of renderHtmlReport. */
export interface HtmlReportOptions {
  /** The package root to read the page bundle from (default: this package's). */
  readonly root?: string;
}

/**
 * The HTML report: `data.report` is validated against the report schema, `data` embedded as JSON
 * (`<script type="application/json" id="coordattn-report">`) and rendered client-side by the
 * inlined page script.
 */
export function renderHtmlReport(
  data: Omit<HtmlReportData, 'format' | 'version'>,
  options: HtmlReportOptions = {},
): string {
  validateReport(data.report);
  const rows = data.report.rows?.length;
  const sweep = data.sweep;
  if (sweep !== undefined) {
    const bad =
      rows === undefined ||
      sweep.stages.length !== rows ||
      (sweep.layers !== undefined && sweep.layers.length !== rows);
    if (bad) {
      throw new CoordattnError('E_OPTION', 'HTML report: sweep detail does not match the report rows', {
        path: 'sweep',
        expected: `one entry per row (${rows ?? 0})`,
      });
    }
  }
  const full: HtmlReportData = { format: HTML_REPORT_FORMAT, version: HTML_REPORT_VERSION, ...data };
  const script = scriptSafe(readPageBundle('report', options.root));
  const r = data.report;
  const title = `coordattn report: ${r.model.name}${r.rows ? ` (sweep ${(r.sweep?.keys ?? []).join(' × ')})` : ''} · preset ${r.preset.name}`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="coordattn (@coordattn/web)">',
    `<title>${htmlText(title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    `<div id="app"><noscript>This report draws its tables and charts with JavaScript; the data is the JSON in the element #${HTML_REPORT_DATA_ID}.</noscript></div>`,
    `<script type="application/json" id="${HTML_REPORT_DATA_ID}">${jsonForScript(full)}</script>`,
    `<script>${script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
