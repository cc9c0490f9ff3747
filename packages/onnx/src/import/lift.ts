/**
 * Lifting: named rewrite rules that turn the op sequences exporters write back into the IR's ops —
 * `x·relu6(x+3)/6` → hard_swish, ECA's squeeze/transpose/Conv1d chain → channel_conv1d, Slice pairs
 * → split, Expand feeding a broadcasting op → nothing, reshape chains → one reshape. Each rule
 * matches on op names and attributes over the working graph, never on node names.
 */
import { CoordattnError, Dim, getOp, isOpName } from '@coordattn/ir';
import type { PNode, PRef, PendingGraph, WeightData } from './pending.js';
import { describeOnnx, shapeOf } from './pending.js';

const EPS = 1e-6;

type Uses = Map<string, { node: PNode; index: number }[]>;

/**
 * What a rule sees during one pass: the use lists as they were at the start of the pass, and the
 * nodes a rewrite has touched since (their use lists may be stale, so no rule matches through them
 * until the next pass). A pass is O(nodes); passes repeat until one changes nothing.
 */
export class LiftContext {
  readonly dirty = new Set<PNode>();
  private readonly outputs: Set<PNode>;
  constructor(
    readonly pg: PendingGraph,
    readonly uses: Uses,
  ) {
    this.outputs = new Set(pg.outputs.flatMap((o) => (o.ref.node.kind === 'node' ? [o.ref.node] : [])));
  }

  usesOf(r: PRef): { node: PNode; index: number }[] {
    return r.node.kind === 'node' ? (this.uses.get(`${r.node.id}:${r.out}`) ?? []) : [];
  }

  isOutput(n: PNode): boolean {
    return this.outputs.has(n);
  }

  /** The producer of input i when it is a clean live node of this op whose one use is this one. */
  soleProducer(n: PNode, i: number, op: string): PNode | undefined {
    const r = n.inputs[i];
    if (!r || r.node.kind !== 'node' || r.node.op !== op || r.node.dead || this.dirty.has(r.node))
      return undefined;
    if (this.usesOf(r).length !== 1 || this.isOutput(r.node)) return undefined;
    return r.node;
  }

  /** Marks a rewrite's nodes, and the producers of their inputs, as touched. */
  touch(nodes: readonly PNode[]): void {
    for (const n of nodes) {
      this.dirty.add(n);
      for (const r of n.inputs) if (r.node.kind === 'node') this.dirty.add(r.node);
    }
  }
}

export interface LiftRule {
  readonly name: string;
  readonly summary: string;
  /** Rewrites at node n if the rule matches there; true if the graph changed. */
  match(n: PNode, cx: LiftContext): boolean;
}

function sameRef(a: PRef, b: PRef): boolean {
  return a.node === b.node && a.out === b.out;
}

function near(a: unknown, b: number): boolean {
  return typeof a === 'number' && Math.abs(a - b) < EPS;
}

/** Replaces `old` (output 0) by a new node built from `parts`; the parts die. */
function replace(
  cx: LiftContext,
  old: PNode,
  parts: PNode[],
  op: PNode['op'],
  input: PRef[],
  attrs: Record<string, unknown>,
  weights?: Map<string, WeightData>,
): PNode {
  const { pg } = cx;
  const origin = [...parts, old].flatMap((p) => p.origin).sort((a, b) => a.index - b.index);
  const n = pg.make(op, input, attrs, origin, weights);
  pg.insertAfter(old, n);
  for (const u of cx.usesOf({ node: old, out: 0 })) cx.dirty.add(u.node);
  pg.replaceUses({ node: old, out: 0 }, { node: n, out: 0 });
  for (const p of [...parts, old]) p.dead = true;
  cx.touch([...parts, old, n]);
  return n;
}

/** Every use of n's output reads `to` instead; n dies. */
function bypass(cx: LiftContext, n: PNode, to: PRef): void {
  for (const u of cx.usesOf({ node: n, out: 0 })) cx.dirty.add(u.node);
  cx.pg.replaceUses({ node: n, out: 0 }, to);
  n.dead = true;
  cx.touch([n]);
}

export const collapseReshapes: LiftRule = {
  name: 'collapse-reshapes',
  summary: 'reshape(reshape(x)) → reshape(x); a reshape to its own input shape disappears',
  match(n, cx) {
    if (n.op !== 'reshape' && n.op !== 'flatten') return false;
    const inner = cx.soleProducer(n, 0, 'reshape') ?? cx.soleProducer(n, 0, 'flatten');
    if (inner) {
      replace(cx, n, [inner], 'reshape', [inner.inputs[0]], { shape: [...n.shapes[0]] });
      return true;
    }
    const a = shapeOf(n.inputs[0]);
    const b = n.shapes[0];
    if (a.length === b.length && a.every((d, i) => d.equals(b[i]))) {
      bypass(cx, n, n.inputs[0]);
      return true;
    }
    return false;
  },
};

const BROADCASTING = new Set(['add', 'mul', 'sub', 'div']);

