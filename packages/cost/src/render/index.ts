import { CoordattnError } from '@coordattn/ir';
import type { Report } from '../report.js';
import { renderCsv } from './csv.js';
import { renderJson } from './json.js';
import { renderLatex } from './latex.js';
import { renderMarkdown } from './markdown.js';
import { renderSvg } from './svg.js';
import { renderTable } from './table.js';

export const FORMATS = ['table', 'md', 'csv', 'json', 'latex', 'svg'] as const;
export type Format = (typeof FORMATS)[number];

export const RENDERERS: { readonly [K in Format]: (r: Report) => string } = {
  table: renderTable,
  md: renderMarkdown,
  csv: renderCsv,
  json: renderJson,
  latex: renderLatex,
  svg: renderSvg,
};

/** Renders a report in one of FORMATS; E_UNKNOWN_NAME otherwise. */
export function render(r: Report, format: string): string {
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new CoordattnError('E_UNKNOWN_NAME', `unknown format '${format}'`, {
      path: 'format',
      expected: `one of ${FORMATS.join(', ')}`,
    });
  }
  return RENDERERS[format as Format](r);
}

export { renderCsv, renderJson, renderLatex, renderMarkdown, renderSvg, renderTable };
export { texEscape } from './latex.js';
export { groupView, mainView, sweepView, withCommas, type TableView } from './view.js';
