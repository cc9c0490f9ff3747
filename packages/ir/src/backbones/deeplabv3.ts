/**
 * DeepLabV3 on MobileNetV2, the CA paper's segmentation model (README: "Semantic segmentation",
 * Pascal VOC 2012 val and Cityscapes val, output stride 16 and 8; 4.5M params, + SE 4.9M, + CBAM
 * 4.9M, + CA 5.0M). The authors point to Andrew-Qibin/SPNet, which has neither MobileNetV2 nor
 * DeepLabV3, so the model is the configuration that gives the printed params, built from torchvision
 * 0.14's parts exactly as tools/torch-counts/deeplabv3.py builds it in PyTorch (the MobileNetV2
 * paper's DeepLabV3 "MNet V2*": the second last feature map feeds the head):
 *
 * - `backbone.0-17`: torchvision MobileNetV2 `features[0:18]` (the last 1×1 conv to 1280 left out)
 *   under IntermediateLayerGetter's names, dilated for output stride 16 (from features.14) or 8
 *   (from features.7) by DeepLab's rule (mobilenetv2.ts `buildMobileNetV2Features`);
 * - `classifier.0`: torchvision's `ASPP(320, rates, 256)` — `convs.0` 1×1 conv-BN-ReLU,
 *   `convs.1-3` 3×3 atrous conv-BN-ReLU (rates 6, 12, 18 at OS 16; 12, 24, 36 at OS 8),
 *   `convs.4` image pooling (AdaptiveAvgPool2d(1), 1×1 conv-BN-ReLU, then F.interpolate back to the
 *   feature size, `convs.4.interpolate`), `cat`, `project` (1×1 conv 1280 → 256, BN, ReLU,
 *   Dropout(0.5));
 * - `classifier.1`: the 1×1 conv with bias to the classes (21 VOC by default; 19 Cityscapes) —
 *   torchvision's `DeepLabHead` would put a 3×3 256 → 256 conv-BN-ReLU before it (+590,336 params,
 *   5.11M in all), which the printed 4.5M leaves no room for;
 * - `interpolate`: the logits upsampled to the input size (bilinear, align_corners=False), as
 *   torchvision's `DeepLabV3.forward`.
 *
 * 4,523,541 params with 21 classes; with SE / CBAM / CA at the ca-paper position (recipe ca-paper:
 * C // 24 with bias, CA r = 32) 4,906,877 / 4,908,477 / 4,969,317, as PyTorch counts the same model
 * (packages/cost/test-data/deeplabv3-counts.json). Default input 513 × 513 (DeepLab's crop).
 */
import type { Dim } from '../dim/index.js';
import { CoordattnError } from '../errors.js';
import { GraphBuilder, type Graph, type Value } from '../graph/index.js';
import { act, bn, conv } from './common.js';
import { buildMobileNetV2Features } from './mobilenetv2.js';
import { optionsMeta, resolveBackboneOptions, type ResolvedBackboneOptions } from './placement.js';
import type { BackboneOptions } from './types.js';

export const SEGMENTER_NAMES = ['deeplabv3'] as const;
export type SegmenterName = (typeof SEGMENTER_NAMES)[number];

export const DEEPLABV3_BACKBONES = ['mobilenetv2'] as const;
export type DeepLabV3Backbone = (typeof DEEPLABV3_BACKBONES)[number];

export const DEEPLABV3_OUTPUT_STRIDES = [8, 16] as const;
export type DeepLabV3OutputStride = (typeof DEEPLABV3_OUTPUT_STRIDES)[number];

/** ASPP atrous rates per output stride (torchvision / the DeepLabV3 paper). */
export const DEEPLABV3_RATES: Readonly<Record<DeepLabV3OutputStride, readonly number[]>> = {
  16: [6, 12, 18],
  8: [12, 24, 36],
};

/** ASPP and projection channels. */
const ASPP_CHANNELS = 256;

export interface DeepLabV3Options extends BackboneOptions {
  /** Default mobilenetv2 (the only one). */
  readonly backbone?: DeepLabV3Backbone;
  /** Default 16. */
  readonly outputStride?: DeepLabV3OutputStride;
}

function optionError(field: string, message: string, expected: string): CoordattnError {
  return new CoordattnError('E_OPTION', message, { path: field, expected });
}

