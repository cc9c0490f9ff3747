/**
 * The model as a tree, built from the report's per-layer rows: stage → backbone block → attention
 * block → layer. Sums are exact (integers well below 2^53). No DOM: shared by the page and tests.
 */
import type { LayerRow } from '@coordattn/cost';

export type TreeKind = 'model' | 'stage' | 'block' | 'attention' | 'layer';

export interface TreeNode {
  readonly kind: TreeKind;
  /** What the tree shows: the path relative to the parent's (the stage name for stages). */
  readonly name: string;
  /** The full path: a layer's node path, a block's path prefix, a stage's name. */
  readonly path: string;
  /** Layers only: the IR op. */
  readonly op?: string;
  /** The layer's output shape; for a group, its last layer's. */
  readonly outputShape: readonly number[];
  readonly params: number;
  /** Conv + linear multiply-accumulates (the report's `macs` column). */
  readonly macs: number;
  /** The contribution to the preset's headline. */
  readonly presetValue: number;
  /** Layers under the node (1 for a layer). */
  readonly layers: number;
  readonly children: readonly TreeNode[];
}

interface MutableNode {
  kind: TreeKind;
  name: string;
  path: string;
  op?: string;
  outputShape: readonly number[];
  params: number;
  macs: number;
  presetValue: number;
  layers: number;
  children: MutableNode[];
}

/**
 * The backbone block of a layer path: the first name plus the indices that follow it while more
 * follows (`features.3.conv.0.0` → `features.3`, `layer1.0.conv1` → `layer1.0`, `classifier.1` →
 * `classifier`). The same rule as @coordattn/cost's `--by block` for layers outside an attention block.
 */
export function backboneBlock(path: string): string {
  const seg = path.replace(/@\d+$/, '').split('.');
  let n = 1;
  while (n < seg.length - 1 && /^\d+$/.test(seg[n])) n++;
  return seg.slice(0, n).join('.');
}

/** `child` relative to `parent` (`features.2.conv.1` under `features.2` → `conv.1`). */
export function relativeName(child: string, parent: string): string {
  return parent !== '' && child.startsWith(`${parent}.`) ? child.slice(parent.length + 1) : child;
}

function node(kind: TreeKind, name: string, path: string): MutableNode {
  return { kind, name, path, outputShape: [], params: 0, macs: 0, presetValue: 0, layers: 0, children: [] };
}

/** The tree of a model's layers (in execution order; groups in order of first appearance). */
export function buildTree(layers: readonly LayerRow[], modelName: string): TreeNode {
  const root = node('model', modelName, '');
  const stages = new Map<string, MutableNode>();
  const blocks = new Map<string, MutableNode>();
  const attentions = new Map<string, MutableNode>();
  const child = (
    parent: MutableNode,
    map: Map<string, MutableNode>,
    key: string,
    kind: TreeKind,
    path: string,
    name: string,
  ): MutableNode => {
    let n = map.get(key);
    if (n === undefined) {
      n = node(kind, name, path);
      map.set(key, n);
      parent.children.push(n);
    }
    return n;
  };
  for (const l of layers) {
    const stage = child(root, stages, l.stage, 'stage', l.stage, l.stage);
    const blockPath = backboneBlock(l.path);
    // A layer that is its own block (`fc`) sits directly under its stage.
    let parent =
      blockPath === l.path
        ? stage
        : child(stage, blocks, `${l.stage}|${blockPath}`, 'block', blockPath, blockPath);
    if (l.block !== undefined) {
      const under = parent.kind === 'stage' ? '' : parent.path;
      parent = child(
        parent,
        attentions,
        `${parent.path}|${l.block}`,
        'attention',
        l.block,
        relativeName(l.block, under),
      );
    }
    const leaf = node('layer', relativeName(l.path, parent.kind === 'stage' ? '' : parent.path), l.path);
    leaf.op = l.op;
    leaf.outputShape = l.outputShape;
    leaf.params = l.params;
    leaf.macs = l.macs;
    leaf.presetValue = l.presetValue;
    leaf.layers = 1;
    parent.children.push(leaf);
  }
  const sum = (n: MutableNode): void => {
    if (n.kind === 'layer') return;
    for (const c of n.children) {
      sum(c);
      n.params += c.params;
      n.macs += c.macs;
      n.presetValue += c.presetValue;
      n.layers += c.layers;
      n.outputShape = c.outputShape;
    }
  };
  sum(root);
  return root;
}

/** Every node of the tree, depth first, with its parent. */
export function walkTree(
  root: TreeNode,
  visit: (n: TreeNode, parent: TreeNode | undefined, depth: number) => void,
): void {
  const go = (n: TreeNode, parent: TreeNode | undefined, depth: number): void => {
    visit(n, parent, depth);
    for (const c of n.children) go(c, n, depth + 1);
  };
  go(root, undefined, 0);
}

export interface TreeFilter {
  /** Nodes to show: every match, its ancestors and its descendants. */
  readonly visible: ReadonlySet<TreeNode>;
  /** Nodes to expand: the ancestors of a match. */
  readonly open: ReadonlySet<TreeNode>;
  readonly matches: number;
}

/**
 * Search by node path: a node matches when its full path contains the query (case-insensitive;
 * blank: everything visible, nothing forced open).
 */
export function filterTree(root: TreeNode, query: string): TreeFilter {
  const q = query.trim().toLowerCase();
  const visible = new Set<TreeNode>();
  const open = new Set<TreeNode>();
  let matches = 0;
  const go = (n: TreeNode, ancestors: readonly TreeNode[], inMatch: boolean): void => {
    const hit = q !== '' && n.kind !== 'model' && n.path.toLowerCase().includes(q);
    if (hit) {
      matches++;
      for (const a of ancestors) {
        visible.add(a);
        open.add(a);
      }
    }
    if (q === '' || hit || inMatch) visible.add(n);
    for (const c of n.children) go(c, [...ancestors, n], inMatch || hit);
  };
  go(root, [], false);
  return { visible, open, matches };
}
