import { Dim, Graph } from '@coordattn/ir';
import type { OpCase } from './types.js';

/** The path of the one node of an opGraph (error messages read `E_SHAPE at op: ...`). */
export const NODE_PATH = 'op';

/**
 * A one-node graph: inputs x0, x1, ... with the case's shapes, node `op` (default provenance) and
 * every output of the node as a graph output (`op`, `op:1`, ...). Throws the IR's CoordattnError
 * for an invalid case.
 */
export function opGraph(c: OpCase): Graph {
  const g = new Graph();
  c.inputs.forEach((shape, i) =>
    g.addInput(
      `x${i}`,
      shape.map((d) => Dim.const(d)),
    ),
  );
  const node = g.addNode({
    path: NODE_PATH,
    op: c.op,
    inputs: c.inputs.map((_, i) => `x${i}`),
    attrs: c.attrs,
  });
  node.outputs.forEach((_, k) => g.addOutput(k === 0 ? NODE_PATH : `${NODE_PATH}:${k}`));
  return g;
}
