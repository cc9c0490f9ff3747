/**
 * One converter per ONNX op type: constants fold (torch's shape arithmetic), dynamic tensors become
 * pending IR nodes. A converter meets an attribute or input form it cannot represent → one
 * E_UNSUPPORTED naming the op type, the node, the attribute and what is supported.
 */
import { CoordattnError, Dim, floor, type Shape } from '@coordattn/ir';
import type { PNode, PRef, PendingGraph, PendingOp, WeightData } from './pending.js';
import { describeOnnx, shapeOf } from './pending.js';
import type { OnnxAttr, OnnxNode, OnnxTensor } from './proto.js';
import { numel, stridesOf } from '@coordattn/reference/tensor';
import { concreteInts, reindex, valShape, type ConstBudget, type Val } from './values.js';

export interface ConvertContext {
  readonly pg: PendingGraph;
  readonly opset: number;
  /** A Constant node's tensor attribute as a value. */
  tensorFromAttr(t: OnnxTensor, where: string): Val;
  /** How many node inputs and graph outputs read the ONNX value of this name. */
  useCount(name: string): number;
  /** What constant folding may still allocate. */
  readonly budget: ConstBudget;
}

type Converter = (c: ConvertContext, n: OnnxNode, ins: readonly (Val | undefined)[]) => (Val | undefined)[];

const EPS = 1e-6;

function where(n: OnnxNode): string {
  return `ONNX node '${n.name}' (${n.opType})`;
}

function unsupported(n: OnnxNode, message: string, expected?: string): CoordattnError {
  return new CoordattnError('E_UNSUPPORTED', message, { path: where(n), ...(expected ? { expected } : {}) });
}

// ---------------------------------------------------------------------------------------------
// attributes

function attr(n: OnnxNode, name: string): OnnxAttr | undefined {
  return n.attrs.get(name);
}

function attrInt(n: OnnxNode, name: string, dflt: number): number {
  const a = attr(n, name);
  if (!a) return dflt;
  if (a.kind !== 'int') throw unsupported(n, `attribute ${name} is ${a.kind}`, 'an int');
  return a.value;
}

function attrFloat(n: OnnxNode, name: string, dflt: number): number {
  const a = attr(n, name);
  if (!a) return dflt;
  if (a.kind === 'float') return a.value;
  if (a.kind === 'int') return a.value;
  throw unsupported(n, `attribute ${name} is ${a.kind}`, 'a float');
}

function attrInts(n: OnnxNode, name: string): number[] | undefined {
  const a = attr(n, name);
  if (!a) return undefined;
  if (a.kind !== 'ints') throw unsupported(n, `attribute ${name} is ${a.kind}`, 'a list of ints');
  return [...a.value];
}

function attrString(n: OnnxNode, name: string, dflt: string): string {
  const a = attr(n, name);
  if (!a) return dflt;
  if (a.kind !== 'string') throw unsupported(n, `attribute ${name} is ${a.kind}`, 'a string');
  return a.value;
}

// ---------------------------------------------------------------------------------------------
// inputs

function need(n: OnnxNode, ins: readonly (Val | undefined)[], i: number): Val {
  const v = ins[i];
  if (!v) throw new CoordattnError('E_ONNX', `input ${i} is missing`, { path: where(n) });
  return v;
}

function dyn(c: ConvertContext, n: OnnxNode, v: Val, what: string): PRef {
  if (v.kind === 'dyn') return v.ref;
  throw unsupported(
    n,
    `${what} is a constant; coordattn takes constants only as weights and attributes here`,
  );
}

function floatConst(n: OnnxNode, v: Val | undefined, what: string): Extract<Val, { kind: 'float' }> {
  if (v?.kind === 'float') return v;
  if (v?.kind === 'int') {
    const data = Float32Array.from(concreteInts(v, what, where(n)));
    return { kind: 'float', shape: v.shape, data };
  }
  throw unsupported(n, `${what} must be a constant (an initializer or a Constant node)`);
}

function scalarOf(n: OnnxNode, v: Val, what: string): number | undefined {
  if (v.kind === 'dyn' || numel(v.shape) !== 1) return undefined;
  if (v.kind === 'float') return v.data[0];
  return concreteInts(v, what, where(n))[0];
}

function node(
  c: ConvertContext,
  n: OnnxNode,
  op: PendingOp,
  inputs: PRef[],
  attrs: Record<string, unknown>,
  weights?: Map<string, WeightData>,
): Val {
  const p = c.pg.add(op, inputs, attrs, [n], weights);
  return { kind: 'dyn', ref: { node: p, out: 0 } };
}

function weight(key: string, v: Extract<Val, { kind: 'float' }>, shape?: readonly number[]): WeightData {
  return { key, shape: shape ?? v.shape, values: v.data };
}

function keyOf(n: OnnxNode, v: Extract<Val, { kind: 'float' }>, i: number): string {
  return v.key ?? `${n.name}#${i}`;
}

/** Normalises an axis against a rank (negative axes count from the end). */
function axisOf(n: OnnxNode, a: number, rank: number, what = 'axis'): number {
  const r = a < 0 ? a + rank : a;
  if (!Number.isInteger(r) || r < 0 || r >= rank)
    throw unsupported(n, `${what} ${a} is out of range for rank ${rank}`);
  return r;
}

function reshapeDyn(c: ConvertContext, n: OnnxNode, x: PRef, shape: Shape): Val {
  const s = shapeOf(x);
  if (s.length === shape.length && s.every((d, i) => d.equals(shape[i]))) return { kind: 'dyn', ref: x };
  return node(c, n, 'reshape', [x], { shape: [...shape] });
}

/** Reshape of a constant (no data movement). */
function reshapeConst(v: Exclude<Val, { kind: 'dyn' }>, shape: readonly number[]): Val {
  return v.kind === 'float' ? { ...v, shape } : { ...v, shape };
}

function concreteShape(n: OnnxNode, s: Shape, what: string): number[] {
  return s.map((d, i) => {
    const v = d.toInt();
    if (v === undefined) throw unsupported(n, `${what} dim ${i} is symbolic (${d.toString()})`);
    return v;
  });
}

// ---------------------------------------------------------------------------------------------
// converters

function unary(op: PendingOp): Converter {
  return (c, n, ins) => [node(c, n, op, [dyn(c, n, need(n, ins, 0), 'input 0')], {})];
}

