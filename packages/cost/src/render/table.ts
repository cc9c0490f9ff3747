import Table from 'cli-table3';
import type { Report } from '../report.js';
import { cellText, headerLines, mainView } from './view.js';

/** Terminal table (cli-table3): header lines, the grouped (or sweep) table, assumptions. */
export function renderTable(r: Report): string {
  const v = mainView(r);
  const t = new Table({
    head: [...v.headers],
    colAligns: v.numeric.map((n) => (n ? 'right' : 'left')),
    style: { head: [], border: [] },
  });
  for (const row of v.rows) t.push(row.map(cellText));
  return [
    ...headerLines(r),
    '',
    v.title,
    t.toString(),
    '',
    'assumptions:',
    ...r.assumptions.map((a) => `  - ${a}`),
    '',
  ].join('\n');
}
