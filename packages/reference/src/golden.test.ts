/**
 * Golden tests against the PyTorch fixtures in test-data/ (see tools/convert-fixtures.ts): each
 * block is built with the IR, evaluated by the float64 interpreter on the fixture's input and
 * compared with the fixture's output under FLOAT64_TOLERANCE (tolerance.ts). Never skipped.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { attention, buildBackbone, GraphBuilder, type AttentionSpec, type Graph } from '@coordattn/ir';
import {
  checkWeights,
  compare,
  describeComparison,
  FLOAT64_TOLERANCE,
  loadWeights,
  readNpy,
  run,
  tensor,
  type Tensor,
} from './index.js';

const dataDir = fileURLToPath(new URL('../test-data/', import.meta.url));

interface FixtureTensor {
  shape: number[];
  data: number[];
}
interface BlockFixture {
  name: string;
  config: Record<string, unknown>;
  input: FixtureTensor;
  output: FixtureTensor;
  weights: Record<string, FixtureTensor>;
}

const nameMaps = JSON.parse(readFileSync(`${dataDir}name-maps.json`, 'utf8')) as Record<
  string,
  Record<string, string>
>;

function blockGraph(shape: readonly number[], spec: AttentionSpec): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', shape);
  b.output(attention(b, x, spec, 'attention'));
  return b.build();
}

function report(name: string, y: Tensor, ref: Tensor): void {
  const c = compare(y, ref, FLOAT64_TOLERANCE);
  console.log(describeComparison(c, name));
  expect(c.pass, describeComparison(c, name)).toBe(true);
}

const BLOCKS: readonly { file: string; spec: AttentionSpec }[] = [
  {
    file: 'ca-c32-h14-w12-r8',
    spec: { kind: 'ca', config: { reduction: 8, minMid: 8, activation: 'hard_swish' } },
  },
  {
    file: 'ca-c96-h7-w9-r32',
    spec: { kind: 'ca', config: { reduction: 32, minMid: 8, activation: 'hard_swish' } },
  },
  {
    file: 'se-c64-h10-w10-r4',
    spec: {
      kind: 'se',
      config: {
        reduction: 4,
        squeeze: 'make_divisible',
        divisor: 8,
        innerActivation: 'relu',
        gate: 'hard_sigmoid',
        form: 'conv',
        bias: true,
      },
    },
  },
  {
    file: 'se-c64-h10-w10-r4',
    spec: {
      kind: 'se',
      config: { squeeze: 'fixed', squeezeChannels: 16, innerActivation: 'relu', gate: 'hard_sigmoid' },
    },
  },
  { file: 'eca-c128-h6-w6', spec: { kind: 'eca', config: { kernel: 'adaptive' } } },
];

describe('golden blocks (PyTorch fixtures)', () => {
  for (const { file, spec } of BLOCKS) {
    it(`${file} (${JSON.stringify(spec.kind === 'none' ? {} : spec.config)})`, () => {
      const fx = JSON.parse(readFileSync(`${dataDir}${file}.json`, 'utf8')) as BlockFixture;
      const map = nameMaps[file];
      expect(Object.keys(map).sort()).toEqual(Object.keys(fx.weights).sort());
      const graph = blockGraph(fx.input.shape, spec);
      const weights = new Map(Object.entries(fx.weights).map(([k, t]) => [map[k], tensor(t.shape, t.data)]));
      checkWeights(graph, weights, `${file}.json`);
      const out = run(graph, { x: tensor(fx.input.shape, fx.input.data) }, weights);
      report(file, out[graph.outputs[0]], tensor(fx.output.shape, fx.output.data));
    });
  }

  it('a wrong block config fails the comparison (the test can tell)', () => {
    const fx = JSON.parse(readFileSync(`${dataDir}ca-c32-h14-w12-r8.json`, 'utf8')) as BlockFixture;
    const graph = blockGraph(fx.input.shape, { kind: 'ca', config: { reduction: 8, activation: 'relu' } });
    const map = nameMaps['ca-c32-h14-w12-r8'];
    const weights = new Map(Object.entries(fx.weights).map(([k, t]) => [map[k], tensor(t.shape, t.data)]));
    const y = run(graph, { x: tensor(fx.input.shape, fx.input.data) }, weights)[graph.outputs[0]];
    expect(compare(y, tensor(fx.output.shape, fx.output.data)).pass).toBe(false);
  });

  it('ECA builds k = 5 for C = 128 and SE mid = 16 for C = 64', () => {
    expect(
      blockGraph([1, 128, 6, 6], BLOCKS[4].spec).params.get('attention.conv.weight')!.shape.map(Number),
    ).toEqual([1, 1, 5]);
    const se = blockGraph([1, 64, 10, 10], BLOCKS[2].spec);
    expect(se.params.get('attention.fc1.weight')!.shape.map((d) => d.toInt())).toEqual([16, 64, 1, 1]);
  });
});

describe('golden network: MobileNetV2 0.35 + CA r=32, 64×64, 10 classes', () => {
  const dir = `${dataDir}mbv2-ca-w035-64px/`;
  const base = {
    width: 0.35,
    height: 64,
    widthPx: 64,
    classes: 10,
    attention: { kind: 'ca', config: { reduction: 32 } },
  } as const;

  it('the name map covers exactly the converted weights file', () => {
    const manifest = JSON.parse(readFileSync(`${dir}weights.json`, 'utf8')) as {
      weightsManifest: { weights: { name: string }[] }[];
    };
    const names = manifest.weightsManifest.flatMap((g) => g.weights.map((w) => w.name));
    expect(names.length).toBe(422);
    expect([...names].sort()).toEqual(Object.values(nameMaps['mbv2-ca-w035-64px']).sort());
  });

  for (const recipe of [undefined, 'ca-paper'] as const) {
    it(`buildBackbone('mobilenetv2', …${recipe ? `, recipe '${recipe}'` : ''}) matches the fixture`, () => {
      const graph = buildBackbone('mobilenetv2', { ...base, ...(recipe ? { recipe } : {}) });
      const weights = loadWeights(`${dir}weights.json`, { graph });
      const input = readNpy(`${dir}input.npy`);
      const expected = readNpy(`${dir}output.npy`);
      const out = run(graph, { input }, weights);
      report(`mbv2-ca-w035-64px${recipe ? ` (${recipe})` : ''}`, out[graph.outputs[0]], expected);
    });
  }

  it('a network with a different CA activation fails the comparison (the test can tell)', () => {
    const graph = buildBackbone('mobilenetv2', {
      ...base,
      attention: { kind: 'ca', config: { reduction: 32, activation: 'relu' } },
    });
    const out = run(
      graph,
      { input: readNpy(`${dir}input.npy`) },
      loadWeights(`${dir}weights.json`, { graph }),
    );
    expect(compare(out[graph.outputs[0]], readNpy(`${dir}output.npy`)).pass).toBe(false);
  });
});
