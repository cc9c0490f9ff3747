/**
 * Backbones against independent PyTorch ground truth (packages/cost/test-data/torch-counts.json,
 * made by tools/torch-counts/count.py): totals by plain summation over the graph (params, BN
 * running statistics, conv+linear MACs — independent of the cost package), and per leaf-module
 * call: an IR node with the same module path (call k → `@k`), torch type and output shape.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Dim } from '../dim/index.js';
import type { Graph, Node } from '../graph/index.js';
import { isCoordattnError } from '../errors.js';
import {
  BACKBONE_NAMES,
  buildBackbone,
  PLACEMENT_TABLE,
  resolveBackboneOptions,
  type BackboneName,
  type BackboneOptions,
  type PlacementName,
} from './index.js';

// ---- ground truth ----------------------------------------------------------------------------------

interface TorchLayer {
  readonly path: string;
  readonly type: string;
  readonly call: number;
  readonly outputShape: readonly number[];
  readonly macs: number;
  readonly params: number;
}
interface TorchResult {
  readonly params: number;
  readonly bnRunningStats: number;
  readonly macs: number;
  readonly thop2019?: number;
  readonly layers?: readonly TorchLayer[];
}
interface TorchCounts {
  readonly models: Readonly<Record<string, Readonly<Record<string, TorchResult>>>>;
}

const TORCH = JSON.parse(
  readFileSync(new URL('../../../cost/test-data/torch-counts.json', import.meta.url), 'utf8'),
) as TorchCounts;

/** Each reference model as a buildBackbone call. */
const MODELS: Readonly<Record<string, readonly [BackboneName, BackboneOptions]>> = {
  mobilenetv2: ['mobilenetv2', {}],
  'mobilenetv2-w0.5': ['mobilenetv2', { width: 0.5 }],
  'mobilenetv2-w1.4': ['mobilenetv2', { width: 1.4 }],
  resnet18: ['resnet18', {}],
  resnet34: ['resnet34', {}],
  resnet50: ['resnet50', {}],
  resnet101: ['resnet101', {}],
  resnet152: ['resnet152', {}],
  'efficientnet-b0': ['efficientnet-b0', {}],
  'mobilenetv3-large': ['mobilenetv3-large', {}],
  'mobilenetv3-small': ['mobilenetv3-small', {}],
  // The paper recipes also take their base network's head (mbv2_ca.py: an AdaptiveAvgPool2d module).
  'mobilenetv2-ca-r32': ['mobilenetv2', { attention: { kind: 'ca' }, recipe: 'ca-paper' }],
  'mobilenetv2-se-ca-paper': ['mobilenetv2', { attention: { kind: 'se' }, recipe: 'ca-paper' }],
  'eca-resnet50': ['resnet50', { attention: { kind: 'eca' } }],
  'eca-resnet101': ['resnet101', { attention: { kind: 'eca' } }],
  'eca-resnet152': ['resnet152', { attention: { kind: 'eca' } }],
  'se-resnet50': ['resnet50', { attention: { kind: 'se' } }],
  'se-resnet101': ['resnet101', { attention: { kind: 'se' } }],
  'se-resnet152': ['resnet152', { attention: { kind: 'se' } }],
  'eca-mobilenetv2': ['mobilenetv2', { attention: { kind: 'eca' }, recipe: 'eca-paper' }],
  'se-mobilenetv2-eca-paper': ['mobilenetv2', { attention: { kind: 'se' }, recipe: 'eca-paper' }],
};

function build(model: string, h: number, w: number): Graph {
  const [name, opts] = MODELS[model];
  return buildBackbone(name, { ...opts, height: h, widthPx: w });
}

// ---- plain summation over the graph -------------------------------------------------------------------

const ints = (s: readonly Dim[]): number[] => s.map((d) => d.evaluateInt());
const numel = (s: readonly Dim[]): number => ints(s).reduce((a, b) => a * b, 1);

function totals(g: Graph): { params: number; bnRunningStats: number; macs: number } {
  let params = 0;
  let bnRunningStats = 0;
  for (const p of g.params.values()) {
    if (p.trainable) params += numel(p.shape);
    else if (p.role === 'running_mean' || p.role === 'running_var') bnRunningStats += numel(p.shape);
  }
  let macs = 0;
  for (const n of g.nodes) {
    const out = numel(n.outputs[0]);
    if (n.op === 'conv2d' || n.op === 'channel_conv1d') {
      // weight [Cout, Cin/g, kh, kw] or [1, 1, k]: MACs = numel(out) · prod(weight dims after Cout)
      const w = ints(g.params.get(n.params.weight)!.shape);
      macs += out * w.slice(1).reduce((a, b) => a * b, 1);
    } else if (n.op === 'linear') {
      const w = ints(g.params.get(n.params.weight)!.shape);
      macs += out * w[1];
    }
  }
  return { params, bnRunningStats, macs };
}

