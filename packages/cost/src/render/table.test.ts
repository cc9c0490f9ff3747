/**
 * The terminal table's style: compact, as fvcore and ptflops print theirs — one rule under the
 * header, no frame, no rule between body rows, numbers right-aligned, no trailing blanks.
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '@coordattn/ir';
import { buildReport } from '../report.js';
import { renderTable } from './table.js';

function tiny(): ReturnType<GraphBuilder['build']> {
  const b = new GraphBuilder();
  let x = b.input('input', [1, 3, 16, 16]);
  x = b.scope('stage1', () => b.op('conv2d', x, { outChannels: 8, kernel: 3, padding: 1 }, { name: 'conv' }));
  x = b.scope('stage2', () => b.op('conv2d', x, { outChannels: 16, kernel: 3, stride: 2 }, { name: 'conv' }));
  b.output(x);
  return b.build();
}

describe('renderTable', () => {
  const text = renderTable(
    buildReport(tiny(), { model: { name: 'tiny' }, preset: 'paper', groupBy: 'stage' }),
  );
  const lines = text.split('\n');

  it('draws one rule, under the header, and no frame or row separators', () => {
    const rules = lines.map((l, i) => [l, i] as const).filter(([l]) => /^─+$/.test(l));
    expect(rules).toHaveLength(1);
    const at = rules[0][1];
    expect(lines[at - 1]).toMatch(/^stage\s+layers\s+params\s+MACs$/);
    expect(text).not.toMatch(/[│┌┐└┘├┤┬┴┼]/);
    // The body follows the rule, one line per row: stage1, stage2, total.
    expect(lines.slice(at + 1, at + 4).map((l) => l.split(/\s+/)[0])).toEqual(['stage1', 'stage2', 'total']);
    expect(lines[at + 4]).toBe('');
  });

  it('right-aligns numbers and leaves no trailing blanks', () => {
    const at = lines.findIndex((l) => /^─+$/.test(l));
    const body = lines.slice(at - 1, at + 4);
    expect(new Set(body.map((l) => l.length)).size).toBe(1); // every line ends in a right-aligned number
    for (const l of lines) expect(l).toBe(l.trimEnd());
    // stage1: 3·8·9 = 216 params, 216·16·16 = 55,296 MACs (the paper preset: no bias).
    expect(lines[at + 1]).toMatch(/^stage1\s+1\s+216\s+55,296$/);
  });
});
