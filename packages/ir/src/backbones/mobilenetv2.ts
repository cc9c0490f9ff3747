/**
 * MobileNetV2, node for node after torchvision/models/mobilenetv2.py (torchvision 0.14):
 * `features.0` stem Conv2dNormActivation, `features.1-17` InvertedResidual (`conv` Sequential:
 * [`0` pw expand Conv-BN-ReLU6 when t ≠ 1], dw Conv-BN-ReLU6, projection conv, BN), `features.18`
 * the last 1×1 Conv-BN-ReLU6, then `F.adaptive_avg_pool2d` → `torch.flatten` → `classifier.0`
 * Dropout, `classifier.1` Linear.
 *
 * Attention (placement.ts): `ca-paper` after the dw Conv-BN-ReLU6 of t ≠ 1 blocks (mbv2_ca.py),
 * `eca-paper` after the projection BN (eca_mobilenetv2.py), both as `features.{i}.conv.attention`;
 * `block-output` after the identity add as `features.{i}.attention`. The paper recipes also take
 * their base network's channel rounding and dropout (RecipeBase); the module tree stays
 * torchvision's.
 */
import type { GraphBuilder, Value } from '../graph/index.js';
import {
  attentionHook,
  bn,
  channelsOf,
  conv,
  convNormAct,
  flatten,
  makeDivisible,
  residualAdd,
} from './common.js';
import type { RecipeBase, ResolvedBackboneOptions } from './placement.js';

/** t (expansion), c (output channels), n (repeats), s (first stride): one row per stage. */
export const MOBILENETV2_SETTINGS: readonly (readonly [number, number, number, number])[] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

/** Channel widths: torchvision / mbv2_ca.py round with `_make_divisible`, eca_mobilenetv2.py truncates. */
function channelRule(r: ResolvedBackboneOptions): { ch: (c: number) => number; last: number } {
  const w = r.width;
  switch (r.base.channels) {
    case 'int':
      return { ch: (c) => Math.trunc(c * w), last: Math.trunc(1280 * Math.max(1, w)) };
    case 'ca-code': {
      const d = w === 0.1 ? 4 : 8;
      return { ch: (c) => makeDivisible(c * w, d), last: w > 1 ? makeDivisible(1280 * w, d) : 1280 };
    }
    default:
      return { ch: (c) => makeDivisible(c * w, 8), last: makeDivisible(1280 * Math.max(1, w), 8) };
  }
}

export function buildMobileNetV2(b: GraphBuilder, input: Value, r: ResolvedBackboneOptions): Value {
  const { ch, last } = channelRule(r);
  let x = convNormAct(b, input, 'features.0', { out: ch(32), kernel: 3, stride: 2, act: 'relu6' });
  let idx = 1;
  MOBILENETV2_SETTINGS.forEach(([t, c, n, s], row) => {
    const stage = row + 1;
    const oup = ch(c);
    for (let i = 0; i < n; i++) {
      const stride = i === 0 ? s : 1;
      x = b.scope(`features.${idx++}`, () => invertedResidual(b, x, r, { oup, stride, t, stage, c }));
    }
  });
  x = convNormAct(b, x, `features.${idx}`, { out: last, kernel: 1, act: 'relu6' });
  x = head(b, x, r.base.pool);
  x = b.op('dropout', x, { p: r.base.dropout ?? 0.2 }, { name: 'classifier.0' });
  return b.op('linear', x, { outFeatures: r.classes }, { name: 'classifier.1' });
}

/**
 * `features.0-17` (no last 1×1 conv) for a dense-prediction head at output stride 8 or 16, DeepLab's
 * rule (torchvision ResNet's `replace_stride_with_dilation`, the common DeepLabV3-MobileNetV2 code):
 * from the stage where the stride reaches `outputStride`, the stage's stride becomes 1 and the
 * dilation of the depthwise 3×3 convs doubles (padding = dilation); the stage's first block keeps
 * the previous dilation. Block i is named `name(i)`.
 */
