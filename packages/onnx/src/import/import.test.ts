/**
 * The importer against files torch.onnx.export wrote (packages/onnx/test-data, made by
 * tools/onnx-fixtures/make.py from the authors' block code and torchvision): every file imports,
 * runs on the float64 reference within the float32 tolerance of PyTorch's own output, counts the
 * params PyTorch counts (BN kept) or the file holds (BN folded), names nodes after torch's modules,
 * and has its attention blocks recognised by structure.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildBackbone, type BackboneName, type BackboneOptions, type Graph } from '@coordattn/ir';
import { analyze } from '@coordattn/cost';
import {
  compare,
  decodeNpy,
  describeComparison,
  FLOAT32_NETWORK_TOLERANCE,
  FLOAT32_TOLERANCE,
  run,
  type Tensor,
} from '@coordattn/reference';
import { importOnnx } from './import.js';

interface Case {
  readonly name: string;
  readonly kind: 'block' | 'network';
  readonly block: string | null;
  readonly opset: number;
  readonly bnFolded: boolean;
  readonly params: number;
  /** Elements of BN running statistics in the PyTorch model (0: it has no BN). */
  readonly buffers: number;
  readonly input: number[];
  readonly output: number[];
  readonly weights: 'random' | 'constant';
}

const DATA = new URL('../../test-data/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', DATA), 'utf8')) as { cases: Case[] };
const bytesOf = (name: string): Uint8Array => readFileSync(new URL(`${name}.onnx`, DATA));
const npy = (name: string): Tensor => decodeNpy(readFileSync(new URL(`${name}.npy`, DATA)), `${name}.npy`);

function trainableParams(g: Graph): number {
  let n = 0;
  for (const p of g.params.values()) if (p.trainable) n += p.shape.reduce((a, d) => a * d.toInt()!, 1);
  return n;
}

const numeric = manifest.cases.filter((c) => c.weights === 'random');

describe('torch-exported files run on the reference within tolerance of PyTorch', () => {
  it('covers blocks of every kind and three networks', () => {
    expect(new Set(numeric.map((c) => c.block))).toEqual(
      new Set(['ca', 'se', 'eca', 'cbam', 'triplet', null]),
    );
    expect(numeric.filter((c) => c.kind === 'network').length).toBeGreaterThanOrEqual(3);
  });
  for (const c of numeric) {
    it(`${c.name} (opset ${c.opset}${c.bnFolded ? ', BN folded' : ', BN kept'})`, () => {
      const input = npy(`${c.name}.input`);
      const expected = npy(`${c.name}.output`);
      const { graph, weights } = importOnnx(bytesOf(c.name), { file: c.name, dims: { N: input.shape[0] } });
      const out = run(graph, { [graph.inputs[0].name]: input }, weights);
      const y = out[graph.outputs[0]];
      expect(y.shape).toEqual(expected.shape);
      const cmp = compare(y, expected, c.kind === 'network' ? FLOAT32_NETWORK_TOLERANCE : FLOAT32_TOLERANCE);
      expect(cmp.pass, describeComparison(cmp, c.name)).toBe(true);
    });
  }
  it('the network tolerance still rejects a wrong model (ReLU6 read as ReLU)', () => {
    const c = 'mobilenet_v2_w035_64';
    const { graph, weights } = importOnnx(bytesOf(c), { dims: { N: 1 } });
    const g = graph.nodes.map((n) => (n.op === 'relu6' ? { ...n, op: 'relu' as const } : n));
    (graph.nodes as unknown[]).splice(0, graph.nodes.length, ...g);
    const y = run(graph, { [graph.inputs[0].name]: npy(`${c}.input`) }, weights)[graph.outputs[0]];
    expect(compare(y, npy(`${c}.output`), FLOAT32_NETWORK_TOLERANCE).pass).toBe(false);
  });
});

