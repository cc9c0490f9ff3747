import { describe, expect, it } from 'vitest';
import { ATTENTION_KINDS, attention, type AttentionSpec } from '../blocks/index.js';
import {
  BACKBONE_NAMES,
  buildBackbone,
  type BackboneName,
  type BackboneOptions,
} from '../backbones/index.js';
import { Dim, floor } from '../dim/index.js';
import { CoordattnError } from '../errors.js';
import { GraphBuilder, type Graph } from '../graph/index.js';
import { parseSpec, readSpec, specToText, toJsonValue, writeSpec } from './index.js';

/** Everything a rebuilt graph must reproduce, with Dims by canonical key. */
function summary(g: Graph): unknown {
  const keys = (s: readonly Dim[]): string[] => s.map((d) => d.key);
  return {
    inputs: g.inputs.map((i) => ({ name: i.name, shape: keys(i.shape) })),
    nodes: g.nodes.map((n) => ({
      path: n.path,
      op: n.op,
      inputs: n.inputs,
      outputs: n.outputs.map(keys),
      attrs: toJsonValue(n.attrs),
      params: n.params,
      provenance: n.provenance,
      block: n.block,
    })),
    params: [...g.params.values()].map((p) => ({ ...p, shape: keys(p.shape) })),
    outputs: g.outputs,
    blocks: toJsonValue(g.blocks),
    assumptions: g.assumptions,
    meta: toJsonValue(g.meta),
  };
}

/** spec → graph → JSON → graph is the identity; JSON → graph → JSON is a fixed point. */
function expectRoundTrip(g: Graph): void {
  const j1 = writeSpec(g);
  const g2 = parseSpec(structuredClone(j1));
  expect(summary(g2)).toEqual(summary(g));
  expect(JSON.stringify(writeSpec(g2))).toBe(JSON.stringify(j1));
  const text = specToText(g);
  expect(JSON.parse(text)).toEqual(j1);
  const g3 = readSpec(text, 'roundtrip.json');
  expect(specToText(g3)).toBe(text);
}

const sym = Dim.sym;

describe('hand-built graphs', () => {
  it('a conv stack with every conv attribute, pools, a split and a classifier', () => {
    const b = new GraphBuilder();
    const x = b.input('input', [sym('N'), 3, sym('H'), sym('W')]);
    let y = b.op('conv2d', x, {
      outChannels: 32,
      kernel: [3, 5],
      stride: 2,
      padding: [1, 2],
      dilation: 1,
      bias: true,
    });
    y = b.op('batch_norm', y, { eps: 1e-3, affine: false });
    y = b.op('relu6', y, {});
    y = b.op('conv2d', y, { outChannels: 32, kernel: 3, padding: 1, groups: 32 }, { name: 'dw' });
    y = b.op('max_pool2d', y, { kernel: 3, stride: 2, padding: 1, ceilMode: true });
    y = b.op('avg_pool2d', y, { kernel: 2 });
    const [a, c] = b.opMulti('split', y, { axis: 1, sizes: [8, 24] });
    const z = b.op('concat', [c, a], { axis: 1 }, { provenance: { call: 'functional', torchType: 'cat' } });
    const p = b.op('global_avg_pool', z, {});
    const f = b.op('flatten', p, { startDim: 1 });
    const d = b.op('dropout', f, { p: 0.2 });
    b.output(b.op('linear', d, { outFeatures: 1000 }, { name: 'classifier.1' }));
    expectRoundTrip(b.build());
  });

  it('shared weights, repeated modules (@k), reshape, permute, scale, channel ops', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, sym('C'), sym('H'), sym('W')]);
    const fc = (v: typeof x) =>
      b.op('linear', b.op('flatten', v, {}), { outFeatures: floor(sym('C').div(4)) }, { name: 'fc' });
    const u = fc(b.op('global_avg_pool', x, {}));
    const v = fc(b.op('global_max_pool', x, {})); // fc@1 shares fc's weights
    const s = b.op('add', [u, v], {});
    const r = b.op('reshape', s, { shape: [1, floor(sym('C').div(4)), 1, 1] });
    const t = b.op('channel_conv1d', r, { kernel: 3 });
    const cr = b.op('channel_reduce', x, { reduce: 'max' });
    const pm = b.op('permute', cr, { perm: [0, 1, 3, 2] });
    const sc = b.op('scale', pm, { factor: 1 / 3 });
    b.output(t);
    b.output(sc);
    const g = b.build();
    expect(g.nodes.find((n) => n.path === 'fc@1')!.params.weight).toBe('fc.weight');
    expectRoundTrip(g);
    expect(writeSpec(g).nodes.find((n) => n.path === 'fc@1')!.shareWeightsWith).toBe('fc');
  });

  it('a named graph with free-form meta', () => {
    const b = new GraphBuilder();
    b.output(b.op('identity', b.input('input', [2, 3]), {}));
    const g = b.build();
    g.meta.name = 'tiny';
    g.meta.note = { list: [1, 'two', null, true], d: sym('H').add(1) };
    expectRoundTrip(g);
    expect(writeSpec(g)).toMatchObject({ name: 'tiny', meta: { note: { d: 'H + 1' } } });
  });

  it('writes only non-default provenance fields', () => {
    const b = new GraphBuilder();
    const x = b.input('input', [1, 4, 8, 8]);
    b.output(b.op('sigmoid', x, {}, { name: 'gate', provenance: { call: 'tensor', torchType: 'sigmoid' } }));
    const j = writeSpec(b.build());
    expect(j.nodes[0].provenance).toEqual({ call: 'tensor', torchType: 'sigmoid' });
  });

  it('refuses to write values that are not JSON', () => {
    const b = new GraphBuilder();
    b.output(b.op('identity', b.input('input', [2, 3]), {}));
    const g = b.build();
    g.meta.when = new Date(0);
    expect(() => writeSpec(g)).toThrow(CoordattnError);
    expect(() => writeSpec(g)).toThrow(/E_SPEC at meta\.when: cannot write an object of class Date as JSON/);
  });
});