export function buildMobileNetV2Features(
  b: GraphBuilder,
  input: Value,
  r: ResolvedBackboneOptions,
  outputStride: 8 | 16,
  name: (i: number) => string,
): Value {
  const { ch } = channelRule(r);
  let x = convNormAct(b, input, name(0), { out: ch(32), kernel: 3, stride: 2, act: 'relu6' });
  let idx = 1;
  let current = 2;
  let dilation = 1;
  MOBILENETV2_SETTINGS.forEach(([t, c, n, s], row) => {
    const previous = dilation;
    let stride = s;
    if (current === outputStride) {
      stride = 1;
      dilation *= s;
    } else {
      current *= s;
    }
    const oup = ch(c);
    for (let i = 0; i < n; i++) {
      const spec = {
        oup,
        stride: i === 0 ? stride : 1,
        t,
        stage: row + 1,
        c,
        dilation: i === 0 ? previous : dilation,
      };
      x = b.scope(name(idx++), () => invertedResidual(b, x, r, spec));
    }
  });
  return x;
}

/** Global pooling + flatten, written as each reference code writes it (RecipeBase.pool). */
function head(b: GraphBuilder, x: Value, pool: RecipeBase['pool']): Value {
  switch (pool) {
    case 'module': // mbv2_ca.py: self.avgpool = nn.AdaptiveAvgPool2d((1, 1)); x.view(x.size(0), -1)
      return flatten(b, b.op('global_avg_pool', x, {}, { name: 'avgpool' }), 'view');
    case 'tensor-mean': // eca_mobilenetv2.py: x.mean(-1).mean(-1), already [N, C]
      return b.op(
        'flatten',
        b.op('global_avg_pool', x, {}, { name: 'mean', provenance: { call: 'tensor', torchType: 'mean' } }),
        { startDim: 1 },
        { name: 'squeeze', provenance: { call: 'tensor', torchType: 'mean' } },
      );
    default: // torchvision: nn.functional.adaptive_avg_pool2d(x, (1, 1)); torch.flatten(x, 1)
      return b.op(
        'flatten',
        b.op(
          'global_avg_pool',
          x,
          {},
          { name: 'avgpool', provenance: { call: 'functional', torchType: 'adaptive_avg_pool2d' } },
        ),
        { startDim: 1 },
        { name: 'flatten' },
      );
  }
}

interface IRSpec {
  readonly oup: number;
  readonly stride: number;
  readonly t: number;
  readonly stage: number;
  /** The setting row's c before width scaling (ECA's k rule). */
  readonly c: number;
  /** Of the depthwise 3×3 conv (default 1; DeepLabV3's dilated stages). */
  readonly dilation?: number;
}

/** torchvision `InvertedResidual`; returns the block output. */
function invertedResidual(b: GraphBuilder, x: Value, r: ResolvedBackboneOptions, s: IRSpec): Value {
  const inp = channelsOf(x);
  const hidden = Math.round(inp * s.t);
  const site = { stage: s.stage, settingChannels: s.c };
  let y = b.scope('conv', () => {
    let k = 0;
    let h = x;
    if (s.t !== 1) h = convNormAct(b, h, `${k++}`, { out: hidden, kernel: 1, act: 'relu6' });
    h = convNormAct(b, h, `${k++}`, {
      out: hidden,
      kernel: 3,
      stride: s.stride,
      ...(s.dilation !== undefined && s.dilation !== 1 ? { dilation: s.dilation } : {}),
      groups: hidden,
      act: 'relu6',
    });
    if (s.t !== 1) h = attentionHook(b, h, r, { ...site, placement: 'ca-paper' });
    h = conv(b, h, `${k++}`, { out: s.oup, kernel: 1 });
    h = bn(b, h, `${k++}`);
    return attentionHook(b, h, r, { ...site, placement: 'eca-paper' });
  });
  if (s.stride === 1 && inp === s.oup) y = residualAdd(b, x, y);
  return attentionHook(b, y, r, { ...site, placement: 'block-output' });
}