function axesInput(
  c: ConvertContext,
  n: OnnxNode,
  ins: readonly (Val | undefined)[],
  fromOpset: number,
): number[] | undefined {
  if (c.opset >= fromOpset) return ins[1] ? concreteInts(ins[1], 'axes', where(n)) : undefined;
  return attrInts(n, 'axes');
}

/** Binary arithmetic: dyn ⊗ dyn → IR op; dyn ⊗ scalar constant → scale / offset; constants fold. */
function arithmetic(kind: 'Add' | 'Sub' | 'Mul' | 'Div'): Converter {
  return (c, n, ins) => {
    const a = need(n, ins, 0);
    const b = need(n, ins, 1);
    if (a.kind !== 'dyn' && b.kind !== 'dyn') return [foldArith(c, n, kind, a, b)];
    if (a.kind === 'dyn' && b.kind === 'dyn') {
      const op = ({ Add: 'add', Sub: 'sub', Mul: 'mul', Div: 'div' } as const)[kind];
      return [node(c, n, op, [a.ref, b.ref], {})];
    }
    const x = a.kind === 'dyn' ? a : (b as Extract<Val, { kind: 'dyn' }>);
    const k = a.kind === 'dyn' ? b : a;
    const constFirst = a.kind !== 'dyn';
    const s = scalarOf(n, k, 'constant operand');
    if (s === undefined) {
      // MatMul + Add(bias) → linear with bias
      if (kind === 'Add' && k.kind === 'float') {
        const p = x.ref.node;
        const outF = shapeOf(x.ref).at(-1)?.toInt();
        const xName = n.inputs[a.kind === 'dyn' ? 0 : 1];
        if (p.kind === 'node' && p.op === 'linear' && p.attrs.bias === false && numel(k.shape) === outF) {
          if (c.useCount(xName) === 1) {
            p.attrs = { ...p.attrs, bias: true };
            p.weights.set('bias', weight(keyOf(n, k, 1), k, [outF]));
            p.origin.push(n);
            return [{ kind: 'dyn', ref: x.ref }];
          }
        }
      }
      throw unsupported(
        n,
        `${kind} with a non-scalar constant operand of shape [${valShape(k).join(',')}]`,
        'two computed tensors, or a computed tensor and a scalar constant',
      );
    }
    switch (kind) {
      case 'Mul':
        return [node(c, n, 'scale', [x.ref], { factor: s })];
      case 'Add':
        return [node(c, n, 'offset', [x.ref], { value: s })];
      case 'Sub':
        if (!constFirst) return [node(c, n, 'offset', [x.ref], { value: -s })];
        return [
          node(c, n, 'offset', [dyn(c, n, node(c, n, 'scale', [x.ref], { factor: -1 }), 'x')], { value: s }),
        ];
      case 'Div':
        if (constFirst)
          throw unsupported(
            n,
            'Div of a constant by a computed tensor',
            'a computed tensor divided by a scalar',
          );
        if (s === 0) throw unsupported(n, 'division by a constant zero');
        return [node(c, n, 'scale', [x.ref], { factor: 1 / s })];
    }
  };
}

function broadcastShapes(n: OnnxNode, a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  const pa = [...Array<number>(r - a.length).fill(1), ...a];
  const pb = [...Array<number>(r - b.length).fill(1), ...b];
  return pa.map((x, i) => {
    if (x === pb[i] || pb[i] === 1) return x;
    if (x === 1) return pb[i];
    throw new CoordattnError('E_ONNX', `constant shapes [${a}] and [${b}] do not broadcast`, {
      path: where(n),
    });
  });
}

function foldArith(
  c: ConvertContext,
  n: OnnxNode,
  kind: 'Add' | 'Sub' | 'Mul' | 'Div',
  a: Exclude<Val, { kind: 'dyn' }>,
  b: Exclude<Val, { kind: 'dyn' }>,
): Val {
  const shape = broadcastShapes(n, a.shape, b.shape);
  c.budget.take(shape, where(n));
  const index = (src: readonly number[]) => {
    const st = stridesOf(src);
    const off = shape.length - src.length;
    return (idx: readonly number[]) => src.reduce((s, d, i) => s + (d === 1 ? 0 : idx[i + off]) * st[i], 0);
  };
  const ea = reindex(a, shape, index(a.shape));
  const eb = reindex(b, shape, index(b.shape));
  if (ea.kind === 'int' && eb.kind === 'int') {
    const data = ea.data.map((x, i) => {
      const y = eb.data[i];
      switch (kind) {
        case 'Add':
          return x.add(y);
        case 'Sub':
          return x.sub(y);
        case 'Mul':
          return x.mul(y);
        case 'Div': {
          const xv = x.toInt();
          const yv = y.toInt();
          if (yv === 0) throw new CoordattnError('E_ONNX', 'integer division by zero', { path: where(n) });
          if (xv !== undefined && yv !== undefined) return Dim.const(Math.trunc(xv / yv));
          return floor(x.div(y));
        }
      }
    });
    return { kind: 'int', shape, data };
  }
  const fa = ea.kind === 'float' ? ea.data : Float32Array.from(concreteInts(ea, 'operand', where(n)));
  const fb = eb.kind === 'float' ? eb.data : Float32Array.from(concreteInts(eb, 'operand', where(n)));
  const out = new Float32Array(fa.length);
  for (let i = 0; i < out.length; i++) {
    out[i] =
      kind === 'Add'
        ? fa[i] + fb[i]
        : kind === 'Sub'
          ? fa[i] - fb[i]
          : kind === 'Mul'
            ? fa[i] * fb[i]
            : fa[i] / fb[i];
  }
  return { kind: 'float', shape, data: out };
}

function pairOf(
  n: OnnxNode,
  name: string,
  v: readonly number[] | undefined,
  dflt: [number, number],
): [number, number] {
  if (!v) return dflt;
  if (v.length !== 2) throw unsupported(n, `${name} has ${v.length} entries`, '2 for a 2-D op');
  return [v[0], v[1]];
}