describe('totals equal PyTorch (params, BN running stats, conv+linear MACs)', () => {
  for (const [model, byRes] of Object.entries(TORCH.models)) {
    for (const [res, ref] of Object.entries(byRes)) {
      it(`${model} at ${res}`, () => {
        const [h, w] = res.split('x').map(Number);
        const t = totals(build(model, h, w));
        expect(t).toEqual({ params: ref.params, bnRunningStats: ref.bnRunningStats, macs: ref.macs });
      });
    }
  }
  it('covers every reference model', () => {
    expect(Object.keys(TORCH.models).sort()).toEqual(Object.keys(MODELS).sort());
  });
});

/**
 * The 2019 thop rules (tools/torch-counts/README.md), applied to provenance only: module calls
 * count, functional / tensor calls do not, and a module object called several times counts at its
 * last call. A test oracle for the provenance facts, not the cost package's implementation.
 */
function thop2019(g: Graph): number {
  const last = new Map<string, number>();
  for (const n of g.nodes) {
    if (n.provenance.call !== 'module') continue;
    const out = numel(n.outputs[0]);
    const bias = n.params.bias !== undefined ? 1 : 0;
    const weight = n.params.weight !== undefined ? ints(g.params.get(n.params.weight)!.shape) : [];
    let ops = 0;
    switch (n.provenance.torchType) {
      case 'Conv2d':
      case 'Conv1d':
        ops = out * (weight.slice(1).reduce((a, b) => a * b, 1) + bias);
        break;
      case 'Linear':
        ops = (2 * weight[1] - 1) * out;
        break;
      case 'BatchNorm2d':
        ops = 4 * out;
        break;
      case 'ReLU':
      case 'ReLU6':
      case 'h_swish': // coordatt.py's h_swish holds one ReLU6 module
        ops = out;
        break;
      case 'AdaptiveAvgPool2d': {
        const inp = ints(g.shapeOf(n.inputs[0]));
        const o = ints(n.outputs[0]);
        ops = (Math.floor(inp[2] / o[2]) * Math.floor(inp[3] / o[3]) + 1) * out;
        break;
      }
    }
    last.set(n.provenance.object, ops);
  }
  return [...last.values()].reduce((a, b) => a + b, 0);
}

describe('2019-thop totals from provenance alone equal the PyTorch ones', () => {
  for (const [model, byRes] of Object.entries(TORCH.models)) {
    for (const [res, ref] of Object.entries(byRes)) {
      if (ref.thop2019 === undefined) continue;
      it(`${model} at ${res}`, () => {
        const [h, w] = res.split('x').map(Number);
        expect(thop2019(build(model, h, w))).toBe(ref.thop2019);
      });
    }
  }
});

// ---- per-layer: module path, call index, torch type, output shape ---------------------------------------

interface Expected {
  readonly path: string;
  readonly type: string;
  readonly shape: readonly number[];
}

/** Our names inside an attention scope for the reference scripts' names. */
const SE_CONV_NAMES: Readonly<Record<string, string>> = {
  avg_pool: 'avgpool',
  'fc.0': 'fc1',
  'fc.1': 'activation',
  'fc.2': 'fc2',
  'fc.3': 'scale_activation',
};

function attentionInner(
  kind: 'ca' | 'se-conv' | 'se-linear' | 'eca',
  inner: string,
  l: TorchLayer,
): Expected {
  const keep = { path: inner, type: l.type, shape: l.outputShape };
  switch (kind) {
    case 'ca':
      // coordatt.py's h_swish is h_swish > h_sigmoid > ReLU6; ours is one hard_swish node `act`.
      return inner === 'act.sigmoid.relu' ? { path: 'act', type: 'h_swish', shape: l.outputShape } : keep;
    case 'se-conv':
      return { ...keep, path: SE_CONV_NAMES[inner] ?? inner };
    case 'se-linear':
      return { ...keep, path: inner === 'avg_pool' ? 'avgpool' : inner };
    case 'eca':
      // Conv1d sees [N, 1, C] (squeeze + transpose); our channel_conv1d keeps [N, C, 1, 1].
      return inner === 'conv' ? { ...keep, shape: [l.outputShape[0], l.outputShape[2], 1, 1] } : keep;
  }
}