export const expandIntoBroadcast: LiftRule = {
  name: 'expand-into-broadcast',
  summary: "Expand (CBAM's expand_as) whose every use broadcasts anyway → removed",
  match(n, cx) {
    if (n.op !== 'expand') return false;
    const us = cx.usesOf({ node: n, out: 0 });
    if (us.length === 0 || cx.isOutput(n) || us.some((u) => cx.dirty.has(u.node))) return false;
    const ok = us.every(({ node: u, index }) => {
      if (!BROADCASTING.has(u.op)) return false;
      const other = shapeOf(u.inputs[1 - index]);
      const out = n.shapes[0];
      return other.length === out.length && other.every((d, i) => d.equals(out[i]));
    });
    if (!ok) return false;
    bypass(cx, n, n.inputs[0]);
    return true;
  },
};

/** hard_sigmoid(x) from scale(1/6) ∘ relu6 ∘ offset(3) (torch's `F.relu6(x + 3) / 6`). */
export const hardSigmoid: LiftRule = {
  name: 'hard-sigmoid',
  summary: 'relu6(x + 3) / 6 → hard_sigmoid(x)',
  match(n, cx) {
    if (n.op !== 'scale' || !near(n.attrs.factor, 1 / 6)) return false;
    const r6 = cx.soleProducer(n, 0, 'relu6');
    const off = r6 && cx.soleProducer(r6, 0, 'offset');
    if (!r6 || !off || !near(off.attrs.value, 3)) return false;
    replace(cx, n, [off, r6], 'hard_sigmoid', [off.inputs[0]], {});
    return true;
  },
};

/** x · f(x) → g(x) for hard_sigmoid → hard_swish and sigmoid → swish; also (x · relu6(x + 3)) / 6. */
export const gatedSelf: LiftRule = {
  name: 'hard-swish-swish',
  summary:
    'x · hard_sigmoid(x) → hard_swish(x); x · sigmoid(x) → swish(x); x · relu6(x + 3) / 6 → hard_swish(x)',
  match(n, cx) {
    if (n.op === 'mul') {
      for (const [gi, xi] of [
        [1, 0],
        [0, 1],
      ] as const) {
        for (const [gop, lifted] of [
          ['hard_sigmoid', 'hard_swish'],
          ['sigmoid', 'swish'],
        ] as const) {
          const g = cx.soleProducer(n, gi, gop);
          if (g && sameRef(g.inputs[0], n.inputs[xi])) {
            replace(cx, n, [g], lifted, [n.inputs[xi]], {});
            return true;
          }
        }
      }
      return false;
    }
    if (n.op !== 'scale' || !near(n.attrs.factor, 1 / 6)) return false;
    const m = cx.soleProducer(n, 0, 'mul');
    if (!m) return false;
    for (const [gi, xi] of [
      [1, 0],
      [0, 1],
    ] as const) {
      const r6 = cx.soleProducer(m, gi, 'relu6');
      const off = r6 && cx.soleProducer(r6, 0, 'offset');
      if (r6 && off && near(off.attrs.value, 3) && sameRef(off.inputs[0], m.inputs[xi])) {
        replace(cx, n, [m, r6, off], 'hard_swish', [m.inputs[xi]], {});
        return true;
      }
    }
    return false;
  },
};

/** A permute that moves only size-1 axes: the data keep their order, as with a reshape. */
function layoutPreserving(n: PNode): boolean {
  if (n.op === 'reshape' || n.op === 'flatten') return true;
  if (n.op !== 'permute') return false;
  const s = shapeOf(n.inputs[0]);
  const kept = (n.attrs.perm as number[]).filter((a) => s[a].toInt() !== 1);
  return kept.every((a, i) => i === 0 || a > kept[i - 1]);
}

/** Walks back from input 0 of n through clean single-use layout-preserving nodes. */
function layoutChainBack(cx: LiftContext, n: PNode): { nodes: PNode[]; src: PRef } {
  const nodes: PNode[] = [];
  let cur = n;
  for (;;) {
    const p = ['reshape', 'permute', 'flatten'].map((op) => cx.soleProducer(cur, 0, op)).find((x) => x);
    if (!p || !layoutPreserving(p)) return { nodes, src: cur.inputs[0] };
    nodes.push(p);
    cur = p;
  }
}

function isDescriptor(s: readonly Dim[]): boolean {
  const one = Dim.const(1);
  return s.length === 4 && s[2].equals(one) && s[3].equals(one);
}

/**
 * ECA: a [N,C,1,1] descriptor laid out as a length-C sequence ([N,1,C], by squeeze + transpose as
 * torch writes it, or one reshape), a Conv1d(1→1, odd k, 'same' padding), and back to [N,C,1,1]
 * becomes channel_conv1d on the descriptor.
 */