describe('attention blocks with symbolic C, H, W, r', () => {
  const configs: Record<Exclude<AttentionSpec['kind'], 'none'>, AttentionSpec[]> = {
    ca: [
      { kind: 'ca', config: { reduction: sym('r') } },
      { kind: 'ca', config: { reduction: sym('r'), directions: 'h', activation: 'relu' } },
      { kind: 'ca', config: { reduction: sym('r'), directions: 'w' } },
    ],
    se: [
      { kind: 'se', config: { reduction: sym('r') } },
      { kind: 'se', config: { reduction: sym('r'), squeeze: 'make_divisible', gate: 'hard_sigmoid' } },
      { kind: 'se', config: { reduction: sym('r'), form: 'linear' } },
      { kind: 'se', config: { squeeze: 'fixed', squeezeChannels: sym('S') } },
    ],
    eca: [{ kind: 'eca' }, { kind: 'eca', config: { kernel: 5 } }],
    cbam: [
      { kind: 'cbam', config: { reduction: sym('r') } },
      { kind: 'cbam', config: { reduction: sym('r'), bn: false } },
    ],
    triplet: [{ kind: 'triplet' }, { kind: 'triplet', config: { noSpatial: true, kernel: 3 } }],
  };
  for (const [kind, specs] of Object.entries(configs)) {
    specs.forEach((spec, k) => {
      it(`${kind} #${k}`, () => {
        const b = new GraphBuilder();
        const x = b.input('input', [sym('N'), sym('C'), sym('H'), sym('W')]);
        b.output(attention(b, x, spec));
        expectRoundTrip(b.build());
      });
    });
  }
});

describe('backbones', () => {
  const symbolic: Pick<BackboneOptions, 'height' | 'widthPx' | 'batch'> = {
    height: sym('H'),
    widthPx: sym('W'),
    batch: sym('N'),
  };
  for (const name of BACKBONE_NAMES) {
    it(`${name}: every attention kind; none and ca also at symbolic N, H, W`, () => {
      let built = 0;
      for (const kind of ATTENTION_KINDS) {
        const variants: BackboneOptions[] = [{ attention: { kind } as AttentionSpec }];
        if (kind === 'none' || kind === 'ca')
          variants.push({ attention: { kind } as AttentionSpec, ...symbolic });
        for (const opts of variants) {
          let g: Graph;
          try {
            g = buildBackbone(name as BackboneName, opts);
          } catch (e) {
            // A kind this backbone has no placement for is an option error, not a spec matter.
            expect(e).toBeInstanceOf(CoordattnError);
            expect((e as CoordattnError).code).toBe('E_OPTION');
            continue;
          }
          expectRoundTrip(g);
          built++;
        }
      }
      expect(built).toBeGreaterThanOrEqual(2);
    });
  }

  it('a model spec builds the same graph as buildBackbone', () => {
    const g = parseSpec({
      coordattn: 1,
      kind: 'model',
      backbone: 'mobilenetv2',
      width: 0.5,
      resolution: ['H', 320],
      attention: { kind: 'ca', config: { reduction: 'r' } },
    });
    const ref = buildBackbone('mobilenetv2', {
      width: 0.5,
      height: sym('H'),
      widthPx: Dim.const(320),
      attention: { kind: 'ca', config: { reduction: 'r' } },
    });
    expect(summary(g)).toEqual(summary(ref));
    expectRoundTrip(g);
  });

  it('a model spec with a recipe and ECA kernels per stage', () => {
    const g = parseSpec({
      coordattn: 1,
      kind: 'model',
      backbone: 'resnet50',
      attention: { kind: 'eca' },
      ecaK: [3, 5, 5, 7],
    });
    const ref = buildBackbone('resnet50', { attention: { kind: 'eca' }, ecaK: [3, 5, 5, 7] });
    expect(summary(g)).toEqual(summary(ref));
    expectRoundTrip(
      parseSpec({
        coordattn: 1,
        kind: 'model',
        backbone: 'mobilenetv2',
        attention: { kind: 'se' },
        recipe: 'ca-paper',
      }),
    );
  });
});
