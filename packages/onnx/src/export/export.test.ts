/**
 * Unit tests of the exporter on the decoded ModelProto: initializers bit-identical to
 * Float32Array.from(weights), names (graph, nodes, values, initializers), one initializer for
 * shared weights, dim_param for a symbolic batch, and the errors.
 */
import { describe, expect, it } from 'vitest';
import {
  attention,
  buildBackbone,
  CoordattnError,
  Dim,
  Graph,
  GraphBuilder,
  OP_NAMES,
  parseDim,
} from '@coordattn/ir';
import { initWeights, run, uniformTensor } from '@coordattn/reference';
import { decodeExport, runOrt, valueDims } from '../testing/ort.js';
import { exportOnnx, onnxValueName } from './export.js';
import { EXPORT_RULES, reshapeShape } from './rules.js';
import { compare, FLOAT32_TOLERANCE, describeComparison } from '@coordattn/reference';

const small = (batch: Dim | number = 1) =>
  buildBackbone('mobilenetv2', {
    width: 0.35,
    height: 32,
    widthPx: 40,
    classes: 10,
    batch,
    attention: { kind: 'ca' },
  });

function codeOf(fn: () => unknown): CoordattnError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CoordattnError) return e;
    throw e;
  }
  throw new Error('expected a CoordattnError');
}

describe('exportOnnx: the model', () => {
  const graph = small();
  const weights = initWeights(graph, 7, { randomBnStats: true, randomBias: true });
  const { model, graph: g } = decodeExport(exportOnnx(graph, weights));

  it('is IR version 8, opset 17, produced by coordattn, named after the model', () => {
    expect(Number(model.irVersion)).toBe(8);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    expect(model.producerName).toBe('coordattn');
    expect(g.name).toBe('mobilenetv2-ca');
    const meta = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
    expect(JSON.parse(meta['coordattn.backbone'])).toBe('mobilenetv2');
    expect(JSON.parse(meta['coordattn.attention'])).toBe('ca');
  });

  it('has one float32 initializer per parameter, named by its id, bit-identical to Float32Array.from', () => {
    const byName = new Map(g.initializer.map((t) => [t.name, t]));
    for (const [id, t] of weights) {
      const init = byName.get(id);
      expect(init, id).toBeDefined();
      expect(init!.dataType).toBe(1);
      expect(init!.dims.map(Number)).toEqual(t.shape);
      const want = new Uint8Array(Float32Array.from(t.data).buffer);
      expect(Buffer.from(init!.rawData).equals(Buffer.from(want)), id).toBe(true);
    }
    // Every other initializer is a per-node constant named `<path>.<what>`.
    for (const t of g.initializer) {
      if (!weights.has(t.name))
        expect(graph.has(t.name.slice(0, t.name.lastIndexOf('.'))), t.name).toBe(true);
    }
  });

  it('names every ONNX node by its IR path (helpers `path/<step>`), uniquely, with the op in doc_string', () => {
    const names = g.node.map((n) => n.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of graph.nodes) expect(names).toContain(n.path);
    for (const name of names) expect(graph.has(name.split('/')[0]), name).toBe(true);
    const conv = g.node.find((n) => n.name === 'features.3.conv.attention.conv1')!;
    expect(conv.opType).toBe('Conv');
    expect(conv.docString).toContain('coordattn op conv2d');
    expect(conv.docString).toContain('block features.3.conv.attention');
    const split = g.node.find((n) => n.name === 'features.3.conv.attention.split')!;
    expect(split.output).toEqual(['features.3.conv.attention.split', 'features.3.conv.attention.split:1']);
  });

  it('keeps the graph input and output names, with their shapes', () => {
    expect(g.input.map((v) => v.name)).toEqual(['input']);
    expect(valueDims(g.input[0])).toEqual([1, 3, 32, 40]);
    expect(g.output.map((v) => v.name)).toEqual(graph.outputs.map(onnxValueName));
    expect(valueDims(g.output[0])).toEqual([1, 10]);
    // Every intermediate IR value has a value_info.
    expect(g.valueInfo.length).toBe(graph.nodes.reduce((s, n) => s + n.outputs.length, 0) - 1);
  });
});

