/**
 * The model tree from the report's layer rows: stage → block → attention block → layer, sums equal
 * the report's totals and groups, search by path.
 */
import { describe, expect, it } from 'vitest';
import { buildBackbone } from '@coordattn/ir';
import { buildReport, groupName, groupRows } from '@coordattn/cost';
import { backboneBlock, buildTree, filterTree, walkTree, type TreeNode } from './tree.js';

const report = buildReport(buildBackbone('mobilenetv2', { attention: { kind: 'ca' } }), { groupBy: 'stage' });
const resnet = buildReport(buildBackbone('resnet18', { attention: { kind: 'se' } }), { groupBy: 'block' });

function find(root: TreeNode, path: string, kind?: TreeNode['kind']): TreeNode | undefined {
  let out: TreeNode | undefined;
  walkTree(root, (n) => {
    if (out === undefined && n.path === path && (kind === undefined || n.kind === kind)) out = n;
  });
  return out;
}

describe('buildTree', () => {
  it('the root and each stage sum to the report’s totals and --by stage groups', () => {
    const t = buildTree(report.layers, 'mobilenetv2+ca');
    expect([t.params, t.macs, t.presetValue, t.layers]).toEqual([
      report.totals.params,
      report.totals.macs,
      report.total.value,
      report.layers.length,
    ]);
    expect(t.children.map((s) => [s.kind, s.name, s.params, s.macs, s.presetValue, s.layers])).toEqual(
      report.groups.rows.map((g) => ['stage', g.name, g.params, g.macs, g.presetValue, g.layers]),
    );
    expect(t.outputShape).toEqual(report.layers[report.layers.length - 1].outputShape);
  });

  it('stage → backbone block → attention block → layer, names relative to the parent', () => {
    const t = buildTree(report.layers, 'm');
    const block = find(t, 'features.3', 'block')!;
    expect(block.name).toBe('features.3');
    const att = block.children.find((c) => c.kind === 'attention')!;
    expect([att.path, att.name]).toEqual(['features.3.conv.attention', 'conv.attention']);
    expect(
      att.children.every((c) => c.kind === 'layer' && c.path.startsWith('features.3.conv.attention.')),
    ).toBe(true);
    const conv1 = att.children.find((c) => c.name === 'conv1')!;
    expect([conv1.op, conv1.outputShape]).toEqual(['conv2d', [1, 8, 112, 1]]);
    // the attention block's sums are its --by block group
    const g = groupRows(report.layers, 'block').find((x) => x.name === 'features.3.conv.attention')!;
    expect([att.params, att.macs, att.layers]).toEqual([g.params, g.macs, g.layers]);
    expect(block.children.find((c) => c.path === 'features.3.conv.0.0')?.name).toBe('conv.0.0');
  });

  it('every layer appears once, in execution order', () => {
    for (const r of [report, resnet]) {
      const leaves: string[] = [];
      walkTree(buildTree(r.layers, 'm'), (n) => {
        if (n.kind === 'layer') leaves.push(n.path);
      });
      expect(leaves).toEqual(r.layers.map((l) => l.path));
    }
  });

  it('backboneBlock is the cost package’s --by block rule outside attention blocks', () => {
    for (const r of [report, resnet]) {
      for (const l of r.layers) {
        if (l.block === undefined) expect(backboneBlock(l.path)).toBe(groupName(l, 'block'));
      }
    }
    expect(backboneBlock('layer1.0.conv1')).toBe('layer1.0');
    expect(backboneBlock('classifier.1')).toBe('classifier');
    expect(backboneBlock('fc')).toBe('fc');
    expect(backboneBlock('layer1.0.relu@2')).toBe('layer1.0');
  });

  it('a layer that is its own block (ResNet fc) sits under its stage', () => {
    const t = buildTree(resnet.layers, 'r');
    const fc = find(t, 'fc', 'layer')!;
    const head = t.children.find((s) => s.children.includes(fc));
    expect(head?.kind).toBe('stage');
  });
});

describe('filterTree', () => {
  const t = buildTree(report.layers, 'm');

  it('shows the matches, their ancestors (opened) and their descendants', () => {
    const f = filterTree(t, 'features.3.conv.attention');
    const att = find(t, 'features.3.conv.attention', 'attention')!;
    const block = find(t, 'features.3', 'block')!;
    expect(f.visible.has(att)).toBe(true);
    expect(f.open.has(block)).toBe(true);
    for (const c of att.children) expect(f.visible.has(c)).toBe(true);
    // the siblings of the match are hidden
    expect(f.visible.has(find(t, 'features.3.conv.0.0')!)).toBe(false);
    expect(f.visible.has(find(t, 'features.4', 'block')!)).toBe(false);
    // the attention node and its 15 layers match
    expect(f.matches).toBe(
      1 + report.layers.filter((l) => l.path.startsWith('features.3.conv.attention')).length,
    );
  });

  it('a match inside an attention block: every ancestor open, the match itself closed', () => {
    const f = filterTree(t, 'features.2.conv');
    const block = find(t, 'features.2', 'block')!;
    const att = find(t, 'features.2.conv.attention', 'attention')!;
    expect(f.open.has(block)).toBe(true);
    expect(f.visible.has(att)).toBe(true);
    expect(f.open.has(att)).toBe(true); // its layers match too
    const conv1 = filterTree(t, 'features.2.conv.attention.conv1');
    expect(conv1.matches).toBe(1);
    expect([conv1.open.has(att), conv1.visible.has(find(t, 'features.2.conv.attention.conv_h')!)]).toEqual([
      true,
      false,
    ]);
  });

  it('is case-insensitive; a blank query shows everything and opens nothing; no match hides all', () => {
    expect(filterTree(t, 'FEATURES.3.CONV.ATTENTION').matches).toBe(
      filterTree(t, 'features.3.conv.attention').matches,
    );
    const all = filterTree(t, '  ');
    let n = 0;
    walkTree(t, () => n++);
    expect([all.visible.size, all.open.size, all.matches]).toEqual([n, 0, 0]);
    const none = filterTree(t, 'no such path');
    expect([none.matches, none.open.size, none.visible.size]).toEqual([0, 0, 0]);
  });
});
