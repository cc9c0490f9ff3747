import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dim } from '../dim/index.js';
import { Graph } from '../graph/index.js';
import { shapeToString } from '../graph/shape.js';
import { OP_NAMES, type OpName } from './index.js';

/** One sample per op: input shapes, attributes and the expected output shapes (by hand). */
interface Sample {
  readonly inputs: readonly (readonly (number | string)[])[];
  readonly attrs?: Record<string, unknown>;
  readonly out: readonly string[];
}

const S = (inputs: Sample['inputs'], attrs: Sample['attrs'], ...out: string[]): Sample => ({
  inputs,
  attrs,
  out,
});

/** Sample inputs (OpInfo-style). Symbolic dims check the formulas; H ≠ W throughout. */
const SAMPLES: Record<OpName, Sample[]> = {
  add: [
    S(
      [
        [2, 8, 7, 9],
        [2, 8, 1, 9],
      ],
      {},
      '[2,8,7,9]',
    ),
    S(
      [
        [1, 'C', 'H', 'W'],
        [1, 'C', 1, 1],
      ],
      {},
      '[1,C,H,W]',
    ),
  ],
  avg_pool2d: [
    S([[1, 4, 7, 9]], { kernel: 2 }, '[1,4,3,4]'),
    S([[1, 4, 7, 9]], { kernel: 3, stride: 2, padding: 1, ceilMode: true }, '[1,4,4,5]'),
    S([[1, 4, 7, 9]], { kernel: 3, padding: 1, countIncludePad: false }, '[1,4,3,3]'),
  ],
  batch_norm: [S([[1, 'C', 'H', 'W']], {}, '[1,C,H,W]')],
  channel_conv1d: [S([[1, 128, 1, 1]], { kernel: 5 }, '[1,128,1,1]')],
  channel_reduce: [S([[2, 8, 7, 9]], { reduce: 'max' }, '[2,1,7,9]')],
  clip: [
    S([[1, 4, 2, 3]], { min: 0, max: 6 }, '[1,4,2,3]'),
    S([[2, 'C']], { min: -1.5 }, '[2,C]'),
    S([[2, 5]], { max: 0.25 }, '[2,5]'),
  ],
  concat: [
    S(
      [
        [1, 8, 'H', 1],
        [1, 8, 'W', 1],
      ],
      { axis: 2 },
      '[1,8,H + W,1]',
    ),
  ],
  conv2d: [
    S(
      [[1, 3, 'H', 'W']],
      { outChannels: 32, kernel: 3, stride: 2, padding: 1 },
      '[1,32,floor(H / 2 - 1 / 2) + 1,floor(W / 2 - 1 / 2) + 1]',
    ),
    S([[1, 'C', 'H', 'W']], { outChannels: 'C', kernel: 3, padding: 1, groups: 'C' }, '[1,C,H,W]'),
    S([[2, 6, 9, 7]], { outChannels: 4, kernel: [3, 1], dilation: 2, groups: 2, bias: true }, '[2,4,5,7]'),
  ],
  directional_mean: [
    S([[1, 'C', 'H', 'W']], { over: 'W' }, '[1,C,H,1]'),
    S([[1, 'C', 'H', 'W']], { over: 'H' }, '[1,C,1,W]'),
  ],
  div: [
    S(
      [
        [2, 8, 7, 9],
        [8, 1, 1],
      ],
      {},
      '[2,8,7,9]',
    ),
  ],
  dropout: [S([[1, 10]], { p: 0.2 }, '[1,10]')],
  flatten: [S([[2, 'C', 1, 1]], {}, '[2,C]')],
  global_avg_pool: [S([[1, 'C', 'H', 'W']], {}, '[1,C,1,1]')],
  global_max_pool: [S([[1, 'C', 'H', 'W']], {}, '[1,C,1,1]')],
  hard_sigmoid: [S([[1, 4, 2, 3]], {}, '[1,4,2,3]')],
  hard_swish: [S([[1, 4, 2, 3]], {}, '[1,4,2,3]')],
  identity: [S([[1, 4, 2, 3]], {}, '[1,4,2,3]')],
  linear: [S([[1, 1280]], { outFeatures: 1000 }, '[1,1000]')],
  max_pool2d: [
    S([[1, 64, 112, 111]], { kernel: 3, stride: 2, padding: 1 }, '[1,64,56,56]'),
    // ceil mode drops a last window starting in the right padding (PyTorch): 3, not 4
    S([[1, 1, 1, 5]], { kernel: [1, 2], stride: [1, 2], padding: [0, 1], ceilMode: true }, '[1,1,1,3]'),
  ],
  mul: [
    S(
      [
        [1, 'C', 'H', 'W'],
        [1, 'C', 1, 'W'],
      ],
      {},
      '[1,C,H,W]',
    ),
  ],
  offset: [S([[1, 4, 2, 3]], { value: 3 }, '[1,4,2,3]')],
  permute: [S([[1, 'C', 1, 'W']], { perm: [0, 1, 3, 2] }, '[1,C,W,1]')],
  relu: [S([[1, 4, 2, 3]], {}, '[1,4,2,3]')],
  relu6: [S([[1, 4, 2, 3]], {}, '[1,4,2,3]')],
  reshape: [S([[2, 'C']], { shape: [2, 'C', 1, 1] }, '[2,C,1,1]')],
  resize: [
    S([[1, 4, 5, 7]], { size: [9, 13] }, '[1,4,9,13]'),
    // ASPP's pooling branch: 1 × 1 back to the feature size, given symbolically
    S([[2, 'C', 1, 1]], { size: ['H', 'W'], mode: 'bilinear' }, '[2,C,H,W]'),
    // downsampling is allowed too
    S([[1, 3, 'H', 'W']], { size: [2, 3] }, '[1,3,2,3]'),
  ],
  scale: [S([[1, 4, 2, 3]], { factor: 0.5 }, '[1,4,2,3]')],
  sigmoid: [S([[1, 4, 2, 3]], {}, '[1,4,2,3]')],
  slice: [
    // indices 1, 3, 5, 7: ceil((8 − 1) / 2) = 4
    S([[1, 8, 7, 9]], { axis: 3, start: 1, end: 8, step: 2 }, '[1,8,7,4]'),
    // end past the dim is clamped (ONNX): indices 2, 5 of 7
    S([[1, 8, 7, 9]], { axis: 2, start: 2, end: 100, step: 3 }, '[1,8,2,9]'),
    S([[1, 'C', 'H', 'W']], { axis: 1, start: 0, end: 4 }, '[1,4,H,W]'),
  ],
  split: [S([[1, 8, 'H + W', 1]], { axis: 2, sizes: ['H', 'W'] }, '[1,8,H,1]', '[1,8,W,1]')],
  sub: [
    S(
      [
        [1, 'C', 1, 'W'],
        [1, 'C', 'H', 1],
      ],
      {},
      '[1,C,H,W]',
    ),
  ],
  swish: [S([[1, 4, 2, 3]], {}, '[1,4,2,3]')],
};