/** ONNX pads [begin..., end...] → symmetric padding per axis. */
function symmetricPads(n: OnnxNode, pads: readonly number[] | undefined, rank: number): number[] {
  if (!pads) return new Array<number>(rank).fill(0);
  if (pads.length !== 2 * rank) throw unsupported(n, `pads has ${pads.length} entries`, `${2 * rank}`);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    if (pads[i] !== pads[i + rank]) {
      throw unsupported(n, `asymmetric pads [${pads.join(',')}]`, 'equal padding at both ends of each axis');
    }
    if (pads[i] < 0) throw unsupported(n, `negative pads [${pads.join(',')}]`);
    out.push(pads[i]);
  }
  return out;
}

function checkAutoPad(n: OnnxNode): void {
  const ap = attrString(n, 'auto_pad', 'NOTSET');
  if (ap !== 'NOTSET' && ap !== 'VALID')
    throw unsupported(n, `attribute auto_pad = ${ap}`, 'NOTSET (explicit pads) or VALID');
}

const conv: Converter = (c, n, ins) => {
  checkAutoPad(n);
  const x = dyn(c, n, need(n, ins, 0), 'input X');
  const w = floatConst(n, ins[1], 'weight W');
  const b = ins[2] ? floatConst(n, ins[2], 'bias B') : undefined;
  const rank = w.shape.length - 2;
  const groups = attrInt(n, 'group', 1);
  const ks = attrInts(n, 'kernel_shape') ?? w.shape.slice(2);
  if (ks.some((k, i) => k !== w.shape[2 + i]))
    throw unsupported(n, `kernel_shape [${ks}] disagrees with W [${w.shape}]`);
  const weights = new Map<string, WeightData>([['weight', weight(keyOf(n, w, 1), w)]]);
  if (b) weights.set('bias', weight(keyOf(n, b, 2), b, [w.shape[0]]));
  if (rank === 2) {
    const pads = symmetricPads(n, attrInts(n, 'pads'), 2);
    return [
      node(
        c,
        n,
        'conv2d',
        [x],
        {
          outChannels: w.shape[0],
          kernel: [ks[0], ks[1]],
          stride: pairOf(n, 'strides', attrInts(n, 'strides'), [1, 1]),
          padding: [pads[0], pads[1]],
          dilation: pairOf(n, 'dilations', attrInts(n, 'dilations'), [1, 1]),
          groups,
          bias: !!b,
        },
        weights,
      ),
    ];
  }
  if (rank === 1) {
    const pads = attrInts(n, 'pads') ?? [0, 0];
    if (groups !== 1) throw unsupported(n, `a grouped 1-D Conv (group ${groups})`, 'group 1');
    return [
      node(
        c,
        n,
        'conv1d',
        [x],
        {
          outChannels: w.shape[0],
          inChannels: w.shape[1],
          kernel: ks[0],
          pads: [pads[0] ?? 0, pads[1] ?? 0],
          stride: (attrInts(n, 'strides') ?? [1])[0],
          dilation: (attrInts(n, 'dilations') ?? [1])[0],
          bias: !!b,
        },
        weights,
      ),
    ];
  }
  throw unsupported(n, `a ${rank}-D Conv`, 'a 2-D Conv (or the 1-D Conv of an ECA block)');
};

const batchNorm: Converter = (c, n, ins) => {
  if (attrInt(n, 'training_mode', 0) !== 0)
    throw unsupported(n, 'training_mode = 1', 'inference (training_mode 0)');
  if (n.outputs.filter((o) => o !== '').length > 1)
    throw unsupported(n, 'BatchNormalization with running-statistics outputs');
  const x = dyn(c, n, need(n, ins, 0), 'input X');
  const names = ['weight', 'bias', 'running_mean', 'running_var'];
  const weights = new Map<string, WeightData>();
  names.forEach((local, i) => {
    const v = floatConst(n, ins[i + 1], local);
    weights.set(local, weight(keyOf(n, v, i + 1), v));
  });
  return [node(c, n, 'batch_norm', [x], { eps: attrFloat(n, 'epsilon', 1e-5) }, weights)];
};

function transpose2(v: Extract<Val, { kind: 'float' }>): Extract<Val, { kind: 'float' }> {
  const [r, k] = v.shape;
  const out = new Float32Array(r * k);
  for (let i = 0; i < r; i++) for (let j = 0; j < k; j++) out[j * r + i] = v.data[i * k + j];
  return { kind: 'float', shape: [k, r], data: out, ...(v.key ? { key: `${v.key}#T` } : {}) };
}

function scaled(v: Extract<Val, { kind: 'float' }>, f: number): Extract<Val, { kind: 'float' }> {
  if (f === 1) return v;
  return {
    kind: 'float',
    shape: v.shape,
    data: v.data.map((x) => x * f),
    ...(v.key ? { key: `${v.key}#x${f}` } : {}),
  };
}

const gemm: Converter = (c, n, ins) => {
  if (attrInt(n, 'transA', 0) !== 0) throw unsupported(n, 'transA = 1', 'transA 0');
  const x = dyn(c, n, need(n, ins, 0), 'input A');
  let w = floatConst(n, ins[1], 'weight B');
  if (w.shape.length !== 2) throw unsupported(n, `weight B of rank ${w.shape.length}`, 'rank 2');
  if (attrInt(n, 'transB', 0) === 0) w = transpose2(w);
  w = scaled(w, attrFloat(n, 'alpha', 1));
  const outF = w.shape[0];
  const weights = new Map<string, WeightData>([['weight', weight(keyOf(n, w, 1), w)]]);
  if (ins[2]) {
    let b = scaled(floatConst(n, ins[2], 'bias C'), attrFloat(n, 'beta', 1));
    if (numel(b.shape) === 1 && outF !== 1)
      b = { kind: 'float', shape: [outF], data: new Float32Array(outF).fill(b.data[0]) };
    if (numel(b.shape) !== outF) throw unsupported(n, `bias C of shape [${b.shape}]`, `${outF} values`);
    weights.set('bias', weight(keyOf(n, b, 2), b, [outF]));
  }
  return [node(c, n, 'linear', [x], { outFeatures: outF, bias: !!ins[2] }, weights)];
};

const matmul: Converter = (c, n, ins) => {
  const x = dyn(c, n, need(n, ins, 0), 'input A');
  const b = ins[1];
  if (b?.kind === 'dyn')
    throw unsupported(n, 'MatMul of two computed tensors', 'a constant (weight) second operand');
  const w = floatConst(n, b, 'input B');
  if (w.shape.length !== 2) throw unsupported(n, `input B of rank ${w.shape.length}`, 'rank 2');
  const wt = transpose2(w);
  return [
    node(
      c,
      n,
      'linear',
      [x],
      { outFeatures: wt.shape[0], bias: false },
      new Map([['weight', weight(keyOf(n, wt, 1), wt)]]),
    ),
  ];
};