/**
 * mbv2_ca.py (houqb/CoordAttention) has a flat `conv` Sequential per block and a top-level
 * `conv`; our tree is torchvision's, with the attention scope `features.i.conv.attention`.
 */
function mapMbv2CA(kind: 'ca' | 'se-conv') {
  return (l: TorchLayer): Expected => {
    const same = { path: l.path, type: l.type, shape: l.outputShape };
    let m = /^conv\.(\d)$/.exec(l.path);
    if (m) return { ...same, path: `features.18.${m[1]}` };
    m = /^features\.(\d+)\.conv\.(\d)(?:\.(.*))?$/.exec(l.path);
    if (!m) return same;
    const [i, k, rest] = [Number(m[1]), Number(m[2]), m[3]];
    const p = `features.${i}.conv`;
    if (i === 1) return { ...same, path: k < 3 ? `${p}.0.${k}` : `${p}.${k - 2}` };
    if (k < 3) return { ...same, path: `${p}.0.${k}` };
    if (k < 6) return { ...same, path: `${p}.1.${k - 3}` };
    if (k === 6) {
      const e = attentionInner(kind, rest!, l);
      return { ...e, path: `${p}.attention.${e.path}` };
    }
    return { ...same, path: `${p}.${k - 5}` };
  };
}

/** eca_mobilenetv2.py: torchvision's tree plus the attention at `conv.4` (`conv.3` when t = 1). */
function mapMbv2ECA(kind: 'eca' | 'se-linear') {
  return (l: TorchLayer): Expected => {
    const m = /^(features\.(\d+)\.conv)\.(\d)\.(.*)$/.exec(l.path);
    const at = m && (Number(m[2]) === 1 ? '3' : '4');
    if (!m || m[3] !== at || /^\d/.test(m[4])) return { path: l.path, type: l.type, shape: l.outputShape };
    const e = attentionInner(kind, m[4], l);
    return { ...e, path: `${m[1]}.attention.${e.path}` };
  };
}

/** eca_resnet.py names the attention `eca` (also for the SE variants). */
function mapResNetAttention(kind: 'eca' | 'se-linear') {
  return (l: TorchLayer): Expected => {
    const m = /^(layer\d\.\d+)\.eca\.(.*)$/.exec(l.path);
    if (!m) return { path: l.path, type: l.type, shape: l.outputShape };
    const e = attentionInner(kind, m[2], l);
    return { ...e, path: `${m[1]}.attention.${e.path}` };
  };
}

const MAPS: Readonly<Record<string, (l: TorchLayer) => Expected>> = {
  'mobilenetv2-ca-r32': mapMbv2CA('ca'),
  'mobilenetv2-se-ca-paper': mapMbv2CA('se-conv'),
  'eca-mobilenetv2': mapMbv2ECA('eca'),
  'se-mobilenetv2-eca-paper': mapMbv2ECA('se-linear'),
  'eca-resnet50': mapResNetAttention('eca'),
  'eca-resnet101': mapResNetAttention('eca'),
  'eca-resnet152': mapResNetAttention('eca'),
  'se-resnet50': mapResNetAttention('se-linear'),
  'se-resnet101': mapResNetAttention('se-linear'),
  'se-resnet152': mapResNetAttention('se-linear'),
};

describe('every PyTorch leaf-module call has its IR node (path, call, type, output shape)', () => {
  for (const [model, byRes] of Object.entries(TORCH.models)) {
    for (const [res, ref] of Object.entries(byRes)) {
      if (!ref.layers) continue;
      it(`${model} at ${res}`, () => {
        const [h, w] = res.split('x').map(Number);
        const g = build(model, h, w);
        const map =
          MAPS[model] ??
          ((l: TorchLayer): Expected => ({ path: l.path, type: l.type, shape: l.outputShape }));
        const seen = new Set<string>();
        for (const l of ref.layers!) {
          const e = map(l);
          const path = l.call === 0 ? e.path : `${e.path}@${l.call}`;
          expect(g.has(path), `${l.path} (call ${l.call}) → ${path}`).toBe(true);
          const n = g.node(path);
          expect({
            module: n.provenance.module,
            call: n.provenance.call,
            type: n.provenance.torchType,
          }).toEqual({
            module: e.path,
            call: 'module',
            type: e.type,
          });
          expect(ints(n.outputs[0]), path).toEqual(e.shape);
          seen.add(path);
        }
        // Conversely, every module call in the IR is one the reference made.
        const extra = g.nodes
          .filter((n) => n.provenance.call === 'module' && !seen.has(n.path))
          .map((n) => n.path);
        expect(extra).toEqual([]);
      });
    }
  }
});

