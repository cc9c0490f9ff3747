import { getOp } from '@coordattn/ir';
import { sameShape } from '@coordattn/reference';
import {
  GATE_READERS,
  mark,
  reads,
  removeNode,
  shapeOfValue,
  type LGraph,
  type LNode,
} from '../lower/lgraph.js';

/**
 * A gate — a node of an `elementwise`-trait op whose whole computation is its input 0 multiplied by
 * other values (`x·a_w·a_h`, `x·σ(…)`, gates it took in itself) — is folded into every reader's
 * reads of its input 0 when all its readers can take gates that way (GATE_READERS), read it only
 * as input 0 and read each element at most MAX_GATE_REREADS times (a depthwise 3×3 conv: 9): the readers read x and multiply each element by the gates at the same
 * coordinates, so the gated tensor is never written (CA, SE, ECA and CBAM's re-weighting before a
 * conv; CBAM's channel gate read by both its spatial pools and its spatial gate; Triplet's gates
 * before its permutes back). Zero padding stays zero (the gates apply inside the input only).
 */
export function fuseGate(g: LGraph): void {
  let changed = true;
  while (changed) {
    changed = false;
    for (const gate of [...g.nodes]) {
      if (tryFold(g, gate)) changed = true;
    }
  }
}

/**
 * A folded gate is multiplied in again at every read of a gated element: a reader that reads each
 * element more often than this (a 1×1 conv to 96 channels reads it 96 times) makes the multiplies
 * cost more than writing the gated tensor once, so the gate stays a kernel for it.
 */
export const MAX_GATE_REREADS = 9;

/** How many times a reader reads each element of its input 0. */
function rereads(r: LNode): number {
  if (r.template === 'conv2d') {
    const a = r.attrs;
    return (a.outChannels / a.groups) * a.kernel[0] * a.kernel[1];
  }
  if (r.template === 'multi_reduce') return r.attrs.segments.length;
  return 1;
}

function gatesOf(gate: LNode): string[] | undefined {
  if (gate.template !== 'elementwise' || !getOp(gate.op).traits.includes('elementwise')) return undefined;
  if (gate.epilogue.length === 0) return undefined;
  const muls: string[] = [];
  for (const s of gate.epilogue) {
    if (s.kind !== 'binary' || s.op !== 'mul' || s.operand === gate.id) return undefined;
    muls.push(s.operand);
  }
  return [...gate.prologue, ...muls];
}

function tryFold(g: LGraph, gate: LNode): boolean {
  const gates = gatesOf(gate);
  if (gates === undefined) return false;
  if (!sameShape(shapeOfValue(g, gate.inputs[0]), gate.shape)) return false;
  if (g.outputs.some((o) => o.value === gate.id)) return false;
  const readers = g.nodes.filter((n) => reads(n).includes(gate.id));
  if (readers.length === 0) return false;
  for (const r of readers) {
    if (!GATE_READERS.has(r.template) || rereads(r) > MAX_GATE_REREADS) return false;
    // Read once, as input 0 (not also as another input, a gate or an epilogue operand).
    if (r.inputs[0] !== gate.id || reads(r).filter((id) => id === gate.id).length !== 1) return false;
  }
  // The gates must be computed before every reader: they precede the gate node, which precedes
  // its readers.
  for (const r of readers) {
    r.inputs = [gate.inputs[0], ...r.inputs.slice(1)];
    r.prologue = [...gates, ...r.prologue];
    r.nodes = [...gate.nodes, ...r.nodes];
    mark(r, 'fuse-gate');
  }
  removeNode(g, gate);
  return true;
}