const clip: Converter = (c, n, ins) => {
  const x = dyn(c, n, need(n, ins, 0), 'input');
  let lo: number | undefined;
  let hi: number | undefined;
  if (c.opset < 11) {
    lo = attr(n, 'min') ? attrFloat(n, 'min', 0) : undefined;
    hi = attr(n, 'max') ? attrFloat(n, 'max', 0) : undefined;
  } else {
    lo = ins[1] ? scalarOf(n, floatConst(n, ins[1], 'min'), 'min') : undefined;
    hi = ins[2] ? scalarOf(n, floatConst(n, ins[2], 'max'), 'max') : undefined;
  }
  if (lo === 0 && hi === 6) return [node(c, n, 'relu6', [x], {})];
  if (lo === 0 && hi === undefined) return [node(c, n, 'relu', [x], {})];
  if (lo === undefined && hi === undefined) return [{ kind: 'dyn', ref: x }];
  return [node(c, n, 'clip', [x], { min: lo ?? null, max: hi ?? null })];
};

const hardSigmoid: Converter = (c, n, ins) => {
  const x = dyn(c, n, need(n, ins, 0), 'input');
  const alpha = attrFloat(n, 'alpha', 0.2);
  const beta = attrFloat(n, 'beta', 0.5);
  if (Math.abs(alpha - 1 / 6) < EPS && Math.abs(beta - 0.5) < EPS)
    return [node(c, n, 'hard_sigmoid', [x], {})];
  const s = node(c, n, 'scale', [x], { factor: alpha });
  const o = node(c, n, 'offset', [dyn(c, n, s, 'x')], { value: beta });
  return [node(c, n, 'clip', [dyn(c, n, o, 'x')], { min: 0, max: 1 })];
};

function reduce(kind: 'mean' | 'max'): Converter {
  return (c, n, ins) => {
    const x = dyn(c, n, need(n, ins, 0), 'input data');
    const shape = shapeOf(x);
    const keep = attrInt(n, 'keepdims', 1) === 1;
    let axes = axesInput(c, n, ins, 18);
    if (axes === undefined) {
      if (attrInt(n, 'noop_with_empty_axes', 0) === 1) return [{ kind: 'dyn', ref: x }];
      axes = shape.map((_, i) => i);
    }
    const ax = [...new Set(axes.map((a) => axisOf(n, a, shape.length, 'axes entry')))].sort();
    if (shape.length !== 4)
      throw unsupported(n, `a reduction over a rank-${shape.length} input`, 'a 4-D NCHW input');
    const key = ax.join(',');
    let v: Val;
    if (key === '2,3') v = node(c, n, kind === 'mean' ? 'global_avg_pool' : 'global_max_pool', [x], {});
    else if (key === '1') v = node(c, n, 'channel_reduce', [x], { reduce: kind });
    else if (kind === 'mean' && key === '3') v = node(c, n, 'directional_mean', [x], { over: 'W' });
    else if (kind === 'mean' && key === '2') v = node(c, n, 'directional_mean', [x], { over: 'H' });
    else {
      throw unsupported(
        n,
        `Reduce${kind === 'mean' ? 'Mean' : 'Max'} over axes [${ax.join(',')}]`,
        kind === 'mean' ? 'axes [2,3], [1], [2] or [3] of NCHW' : 'axes [2,3] or [1] of NCHW',
      );
    }
    if (keep) return [v];
    const ref = dyn(c, n, v, 'reduced');
    return [
      reshapeDyn(
        c,
        n,
        ref,
        shapeOf(ref).filter((_, i) => !ax.includes(i)),
      ),
    ];
  };
}

function pool(kind: 'avg' | 'max'): Converter {
  return (c, n, ins) => {
    checkAutoPad(n);
    if (n.outputs.filter((o) => o !== '').length > 1) throw unsupported(n, 'MaxPool with an Indices output');
    const x = dyn(c, n, need(n, ins, 0), 'input X');
    const shape = shapeOf(x);
    if (shape.length !== 4)
      throw unsupported(n, `a pool over a rank-${shape.length} input`, 'a 4-D NCHW input');
    const kernel = pairOf(n, 'kernel_shape', attrInts(n, 'kernel_shape'), [0, 0]);
    if (kernel[0] < 1 || kernel[1] < 1) throw unsupported(n, 'kernel_shape missing or not positive');
    const stride = pairOf(n, 'strides', attrInts(n, 'strides'), [1, 1]);
    const pads = symmetricPads(n, attrInts(n, 'pads'), 2);
    const dil = attrInts(n, 'dilations');
    if (dil && dil.some((d) => d !== 1)) throw unsupported(n, `dilations [${dil}]`, 'dilation 1');
    if (attrInt(n, 'storage_order', 0) !== 0) throw unsupported(n, 'storage_order 1', 'row-major (0)');
    const ceilMode = attrInt(n, 'ceil_mode', 0) === 1;
    const h = shape[2].toInt();
    const w = shape[3].toInt();
    const noPad = pads[0] === 0 && pads[1] === 0;
    if (noPad && h === kernel[0] && w === kernel[1]) {
      return [node(c, n, kind === 'avg' ? 'global_avg_pool' : 'global_max_pool', [x], {})];
    }
    if (kind === 'avg' && noPad && kernel[0] === 1 && stride[0] === 1 && w === kernel[1]) {
      return [node(c, n, 'directional_mean', [x], { over: 'W' })];
    }
    if (kind === 'avg' && noPad && kernel[1] === 1 && stride[1] === 1 && h === kernel[0]) {
      return [node(c, n, 'directional_mean', [x], { over: 'H' })];
    }
    const attrs: Record<string, unknown> = { kernel, stride, padding: [pads[0], pads[1]], ceilMode };
    if (kind === 'avg') attrs.countIncludePad = attrInt(n, 'count_include_pad', 0) === 1;
    return [node(c, n, kind === 'avg' ? 'avg_pool2d' : 'max_pool2d', [x], attrs)];
  };
}