// ---- structure details the counting presets rely on ----------------------------------------------------

describe('provenance', () => {
  it('ResNet blocks call one relu object 2× / 3×', () => {
    const g50 = buildBackbone('resnet50');
    const calls = ['layer1.0.relu', 'layer1.0.relu@1', 'layer1.0.relu@2'].map((p) => g50.node(p).provenance);
    expect(calls.map((c) => c.object)).toEqual(['layer1.0.relu', 'layer1.0.relu', 'layer1.0.relu']);
    expect(g50.has('layer1.0.relu@3')).toBe(false);
    const g18 = buildBackbone('resnet18');
    expect(g18.has('layer1.0.relu@1')).toBe(true);
    expect(g18.has('layer1.0.relu@2')).toBe(false);
    expect(g18.node('relu').provenance.object).toBe('relu');
  });

  it('functional and tensor ops are marked as such', () => {
    const g = buildBackbone('mobilenetv2');
    expect(g.node('avgpool').provenance).toMatchObject({
      call: 'functional',
      torchType: 'adaptive_avg_pool2d',
    });
    expect(g.node('flatten').provenance).toMatchObject({ call: 'functional', torchType: 'flatten' });
    expect(g.node('features.3.add').provenance).toMatchObject({ call: 'tensor', torchType: 'add' });
    const r = buildBackbone('resnet50');
    expect(r.node('avgpool').provenance.call).toBe('module');
    expect(r.node('layer1.0.add').provenance.call).toBe('tensor');
    expect(buildBackbone('mobilenext').node('view').provenance).toMatchObject({
      call: 'tensor',
      torchType: 'view',
    });
  });

  it('in-place variants and folded calls are recorded as the reference code writes them', () => {
    const inplace = (g: ReturnType<typeof buildBackbone>, p: string) => g.node(p).provenance.inplace === true;
    const r = buildBackbone('resnet50');
    // nn.ReLU(inplace=True), `out += identity`
    expect(['relu', 'layer1.0.relu@2', 'layer1.0.add'].map((p) => inplace(r, p))).toEqual([true, true, true]);
    const m = buildBackbone('mobilenetv2');
    // Conv2dNormActivation's ReLU6(inplace=True); `x + self.conv(x)`; nn.Dropout(p=0.2)
    expect(['features.0.2', 'features.3.add', 'classifier.0'].map((p) => inplace(m, p))).toEqual([
      true,
      false,
      false,
    ]);
    const e = buildBackbone('efficientnet-b0');
    // SE's SiLU(inplace=True), `result += input`, nn.Dropout(inplace=True)
    expect(
      ['features.1.0.block.1.activation', 'features.2.1.add', 'classifier.0'].map((p) => inplace(e, p)),
    ).toEqual([true, true, true]);
    const v3 = buildBackbone('mobilenetv3-large');
    // SE's nn.ReLU() and nn.Hardsigmoid() are not in place; the classifier's Hardswish and Dropout are
    expect(
      [
        'features.4.block.2.activation',
        'features.4.block.2.scale_activation',
        'classifier.1',
        'classifier.2',
      ].map((p) => inplace(v3, p)),
    ).toEqual([false, false, true, true]);
    const eca = buildBackbone('mobilenetv2', { attention: { kind: 'eca' }, recipe: 'eca-paper' });
    expect(eca.node('features.2.conv.attention.conv').provenance.folded).toEqual([
      'squeeze',
      'transpose',
      'transpose',
      'unsqueeze',
    ]);
    expect(eca.node('features.2.conv.attention.mul').provenance.folded).toEqual(['expand_as']);
    const se = buildBackbone('mobilenetv2', { attention: { kind: 'se' }, recipe: 'ca-paper' });
    expect(inplace(se, 'features.2.conv.attention.activation')).toBe(true); // SEM's nn.ReLU6(True)
  });

  it('the graph input is `input` [batch, 3, H, W] and meta records the options', () => {
    const g = buildBackbone('mobilenetv2', {
      attention: { kind: 'ca' },
      height: 224,
      widthPx: 320,
      batch: 2,
      classes: 10,
    });
    expect(g.inputs.map((i) => [i.name, ints(i.shape)])).toEqual([['input', [2, 3, 224, 320]]]);
    expect(ints(g.shapeOf(g.outputs[0]))).toEqual([2, 10]);
    expect(g.meta).toMatchObject({
      backbone: 'mobilenetv2',
      width: 1,
      resolution: [224, 320],
      classes: 10,
      attention: 'ca',
      placement: 'ca-paper',
      recipe: null,
      attentionConfig: { reduction: 32 },
    });
    expect(buildBackbone('resnet50', { recipe: 'eca-paper' }).meta).toMatchObject({
      attention: 'none',
      placement: 'eca-paper',
      recipe: 'eca-paper',
      preset: 'thop-2019',
    });
  });
});

