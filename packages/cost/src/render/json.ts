import type { Report } from '../report.js';

/** The report itself (docs/report.schema.json), pretty-printed. */
export function renderJson(r: Report): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
