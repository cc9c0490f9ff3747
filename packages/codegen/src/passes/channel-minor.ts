/**
 * channel-minor: rank-4 values stored NHWC (bytes in [N, H, W, C] order) instead of NCHW. The
 * writer's thread grid becomes [C, W, N·H], so gpu.js's 4 SIMD lanes run over 4 neighbouring
 * channels: a depthwise or stride-2 conv reads 4 neighbouring values with one vector load (NCHW
 * lanes over pixels gather them one by one), its padding guards are uniform per thread, and a
 * 7 × 7 map no longer leaves 3 of every 7 cells to gpu.js's scalar path. A conv's weights are
 * transposed to [K, O] (`weight_cm`, computed here at compile time) so the lanes read 4
 * neighbouring weights.
 *
 * The layout is a property of the value: every template reads its inputs through logical
 * coordinates (readAt applies the value's strides), so a reader of another layout needs no
 * transform kernel — the transform is folded into its reads. The rule, per node:
 * - its output is rank 4 with H·W > 1 and C a multiple of 4 (full SIMD quads over channels);
 * - its template addresses the output through logical coordinates only (all but `reshape`);
 * - no reader needs row-major bytes (`reshape` reads the flat index);
 * - it is not a graph output (outputs stay row-major NCHW for the host).
 * Layouts are chosen per value, so a value's producer and readers need not agree.
 */
import { mark, reads, type LGraph, type LNode, type ParamTensor, type Template } from '../lower/lgraph.js';

/**
 * Templates that read their inputs only through readAt and address their output only through the
 * logical coordinates: they read any storage layout and may write either (all but `reshape`, which
 * reads and writes flat row-major indices).
 */
const LAYOUT_FREE: ReadonlySet<Template> = new Set<Template>([
  'conv2d',
  'linear',
  'batch_norm',
  'elementwise',
  'global_pool',
  'directional_mean',
  'multi_reduce',
  'channel_reduce',
  'window_pool',
  'channel_conv1d',
  'concat',
  'slice',
  'permute',
  'resize',
]);

/** The conv weights [O, C/G, KH, KW] as [K, O] (K = C/G·KH·KW): lane o reads w[t·O + o]. */
function transposed(w: ParamTensor): ParamTensor {
  const [O] = w.shape;
  const K = w.data.length / O;
  const data = new Float64Array(w.data.length);
  for (let o = 0; o < O; o++) for (let t = 0; t < K; t++) data[t * O + o] = w.data[o * K + t];
  return { id: `${w.id}_cm`, shape: [K, O], data };
}

export function channelMinor(g: LGraph): void {
  const outputs = new Set(g.outputs.map((o) => o.value));
  const readers = new Map<string, LNode[]>();
  for (const n of g.nodes) {
    for (const id of reads(n)) readers.set(id, [...(readers.get(id) ?? []), n]);
  }
  for (const n of g.nodes) {
    if (n.shape.length !== 4) continue;
    const [, C, H, W] = n.shape;
    if (H * W === 1 || C % 4 !== 0) continue;
    if (!LAYOUT_FREE.has(n.template) || outputs.has(n.id)) continue;
    if ((readers.get(n.id) ?? []).some((r) => !LAYOUT_FREE.has(r.template))) continue;
    n.layout = 'nhwc';
    if (n.template === 'conv2d') n.params = { ...n.params, weight_cm: transposed(n.params.weight) };
    mark(n, 'channel-minor');
  }
}