/** Error inputs: each must be rejected with this code and message. */
const ERRORS: [OpName, Sample['inputs'], Record<string, unknown>, string][] = [
  [
    'conv2d',
    [[1, 6, 8, 8]],
    { outChannels: 4, kernel: 3, groups: 4 },
    'E_SHAPE at n: input channels divisible by groups: 6 is not divisible by 4: [1,6,8,8]',
  ],
  [
    'conv2d',
    [[1, 3, 2, 9]],
    { outChannels: 4, kernel: 3 },
    'E_DIM at n: output height is 0, which is not positive: [1,3,2,9] (expected a dimension >= 1)',
  ],
  [
    'conv2d',
    [[1, 3, 8, 8]],
    { outChannels: 0, kernel: 3 },
    'E_ATTR at n.attrs.outChannels: expected an integer >= 1, got 0',
  ],
  ['conv2d', [[1, 3, 8, 8]], { outChannels: 4, kernel: 3, stride: '2' }, 'E_ATTR at n.attrs.stride'],
  [
    'conv2d',
    [[1, 3, 8, 8]],
    { outChannels: 4, kernel: 3, pad: 1 },
    "E_ATTR at n.attrs: unknown attribute 'pad' for op 'conv2d'",
  ],
  ['conv2d', [[1, 3, 8]], { outChannels: 4, kernel: 3 }, 'E_SHAPE at n: input must have rank 4: [1,3,8]'],
  ['channel_conv1d', [[1, 8, 1, 1]], { kernel: 4 }, 'E_ATTR at n.attrs.kernel: kernel must be odd'],
  [
    'channel_conv1d',
    [[1, 8, 2, 1]],
    { kernel: 3 },
    'E_SHAPE at n: input height is 1 (a pooled descriptor) does not hold',
  ],
  [
    'concat',
    [
      [1, 8, 7, 1],
      [1, 8, 1, 9],
    ],
    { axis: 2 },
    'E_SHAPE at n: concat: dims 3 of inputs 0 and 1 are equal does not hold (1 == 9 is false): [1,8,7,1] vs [1,8,1,9]',
  ],
  ['concat', [[1, 8, 7, 1]], { axis: 5 }, 'E_ATTR at n.attrs.axis: axis 5 is out of range for rank 4'],
  [
    'add',
    [
      [1, 8, 7, 9],
      [1, 8, 9, 7],
    ],
    {},
    'E_SHAPE at n: add: dims 2 differ and neither is 1: [1,8,7,9] vs [1,8,9,7]',
  ],
  [
    'mul',
    [
      [1, 8, 7, 9],
      [1, 4, 1, 1],
    ],
    {},
    'E_SHAPE at n: mul: dims 1 differ and neither is 1: [1,8,7,9] vs [1,4,1,1]',
  ],
  [
    'split',
    [[1, 8, 10, 1]],
    { axis: 2, sizes: [3, 4] },
    'E_SHAPE at n: split: sizes sum to dim 2 of the input does not hold (7 == 10 is false)',
  ],
  [
    'permute',
    [[1, 8, 7, 9]],
    { perm: [0, 1, 1, 2] },
    'E_ATTR at n.attrs.perm: perm [0,1,1,2] is not a permutation of the 4 axes',
  ],
  [
    'reshape',
    [[2, 8]],
    { shape: [2, 4, 1, 1] },
    'E_SHAPE at n: reshape keeps the number of elements does not hold (8 == 16 is false)',
  ],
  ['directional_mean', [[1, 8, 7, 9]], { over: 'C' }, 'E_ATTR at n.attrs.over'],
  ['linear', [[1, 10]], {}, 'E_ATTR at n.attrs.outFeatures'],
  ['batch_norm', [[1, 8, 7, 9]], { eps: -1 }, 'E_ATTR at n.attrs.eps'],
  [
    'sub',
    [
      [1, 8, 7, 9],
      [1, 8, 9, 7],
    ],
    {},
    'E_SHAPE at n: sub: dims 2 differ and neither is 1: [1,8,7,9] vs [1,8,9,7]',
  ],
  [
    'div',
    [
      [2, 8, 7, 9],
      [3, 1, 1, 1],
    ],
    {},
    'E_SHAPE at n: div: dims 0 differ and neither is 1: [2,8,7,9] vs [3,1,1,1]',
  ],
  ['offset', [[1, 4]], {}, "E_ATTR at n.attrs.value: missing required attribute for op 'offset'"],
  ['offset', [[1, 4]], { value: Infinity }, 'E_ATTR at n.attrs.value'],
  ['clip', [[1, 4]], {}, 'E_ATTR at n.attrs: clip needs min, max or both'],
  ['clip', [[1, 4]], { min: null, max: null }, 'E_ATTR at n.attrs: clip needs min, max or both'],
  ['clip', [[1, 4]], { min: 2, max: 1 }, 'E_ATTR at n.attrs.max: min must be at most max'],
  ['clip', [[1, 4]], { min: -Infinity }, 'E_ATTR at n.attrs.min'],
  [
    'slice',
    [[1, 8, 5, 9]],
    { axis: 2, start: 7, end: 10 },
    'E_SHAPE at n: slice: start lies inside dim 2 does not hold (7 < 5 is false): [1,8,5,9]',
  ],
  [
    'slice',
    [[1, 8, 5, 9]],
    { axis: 2, start: 3, end: 3 },
    'E_ATTR at n.attrs.end: end must be greater than start',
  ],
  [
    'slice',
    [[1, 8, 5, 9]],
    { axis: 4, start: 0, end: 1 },
    'E_ATTR at n.attrs.axis: axis 4 is out of range for rank 4',
  ],
  ['slice', [[1, 8, 5, 9]], { axis: 2, start: 0, end: 2, step: 0 }, 'E_ATTR at n.attrs.step'],
  ['slice', [[1, 8, 5, 9]], { axis: 2, start: -1, end: 2 }, 'E_ATTR at n.attrs.start'],
  ['avg_pool2d', [[1, 8, 5, 9]], { kernel: 2, countIncludePad: 'no' }, 'E_ATTR at n.attrs.countIncludePad'],
  ['resize', [[1, 8, 5, 9]], {}, "E_ATTR at n.attrs.size: missing required attribute for op 'resize'"],
  ['resize', [[1, 8, 5, 9]], { size: [0, 4] }, 'E_ATTR at n.attrs.size.0: expected an integer >= 1, got 0'],
  ['resize', [[1, 8, 5, 9]], { size: [4] }, 'E_ATTR at n.attrs.size'],
  ['resize', [[1, 8, 5, 9]], { size: [4, 4], mode: 'nearest' }, 'E_ATTR at n.attrs.mode'],
  ['resize', [[8, 5, 9]], { size: [4, 4] }, 'E_SHAPE at n: input must have rank 4: [8,5,9]'],
  [
    'max_pool2d',
    [[1, 8, 5, 9]],
    { kernel: 2, countIncludePad: false },
    "E_ATTR at n.attrs: unknown attribute 'countIncludePad' for op 'max_pool2d'",
  ],
];