const globalPool =
  (op: 'global_avg_pool' | 'global_max_pool'): Converter =>
  (c, n, ins) => {
    const x = dyn(c, n, need(n, ins, 0), 'input X');
    if (shapeOf(x).length !== 4) throw unsupported(n, 'a global pool over a non-4-D input', 'NCHW');
    return [node(c, n, op, [x], {})];
  };

const concat: Converter = (c, n, ins) => {
  const vals = ins.map((_, i) => need(n, ins, i));
  const rank = valShape(vals[0]).length;
  const axis = axisOf(n, attrInt(n, 'axis', 0), rank);
  if (vals.every((v) => v.kind !== 'dyn')) {
    const consts = vals as Exclude<Val, { kind: 'dyn' }>[];
    if (rank !== 1)
      throw unsupported(n, `Concat of rank-${rank} constants`, 'rank-1 constants (shape arithmetic)');
    const len = consts.reduce((s, v) => s + v.shape[0], 0);
    c.budget.take([len], where(n));
    if (consts.every((v) => v.kind === 'int')) {
      return [
        {
          kind: 'int',
          shape: [len],
          data: consts.flatMap((v) => [...(v as Extract<Val, { kind: 'int' }>).data]),
        },
      ];
    }
    const data = new Float32Array(len);
    let o = 0;
    for (const v of consts) {
      const f = floatConst(n, v, 'input');
      data.set(f.data, o);
      o += f.data.length;
    }
    return [{ kind: 'float', shape: [len], data }];
  }
  const refs = vals.map((v, i) => dyn(c, n, v, `input ${i}`));
  if (refs.length === 1) return [{ kind: 'dyn', ref: refs[0] }];
  return [node(c, n, 'concat', refs, { axis })];
};

const split: Converter = (c, n, ins) => {
  const x = dyn(c, n, need(n, ins, 0), 'input');
  const shape = shapeOf(x);
  const axis = axisOf(n, attrInt(n, 'axis', 0), shape.length);
  const outs = n.outputs.length;
  let sizes: Dim[];
  const given =
    c.opset >= 13 ? (ins[1] ? concreteInts(ins[1], 'split', where(n)) : undefined) : attrInts(n, 'split');
  if (given) {
    if (given.length !== outs)
      throw new CoordattnError('E_ONNX', `split has ${given.length} sizes for ${outs} outputs`, {
        path: where(n),
      });
    sizes = given.map((s) => Dim.const(s));
  } else {
    const d = shape[axis].toInt();
    if (d === undefined) throw unsupported(n, 'an equal Split of a symbolic axis');
    const each = Math.ceil(d / outs);
    sizes = Array.from({ length: outs }, (_, i) => Dim.const(Math.max(0, Math.min(each, d - each * i))));
  }
  if (outs === 1) return [{ kind: 'dyn', ref: x }];
  const p = c.pg.add('split', [x], { axis, sizes }, [n]);
  return p.shapes.map((_, i) => ({ kind: 'dyn', ref: { node: p, out: i } }) as Val);
};

/** ONNX Slice index normalisation for one axis of (possibly symbolic) length d. */
function sliceBounds(
  n: OnnxNode,
  d: Dim,
  start: number,
  end: number,
  step: number,
): { start: number; end: Dim | number } {
  if (step < 1) throw unsupported(n, `Slice step ${step}`, 'a positive step');
  const dv = d.toInt();
  if (dv === undefined) {
    if (start < 0 || end < 0) throw unsupported(n, 'negative Slice bounds on a symbolic axis');
    return { start, end: end >= Number.MAX_SAFE_INTEGER / 2 ? d : end };
  }
  const norm = (v: number): number => Math.min(Math.max(v < 0 ? v + dv : v, 0), dv);
  return { start: norm(start), end: norm(end) };
}

const slice: Converter = (c, n, ins) => {
  const data = need(n, ins, 0);
  let starts: number[], ends: number[], axes: number[] | undefined, steps: number[] | undefined;
  if (c.opset >= 10) {
    starts = concreteInts(need(n, ins, 1), 'starts', where(n));
    ends = concreteInts(need(n, ins, 2), 'ends', where(n));
    axes = ins[3] ? concreteInts(ins[3], 'axes', where(n)) : undefined;
    steps = ins[4] ? concreteInts(ins[4], 'steps', where(n)) : undefined;
  } else {
    starts = attrInts(n, 'starts') ?? [];
    ends = attrInts(n, 'ends') ?? [];
    axes = attrInts(n, 'axes');
  }
  const shape = valShape(data);
  const ax = (axes ?? starts.map((_, i) => i)).map((a) => axisOf(n, a, shape.length, 'axes entry'));
  if (starts.length !== ax.length || ends.length !== ax.length)
    throw new CoordattnError('E_ONNX', 'starts, ends and axes differ in length', { path: where(n) });
  if (data.kind !== 'dyn') {
    if (shape.length !== 1) throw unsupported(n, `Slice of a rank-${shape.length} constant`, 'rank 1');
    const b = sliceBounds(n, shape[0], starts[0], ends[0], steps?.[0] ?? 1);
    const st = steps?.[0] ?? 1;
    const len = Math.max(0, Math.ceil(((b.end as number) - b.start) / st));
    return [reindex(data, [len], ([i]) => b.start + i * st)];
  }
  let ref = data.ref;
  ax.forEach((axis, i) => {
    const d = shapeOf(ref)[axis];
    const step = steps?.[i] ?? 1;
    const b = sliceBounds(n, d, starts[i], ends[i], step);
    const whole =
      b.start === 0 &&
      step === 1 &&
      (typeof b.end === 'number' ? Dim.const(b.end).equals(d) : b.end.equals(d));
    if (whole) return;
    if (typeof b.end !== 'number') throw unsupported(n, 'a Slice to the end of a symbolic axis');
    if (b.end <= b.start) throw unsupported(n, `an empty Slice [${b.start}:${b.end}] of axis ${axis}`);
    ref = (
      node(c, n, 'slice', [ref], { axis, start: b.start, end: b.end, step }) as Extract<Val, { kind: 'dyn' }>
    ).ref;
  });
  return [{ kind: 'dyn', ref }];
};