// ---- MobileNeXt (no torch reference in the JSON: the released model's numbers) ---------------------------

describe('MobileNetV2 + attention without a recipe', () => {
  it('CA defaults to the official placement and r = 32 on the torchvision base (3,950,648 params)', () => {
    const t = totals(buildBackbone('mobilenetv2', { attention: { kind: 'ca' } }));
    expect(t).toEqual({ params: 3950648, bnRunningStats: 34592, macs: 306666368 });
  });
});

describe('MobileNeXt', () => {
  it('matches the released MobileNeXt-1.0: 3,535,416 params, 311.3M MACs at 224', () => {
    const t = totals(buildBackbone('mobilenext'));
    expect(t.params).toBe(3535416);
    expect(t.macs).toBe(311342592);
  });

  it('has the four sandglass layouts of the official SGBlock', () => {
    const g = buildBackbone('mobilenext');
    const convs = (i: number): string[] =>
      g.nodes.filter((n) => n.path.startsWith(`features.${i}.conv.`) && n.op === 'conv2d').map((n) => n.path);
    // t = 2: dw, pw, pw, dw/2
    expect(convs(1)).toEqual([
      'features.1.conv.0',
      'features.1.conv.3',
      'features.1.conv.5',
      'features.1.conv.8',
    ]);
    expect(ints(g.node('features.1.conv.8').outputs[0])).toEqual([1, 96, 56, 56]);
    // keep_3x3 (96 → 144, s1, n = 1): dw, pw (hidden 32), pw, dw stride 1, no identity
    expect(convs(2)).toHaveLength(4);
    expect(ints(g.node('features.2.conv.3').outputs[0])).toEqual([1, 32, 56, 56]);
    expect(g.has('features.2.add')).toBe(false);
    // inp ≠ oup, stride 2: pw, pw, dw/2
    expect(convs(3)).toEqual(['features.3.conv.0', 'features.3.conv.2', 'features.3.conv.5']);
    // inp ≠ oup, stride 1, not keep_3x3 (288 → 384): the pointwise pair only
    expect(convs(9)).toEqual(['features.9.conv.0', 'features.9.conv.2']);
    // inp == oup: dw, pw, pw, dw + identity add
    expect(convs(4)).toHaveLength(4);
    expect(g.has('features.4.add')).toBe(true);
  });

  it('puts CA after the first depthwise conv + BN + ReLU6, where it exists', () => {
    const g = buildBackbone('mobilenext', { attention: { kind: 'ca' } });
    expect(g.blocks.map((b) => b.path)).toContain('features.1.conv.attention');
    expect(g.node('features.1.conv.attention.pool_h').inputs).toEqual(['features.1.conv.2']);
    expect(g.blocks.some((b) => b.path.startsWith('features.3.'))).toBe(false);
  });
});

// ---- placement table ------------------------------------------------------------------------------------

/** 'features.4-6' → ['features.4.', 'features.5.', 'features.6.'], 'layer2' → ['layer2.']. */
function stagePrefixes(modules: string): string[] {
  const m = /^(.*\.)(\d+)-(\d+)$/.exec(modules);
  if (!m) return [`${modules}.`];
  const out: string[] = [];
  for (let i = Number(m[2]); i <= Number(m[3]); i++) out.push(`${m[1]}${i}.`);
  return out;
}

const attentionBlocks = (g: Graph): string[] =>
  g.blocks.filter((b) => b.kind === 'coordinate-attention').map((b) => b.path);

