/**
 * MobileNeXt-1.0 as released (Zhou et al., ECCV 2020; official PyTorch code, `mobilenext.py`
 * `SGBlock` / `MobileNeXt`, also the base of CoordAttention's MobileNeXt experiments). No
 * torchvision model exists, so node paths follow that code's module tree: `features.0` stem
 * `conv_3x3_bn` (`0` conv, `1` BN, `2` ReLU6), `features.1-20` sandglass blocks whose `conv` is one
 * flat Sequential, `avgpool` (AdaptiveAvgPool2d module), `x.view`, `classifier.0` Dropout(0.2),
 * `classifier.1` Linear. 3,535,416 params and 311,342,592 conv+fc MACs at 224×224.
 *
 * The sandglass block (`SGBlock(inp, oup, stride, t, keep_3x3)`) has four layouts:
 * - t == 2: dw3×3-BN-ReLU6, pw-linear inp→hidden + BN, pw hidden→oup + BN + ReLU6, dw3×3 (stride s) + BN;
 * - inp ≠ oup, stride 1, not keep_3x3: the two pointwise convs only;
 * - inp ≠ oup, stride 2, not keep_3x3: the two pointwise convs, then dw3×3 stride 2 + BN;
 * - otherwise (inp == oup, or keep_3x3): dw3×3-BN-ReLU6, both pointwise convs, dw3×3 stride **1** +
 *   BN; identity add unless keep_3x3.
 * keep_3x3 is `n == 1 and s == 1` for the first block of a setting row; hidden =
 * inp // t, raised to make_divisible(ceil(oup / 6), 16) when below oup / 6. (The brief's
 * recollection — hidden = inp // t and no final dw in keep_3x3 blocks — gives 3,257,848 params,
 * not the released 3,535,416; the layout above reproduces the release exactly.)
 *
 * Attention: `ca-paper` after the first dw3×3-BN-ReLU6 (the CA README: "after the first depthwise
 * 3x3 convolution works better"), `eca-paper` after the last BN, both `features.{i}.conv.attention`;
 * `block-output` after the identity add, `features.{i}.attention`.
 */
import type { GraphBuilder, Value } from '../graph/index.js';
import { act, attentionHook, bn, channelsOf, conv, flatten, makeDivisible, residualAdd } from './common.js';
import type { ResolvedBackboneOptions } from './placement.js';

/** t, c, n, s (the released MobileNeXt-1.0 setting). */
export const MOBILENEXT_SETTINGS: readonly (readonly [number, number, number, number])[] = [
  [2, 96, 1, 2],
  [6, 144, 1, 1],
  [6, 192, 3, 2],
  [6, 288, 3, 2],
  [6, 384, 4, 1],
  [6, 576, 4, 2],
  [6, 960, 3, 1],
  [6, 1280, 1, 1],
];

export function buildMobileNeXt(b: GraphBuilder, input: Value, r: ResolvedBackboneOptions): Value {
  const w = r.width;
  const d = w === 0.1 ? 4 : 8;
  let x = b.scope('features.0', () => {
    const y = conv(b, input, '0', { out: makeDivisible(32 * w, d), kernel: 3, stride: 2 });
    return act(b, bn(b, y, '1'), 'relu6', '2', true);
  });
  let idx = 1;
  MOBILENEXT_SETTINGS.forEach(([t, c, n, s], row) => {
    const oup = c === 1280 && w < 1 ? 1280 : makeDivisible(c * w, d);
    for (let i = 0; i < n; i++) {
      const spec = {
        oup,
        stride: i === 0 ? s : 1,
        t,
        keep3x3: i === 0 && n === 1 && s === 1,
        stage: row + 1,
      };
      x = b.scope(`features.${idx++}`, () => sandglass(b, x, r, spec));
    }
  });
  x = b.op('global_avg_pool', x, {}, { name: 'avgpool' });
  x = flatten(b, x, 'view');
  x = b.op('dropout', x, { p: 0.2 }, { name: 'classifier.0' });
  return b.op('linear', x, { outFeatures: r.classes }, { name: 'classifier.1' });
}

export interface SGSpec {
  readonly oup: number;
  readonly stride: number;
  readonly t: number;
  readonly keep3x3: boolean;
  readonly stage: number;
}

/**
 * The official `SGBlock`; returns the block output. `tap` (SSDLite's MobileNeXt backbone) collects the
 * feature after layer index `tap.at` of the block's `conv` Sequential.
 */
export function sandglass(
  b: GraphBuilder,
  x: Value,
  r: ResolvedBackboneOptions,
  s: SGSpec,
  tap?: { readonly at: number; readonly taps: Value[] },
): Value {
  const inp = channelsOf(x);
  let hidden = Math.floor(inp / s.t);
  if (hidden < s.oup / 6) hidden = makeDivisible(Math.ceil(s.oup / 6), 16);
  let firstDw: boolean;
  let lastDwStride: number | undefined;
  let identity = false;
  if (s.t === 2) {
    [firstDw, lastDwStride] = [true, s.stride];
  } else if (inp !== s.oup && s.stride === 1 && !s.keep3x3) {
    [firstDw, lastDwStride] = [false, undefined];
  } else if (inp !== s.oup && s.stride === 2 && !s.keep3x3) {
    [firstDw, lastDwStride] = [false, 2];
  } else {
    // As released: this layout's last depthwise conv always has stride 1.
    [firstDw, lastDwStride, identity] = [true, 1, !s.keep3x3];
  }
  const site = { stage: s.stage };
  let y = b.scope('conv', () => {
    let k = 0;
    let h = x;
    if (firstDw) {
      h = conv(b, h, `${k++}`, { out: inp, kernel: 3, groups: inp });
      h = bn(b, h, `${k++}`);
      h = act(b, h, 'relu6', `${k++}`, true);
      h = attentionHook(b, h, r, { ...site, placement: 'ca-paper' });
    }
    h = bn(b, conv(b, h, `${k++}`, { out: hidden, kernel: 1 }), `${k++}`);
    h = bn(b, conv(b, h, `${k++}`, { out: s.oup, kernel: 1 }), `${k++}`);
    h = act(b, h, 'relu6', `${k++}`, true);
    if (tap && k - 1 === tap.at) tap.taps.push(h);
    if (lastDwStride !== undefined) {
      h = conv(b, h, `${k++}`, { out: s.oup, kernel: 3, stride: lastDwStride, groups: s.oup });
      h = bn(b, h, `${k++}`);
    }
    return attentionHook(b, h, r, { ...site, placement: 'eca-paper' });
  });
  // Official: out[:, :C] = out[:, :C] + x (identity_div = 1): a tensor add.
  if (identity) y = residualAdd(b, x, y);
  return attentionHook(b, y, r, { ...site, placement: 'block-output' });
}
