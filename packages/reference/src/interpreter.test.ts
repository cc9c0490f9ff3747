import { describe, expect, it } from 'vitest';
import {
  ATTENTION_KINDS,
  attention,
  BACKBONE_NAMES,
  buildBackbone,
  Dim,
  GraphBuilder,
  type AttentionSpec,
  type CoordattnError,
} from '@coordattn/ir';
import { initWeights } from './init.js';
import { run, type RunStep } from './interpreter.js';
import { Rng } from './random.js';
import { tensor, type Tensor } from './tensor.js';
import { iota, values } from './ops/test-util.js';

function randomTensor(shape: number[], seed: number): Tensor {
  const t = tensor(shape);
  t.data.set(new Rng(seed).normals(t.data.length));
  return t;
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as CoordattnError).message;
  }
  return 'no error';
}

describe('run', () => {
  it('evaluates a small graph, including multi-output refs and kept intermediates', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 1, 2, 3]);
    const [top, bottom] = b.opMulti('split', x, { axis: 2, sizes: [1, 1] }, { name: 'split' });
    const s = b.op('add', [top, bottom], {}, { name: 'sum' });
    b.output(b.op('scale', s, { factor: 0.5 }, { name: 'half' }));
    const g = b.build();
    const out = run(g, { x: iota([1, 1, 2, 3]) }, new Map(), { keep: ['split:1', 'sum'] });
    // rows [1,2,3] and [4,5,6]: sum [5,7,9], half [2.5,3.5,4.5].
    expect(values(out.half)).toEqual([2.5, 3.5, 4.5]);
    expect(values(out['split:1'])).toEqual([4, 5, 6]);
    expect(values(out.sum)).toEqual([5, 7, 9]);
  });

  it('resolves shared weights through node.params (one tensor, used twice)', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 2]);
    const y = b.op('linear', x, { outFeatures: 2, bias: false }, { name: 'fc' });
    const z = b.op('linear', y, { outFeatures: 2, bias: false }, { name: 'fc' }); // fc@1 shares fc's weight
    b.output(z);
    const g = b.build();
    expect(g.node('fc@1').params.weight).toBe('fc.weight');
    expect([...g.params.keys()]).toEqual(['fc.weight']);
    // W = [[0, 1], [1, 1]]: [1, 2] → [2, 3] → [3, 5].
    const out = run(g, { x: tensor([1, 2], [1, 2]) }, new Map([['fc.weight', tensor([2, 2], [0, 1, 1, 1])]]));
    expect(values(out['fc@1'])).toEqual([3, 5]);
  });

  it('frees each intermediate after its last use', () => {
    const b = new GraphBuilder();
    let v = b.input('x', [1, 4, 8, 8]);
    for (let i = 0; i < 20; i++) v = b.op(i % 2 ? 'relu' : 'sigmoid', v, {}, { name: `a${i}` });
    b.output(v);
    const steps: RunStep[] = [];
    run(b.build(), { x: randomTensor([1, 4, 8, 8], 1) }, new Map(), { onNode: (s) => steps.push(s) });
    expect(steps).toHaveLength(20);
    expect(Math.max(...steps.map((s) => s.liveValues))).toBe(1);
    expect(steps[19].liveBytes).toBe(4 * 8 * 8 * 8);
  });

  it('rejects symbolic graphs, bad inputs and bad weights with coded errors', () => {
    const sym = new GraphBuilder();
    sym.output(attention(sym, sym.input('x', [1, 16, Dim.sym('H'), 8]), { kind: 'ca' }));
    expect(code(() => run(sym.build(), { x: tensor([1, 16, 8, 8]) }, new Map()))).toMatch(
      /^E_EVAL at x: input dim 2 is symbolic \(H\)/,
    );
    const b = new GraphBuilder();
    b.output(attention(b, b.input('x', [1, 16, 4, 4]), { kind: 'se', config: { reduction: 4 } }));
    const g = b.build();
    const w = initWeights(g, 1);
    expect(code(() => run(g, {}, w))).toMatch(/^E_EVAL.*no value for graph input 'x'/);
    expect(code(() => run(g, { x: tensor([1, 16, 4, 5]) }, w))).toMatch(
      /^E_SHAPE at x: .*wrong shape: \[1,16,4,5\] \(320 values\) vs \[1,16,4,4\]/,
    );
    expect(code(() => run(g, { x: tensor([1, 16, 4, 4]), y: tensor([1]) }, w))).toMatch(
      /E_EVAL.*unknown graph input/,
    );
    const missing = new Map(w);
    missing.delete('attention.fc2.bias');
    expect(code(() => run(g, { x: tensor([1, 16, 4, 4]) }, missing))).toMatch(
      /E_EVAL.*missing 1 weight.*attention\.fc2\.bias/,
    );
    const wrong = new Map(w);
    wrong.set('attention.fc1.weight', tensor([4, 16]));
    expect(code(() => run(g, { x: tensor([1, 16, 4, 4]) }, wrong))).toMatch(
      /E_SHAPE at attention\.fc1\.weight: .*\[4,16\] \(64 values\) vs \[4,16,1,1\]/,
    );
  });

  it('ceil-mode pooling drops a last window that starts in the right padding, as PyTorch does', () => {
    // width 5, k 2, s 2, p 1, ceil mode: PyTorch gives 3 outputs (windows at -1, 1, 3), not 4.
    const b = new GraphBuilder();
    b.output(
      b.op(
        'max_pool2d',
        b.input('x', [1, 1, 1, 5]),
        { kernel: [1, 2], stride: [1, 2], padding: [0, 1], ceilMode: true },
        { name: 'pool' },
      ),
    );
    const y = run(b.build(), { x: iota([1, 1, 1, 5]) }, new Map()).pool;
    expect(y.shape).toEqual([1, 1, 1, 3]);
  });
});