describe('placement table', () => {
  for (const name of BACKBONE_NAMES) {
    const row = PLACEMENT_TABLE[name];
    for (const [placement, info] of Object.entries(row.placements)) {
      it(`${name} ${placement}: ${info.blocks} blocks, scope ${info.scope}, stages as listed`, () => {
        const opts = { attention: { kind: 'ca' }, placement: placement as PlacementName } as const;
        const paths = attentionBlocks(buildBackbone(name, opts));
        expect(paths).toHaveLength(info.blocks);
        const re = new RegExp(`^${info.scope.replace(/\./g, '\\.').replace(/\{\w\}/g, '\\d+')}$`);
        for (const p of paths) expect(p).toMatch(re);
        let total = 0;
        for (const st of row.stages) {
          const only = attentionBlocks(buildBackbone(name, { ...opts, stages: [st.index] }));
          const prefixes = stagePrefixes(st.modules);
          for (const p of only)
            expect(
              prefixes.some((x) => p.startsWith(x)),
              `${p} in ${st.modules}`,
            ).toBe(true);
          total += only.length;
        }
        expect(total).toBe(info.blocks);
      });
    }
  }

  it('stage channels are the output channels at width 1', () => {
    for (const name of BACKBONE_NAMES) {
      const g = buildBackbone(name);
      for (const st of PLACEMENT_TABLE[name].stages) {
        const last = stagePrefixes(st.modules).pop()!;
        const nodes = g.nodes.filter((n) => n.path.startsWith(last));
        expect(nodes[nodes.length - 1].outputs[0][1].toInt(), `${name} ${st.modules}`).toBe(st.channels);
      }
    }
  });

  it('builtin-se replaces the SE in its slot; none and se keep torchvision; other stages keep SE', () => {
    const plain = buildBackbone('efficientnet-b0');
    const se = buildBackbone('efficientnet-b0', { attention: { kind: 'se' } });
    expect(se.nodes.map((n) => n.path)).toEqual(plain.nodes.map((n) => n.path));
    expect(totals(se)).toEqual(totals(plain));
    const ca = buildBackbone('efficientnet-b0', { attention: { kind: 'ca' } });
    expect(ca.has('features.2.0.block.2.conv1')).toBe(true);
    expect(ca.blocks.filter((b) => b.kind === 'squeeze-excitation')).toEqual([]);
    const ca3 = buildBackbone('efficientnet-b0', { attention: { kind: 'ca' }, stages: [3] });
    expect(attentionBlocks(ca3)).toEqual(['features.3.0.block.2', 'features.3.1.block.2']);
    expect(ca3.blocks.filter((b) => b.kind === 'squeeze-excitation')).toHaveLength(14);
    const small = buildBackbone('mobilenetv3-small', { attention: { kind: 'eca' } });
    expect(small.node('features.1.block.1.conv').op).toBe('channel_conv1d');
    const mnv3 = buildBackbone('mobilenetv3-large', { attention: { kind: 'ca' }, placement: 'block-output' });
    expect(mnv3.blocks.filter((b) => b.kind === 'squeeze-excitation')).toHaveLength(8);
  });
});

// ---- option resolution --------------------------------------------------------------------------------------

