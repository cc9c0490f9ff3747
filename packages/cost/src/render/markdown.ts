import type { Report } from '../report.js';
import { cellText, headerLines, mainView } from './view.js';

function esc(s: string): string {
  return s.replace(/\|/g, '\\|');
}

/** GitHub-flavoured Markdown: header list, the table (total row in bold), assumptions. */
export function renderMarkdown(r: Report): string {
  const v = mainView(r);
  const lines = [
    `### ${esc(v.title)}`,
    '',
    ...headerLines(r).map((l) => `- ${esc(l)}`),
    '',
    `| ${v.headers.map(esc).join(' | ')} |`,
    `| ${v.numeric.map((n) => (n ? '---:' : ':---')).join(' | ')} |`,
  ];
  v.rows.forEach((row, i) => {
    const last = v.hasTotal && i === v.rows.length - 1;
    const cells = row.map((c) => esc(cellText(c))).map((c) => (last ? `**${c}**` : c));
    lines.push(`| ${cells.join(' | ')} |`);
  });
  lines.push(
    '',
    '<details><summary>assumptions</summary>',
    '',
    ...r.assumptions.map((a) => `- ${esc(a)}`),
    '',
    '</details>',
    '',
  );
  return lines.join('\n');
}
