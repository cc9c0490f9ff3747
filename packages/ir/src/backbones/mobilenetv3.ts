/**
 * MobileNetV3-Large / -Small, node for node after torchvision/models/mobilenetv3.py (torchvision
 * 0.14; BN eps 0.001, dropout 0.2): `features.0` stem Conv-BN-Hardswish, `features.1..n`
 * InvertedResidual (`block`: [expand Conv-BN-act when exp ≠ in], dw Conv-BN-act,
 * [SqueezeExcitation], projection Conv-BN), `features.n+1` 1×1 Conv-BN-Hardswish to 6× channels,
 * `avgpool`, `torch.flatten`, `classifier` Linear → Hardswish → Dropout → Linear.
 *
 * The built-in SE is `SqueezeExcitation(exp, _make_divisible(exp // 4, 8), scale_activation=
 * Hardsigmoid)` with a ReLU inside. Attention: `builtin-se` puts the chosen block in that SE's slot
 * (`features.i.block.k`; kind `se` keeps the built-in configuration, `none` keeps torchvision's
 * model, blocks outside `opts.stages` keep their SE); `block-output` adds one after each block's
 * residual add (`features.i.attention`), keeping the built-in SE.
 */
import { attention, type SEInput } from '../blocks/index.js';
import type { GraphBuilder, Value } from '../graph/index.js';
import type { ActivationName } from '../ops/index.js';
import { attentionHook, channelsOf, convNormAct, makeDivisible, residualAdd } from './common.js';
import { attentionAt, type ResolvedBackboneOptions } from './placement.js';

/** in, kernel, expanded, out, SE, activation (RE = ReLU, HS = Hardswish), stride; stage (1-based). */
type Row = readonly [number, number, number, number, boolean, 'RE' | 'HS', number, number];

export const MOBILENETV3_LARGE_SETTINGS: readonly Row[] = [
  [16, 3, 16, 16, false, 'RE', 1, 1],
  [16, 3, 64, 24, false, 'RE', 2, 2],
  [24, 3, 72, 24, false, 'RE', 1, 2],
  [24, 5, 72, 40, true, 'RE', 2, 3],
  [40, 5, 120, 40, true, 'RE', 1, 3],
  [40, 5, 120, 40, true, 'RE', 1, 3],
  [40, 3, 240, 80, false, 'HS', 2, 4],
  [80, 3, 200, 80, false, 'HS', 1, 4],
  [80, 3, 184, 80, false, 'HS', 1, 4],
  [80, 3, 184, 80, false, 'HS', 1, 4],
  [80, 3, 480, 112, true, 'HS', 1, 5],
  [112, 3, 672, 112, true, 'HS', 1, 5],
  [112, 5, 672, 160, true, 'HS', 2, 6],
  [160, 5, 960, 160, true, 'HS', 1, 6],
  [160, 5, 960, 160, true, 'HS', 1, 6],
];

export const MOBILENETV3_SMALL_SETTINGS: readonly Row[] = [
  [16, 3, 16, 16, true, 'RE', 2, 1],
  [16, 3, 72, 24, false, 'RE', 2, 2],
  [24, 3, 88, 24, false, 'RE', 1, 2],
  [24, 5, 96, 40, true, 'HS', 2, 3],
  [40, 5, 240, 40, true, 'HS', 1, 3],
  [40, 5, 240, 40, true, 'HS', 1, 3],
  [40, 5, 120, 48, true, 'HS', 1, 4],
  [48, 5, 144, 48, true, 'HS', 1, 4],
  [48, 5, 288, 96, true, 'HS', 2, 5],
  [96, 5, 576, 96, true, 'HS', 1, 5],
  [96, 5, 576, 96, true, 'HS', 1, 5],
];

const EPS = 0.001;

export function buildMobileNetV3(
  b: GraphBuilder,
  input: Value,
  r: ResolvedBackboneOptions,
  size: 'large' | 'small',
): Value {
  const settings = size === 'large' ? MOBILENETV3_LARGE_SETTINGS : MOBILENETV3_SMALL_SETTINGS;
  const adjust = (c: number): number => makeDivisible(c * r.width, 8);
  let x = convNormAct(b, input, 'features.0', {
    out: adjust(settings[0][0]),
    kernel: 3,
    stride: 2,
    act: 'hard_swish',
    eps: EPS,
  });
  settings.forEach((row, i) => {
    x = b.scope(`features.${i + 1}`, () => invertedResidual(b, x, r, row, adjust));
  });
  const lastIn = channelsOf(x);
  x = convNormAct(b, x, `features.${settings.length + 1}`, {
    out: 6 * lastIn,
    kernel: 1,
    act: 'hard_swish',
    eps: EPS,
  });
  x = b.op('global_avg_pool', x, {}, { name: 'avgpool' });
  x = b.op('flatten', x, { startDim: 1 }, { name: 'flatten' });
  x = b.op('linear', x, { outFeatures: adjust(size === 'large' ? 1280 : 1024) }, { name: 'classifier.0' });
  x = b.op('hard_swish', x, {}, { name: 'classifier.1', provenance: { inplace: true } });
  x = b.op('dropout', x, { p: 0.2 }, { name: 'classifier.2', provenance: { inplace: true } });
  return b.op('linear', x, { outFeatures: r.classes }, { name: 'classifier.3' });
}

/** torchvision `InvertedResidual` (MobileNetV3); returns the block output. */
function invertedResidual(
  b: GraphBuilder,
  x: Value,
  r: ResolvedBackboneOptions,
  [cinRaw, kernel, expRaw, coutRaw, useSE, actName, stride, stage]: Row,
  adjust: (c: number) => number,
): Value {
  const [cin, exp, cout] = [adjust(cinRaw), adjust(expRaw), adjust(coutRaw)];
  const fn: ActivationName = actName === 'HS' ? 'hard_swish' : 'relu';
  let y = b.scope('block', () => {
    let k = 0;
    let h = x;
    if (exp !== cin) h = convNormAct(b, h, `${k++}`, { out: exp, kernel: 1, act: fn, eps: EPS });
    h = convNormAct(b, h, `${k++}`, { out: exp, kernel, stride, groups: exp, act: fn, eps: EPS });
    if (useSE) {
      const builtinSE: SEInput = {
        squeeze: 'make_divisible',
        reduction: 4,
        divisor: 8,
        innerActivation: 'relu',
        gate: 'hard_sigmoid',
        bias: true,
        form: 'conv',
      };
      const site = { placement: 'builtin-se', stage, channels: exp, builtinSE } as const;
      h = attention(b, h, attentionAt(r, site) ?? { kind: 'se', config: builtinSE }, `${k++}`);
    }
    return convNormAct(b, h, `${k++}`, { out: cout, kernel: 1, eps: EPS });
  });
  if (stride === 1 && cin === cout) y = residualAdd(b, x, y, 'add', true); // result += input
  return attentionHook(b, y, r, { placement: 'block-output', stage });
}