describe('exportOnnx: shared weights', () => {
  it("CBAM's shared MLP is one initializer read by both Gemm nodes", () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2, 16, 5, 7]);
    b.output(attention(b, x, { kind: 'cbam', config: { reduction: 4 } }));
    const graph = b.build();
    const weights = initWeights(graph, 3, { randomBias: true });
    const g = decodeExport(exportOnnx(graph, weights)).graph;
    const counts = new Map<string, number>();
    for (const t of g.initializer) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    for (const id of graph.params.keys()) expect(counts.get(id), id).toBe(1);
    const w = 'attention.channel_gate.mlp.1.weight';
    const readers = g.node.filter((n) => n.input.includes(w));
    expect(readers.map((n) => [n.name, n.opType])).toEqual([
      ['attention.channel_gate.mlp.1', 'Gemm'],
      ['attention.channel_gate.mlp.1@1', 'Gemm'],
    ]);
  });
});

describe('exportOnnx: symbolic dims', () => {
  it('a symbolic batch N becomes dim_param N on the input, the outputs and the value infos', () => {
    const graph = small(Dim.sym('N'));
    const g = decodeExport(exportOnnx(graph, initWeights(graph, 1))).graph;
    expect(valueDims(g.input[0])).toEqual(['N', 3, 32, 40]);
    expect(valueDims(g.output[0])).toEqual(['N', 10]);
    expect(g.valueInfo.every((v) => valueDims(v)[0] === 'N')).toBe(true);
  });

  it('an expression dim is E_EVAL naming the node', () => {
    const graph = buildBackbone('resnet18', { height: Dim.sym('H'), widthPx: 40, classes: 10 });
    const e = codeOf(() => exportOnnx(graph, initWeights(buildBackbone('resnet18', { classes: 10 }), 1)));
    expect(e.code).toBe('E_EVAL');
    expect(e.message).toMatch(/^E_EVAL at conv1: output 0 dim 2 is the expression floor\(/);
    expect(e.message).toContain('a constant or a plain symbol');
  });

  it('an expression dim on a graph input is E_EVAL naming the input', () => {
    const graph = new Graph();
    graph.addInput('x', [Dim.const(1), parseDim('2 * C'), Dim.const(3), Dim.const(4)]);
    graph.addNode({ path: 'r', op: 'relu', inputs: ['x'] });
    graph.addOutput('r');
    const e = codeOf(() => exportOnnx(graph, new Map()));
    expect(e.message).toMatch(/^E_EVAL at x: input dim 1 is the expression 2/);
  });

  it('reshape targets: a symbol copied from the same input position is 0, another symbol −1 once', () => {
    expect(reshapeShape(['N', 64], ['N', 64, 1, 1], 'r')).toEqual([0, 64, 1, 1]);
    expect(reshapeShape(['N', 64, 1, 1], ['N', 64], 'r')).toEqual([0, 64]);
    expect(reshapeShape([64, 'N'], ['N', 64], 'r')).toEqual([-1, 64]);
    expect(codeOf(() => reshapeShape(['C', 'N'], ['N', 'C'], 'r')).message).toMatch(
      /^E_EVAL at r: reshape target has two symbolic dims \(N, C\)/,
    );
  });
});

describe('exportOnnx: errors and edges', () => {
  it('missing or mis-shaped weights are the weights-file errors', () => {
    const graph = small();
    const weights = new Map(initWeights(graph, 1));
    weights.delete('features.0.0.weight');
    expect(codeOf(() => exportOnnx(graph, weights)).message).toContain(
      'missing 1 tensor(s): features.0.0.weight',
    );
  });

  it('an unsupported opset is E_OPTION', () => {
    const graph = small();
    expect(codeOf(() => exportOnnx(graph, initWeights(graph, 1), { opset: 18 as 17 })).code).toBe('E_OPTION');
  });

  it('a graph output listed twice is E_GRAPH', () => {
    const graph = new Graph();
    graph.addInput('x', [Dim.const(1), Dim.const(2)]);
    graph.addNode({ path: 'r', op: 'relu', inputs: ['x'] });
    graph.addOutput('r');
    graph.addOutput('r:0');
    expect(codeOf(() => exportOnnx(graph, new Map())).message).toBe(
      "E_GRAPH at outputs: graph output 'r' is listed twice (expected distinct graph outputs (ONNX names each once))",
    );
  });

  it('a graph input that is also a graph output runs in onnxruntime', async () => {
    const graph = new Graph();
    graph.addInput('x', [Dim.const(2), Dim.const(3)]);
    graph.addNode({ path: 'r', op: 'relu', inputs: ['x'] });
    graph.addOutput('r');
    graph.addOutput('x');
    const x = uniformTensor([2, 3], 1);
    const y = await runOrt(exportOnnx(graph, new Map()), { x });
    expect(Array.from(y.x.data)).toEqual(Array.from(x.data));
    expect(Array.from(y.r.data)).toEqual(Array.from(x.data, (v) => Math.max(v, 0)));
  });

  it('linear on rank 3 and 4 is MatMul with one transposed initializer (+ Add for the bias)', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2, 3, 4, 6]);
    const l1 = b.op('linear', x, { outFeatures: 5 }, { name: 'fc' });
    const l2 = b.op('linear', l1, { outFeatures: 5, bias: false }, { name: 'fc2' });
    const l3 = b.op('linear', l2, { outFeatures: 5, bias: false }, { name: 'fc2' });
    b.output(b.op('reshape', l3, { shape: [6, 4, 5] }, { name: 'r3' }));
    const graph = b.build();
    const weights = initWeights(graph, 5, { randomBias: true });
    const bytes = exportOnnx(graph, weights);
    const g = decodeExport(bytes).graph;
    expect(g.node.map((n) => [n.name, n.opType])).toEqual([
      ['fc/matmul', 'MatMul'],
      ['fc', 'Add'],
      ['fc2', 'MatMul'],
      ['fc2@1', 'MatMul'],
      ['r3', 'Reshape'],
    ]);
    expect(g.initializer.filter((t) => t.name === 'fc2.weight.transposed')).toHaveLength(1);
    const xs = uniformTensor([2, 3, 4, 6], 2);
    const out = graph.outputs[0];
    const c = compare(
      (await runOrt(bytes, { x: xs }))[out],
      run(graph, { x: xs }, weights)[out],
      FLOAT32_TOLERANCE,
    );
    expect(c.pass, describeComparison(c)).toBe(true);
  });

  it('ceil-mode pooling is floor mode with extra right padding where that is exact', () => {
    const attrsOf = (op: 'max_pool2d' | 'avg_pool2d', attrs: Record<string, unknown>) => {
      const graph = new Graph();
      graph.addInput(
        'x',
        [1, 2, 6, 7].map((d) => Dim.const(d)),
      );
      graph.addNode({ path: 'p', op, inputs: ['x'], attrs });
      graph.addOutput('p');
      const n = decodeExport(exportOnnx(graph, new Map())).graph.node[0];
      return Object.fromEntries(
        n.attribute.map((a) => [a.name, a.ints?.length ? a.ints.map(Number) : Number(a.i)]),
      );
    };
    const base = { kernel: 3, stride: 2, ceilMode: true };
    // H 6 → 3 windows in ceil mode (2 in floor mode): one more row of right padding; W 7 → 3 in both.
    expect(attrsOf('max_pool2d', base)).toEqual({
      kernel_shape: [3, 3],
      strides: [2, 2],
      pads: [0, 0, 1, 0],
      ceil_mode: 0,
    });
    expect(attrsOf('avg_pool2d', { ...base, countIncludePad: false })).toMatchObject({
      pads: [0, 0, 1, 0],
      ceil_mode: 0,
    });
    // Counting padding, the hanging window divides by its clipped size: ONNX ceil mode.
    expect(attrsOf('avg_pool2d', base)).toMatchObject({
      pads: [0, 0, 0, 0],
      ceil_mode: 1,
      count_include_pad: 1,
    });
  });

  it('a constant whose `<path>.<what>` name the IR already uses is named `<path>/<what>`', async () => {
    const graph = new Graph();
    graph.addInput('x', [Dim.const(2), Dim.const(3)]);
    graph.addNode({ path: 'a', op: 'relu6', inputs: ['x'] });
    graph.addNode({ path: 'a.min', op: 'scale', inputs: ['a'], attrs: { factor: 2 } });
    graph.addOutput('a.min');
    const bytes = exportOnnx(graph, new Map());
    const names = decodeExport(bytes).graph.initializer.map((t) => t.name);
    expect(names).toEqual(['a/min', 'a.max', 'a.min.factor']);
    const x = uniformTensor([2, 3], 4, 8);
    const y = await runOrt(bytes, { x });
    expect(Array.from(y['a.min'].data)).toEqual(Array.from(x.data, (v) => 2 * Math.min(Math.max(v, 0), 6)));
  });

  it('every IR op has an export rule', () => {
    expect(Object.keys(EXPORT_RULES).sort()).toEqual([...OP_NAMES]);
  });
});