describe('resolveBackboneOptions', () => {
  it('recipes give placement, per-kind config and the cost preset', () => {
    const ca = resolveBackboneOptions('mobilenetv2', { recipe: 'ca-paper', attention: { kind: 'cbam' } });
    expect(ca).toMatchObject({
      placement: 'ca-paper',
      preset: 'paper',
      config: { reduction: 24, bias: true, bn: true },
    });
    const eca = resolveBackboneOptions('resnet101', { recipe: 'eca-paper', attention: { kind: 'se' } });
    expect(eca).toMatchObject({ placement: 'eca-paper', preset: 'thop-2019' });
    expect(eca.config).toEqual({
      squeeze: 'divide',
      form: 'linear',
      bias: false,
      reduction: 16,
      innerActivation: 'relu',
    });
    const tv = resolveBackboneOptions('mobilenetv3-large', {
      recipe: 'torchvision',
      attention: { kind: 'ca' },
    });
    expect(tv).toMatchObject({ placement: 'builtin-se', preset: 'paper', config: {} });
    expect(resolveBackboneOptions('resnet50').preset).toBeUndefined();
  });

  it('defaults without a recipe follow the placement table', () => {
    const r = (name: BackboneName, kind: 'ca' | 'se' | 'eca' | 'cbam' | 'triplet') =>
      resolveBackboneOptions(name, { attention: { kind } });
    expect(r('mobilenetv2', 'se')).toMatchObject({
      placement: 'ca-paper',
      config: { squeeze: 'divide', reduction: 24, innerActivation: 'relu6', bias: true, form: 'conv' },
    });
    expect(r('mobilenetv2', 'eca')).toMatchObject({
      placement: 'eca-paper',
      ecaKernel: { rule: 'channel-threshold', threshold: 96, below: 1, atOrAbove: 3 },
    });
    expect(r('mobilenetv2', 'triplet').placement).toBe('ca-paper');
    expect(r('mobilenext', 'ca')).toMatchObject({ placement: 'ca-paper', config: { reduction: 32 } });
    expect(r('resnet18', 'eca').ecaKernel).toEqual({ rule: 'per-stage', k: [3, 5, 7, 7] });
    expect(r('resnet34', 'eca').ecaKernel).toEqual({ rule: 'per-stage', k: [3, 3, 5, 7] });
    expect(r('resnet50', 'se').config).toMatchObject({ form: 'linear', bias: false, reduction: 16 });
    expect(r('resnet152', 'ca')).toMatchObject({ placement: 'eca-paper', config: { reduction: 32 } });
    expect(r('efficientnet-b0', 'ca')).toMatchObject({ placement: 'builtin-se', config: { reduction: 32 } });
  });

  it('user config overrides the defaults field by field; ecaK overrides per stage', () => {
    const r = resolveBackboneOptions('mobilenetv2', { attention: { kind: 'se', config: { reduction: 16 } } });
    expect(r.config).toEqual({
      squeeze: 'divide',
      reduction: 16,
      innerActivation: 'relu6',
      bias: true,
      form: 'conv',
      inplace: true,
    });
    const g = buildBackbone('resnet50', { attention: { kind: 'eca' }, ecaK: [9, 7, 5, 3] });
    expect(g.node('layer1.0.attention.conv').attrs.kernel).toEqual(Dim.const(9));
    expect(g.node('layer4.2.attention.conv').attrs.kernel).toEqual(Dim.const(3));
    const fixed = buildBackbone('resnet50', { attention: { kind: 'eca', config: { kernel: 5 } } });
    expect(fixed.node('layer1.0.attention.conv').attrs.kernel).toEqual(Dim.const(5));
    const adaptive = buildBackbone('resnet50', { attention: { kind: 'eca' }, ecaK: 'adaptive' });
    expect(adaptive.node('layer4.0.attention.conv').attrs.kernel).toEqual(Dim.const(7)); // C = 2048
    // Built-in SE at builtin-se: the user's fields go over the built-in config.
    const hs = buildBackbone('efficientnet-b0', {
      attention: { kind: 'se', config: { gate: 'hard_sigmoid' } },
    });
    expect(hs.node('features.1.0.block.1.scale_activation').op).toBe('hard_sigmoid');
    expect(ints(hs.node('features.1.0.block.1.fc1').outputs[0])).toEqual([1, 8, 1, 1]);
  });

  it('paper recipes take their base network: eca-paper truncates channels, ca-paper keeps make_divisible', () => {
    const stem = (opts: BackboneOptions): number =>
      buildBackbone('mobilenetv2', { width: 0.35, ...opts })
        .node('features.0.0')
        .outputs[0][1].toInt()!;
    expect(stem({})).toBe(16);
    expect(stem({ recipe: 'ca-paper' })).toBe(16);
    expect(stem({ recipe: 'eca-paper' })).toBe(11);
    expect(buildBackbone('mobilenetv2', { recipe: 'eca-paper' }).node('classifier.0').attrs.p).toBe(0.25);
  });
});

// ---- errors ---------------------------------------------------------------------------------------------------

function errorOf(fn: () => unknown): { code: string; message: string; path?: string } {
  try {
    fn();
  } catch (e) {
    if (isCoordattnError(e)) return { code: e.code, message: e.message, path: e.details.path };
    throw e;
  }
  throw new Error('expected an error');
}