function shapeFromInput(
  c: ConvertContext,
  n: OnnxNode,
  v: Val | undefined,
  x: Shape,
  allowZero: boolean,
): Shape {
  if (!v || v.kind === 'dyn')
    throw unsupported(n, 'a shape that is not constant', 'a constant (or folded) shape');
  const dims: Dim[] = v.kind === 'int' ? [...v.data] : Array.from(v.data, (d) => Dim.const(d));
  let unknown = -1;
  const out = dims.map((d, i) => {
    const k = d.toInt();
    if (k === 0 && !allowZero) {
      if (i >= x.length) throw unsupported(n, `shape entry ${i} copies a dim the input lacks`);
      return x[i];
    }
    if (k === -1) {
      if (unknown >= 0)
        throw new CoordattnError('E_ONNX', 'two -1 entries in a Reshape shape', { path: where(n) });
      unknown = i;
      return Dim.const(1);
    }
    if (k !== undefined && k < 0)
      throw new CoordattnError('E_ONNX', `Reshape shape entry ${k}`, { path: where(n) });
    return d;
  });
  if (unknown >= 0) {
    const total = x.reduce((p, d) => p.mul(d), Dim.const(1));
    const rest = out.reduce((p, d) => p.mul(d), Dim.const(1));
    const q = total.div(rest);
    if (!q.isIntegerValued())
      throw unsupported(n, `Reshape -1 does not divide evenly (${total.toString()} / ${rest.toString()})`);
    out[unknown] = q;
  }
  return out;
}

const reshape: Converter = (c, n, ins) => {
  const x = need(n, ins, 0);
  const target = shapeFromInput(c, n, ins[1], valShape(x), attrInt(n, 'allowzero', 0) === 1);
  if (x.kind !== 'dyn') return [reshapeConst(x, concreteShape(n, target, 'Reshape of a constant:'))];
  return [reshapeDyn(c, n, x.ref, target)];
};

const flatten: Converter = (c, n, ins) => {
  const x = need(n, ins, 0);
  const s = valShape(x);
  const axis = attrInt(n, 'axis', 1);
  const a = axis < 0 ? axis + s.length : axis;
  if (a < 0 || a > s.length) throw unsupported(n, `axis ${axis} is out of range for rank ${s.length}`);
  const prod = (ds: readonly Dim[]): Dim => ds.reduce((p, d) => p.mul(d), Dim.const(1));
  const target = [prod(s.slice(0, a)), prod(s.slice(a))];
  if (x.kind !== 'dyn') return [reshapeConst(x, concreteShape(n, target, 'Flatten of a constant:'))];
  if (a === 1 && s.length > 2) return [node(c, n, 'flatten', [x.ref], { startDim: 1 })];
  return [reshapeDyn(c, n, x.ref, target)];
};

const squeezeLike =
  (kind: 'squeeze' | 'unsqueeze'): Converter =>
  (c, n, ins) => {
    const x = need(n, ins, 0);
    const s = valShape(x);
    const axes = axesInput(c, n, ins, 13);
    let target: Dim[];
    if (kind === 'squeeze') {
      const ax = axes
        ? axes.map((a) => axisOf(n, a, s.length))
        : s.map((d, i) => (d.toInt() === 1 ? i : -1)).filter((i) => i >= 0);
      ax.forEach((a) => {
        if (s[a].toInt() !== 1)
          throw unsupported(n, `Squeeze of axis ${a} whose size is ${s[a].toString()}`, 'a size-1 axis');
      });
      target = s.filter((_, i) => !ax.includes(i));
    } else {
      if (!axes) throw new CoordattnError('E_ONNX', 'Unsqueeze without axes', { path: where(n) });
      const r = s.length + axes.length;
      const ax = axes.map((a) => axisOf(n, a, r));
      target = [];
      let k = 0;
      for (let i = 0; i < r; i++) target.push(ax.includes(i) ? Dim.const(1) : s[k++]);
    }
    if (x.kind !== 'dyn') return [reshapeConst(x, concreteShape(n, target, `${kind} of a constant:`))];
    return [reshapeDyn(c, n, x.ref, target)];
  };

const transpose: Converter = (c, n, ins) => {
  const x = need(n, ins, 0);
  const s = valShape(x);
  const perm = attrInts(n, 'perm') ?? s.map((_, i) => s.length - 1 - i);
  if (x.kind !== 'dyn') {
    const src = concreteShape(n, s, 'Transpose of a constant:');
    const st = stridesOf(src);
    return [
      reindex(
        x,
        perm.map((p) => src[p]),
        (idx) => idx.reduce((o, v, i) => o + v * st[perm[i]], 0),
      ),
    ];
  }
  if (perm.every((p, i) => p === i)) return [x];
  return [node(c, n, 'permute', [x.ref], { perm })];
};

const shape: Converter = (c, n, ins) => {
  const s = valShape(need(n, ins, 0));
  const r = s.length;
  const norm = (v: number): number => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  const start = norm(attrInt(n, 'start', 0));
  const end = norm(attrInt(n, 'end', r));
  const dims = s.slice(start, Math.max(start, end));
  return [{ kind: 'int', shape: [dims.length], data: dims }];
};

const gather: Converter = (c, n, ins) => {
  const data = need(n, ins, 0);
  const idx = need(n, ins, 1);
  if (data.kind === 'dyn')
    throw unsupported(n, 'Gather from a computed tensor', 'Gather from a constant (shape arithmetic)');
  const ds = data.shape;
  const axis = axisOf(n, attrInt(n, 'axis', 0), ds.length);
  const ix = concreteInts(idx, 'indices', where(n)).map((i) => {
    const k = i < 0 ? i + ds[axis] : i;
    if (k < 0 || k >= ds[axis])
      throw new CoordattnError('E_ONNX', `Gather index ${i} is out of range for size ${ds[axis]}`, {
        path: where(n),
      });
    return k;
  });
  const idxShape = idx.kind === 'dyn' ? [] : idx.shape;
  const outShape = [...ds.slice(0, axis), ...idxShape, ...ds.slice(axis + 1)];
  c.budget.take(outShape, where(n));
  const st = stridesOf(ds);
  const ir = idxShape.length;
  const ist = stridesOf(idxShape);
  return [
    reindex(data, outShape, (o) => {
      let off = 0;
      for (let i = 0; i < axis; i++) off += o[i] * st[i];
      let flat = 0;
      for (let i = 0; i < ir; i++) flat += o[axis + i] * ist[i];
      off += ix[flat] * st[axis];
      for (let i = axis + 1; i < ds.length; i++) off += o[i + ir - 1] * st[i];
      return off;
    }),
  ];
};

