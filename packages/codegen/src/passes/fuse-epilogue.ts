import { mark, producerOf, removeNode, useCounts, type LGraph, type LNode } from '../lower/lgraph.js';
import { sameShape } from '@coordattn/reference';

/**
 * An `elementwise` node (activation, clip, scale, offset, add, sub, mul, div) whose input 0 has no
 * other reader and the same shape as its output is appended to the producer's epilogue. For add /
 * mul the other operand is tried too (both are commutative), so `x + conv(x)` fuses into the conv;
 * sub and div fuse through input 0 only. The producer moves to the elementwise node's place, so
 * every epilogue operand is computed before it runs.
 */
export function fuseEpilogue(g: LGraph): void {
  let changed = true;
  while (changed) {
    changed = false;
    for (const e of g.nodes) {
      if (e.template !== 'elementwise' || e.prologue.length > 0) continue;
      if (tryFuse(g, e)) {
        changed = true;
        break;
      }
    }
  }
}

function fusibleProducer(g: LGraph, e: LNode, id: string): LNode | undefined {
  const p = producerOf(g, id);
  if (!p || useCounts(g).get(id) !== 1 || !sameShape(p.shape, e.shape)) return undefined;
  return p;
}

function tryFuse(g: LGraph, e: LNode): boolean {
  let p = fusibleProducer(g, e, e.inputs[0]);
  let epilogue = e.epilogue;
  const first = e.epilogue[0];
  // add and mul commute, so the other operand's producer may run the kernel instead (not sub, div).
  if (!p && first !== undefined && first.kind === 'binary' && (first.op === 'add' || first.op === 'mul')) {
    p = fusibleProducer(g, e, first.operand);
    if (p) epilogue = [{ ...first, operand: e.inputs[0] }, ...e.epilogue.slice(1)];
  }
  if (!p) return false;
  p.epilogue = [...p.epilogue, ...epilogue];
  p.nodes.push(...e.nodes);
  mark(p, 'fuse-epilogue');
  // Move p to e's position: p's output had e as its only reader, and e's operands precede e.
  g.nodes = g.nodes.filter((n) => n !== p);
  g.nodes.splice(g.nodes.indexOf(e), 0, p);
  // p now computes e's value and takes its id (p's old id had e as its only reader).
  removeNode(g, e);
  p.id = e.id;
  return true;
}