function graphWith(op: OpName, inputs: Sample['inputs'], attrs: Record<string, unknown> | undefined): Graph {
  const g = new Graph();
  inputs.forEach((shape, i) =>
    g.addInput(
      `x${i}`,
      shape.map((d) => (typeof d === 'number' ? Dim.const(d) : parseDimLike(d))),
    ),
  );
  g.addNode({ path: 'n', op, inputs: inputs.map((_, i) => `x${i}`), attrs });
  return g;
}

import { parseDim } from '../dim/index.js';
const parseDimLike = (s: string): Dim => parseDim(s);

describe('every primitive op', () => {
  it('the registry is sorted and every op has samples', () => {
    expect([...OP_NAMES]).toEqual([...OP_NAMES].sort());
    expect(Object.keys(SAMPLES).sort()).toEqual([...OP_NAMES]);
  });

  for (const op of OP_NAMES) {
    it.each(SAMPLES[op].map((s, i) => [i, s] as const))(
      `${op} sample %i infers its output shapes`,
      (_i, s) => {
        const g = graphWith(op, s.inputs, s.attrs);
        expect(g.node('n').outputs.map(shapeToString)).toEqual(s.out);
      },
    );
  }

  it('has a reference entry in docs/ir.md', () => {
    const doc = readFileSync(resolve(__dirname, '../../../../docs/ir.md'), 'utf8');
    const headings = [...doc.matchAll(/^### (.+)$/gm)].flatMap((m) => m[1].split(',').map((s) => s.trim()));
    for (const op of OP_NAMES) expect(headings, `docs/ir.md has no entry for ${op}`).toContain(op);
  });
});

describe('error inputs are rejected with their message', () => {
  it.each(ERRORS)('%s %j %j', (op, inputs, attrs, message) => {
    expect(() => graphWith(op, inputs, attrs)).toThrow(message);
  });
});

describe('graph-level errors', () => {
  it('unknown op, wrong arity, unknown input, duplicate path', () => {
    const g = new Graph();
    g.addInput('x', [Dim.const(1), Dim.const(8), Dim.const(7), Dim.const(9)]);
    expect(() => g.addNode({ path: 'a', op: 'conv3d', inputs: ['x'] })).toThrow(
      /E_UNKNOWN_OP at a: unknown op 'conv3d' \(expected one of add, /,
    );
    expect(() => g.addNode({ path: 'a', op: 'add', inputs: ['x'] })).toThrow(
      "E_GRAPH at a: op 'add' takes 2 input(s), got 1",
    );
    expect(() => g.addNode({ path: 'a', op: 'relu', inputs: ['y'] })).toThrow(
      "E_GRAPH at a: input 'y' refers to no earlier node or graph input",
    );
    g.addNode({ path: 'a', op: 'relu', inputs: ['x'] });
    expect(() => g.addNode({ path: 'a', op: 'relu', inputs: ['x'] })).toThrow(
      "E_GRAPH at a: duplicate node path 'a'",
    );
    expect(() => g.addNode({ path: 'b', op: 'relu', inputs: ['a:1'] })).toThrow(
      "E_GRAPH at b: 'a' has 1 output(s); 'a:1' asks for output 1",
    );
  });

  it('zero or negative input dims', () => {
    const g = new Graph();
    expect(() => g.addInput('x', [Dim.const(1), Dim.const(0)])).toThrow(
      'E_DIM at x: input dim 1 is 0, which is not positive',
    );
    expect(() => g.addInput('y', [Dim.const(-3)])).toThrow(
      'E_DIM at y: input dim 0 is -3, which is not positive',
    );
  });

  it('records an assumption when a relation cannot be decided', () => {
    const g = graphWith(
      'add',
      [
        [1, 'C', 'H', 'W'],
        [1, 'D', 'H', 'W'],
      ],
      {},
    );
    expect(g.assumptions.map((a) => a.relation)).toEqual(['C == D (add: dims 1 broadcast)']);
  });

  it('slice: end <= D is assumed on a symbolic dim, clamped when provably past it', () => {
    const g = graphWith('slice', [[1, 'C', 'H', 'W']], { axis: 2, start: 1, end: 9, step: 2 });
    expect(g.node('n').outputs.map(shapeToString)).toEqual(['[1,C,4,W]']);
    expect(g.assumptions.map((a) => a.relation)).toEqual(['9 <= H (slice: end lies within dim 2)']);
    // min(H, 3) < 9 is provable: the end is clamped to the dim and start < min(H, 3) is assumed.
    const c = graphWith('slice', [[1, 'C', 'min(H, 3)', 'W']], { axis: 2, start: 1, end: 9 });
    expect(c.node('n').outputs.map(shapeToString)).toEqual(['[1,C,min(H, 3) - 1,W]']);
    expect(c.assumptions.map((a) => a.relation)).toContain('1 < min(H, 3) (slice: start lies inside dim 2)');
  });
});