export const ecaConv1d: LiftRule = {
  name: 'eca-channel-conv1d',
  summary: 'descriptor → [N,1,C] → Conv1d(1→1, k, pad (k−1)/2) → [N,C,1,1] (ECA) → channel_conv1d',
  match(n, cx) {
    if (n.op !== 'reshape' && n.op !== 'permute') return false;
    if (!isDescriptor(n.shapes[0]) || !layoutPreserving(n)) return false;
    const after = layoutChainBack(cx, n);
    const last = after.src.node;
    if (last.kind !== 'node' || last.op !== 'conv1d' || last.dead || cx.dirty.has(last)) return false;
    if (cx.usesOf(after.src).length !== 1 || cx.isOutput(last)) return false;
    const cv = last;
    const before = layoutChainBack(cx, cv);
    if (before.nodes.length === 0) return false;
    const src = before.src;
    const s = shapeOf(src);
    const out = n.shapes[0];
    const k = cv.attrs.kernel as number;
    const pads = cv.attrs.pads as [number, number];
    const shapeOk =
      isDescriptor(s) && out.every((d, i) => d.equals(s[i])) && shapeOf(cv.inputs[0])[1].toInt() === 1;
    const convOk =
      cv.attrs.inChannels === 1 &&
      cv.attrs.outChannels === 1 &&
      cv.attrs.stride === 1 &&
      cv.attrs.dilation === 1 &&
      k % 2 === 1 &&
      pads[0] === (k - 1) / 2 &&
      pads[1] === (k - 1) / 2;
    if (!shapeOk || !convOk) return false;
    const w = cv.weights.get('weight')!;
    const weights = new Map<string, WeightData>([['weight', { ...w, shape: [1, 1, k] }]]);
    const b = cv.weights.get('bias');
    if (b) weights.set('bias', { ...b, shape: [1] });
    replace(
      cx,
      n,
      [...before.nodes, cv, ...after.nodes],
      'channel_conv1d',
      [src],
      { kernel: k, bias: !!b },
      weights,
    );
    return true;
  },
};

/** Slices with step 1 that tile one axis of one tensor exactly (torch's split as Slice pairs) → split. */
export const slicesToSplit: LiftRule = {
  name: 'slices-to-split',
  summary: 'Slices (step 1) of one tensor along one axis that tile it exactly → one split',
  match(n, cx) {
    if (n.op !== 'slice' || n.attrs.step !== 1 || cx.dirty.has(n)) return false;
    const src = n.inputs[0];
    const axis = n.attrs.axis as number;
    const d = shapeOf(src)[axis].toInt();
    if (d === undefined) return false;
    const g = cx
      .usesOf(src)
      .map((u) => u.node)
      .filter(
        (u) => u.op === 'slice' && !u.dead && !cx.dirty.has(u) && u.attrs.axis === axis && u.attrs.step === 1,
      );
    if (g.length < 2) return false;
    const sorted = [...new Set(g)].sort((a, b) => (a.attrs.start as number) - (b.attrs.start as number));
    let pos = 0;
    for (const s of sorted) {
      if (s.attrs.start !== pos) return false;
      pos = Math.min(s.attrs.end as number, d);
    }
    if (pos !== d) return false;
    const { pg } = cx;
    const origin = sorted.flatMap((s) => s.origin).sort((a, b) => a.index - b.index);
    const sizes = sorted.map((s) => Math.min(s.attrs.end as number, d) - (s.attrs.start as number));
    const sp = pg.make('split', [src], { axis, sizes }, origin);
    const first = pg.nodes.find((x) => sorted.includes(x))!;
    pg.nodes.splice(pg.nodes.indexOf(first), 0, sp);
    sorted.forEach((s, i) => {
      for (const u of cx.usesOf({ node: s, out: 0 })) cx.dirty.add(u.node);
      pg.replaceUses({ node: s, out: 0 }, { node: sp, out: i });
      s.dead = true;
    });
    cx.touch([...sorted, sp]);
    return true;
  },
};

/** The rules in the order they are tried; the set runs to a fixed point. */
export const LIFT_RULES: readonly LiftRule[] = [
  collapseReshapes,
  expandIntoBroadcast,
  hardSigmoid,
  gatedSelf,
  ecaConv1d,
  slicesToSplit,
];

/** Runs every rule to a fixed point (bounded), removes dead nodes, and checks no pseudo op is left. */
export function lift(pg: PendingGraph, rules: readonly LiftRule[] = LIFT_RULES): string[] {
  const applied: string[] = [];
  pg.removeDead();
  for (let pass = 0; pass < 64; pass++) {
    const cx = new LiftContext(pg, pg.uses());
    let changed = false;
    for (const n of [...pg.nodes]) {
      if (n.dead || cx.dirty.has(n)) continue;
      const rule = rules.find((r) => r.match(n, cx));
      if (rule) {
        applied.push(rule.name);
        changed = true;
      }
    }
    pg.removeDead();
    if (!changed) break;
  }
  for (const n of pg.live()) {
    if (!isOpName(n.op)) {
      const what =
        n.op === 'conv1d'
          ? 'a 1-D Conv outside the ECA pattern (squeeze → transpose → Conv1d(1→1, odd k, same padding) → transpose → unsqueeze)'
          : 'an Expand whose result is used other than by a broadcasting Add/Mul/Sub/Div';
      throw new CoordattnError('E_UNSUPPORTED', `${what} is not supported`, { path: describeOnnx(n.origin) });
    }
    getOp(n.op);
  }
  return applied;
}
