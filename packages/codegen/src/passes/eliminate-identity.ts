import {
  mark,
  producerOf,
  reads,
  removeNode,
  replaceUses,
  shapeOfValue,
  type LGraph,
} from '../lower/lgraph.js';

/**
 * dropout and identity (inference no-ops) become aliases of their input. A flatten / reshape of a
 * [N, C, 1, 1] value to [N, C] whose readers are all linear layers (as input 0) is dropped: the
 * linear template reads the 4-D value directly (same element order).
 */
export function eliminateIdentity(g: LGraph): void {
  // No-ops first, so that a flatten read through a dropout sees its real readers.
  for (const node of [...g.nodes]) {
    const isNoOp =
      node.op === 'dropout' ||
      (node.template === 'elementwise' &&
        node.epilogue.length === 1 &&
        node.epilogue[0].kind === 'act' &&
        node.epilogue[0].fn === 'identity');
    const src = node.inputs[0];
    if (isNoOp) {
      carryNodes(g, src, node.nodes);
      replaceUses(g, node.id, src);
      removeNode(g, node);
    }
  }
  for (const node of [...g.nodes]) {
    const src = node.inputs[0];
    if (node.op === 'flatten' || node.op === 'reshape') {
      const from = shapeOfValue(g, src);
      const squeezed =
        from.length === 4 &&
        from[2] === 1 &&
        from[3] === 1 &&
        node.shape.length === 2 &&
        node.shape[1] === from[1];
      const readers = g.nodes.filter((n) => n !== node && reads(n).includes(node.id));
      const onlyLinear =
        readers.length > 0 &&
        readers.every(
          (n) =>
            n.template === 'linear' &&
            n.inputs[0] === node.id &&
            reads(n).filter((r) => r === node.id).length === 1,
        );
      const isOutput = g.outputs.some((o) => o.value === node.id);
      if (squeezed && onlyLinear && !isOutput) {
        for (const r of readers) {
          r.nodes.unshift(...node.nodes);
          mark(r, 'eliminate-identity');
        }
        replaceUses(g, node.id, src);
        removeNode(g, node);
      }
    }
  }
}

/** The IR paths of an eliminated node are recorded on the kernel that produces its input (if any). */
function carryNodes(g: LGraph, src: string, nodes: readonly string[]): void {
  const p = producerOf(g, src);
  if (p) {
    p.nodes.push(...nodes);
    mark(p, 'eliminate-identity');
  }
}