const cast: Converter = (c, n, ins) => {
  const x = need(n, ins, 0);
  const to = attrInt(n, 'to', 1);
  const isFloat = to === 1 || to === 10 || to === 11 || to === 16;
  const isInt = to === 6 || to === 7;
  if (x.kind === 'dyn') {
    if (isFloat) return [x];
    throw unsupported(n, `Cast of a computed tensor to dtype ${to}`, 'a float type');
  }
  if (isFloat) return [floatConst(n, x, 'input')];
  if (isInt) {
    if (x.kind === 'int') return [x];
    return [{ kind: 'int', shape: x.shape, data: Array.from(x.data, (v) => Dim.const(Math.trunc(v))) }];
  }
  throw unsupported(n, `Cast to dtype ${to}`, 'float or int types');
};

const constant: Converter = (c, n) => {
  const keys = [...n.attrs.keys()];
  if (keys.length !== 1)
    throw new CoordattnError('E_ONNX', `Constant needs exactly one value attribute, has ${keys.length}`, {
      path: where(n),
    });
  const a = n.attrs.get(keys[0])!;
  switch (a.kind) {
    case 'tensor':
      return [c.tensorFromAttr(a.value, where(n))];
    case 'float':
      return [{ kind: 'float', shape: [], data: Float32Array.of(a.value) }];
    case 'floats':
      return [{ kind: 'float', shape: [a.value.length], data: Float32Array.from(a.value) }];
    case 'int':
      return [{ kind: 'int', shape: [], data: [Dim.const(a.value)] }];
    case 'ints':
      return [{ kind: 'int', shape: [a.value.length], data: a.value.map((v) => Dim.const(v)) }];
    default:
      throw unsupported(n, `Constant with a ${a.kind} value`, 'a tensor, float(s) or int(s)');
  }
};

const constantOfShape: Converter = (c, n, ins) => {
  const s = concreteInts(need(n, ins, 0), 'shape', where(n));
  c.budget.take(s, where(n));
  const a = attr(n, 'value');
  const v = a?.kind === 'tensor' ? c.tensorFromAttr(a.value, where(n)) : undefined;
  const size = numel(s);
  if (v?.kind === 'int') return [{ kind: 'int', shape: s, data: new Array<Dim>(size).fill(v.data[0]) }];
  const x = v?.kind === 'float' ? v.data[0] : 0;
  return [{ kind: 'float', shape: s, data: new Float32Array(size).fill(x) }];
};

const expand: Converter = (c, n, ins) => {
  const x = need(n, ins, 0);
  const target = shapeFromInput(c, n, ins[1], valShape(x), true);
  if (x.kind !== 'dyn') throw unsupported(n, 'Expand of a constant');
  return [node(c, n, 'expand', [x.ref], { shape: target })];
};

/** Equal of constants (torch's `expand(-1, …)` emits `Where(Equal(shape, -1), 1, shape)`). */
const equal: Converter = (c, n, ins) => {
  const a = need(n, ins, 0);
  const b = need(n, ins, 1);
  if (a.kind === 'dyn' || b.kind === 'dyn')
    throw unsupported(n, 'Equal of computed tensors', 'constants (shape arithmetic)');
  const d = (v: Exclude<Val, { kind: 'dyn' }>): Dim[] =>
    v.kind === 'int' ? [...v.data] : Array.from(v.data, (x) => Dim.const(x));
  const shape = broadcastShapes(n, a.shape, b.shape);
  if (numel(a.shape) !== numel(shape) && numel(a.shape) !== 1)
    throw unsupported(n, 'Equal with broadcasting of the first operand');
  const da = d(a);
  const db = d(b);
  const at = (xs: Dim[], i: number): Dim => xs[xs.length === 1 ? 0 : i];
  const data = Array.from({ length: numel(shape) }, (_, i) => Dim.const(at(da, i).equals(at(db, i)) ? 1 : 0));
  return [{ kind: 'int', shape, data }];
};

/** Where over constants: cond ? x : y elementwise (same shapes, or scalars). */
const where_: Converter = (c, n, ins) => {
  const [cond, x, y] = [need(n, ins, 0), need(n, ins, 1), need(n, ins, 2)];
  if (cond.kind === 'dyn' || x.kind === 'dyn' || y.kind === 'dyn')
    throw unsupported(n, 'Where over computed tensors', 'constants (shape arithmetic)');
  const shape = broadcastShapes(n, broadcastShapes(n, cond.shape, x.shape), y.shape);
  const size = numel(shape);
  const flat = (v: Exclude<Val, { kind: 'dyn' }>): Dim[] => {
    const xs = v.kind === 'int' ? [...v.data] : Array.from(v.data, (t) => Dim.const(t));
    if (xs.length === size) return xs;
    if (xs.length === 1) return new Array<Dim>(size).fill(xs[0]);
    throw unsupported(n, 'Where with partial broadcasting', 'operands of one shape, or scalars');
  };
  const cs = flat(cond);
  const xs = flat(x);
  const ys = flat(y);
  const data = cs.map((cv, i) => (cv.toInt() !== 0 ? xs[i] : ys[i]));
  if (x.kind === 'float' || y.kind === 'float') {
    return [
      {
        kind: 'float',
        shape,
        data: Float32Array.from(concreteInts({ kind: 'int', shape, data }, 'Where', where(n))),
      },
    ];
  }
  return [{ kind: 'int', shape, data }];
};

/** Pad: only the form that changes nothing (all pads zero, constant mode) — torch emits it before pools. */
const pad: Converter = (c, n, ins) => {
  const x = need(n, ins, 0);
  const mode = attrString(n, 'mode', 'constant');
  const pads =
    c.opset >= 11 ? (ins[1] ? concreteInts(ins[1], 'pads', where(n)) : []) : (attrInts(n, 'pads') ?? []);
  if (pads.every((p) => p === 0)) return [x];
  throw unsupported(
    n,
    `Pad (${mode}) by [${pads.join(',')}]`,
    'zero pads (padding belongs in the Conv or pool that follows)',
  );
};

const passThrough: Converter = (c, n, ins) => [need(n, ins, 0)];