describe('params', () => {
  it('with BN kept (or no BN at all), trainable params equal PyTorch’s count', () => {
    const exact = manifest.cases.filter((c) => !c.bnFolded || c.buffers === 0);
    // CA, CBAM, Triplet and MobileNetV2 with BN kept; SE and ECA have no BN.
    expect(new Set(exact.map((c) => c.block))).toEqual(new Set(['ca', 'cbam', 'triplet', 'se', 'eca', null]));
    for (const c of exact) {
      const r = importOnnx(bytesOf(c.name), { dims: { N: 1 } });
      expect(trainableParams(r.graph), c.name).toBe(c.params);
      if (c.buffers > 0) expect(r.notes.bnFolded, c.name).toBe(false);
    }
  });
  it('with BN folded, the report says so, and params are what the file holds', () => {
    const r = importOnnx(bytesOf('mobilenet_v2_224_struct'));
    expect(r.notes.bnFolded).toBe(true);
    expect(r.notes.assumptions.join('\n')).toMatch(/folds BN into the preceding Conv/);
    let held = 0;
    for (const w of r.weights.values()) held += w.data.length;
    expect(trainableParams(r.graph)).toBe(held);
  });
  it("CBAM's shared MLP is one set of weights: params once, MACs twice", () => {
    const r = importOnnx(bytesOf('cbam_c64_h8_w10'));
    const linears = r.graph.nodes.filter((n) => n.op === 'linear');
    expect(linears).toHaveLength(4);
    expect(new Set(linears.map((n) => n.params.weight)).size).toBe(2);
    const a = analyze(r.graph);
    const macs = a.layers.filter((l) => l.op === 'linear').map((l) => l.columns.macs.toInt());
    expect(macs).toEqual([64 * 4, 4 * 64, 64 * 4, 4 * 64]);
  });
});

/** The built-in backbone that a structure-only file mirrors. */
const BUILT_IN: Record<string, { name: BackboneName; opts: BackboneOptions; torchvisionPaths: boolean }> = {
  mobilenet_v2_224_struct: { name: 'mobilenetv2', opts: {}, torchvisionPaths: true },
  mobilenet_v3_small_224_struct: { name: 'mobilenetv3-small', opts: {}, torchvisionPaths: true },
  // The authors' mbv2_ca.py has its own module tree (CA at features.i.conv.6); the built-in keeps torchvision's.
  mbv2_ca_224_struct: {
    name: 'mobilenetv2',
    opts: { attention: { kind: 'ca' }, recipe: 'ca-paper' },
    torchvisionPaths: false,
  },
};

/** conv2d + linear MACs: the columns every preset agrees on. */
function contractionMacs(g: Graph): number | undefined {
  return analyze(g)
    .layers.filter((l) => l.op === 'conv2d' || l.op === 'linear')
    .reduce((s, l) => s + l.columns.macs.toInt()!, 0);
}

describe('full-size torchvision / authors’ networks match the built-in backbones', () => {
  for (const [file, b] of Object.entries(BUILT_IN)) {
    it(`${file}: conv+linear MACs equal ${b.name}'s${b.torchvisionPaths ? ", conv paths are torchvision's module paths" : ''}`, () => {
      const r = importOnnx(bytesOf(file), { dims: { N: 1 } });
      const built = buildBackbone(b.name, b.opts);
      expect(contractionMacs(r.graph)).toBe(contractionMacs(built));
      if (b.torchvisionPaths) {
        const convs = (g: Graph): string[] =>
          g.nodes.filter((n) => n.op === 'conv2d' || n.op === 'linear').map((n) => n.path);
        expect(convs(r.graph)).toEqual(convs(built));
      }
    });
  }
});

