import { mark, producerOf, removeNode, useCounts, type LGraph } from '../lower/lgraph.js';

/**
 * Coordinate Attention's descriptor: concat([pool_h(x), permute(pool_w(x))], axis 2) with
 * pool_h = directional_mean over W, pool_w = over H and permute [0,1,3,2], each read only there,
 * becomes one `ca_pool` kernel over x writing [N, C, H+W, 1].
 */
export function fuseCaPools(g: LGraph): void {
  for (const cat of [...g.nodes]) {
    if (cat.template !== 'concat' || cat.attrs.axis !== 2 || cat.inputs.length !== 2) continue;
    if (cat.epilogue.length > 0) continue;
    const uses = useCounts(g);
    const ph = producerOf(g, cat.inputs[0]);
    const pt = producerOf(g, cat.inputs[1]);
    if (!ph || !pt || ph.template !== 'directional_mean' || ph.attrs.over !== 'W') continue;
    if (pt.template !== 'permute' || (pt.attrs.perm as number[]).join() !== '0,1,3,2') continue;
    const pw = producerOf(g, pt.inputs[0]);
    if (!pw || pw.template !== 'directional_mean' || pw.attrs.over !== 'H') continue;
    if (pw.inputs[0] !== ph.inputs[0]) continue;
    if (ph.epilogue.length + pt.epilogue.length + pw.epilogue.length > 0) continue;
    if ([ph.id, pt.id, pw.id].some((id) => uses.get(id) !== 1)) continue;
    cat.template = 'ca_pool';
    cat.inputs = [ph.inputs[0]];
    cat.nodes = [...ph.nodes, ...pw.nodes, ...pt.nodes, ...cat.nodes];
    mark(cat, 'fuse-ca-pools');
    for (const n of [ph, pt, pw]) removeNode(g, n);
  }
}
