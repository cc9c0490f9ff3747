import { mark, producerOf, removeNode, shapeOfValue, useCounts, type LGraph } from '../lower/lgraph.js';
import { sameShape } from '@coordattn/reference';

/**
 * A gate kernel — `elementwise` whose epilogue is only multiplications by other values
 * (`x·a_w·a_h`, `x·σ(…)`) — read only by a conv2d as its input 0 is folded into that conv's input
 * reads: the conv reads x and multiplies each element by the gates at the same coordinates, so the
 * gated tensor is never written. Zero padding stays zero (the gates apply inside the input only).
 */
export function fuseGate(g: LGraph): void {
  for (const conv of [...g.nodes]) {
    if (conv.template !== 'conv2d' || conv.prologue.length > 0) continue;
    const gate = producerOf(g, conv.inputs[0]);
    if (!gate || gate.template !== 'elementwise' || gate.prologue.length > 0) continue;
    if (gate.epilogue.length === 0 || !gate.epilogue.every((s) => s.kind === 'binary' && s.op === 'mul'))
      continue;
    if (!gate.epilogue.every((s) => s.kind === 'binary' && s.operand !== gate.id)) continue;
    if (useCounts(g).get(gate.id) !== 1) continue;
    if (!sameShape(shapeOfValue(g, gate.inputs[0]), gate.shape)) continue;
    conv.inputs = [gate.inputs[0], ...conv.inputs.slice(1)];
    conv.prologue = gate.epilogue.map((s) => (s.kind === 'binary' ? s.operand : ''));
    conv.nodes = [...gate.nodes, ...conv.nodes];
    mark(conv, 'fuse-gate');
    removeNode(g, gate);
  }
}