describe('attention blocks are recognised by structure', () => {
  for (const c of manifest.cases.filter((x) => x.kind === 'block')) {
    it(`${c.name} is one ${c.block} block`, () => {
      const r = importOnnx(bytesOf(c.name), { dims: { N: 1 } });
      expect(r.notes.blocks.map((b) => b.kind)).toEqual([c.block]);
      const inBlock = r.graph.nodes.filter((n) => n.block !== undefined).length;
      expect(inBlock).toBe(r.graph.nodes.length);
    });
  }
  it('MobileNetV2 + CA: 16 CA blocks at the authors’ module paths; MobileNetV3-Small: 9 SE blocks', () => {
    const ca = importOnnx(bytesOf('mbv2_ca_224_struct')).notes.blocks;
    expect(ca.map((b) => b.kind)).toEqual(new Array(16).fill('ca'));
    expect(ca.map((b) => b.path)).toEqual(Array.from({ length: 16 }, (_, i) => `features.${i + 2}.conv.6`));
    const se = importOnnx(bytesOf('mobilenet_v3_small_224_struct')).notes.blocks;
    expect(se.map((b) => b.kind)).toEqual(new Array(9).fill('se'));
    expect(se[0].path).toBe('features.1.block.1');
    expect(importOnnx(bytesOf('mobilenet_v2_224_struct')).notes.blocks).toEqual([]);
  });
  it('records the config it can read off the graph', () => {
    const [ca] = importOnnx(bytesOf('ca_c64_h8_w8_r16')).notes.blocks;
    expect(ca.config).toMatchObject({ channels: 64, mid: 8, activation: 'hard_swish' });
    const [eca] = importOnnx(bytesOf('eca_c128_h5_w5_k5')).notes.blocks;
    expect(eca.config).toMatchObject({ channels: 128, kernel: 5 });
  });
});

describe('exporter patterns are lifted to IR ops', () => {
  it("h_swish (x · relu6(x + 3) / 6) → hard_swish, Slice pairs → split, ECA's chain → channel_conv1d", () => {
    const ops = (name: string): string[] => importOnnx(bytesOf(name)).graph.nodes.map((n) => n.op);
    const ca = ops('ca_c32_h14_w12');
    expect(ca).toContain('hard_swish');
    expect(ca).toContain('split');
    expect(ca).not.toContain('offset');
    expect(ca).not.toContain('slice');
    expect(ops('eca_c64_h7_w7')).toEqual(['global_avg_pool', 'channel_conv1d', 'sigmoid', 'mul']);
    expect(ops('mobilenet_v3_small_64')).not.toContain('offset');
  });
  it("CA's adaptive pools (AveragePool at opset ≤ 17, ReduceMean with axes input at opset 18) → directional_mean", () => {
    for (const name of ['ca_c32_h14_w12', 'op18_reducemean_split']) {
      const g = importOnnx(bytesOf(name)).graph;
      expect(g.nodes.filter((n) => n.op === 'directional_mean').map((n) => n.attrs.over)).toEqual(['W', 'H']);
    }
  });
});

describe('symbolic dims', () => {
  it('a dynamic batch becomes the symbol N; binding it gives concrete shapes', () => {
    const sym = importOnnx(bytesOf('ca_c32_h14_w12_dynbatch')).graph;
    expect(sym.inputs[0].shape.map((d) => d.toString())).toEqual(['N', '32', '14', '12']);
    expect(sym.symbols()).toEqual(['N']);
    const bound = importOnnx(bytesOf('ca_c32_h14_w12_dynbatch'), { dims: { N: 3 } }).graph;
    expect(bound.symbols()).toEqual([]);
  });
});

describe('the network tolerance is calibrated on two float32 runtimes', () => {
  it('onnxruntime-node and PyTorch agree within FLOAT32_NETWORK_TOLERANCE on every network file', async () => {
    const ort = (await import('onnxruntime-node')).default;
    for (const c of numeric.filter((x) => x.kind === 'network')) {
      const input = npy(`${c.name}.input`);
      const s = await ort.InferenceSession.create(bytesOf(c.name), { intraOpNumThreads: 1 });
      const out = await s.run({
        [s.inputNames[0]]: new ort.Tensor('float32', Float32Array.from(input.data), input.shape),
      });
      const y = out[s.outputNames[0]];
      const t = { shape: [...y.dims], data: Float64Array.from(y.data as Float32Array) };
      const cmp = compare(t, npy(`${c.name}.output`), FLOAT32_NETWORK_TOLERANCE);
      // The calibration figure in FLOAT32_NETWORK_TOLERANCE's comment: max |err| / max |ref| here.
      console.log(
        `${describeComparison(cmp, `onnxruntime vs PyTorch, ${c.name}`)}; max|err|/max|ref| ${(cmp.maxAbsError / cmp.maxAbsRef).toExponential(2)}`,
      );
      expect(cmp.pass, describeComparison(cmp, `onnxruntime ${c.name}`)).toBe(true);
      await s.release();
    }
  });
});
