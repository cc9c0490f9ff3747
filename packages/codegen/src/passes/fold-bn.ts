import { mark, producerOf, removeNode, useCounts, type LGraph } from '../lower/lgraph.js';

/**
 * Folds an inference BatchNorm into the conv2d / linear that produces its input, when that value
 * has no other reader and the producer has no epilogue yet. Per output channel o, in float64:
 * s = γ_o / √(σ²_o + ε);  w'[o, …] = w[o, …] · s;  b'_o = (b_o − μ_o) · s + β_o  (b = 0 without bias).
 */
export function foldBn(g: LGraph): void {
  for (const bn of [...g.nodes]) {
    if (bn.op !== 'batch_norm' || bn.template !== 'batch_norm') continue;
    const src = bn.inputs[0];
    const p = producerOf(g, src);
    if (!p || (p.template !== 'conv2d' && p.template !== 'linear') || p.epilogue.length > 0) continue;
    if (useCounts(g).get(src) !== 1) continue;
    const eps = bn.attrs.eps as number;
    const affine = bn.attrs.affine as boolean;
    const mean = bn.params.running_mean.data;
    const variance = bn.params.running_var.data;
    const gamma = affine ? bn.params.weight.data : undefined;
    const beta = affine ? bn.params.bias.data : undefined;
    const w = p.params.weight;
    const outC = mean.length;
    const per = w.data.length / outC;
    const scale = Float64Array.from(mean, (_, o) => (gamma ? gamma[o] : 1) / Math.sqrt(variance[o] + eps));
    const wf = Float64Array.from(w.data, (v, i) => v * scale[Math.floor(i / per)]);
    const b0 = p.params.bias?.data;
    const bf = Float64Array.from(mean, (m, o) => ((b0 ? b0[o] : 0) - m) * scale[o] + (beta ? beta[o] : 0));
    const base = p.nodes[p.nodes.length - 1]; // the conv/linear itself: unique even when weights are shared
    p.params = {
      ...p.params,
      weight: { id: `${base}.weight_folded`, shape: w.shape, data: wf },
      bias: { id: `${base}.bias_folded`, shape: [outC], data: bf },
    };
    p.attrs = { ...p.attrs, bias: true };
    p.nodes.push(...bn.nodes);
    mark(p, 'fold-bn');
    // The kernel now computes the BN's value: it takes its id (its old id had no other reader).
    removeNode(g, bn);
    p.id = bn.id;
  }
}
