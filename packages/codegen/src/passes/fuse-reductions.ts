/**
 * fuse-reductions: reductions that read one input and meet in a concat become one kernel that
 * reads the input once per output element and writes the concatenation (`multi_reduce`).
 *
 * The rule is over op traits, not over one block's structure: every input of a `concat` must be a
 * node whose op has the `reduce` trait (a keep-dims mean or max over some axes, see
 * REDUCTION_OF), optionally followed by a `permute`, all reading the same value, each read only by
 * that concat and carrying no fused steps of its own. Coordinate Attention's pooled descriptor
 * (`pool_h`, `pool_w`, `permute`, `concat`), CBAM's and Triplet attention's channel pools
 * (`max`, `mean`, `concat` along channels) all match it; so does an imported block of the same
 * shape, whatever its node names.
 */
import { getOp } from '@coordattn/ir';
import {
  mark,
  producerOf,
  removeNode,
  retemplate,
  useCounts,
  type LGraph,
  type LNode,
  type LNodeOf,
  type ReduceSegment,
} from '../lower/lgraph.js';

/** What a node of a `reduce`-trait op computes: a keep-dims mean or max over `axes` (rank 4). */
export function reductionOf(node: LNode): Omit<ReduceSegment, 'perm' | 'length'> | undefined {
  if (!getOp(node.op).traits.includes('reduce')) return undefined;
  switch (node.template) {
    case 'directional_mean':
      return { reduce: 'mean', axes: [node.attrs.over === 'W' ? 3 : 2] };
    case 'channel_reduce':
      return { reduce: node.attrs.reduce, axes: [1] };
    case 'global_pool':
      return { reduce: node.attrs.reduce, axes: [2, 3] };
    default:
      return undefined;
  }
}

const plain = (n: LNode): boolean => n.epilogue.length === 0 && n.prologue.length === 0;

export function fuseReductions(g: LGraph): void {
  for (const cat of [...g.nodes]) {
    if (cat.template !== 'concat' || cat.prologue.length > 0) continue;
    const axis = cat.attrs.axis;
    if (cat.shape.length !== 4 || cat.inputs.length < 2) continue;
    const uses = useCounts(g);
    const absorbed: LNode[] = [];
    const segments: ReduceSegment[] = [];
    let source: string | undefined;
    let ok = true;
    for (const id of cat.inputs) {
      const first = producerOf(g, id);
      if (!first) {
        ok = false;
        break;
      }
      let p: LNode | undefined = first;
      let permute: LNodeOf<'permute'> | undefined;
      if (first.template === 'permute' && plain(first) && uses.get(first.id) === 1) {
        permute = first;
        p = producerOf(g, first.inputs[0]);
      }
      const r = p && plain(p) && uses.get(p.id) === 1 ? reductionOf(p) : undefined;
      if (!p || !r || (source !== undefined && p.inputs[0] !== source)) {
        ok = false;
        break;
      }
      source = p.inputs[0];
      absorbed.push(p, ...(permute ? [permute] : []));
      const perm = permute ? permute.attrs.perm : null;
      segments.push({ ...r, perm, length: first.shape[axis] });
    }
    if (!ok || source === undefined) continue;
    retemplate(cat, 'multi_reduce', { axis, segments });
    cat.inputs = [source];
    cat.nodes = [...absorbed.flatMap((n) => n.nodes), ...cat.nodes];
    mark(cat, 'fuse-reductions');
    for (const n of absorbed) removeNode(g, n);
  }
}
