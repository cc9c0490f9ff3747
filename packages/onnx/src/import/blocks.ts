/**
 * Attention blocks recognised by structure, not by names: a block is a region of the graph that
 * reads one tensor x, ends in the node that re-weights it, and exposes nothing else. Its op
 * make-up says which block it is (CA: two directional pools → concat → shared conv → split → two
 * gates; SE: global pool → two contractions → one gate; ECA: global pool → channel_conv1d → gate;
 * CBAM: avg and max pools through a shared MLP, then a spatial gate; Triplet: three Z-pool gates
 * over rotated views, averaged).
 */
import { commonModule, modulePathOf } from './names.js';
import type { PNode, PRef, PendingGraph } from './pending.js';
import { shapeOf } from './pending.js';

export type BlockKind = 'ca' | 'se' | 'eca' | 'cbam' | 'triplet';

export interface RecognisedBlock {
  readonly kind: BlockKind;
  /** The deepest module containing the block's nodes (or `<kind>_<k>` when names carry none). */
  readonly path: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly nodes: readonly PNode[];
}

/** How far back from its last node a block may reach. */
const MAX_BLOCK_NODES = 96;
/** Node visits the whole search may make: recognition is skipped past it (hostile graphs). */
export const RECOGNITION_BUDGET = 4_000_000;
const ENDS = new Set(['mul', 'scale', 'add']);
const GATES = new Set(['sigmoid', 'hard_sigmoid']);

function refKey(r: PRef): string {
  return r.node.kind === 'node' ? `${r.node.id}:${r.out}` : `in:${r.node.name}`;
}

function classify(
  nodes: readonly PNode[],
  x: PRef,
): { kind: BlockKind; config: Record<string, unknown> } | undefined {
  const count = (...ops: string[]): number => nodes.filter((n) => ops.includes(n.op)).length;
  const first = (op: string): PNode | undefined => nodes.find((n) => n.op === op);
  const c = shapeOf(x)[1]?.toInt();
  const gates = count('sigmoid', 'hard_sigmoid');
  if (gates === 0) return undefined;
  const convs = count('conv2d');
  const overs = new Set(nodes.filter((n) => n.op === 'directional_mean').map((n) => n.attrs.over));
  if (
    overs.size === 2 &&
    count('directional_mean') === 2 &&
    count('concat') === 1 &&
    count('split') === 1 &&
    gates === 2 &&
    convs === 3
  ) {
    const conv1 = nodes.find(
      (n) => n.op === 'conv2d' && n.inputs[0].node.kind === 'node' && n.inputs[0].node.op === 'concat',
    );
    const split = first('split');
    const act = split?.inputs[0].node;
    return {
      kind: 'ca',
      config: {
        channels: c,
        mid: conv1?.attrs.outChannels,
        activation: act?.kind === 'node' ? act.op : undefined,
      },
    };
  }
  if (
    count('global_avg_pool') === 1 &&
    count('global_max_pool') === 1 &&
    count('linear') === 4 &&
    convs <= 1
  ) {
    const fc = first('linear');
    return { kind: 'cbam', config: { channels: c, squeeze: fc?.attrs.outFeatures, spatial: convs === 1 } };
  }
  if (
    (convs === 2 || convs === 3) &&
    count('channel_reduce') === 2 * convs &&
    gates === convs &&
    count('permute') >= 4
  ) {
    const conv = first('conv2d');
    return {
      kind: 'triplet',
      config: { channels: c, kernel: (conv?.attrs.kernel as number[] | undefined)?.[0], branches: convs },
    };
  }
  if (count('global_avg_pool') === 1 && count('channel_conv1d') === 1 && gates === 1 && nodes.length <= 6) {
    return { kind: 'eca', config: { channels: c, kernel: first('channel_conv1d')?.attrs.kernel } };
  }
  const contractions = nodes.filter((n) => n.op === 'conv2d' || n.op === 'linear');
  if (
    count('global_avg_pool') === 1 &&
    contractions.length === 2 &&
    gates === 1 &&
    count('mul') === 1 &&
    nodes.length <= 10
  ) {
    const sq = contractions[0].attrs.outChannels ?? contractions[0].attrs.outFeatures;
    const gate = nodes.find((n) => GATES.has(n.op))?.op;
    return { kind: 'se', config: { channels: c, squeeze: sq, gate } };
  }
  return undefined;
}