describe('invalid options', () => {
  it('an unsupported placement names the backbone, the placement and the supported ones', () => {
    const e = errorOf(() => buildBackbone('resnet50', { attention: { kind: 'ca' }, placement: 'ca-paper' }));
    expect(e.code).toBe('E_OPTION');
    expect(e.message).toContain("backbone 'resnet50' does not support placement 'ca-paper'");
    expect(e.message).toContain('eca-paper, block-output');
    expect(errorOf(() => buildBackbone('mobilenetv2', { placement: 'builtin-se' })).code).toBe('E_OPTION');
  });

  it.each([
    ['width', { width: 0 }],
    ['width', { width: -1 }],
    ['width', { width: Number.NaN }],
    ['width', { width: Number.POSITIVE_INFINITY }],
    ['classes', { classes: 0 }],
    ['classes', { classes: 1.5 }],
    ['stages', { stages: [0] }],
    ['stages', { stages: [8] }],
    ['stages', { stages: [] }],
    ['stages', { stages: [1.5] }],
    ['ecaK', { ecaK: [3, 3] }],
    ['ecaK', { ecaK: [3, 3, 3, 3, 3, 3, 4] }],
    ['height', { height: 0 }],
    ['widthPx', { widthPx: 2.5 }],
    ['recipe', { recipe: 'eca-paper' as const }],
    // What a JavaScript caller can pass without a type check: a string for { kind }, a typo.
    ['attention', { attention: 'ca' }],
    ['attention', { attention: null }],
    ['resolution', { resolution: 96 }],
  ] as const)('%s %j → E_OPTION naming the field', (field, opts) => {
    const name: BackboneName = field === 'recipe' ? 'mobilenext' : 'mobilenetv2';
    const e = errorOf(() => buildBackbone(name, opts as unknown as BackboneOptions));
    expect(e.code).toBe('E_OPTION');
    expect(e.path).toBe(field);
    expect(e.message).toContain('expected');
  });

  it('ResNets have no width multiplier', () => {
    const e = errorOf(() => buildBackbone('resnet18', { width: 0.5 }));
    expect([e.code, e.path]).toEqual(['E_OPTION', 'width']);
  });

  it('unknown names are E_UNKNOWN_NAME', () => {
    expect(errorOf(() => buildBackbone('vgg16' as BackboneName)).code).toBe('E_UNKNOWN_NAME');
    expect(errorOf(() => buildBackbone('resnet50', { placement: 'nowhere' as PlacementName })).code).toBe(
      'E_UNKNOWN_NAME',
    );
  });

  it('a bad attention field fails at the first block with E_ATTR', () => {
    const e = errorOf(() =>
      buildBackbone('mobilenetv2', { attention: { kind: 'ca', config: { reduction: 0 } } }),
    );
    expect(e.code).toBe('E_ATTR');
    expect(e.path).toMatch(/^features\.2\.conv\.attention/);
  });

  it('tiny inputs still build (every conv and pool is padded), down to 1×1', () => {
    for (const name of BACKBONE_NAMES) {
      const g = buildBackbone(name, { height: 1, widthPx: 1, attention: { kind: 'ca' } });
      expect(ints(g.shapeOf(g.outputs[0]))).toEqual([1, 1000]);
    }
  });
});

// ---- symbolic resolution ---------------------------------------------------------------------------------------

const SYMBOLIC_CASES: readonly (readonly [BackboneName, BackboneOptions])[] = [
  ...BACKBONE_NAMES.map((n) => [n, {}] as const),
  ['mobilenetv2', { attention: { kind: 'ca' } }],
  ['mobilenetv2', { attention: { kind: 'cbam' } }],
  ['mobilenext', { attention: { kind: 'triplet' } }],
  ['resnet50', { attention: { kind: 'eca' } }],
  ['resnet18', { attention: { kind: 'ca' }, placement: 'block-output' }],
  ['efficientnet-b0', { attention: { kind: 'ca' } }],
  ['mobilenetv3-small', { attention: { kind: 'se' } }],
];

describe('symbolic H and W', () => {
  for (const [name, opts] of SYMBOLIC_CASES) {
    it(`${name} ${JSON.stringify(opts)}: substituting H=224, W=320 gives the concrete build`, () => {
      const sym = buildBackbone(name, { ...opts, height: Dim.sym('H'), widthPx: Dim.sym('W') });
      const conc = buildBackbone(name, { ...opts, height: 224, widthPx: 320 });
      expect(sym.symbols()).toEqual(['H', 'W']);
      expect(sym.nodes.map((n) => n.path)).toEqual(conc.nodes.map((n) => n.path));
      const at = (n: Node): (number | undefined)[][] =>
        n.outputs.map((s) => s.map((d) => d.substitute({ H: 224, W: 320 }).toInt()));
      sym.nodes.forEach((n, i) => {
        expect(at(n), n.path).toEqual(conc.nodes[i].outputs.map((s) => ints(s)));
      });
      expect(ints(sym.shapeOf(sym.outputs[0]))).toEqual([1, 1000]);
      expect(totals(conc).params).toBe(
        [...sym.params.values()].filter((p) => p.trainable).reduce((a, p) => a + numel(p.shape), 0),
      );
    });
  }
});