/** An optional input left out: no name, or an empty tensor (opset 11–12 exports). */
function absent(v: Val | undefined): boolean {
  return v === undefined || numel(valShape(v).map((d) => d.toInt() ?? 1)) === 0;
}

/**
 * Resize (opset 11+) → `resize`: mode `linear` on the two spatial axes of an NCHW input with
 * coordinate_transformation_mode `half_pixel` (PyTorch's bilinear align_corners=False), or
 * `pytorch_half_pixel` (what torch.onnx writes for it; the same unless an output size is 1). The
 * output size comes from `sizes`, or from `scales` [1, 1, sh, sw] when H·sh and W·sw are integers.
 */
const resizeOp: Converter = (c, n, ins) => {
  if (c.opset < 11) throw unsupported(n, `Resize of opset ${c.opset}`, 'opset 11 or later');
  const x = dyn(c, n, need(n, ins, 0), 'input 0');
  const s = shapeOf(x);
  if (s.length !== 4) throw unsupported(n, `Resize of a rank-${s.length} input`, 'an NCHW (rank 4) input');
  const mode = attrString(n, 'mode', 'nearest');
  if (mode !== 'linear') throw unsupported(n, `attribute mode '${mode}'`, "mode 'linear' (bilinear)");
  const ctm = attrString(n, 'coordinate_transformation_mode', 'half_pixel');
  if (ctm !== 'half_pixel' && ctm !== 'pytorch_half_pixel') {
    throw unsupported(
      n,
      `attribute coordinate_transformation_mode '${ctm}'`,
      "'half_pixel' or 'pytorch_half_pixel' (PyTorch's align_corners=False)",
    );
  }
  if (attrInt(n, 'exclude_outside', 0) !== 0) throw unsupported(n, 'attribute exclude_outside 1', '0');
  if (attrInt(n, 'antialias', 0) !== 0) throw unsupported(n, 'attribute antialias 1', '0');
  if (attr(n, 'axes') !== undefined) throw unsupported(n, 'attribute axes', 'sizes or scales for all 4 axes');
  let size: Dim[];
  if (!absent(ins[3])) {
    const v = ins[3]!;
    if (v.kind !== 'int') throw unsupported(n, 'sizes that are not constant', 'constant (or folded) sizes');
    size = [...v.data];
  } else if (!absent(ins[2])) {
    const sc = Array.from(floatConst(n, ins[2], 'scales').data);
    if (sc.length !== 4) throw unsupported(n, `${sc.length} scales`, '4 (N, C, H, W)');
    size = s.map((d, i) => d.mul(Dim.const(sc[i])));
    if (size.some((d, i) => !d.isIntegerValued() || (i < 2 && !d.equals(s[i]))))
      throw unsupported(
        n,
        `scales [${sc.join(', ')}] of [${s.join(',')}]`,
        'scales 1, 1 and integer output sizes',
      );
  } else {
    throw new CoordattnError('E_ONNX', 'Resize needs scales or sizes', { path: where(n) });
  }
  if (size.length !== 4) throw unsupported(n, `${size.length} sizes`, '4 (N, C, H, W)');
  if (!size[0].equals(s[0]) || !size[1].equals(s[1]))
    throw unsupported(n, 'a Resize of the batch or channel axis', 'N and C kept');
  const [ho, wo] = [size[2], size[3]];
  const one = (d: Dim): boolean => d.toInt() === 1;
  if (ctm === 'pytorch_half_pixel' && ((one(ho) && !one(s[2])) || (one(wo) && !one(s[3])))) {
    throw unsupported(
      n,
      "attribute coordinate_transformation_mode 'pytorch_half_pixel' with an output size of 1",
      "'half_pixel'",
    );
  }
  return [node(c, n, 'resize', [x], { size: [ho, wo] })];
};

const dropout: Converter = (c, n, ins) => {
  if (n.outputs.filter((o) => o !== '').length > 1) throw unsupported(n, 'Dropout with a mask output');
  return [need(n, ins, 0)];
};

/** The supported op types of the default domain. */
export const CONVERTERS: Readonly<Record<string, Converter>> = {
  Add: arithmetic('Add'),
  AveragePool: pool('avg'),
  BatchNormalization: batchNorm,
  Cast: cast,
  Clip: clip,
  Concat: concat,
  Constant: constant,
  ConstantOfShape: constantOfShape,
  Conv: conv,
  Div: arithmetic('Div'),
  Dropout: dropout,
  Equal: equal,
  Expand: expand,
  Flatten: flatten,
  Gather: gather,
  Gemm: gemm,
  GlobalAveragePool: globalPool('global_avg_pool'),
  GlobalMaxPool: globalPool('global_max_pool'),
  HardSigmoid: hardSigmoid,
  HardSwish: unary('hard_swish'),
  Identity: passThrough,
  MatMul: matmul,
  MaxPool: pool('max'),
  Mul: arithmetic('Mul'),
  Pad: pad,
  ReduceMax: reduce('max'),
  ReduceMean: reduce('mean'),
  Relu: unary('relu'),
  Reshape: reshape,
  Resize: resizeOp,
  Shape: shape,
  Sigmoid: unary('sigmoid'),
  Slice: slice,
  Split: split,
  Squeeze: squeezeLike('squeeze'),
  Sub: arithmetic('Sub'),
  Transpose: transpose,
  Unsqueeze: squeezeLike('unsqueeze'),
  Where: where_,
};

export const SUPPORTED_OPS = Object.keys(CONVERTERS).sort();

export function convertNode(
  c: ConvertContext,
  n: OnnxNode,
  ins: readonly (Val | undefined)[],
): (Val | undefined)[] {
  if (n.domain !== '' && n.domain !== 'ai.onnx') {
    throw new CoordattnError('E_UNSUPPORTED', `op ${n.opType} of domain '${n.domain}' is not supported`, {
      path: where(n),
      expected: 'ops of the default ai.onnx domain',
    });
  }
  const conv = CONVERTERS[n.opType];
  if (!conv) {
    throw new CoordattnError('E_UNSUPPORTED', `op type ${n.opType} is not supported`, {
      path: where(n),
      expected: `one of ${SUPPORTED_OPS.join(', ')}`,
    });
  }
  return conv(c, n, ins);
}

export type { PNode };
export { describeOnnx };