describe('backbones and attention blocks evaluate', () => {
  // Small inputs keep this fast; the outputs must be finite and [1, classes]. ResNet-34/101/152
  // only repeat ResNet-18's and ResNet-50's blocks and are left out (ResNet-152 alone has 60 M
  // weights: seconds of plain loops and half a gigabyte of float64).
  const kinds = ATTENTION_KINDS.filter((k) => k !== 'none');
  const names = BACKBONE_NAMES.filter((n) => !['resnet34', 'resnet101', 'resnet152'].includes(n));
  for (const name of names) {
    const kind = kinds[names.indexOf(name) % kinds.length];
    it(`${name} + ${kind}`, () => {
      const spec = { kind } as AttentionSpec;
      // ResNets are the slow ones in plain loops: a smaller input (they still reach 1×1).
      const [h, w] = name.startsWith('resnet') ? [16, 24] : [32, 40];
      // CBAM's C // 16 needs the full width.
      const width = name.startsWith('resnet') || kind === 'cbam' ? 1 : 0.5;
      const g = buildBackbone(name, { width, height: h, widthPx: w, classes: 7, attention: spec });
      const out = run(
        g,
        { input: randomTensor([1, 3, h, w], 3) },
        initWeights(g, 7, { randomBnStats: true }),
      );
      const y = out[g.outputs[0]];
      expect(y.shape).toEqual([1, 7]);
      expect(y.data.every(Number.isFinite)).toBe(true);
    });
  }
  for (const kind of ATTENTION_KINDS) {
    it(`block ${kind} on a non-square input keeps its shape`, () => {
      const b = new GraphBuilder();
      b.output(attention(b, b.input('x', [2, 24, 5, 7]), { kind } as AttentionSpec));
      const g = b.build();
      const y = run(g, { x: randomTensor([2, 24, 5, 7], 5) }, initWeights(g, 2, { randomBnStats: true }))[
        g.outputs[0]
      ];
      expect(y.shape).toEqual([2, 24, 5, 7]);
      expect(y.data.every(Number.isFinite)).toBe(true);
    });
  }
});