/** Validates DeepLabV3's own options and resolves the backbone's (recipe ca-paper, 21 classes, 513²). */
export function resolveDeepLabV3Options(opts: DeepLabV3Options = {}): {
  readonly backbone: DeepLabV3Backbone;
  readonly outputStride: DeepLabV3OutputStride;
  readonly r: ResolvedBackboneOptions;
} {
  const backbone = opts.backbone ?? 'mobilenetv2';
  if (!(DEEPLABV3_BACKBONES as readonly string[]).includes(backbone)) {
    throw new CoordattnError('E_UNKNOWN_NAME', `unknown deeplabv3 backbone '${String(backbone)}'`, {
      path: 'backbone',
      expected: `one of ${DEEPLABV3_BACKBONES.join(', ')}`,
    });
  }
  const outputStride = opts.outputStride ?? 16;
  if (!(DEEPLABV3_OUTPUT_STRIDES as readonly number[]).includes(outputStride)) {
    throw optionError(
      'outputStride',
      `deeplabv3 output stride must be 8 or 16, got ${String(outputStride)}`,
      '8 or 16',
    );
  }
  if (opts.width !== undefined && opts.width !== 1) {
    throw optionError(
      'width',
      `deeplabv3 is defined at width 1 only, got ${opts.width}`,
      'width 1 (or omit it)',
    );
  }
  const { backbone: _b, outputStride: _o, ...rest } = opts;
  const r = resolveBackboneOptions(backbone, {
    ...rest,
    recipe: opts.recipe ?? 'ca-paper',
    classes: opts.classes ?? 21,
    height: opts.height ?? 513,
    widthPx: opts.widthPx ?? 513,
  });
  return { backbone, outputStride, r };
}

/** Builds DeepLabV3 (see the file comment). Graph output: logits [N, classes, H, W]. */
export function buildSegmenter(name: SegmenterName, opts: DeepLabV3Options = {}): Graph {
  if (name !== 'deeplabv3') {
    throw new CoordattnError('E_UNKNOWN_NAME', `unknown segmentation model '${String(name)}'`, {
      path: 'model',
      expected: `one of ${SEGMENTER_NAMES.join(', ')}`,
    });
  }
  const { backbone, outputStride, r } = resolveDeepLabV3Options(opts);
  const b = new GraphBuilder();
  const x = b.input('input', [r.batch, 3, r.height, r.widthPx]);
  const features = buildMobileNetV2Features(b, x, r, outputStride, (i) => `backbone.${i}`);
  const logits = b.scope('classifier', () => {
    const y = b.scope('0', () => aspp(b, features, DEEPLABV3_RATES[outputStride]));
    return conv(b, y, '1', { out: r.classes, kernel: 1, bias: true });
  });
  b.output(interpolate(b, logits, [r.height, r.widthPx], 'interpolate'));
  Object.assign(b.graph.meta, {
    segmenter: 'deeplabv3',
    backbone,
    outputStride,
    ...optionsMeta(r),
    placement: r.kind === 'none' ? null : (r.placement ?? null),
  });
  return b.build();
}

/** `F.interpolate(x, size, mode='bilinear', align_corners=False)`. */
function interpolate(b: GraphBuilder, x: Value, size: readonly [Dim, Dim], name: string): Value {
  return b.op(
    'resize',
    x,
    { size: [size[0], size[1]] },
    { name, provenance: { call: 'functional', torchType: 'interpolate' } },
  );
}

/** torchvision `ASPP(in_channels, atrous_rates, 256)` (segmentation/deeplabv3.py). */
function aspp(b: GraphBuilder, x: Value, rates: readonly number[]): Value {
  const cbr = (h: Value, name: string, kernel: number, dilation = 1): Value =>
    b.scope(name, () => {
      const c = conv(b, h, '0', { out: ASPP_CHANNELS, kernel, ...(dilation > 1 ? { dilation } : {}) });
      return act(b, bn(b, c, '1'), 'relu', '2');
    });
  const branches = b.scope('convs', () => {
    const out = [cbr(x, '0', 1)];
    rates.forEach((rate, i) => out.push(cbr(x, `${i + 1}`, 3, rate)));
    // ASPPPooling: AdaptiveAvgPool2d(1), 1×1 conv, BN, ReLU, then back to the feature size.
    out.push(
      b.scope(`${rates.length + 1}`, () => {
        const p = b.op('global_avg_pool', x, {}, { name: '0' });
        const c = conv(b, p, '1', { out: ASPP_CHANNELS, kernel: 1 });
        const y = act(b, bn(b, c, '2'), 'relu', '3');
        return interpolate(b, y, [x.shape[2], x.shape[3]], 'interpolate');
      }),
    );
    return out;
  });
  const cat = b.op(
    'concat',
    branches,
    { axis: 1 },
    { name: 'cat', provenance: { call: 'functional', torchType: 'cat' } },
  );
  return b.scope('project', () => {
    const c = conv(b, cat, '0', { out: ASPP_CHANNELS, kernel: 1 });
    const y = act(b, bn(b, c, '1'), 'relu', '2');
    return b.op('dropout', y, { p: 0.5 }, { name: '3' });
  });
}
