import Table from 'cli-table3';
import type { Report } from '../report.js';
import { cellText, headerLines, mainView } from './view.js';

/**
 * cli-table3 characters of the compact style fvcore and ptflops print: columns two spaces apart, one
 * rule under the header, no frame and no rule between body rows.
 */
const COMPACT_CHARS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '─',
  'mid-mid': '──',
  right: '',
  'right-mid': '',
  middle: '  ',
};

/** Terminal table (cli-table3): header lines, the grouped (or sweep) table, assumptions. */
export function renderTable(r: Report): string {
  const v = mainView(r);
  const t = new Table({
    head: [...v.headers],
    colAligns: v.numeric.map((n) => (n ? 'right' : 'left')),
    chars: COMPACT_CHARS,
    // compact: the header rule only, none between body rows.
    style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 0 },
  });
  for (const row of v.rows) t.push(row.map(cellText));
  return [
    ...headerLines(r),
    '',
    v.title,
    t
      .toString()
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n'),
    '',
    'assumptions:',
    ...r.assumptions.map((a) => `  - ${a}`),
    '',
  ].join('\n');
}