/**
 * Finds the attention blocks of a lifted working graph: for each node that can end a block (a mul,
 * scale or add with a gate in its backward cone), the smallest closed region reading one tensor
 * whose make-up is a known block. Returns undefined when the search ran out of its budget.
 */
export function recogniseBlocks(pg: PendingGraph): RecognisedBlock[] | undefined {
  let budget = RECOGNITION_BUDGET;
  const live = pg.live();
  const uses = pg.uses();
  const outputs = new Set(pg.outputs.map((o) => refKey(o.ref)));
  const assigned = new Set<PNode>();
  const found: RecognisedBlock[] = [];
  const consumers = (r: PRef): PNode[] =>
    r.node.kind === 'node'
      ? (uses.get(refKey(r)) ?? []).map((u) => u.node)
      : live.filter((n) => n.inputs.some((i) => i.node === r.node));
  for (let e = live.length - 1; e >= 0; e--) {
    const end = live[e];
    if (!ENDS.has(end.op) || assigned.has(end)) continue;
    // Backward cone of the end node.
    const cone = new Set<PNode>([end]);
    const queue = [end];
    for (let head = 0; head < queue.length && cone.size < MAX_BLOCK_NODES; head++) {
      for (const r of queue[head].inputs) {
        if (r.node.kind === 'node' && !cone.has(r.node) && !assigned.has(r.node)) {
          cone.add(r.node);
          queue.push(r.node);
        }
      }
    }
    if (![...cone].some((n) => GATES.has(n.op))) continue;
    budget -= cone.size;
    const candidates = new Map<string, PRef>();
    for (const n of cone) for (const r of n.inputs) candidates.set(refKey(r), r);
    let best: { nodes: PNode[]; x: PRef; kind: BlockKind; config: Record<string, unknown> } | undefined;
    for (const x of candidates.values()) {
      const region = new Set<PNode>();
      const fwd = consumers(x).filter((n) => cone.has(n));
      while (fwd.length > 0) {
        if (--budget < 0) return undefined;
        const n = fwd.pop()!;
        if (region.has(n)) continue;
        region.add(n);
        if (n === end) continue;
        for (let out = 0; out < n.shapes.length; out++) {
          for (const u of consumers({ node: n, out })) if (cone.has(u)) fwd.push(u);
        }
      }
      if (!region.has(end) || region.size < 3) continue;
      const xk = refKey(x);
      const closed = [...region].every(
        (n) =>
          n.inputs.every((r) => refKey(r) === xk || (r.node.kind === 'node' && region.has(r.node))) &&
          (n === end ||
            n.shapes.every((_, i) => {
              const r = { node: n, out: i };
              return !outputs.has(refKey(r)) && (uses.get(refKey(r)) ?? []).every((u) => region.has(u.node));
            })),
      );
      if (!closed) continue;
      const nodes = live.filter((n) => region.has(n));
      const cls = classify(nodes, x);
      if (cls && (!best || nodes.length < best.nodes.length)) best = { nodes, x, ...cls };
    }
    if (!best) continue;
    best.nodes.forEach((n) => assigned.add(n));
    const mods = best.nodes.flatMap((n) => n.origin.map((o) => modulePathOf(o.name)));
    const k = found.filter((b) => b.kind === best!.kind).length;
    const common = mods.every((p) => p !== undefined) ? commonModule(mods as string[]) : '';
    found.push({
      kind: best.kind,
      path: common !== '' ? common : `${best.kind}_${k}`,
      config: best.config,
      nodes: best.nodes,
    });
  }
  return found.reverse();
}
