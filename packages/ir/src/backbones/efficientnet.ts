/**
 * EfficientNet-B0, node for node after torchvision/models/efficientnet.py (torchvision 0.14,
 * `efficientnet_b0`: width 1.0, depth 1.0, dropout 0.2): `features.0` stem Conv-BN-SiLU,
 * `features.1-7` stages of MBConv (`features.i.j.block`: [expand Conv-BN-SiLU], dw Conv-BN-SiLU,
 * SqueezeExcitation, projection Conv-BN), `features.8` 1×1 Conv-BN-SiLU to 4×320, `avgpool`,
 * `torch.flatten`, `classifier.0` Dropout, `classifier.1` Linear.
 *
 * The built-in SE (`SqueezeExcitation(expanded, max(1, C_in // 4), activation=SiLU)`) uses the
 * *block input* channels for its squeeze. Stochastic depth is identity at inference; it is kept
 * as an `identity` node (`features.i.j.stochastic_depth`, torch type StochasticDepth) on the
 * residual blocks where torchvision calls it, so per-module traces line up.
 *
 * Attention: `builtin-se` puts the chosen block in the SE's own slot (`features.i.j.block.k`);
 * kind `se` keeps the built-in configuration, kind `none` keeps the torchvision model as is, and
 * blocks outside `opts.stages` keep their built-in SE. `block-output` adds a block after the
 * residual add (`features.i.j.attention`) and keeps the built-in SE.
 */
import type { SEInput } from '../blocks/index.js';
import { attention } from '../blocks/index.js';
import type { GraphBuilder, Value } from '../graph/index.js';
import { attentionHook, convNormAct, makeDivisible, residualAdd } from './common.js';
import { attentionAt, type ResolvedBackboneOptions } from './placement.js';

/** expand ratio, kernel, stride, input channels, output channels, layers (torchvision's bneck_conf). */
export const EFFICIENTNET_B0_SETTINGS: readonly (readonly [
  number,
  number,
  number,
  number,
  number,
  number,
])[] = [
  [1, 3, 1, 32, 16, 1],
  [6, 3, 2, 16, 24, 2],
  [6, 5, 2, 24, 40, 2],
  [6, 3, 2, 40, 80, 3],
  [6, 5, 1, 80, 112, 3],
  [6, 5, 2, 112, 192, 4],
  [6, 3, 1, 192, 320, 1],
];

export function buildEfficientNetB0(b: GraphBuilder, input: Value, r: ResolvedBackboneOptions): Value {
  const adjust = (c: number): number => makeDivisible(c * r.width, 8);
  const settings = EFFICIENTNET_B0_SETTINGS;
  let x = convNormAct(b, input, 'features.0', {
    out: adjust(settings[0][3]),
    kernel: 3,
    stride: 2,
    act: 'swish',
  });
  settings.forEach(([expand, kernel, stride, cin, cout, n], row) => {
    x = b.scope(`features.${row + 1}`, () => {
      let y = x;
      for (let j = 0; j < n; j++) {
        const spec = {
          expand,
          kernel,
          stride: j === 0 ? stride : 1,
          cin: j === 0 ? adjust(cin) : adjust(cout),
          cout: adjust(cout),
          stage: row + 1,
        };
        y = b.scope(`${j}`, () => mbconv(b, y, r, spec));
      }
      return y;
    });
  });
  const lastIn = adjust(settings[settings.length - 1][4]);
  x = convNormAct(b, x, `features.${settings.length + 1}`, { out: 4 * lastIn, kernel: 1, act: 'swish' });
  x = b.op('global_avg_pool', x, {}, { name: 'avgpool' });
  x = b.op('flatten', x, { startDim: 1 }, { name: 'flatten' });
  x = b.op('dropout', x, { p: 0.2 }, { name: 'classifier.0', provenance: { inplace: true } });
  return b.op('linear', x, { outFeatures: r.classes }, { name: 'classifier.1' });
}

interface MBConvSpec {
  readonly expand: number;
  readonly kernel: number;
  readonly stride: number;
  readonly cin: number;
  readonly cout: number;
  readonly stage: number;
}

/** torchvision `MBConv`; returns the block output. */
function mbconv(b: GraphBuilder, x: Value, r: ResolvedBackboneOptions, s: MBConvSpec): Value {
  const expanded = makeDivisible(s.cin * s.expand, 8);
  const builtinSE: SEInput = {
    squeeze: 'fixed',
    squeezeChannels: Math.max(1, Math.floor(s.cin / 4)),
    innerActivation: 'swish',
    gate: 'sigmoid',
    bias: true,
    form: 'conv',
    inplace: true, // activation=partial(nn.SiLU, inplace=True)
  };
  let y = b.scope('block', () => {
    let k = 0;
    let h = x;
    if (expanded !== s.cin) h = convNormAct(b, h, `${k++}`, { out: expanded, kernel: 1, act: 'swish' });
    h = convNormAct(b, h, `${k++}`, {
      out: expanded,
      kernel: s.kernel,
      stride: s.stride,
      groups: expanded,
      act: 'swish',
    });
    const site = { placement: 'builtin-se', stage: s.stage, channels: expanded, builtinSE } as const;
    h = attention(b, h, attentionAt(r, site) ?? { kind: 'se', config: builtinSE }, `${k++}`);
    return convNormAct(b, h, `${k++}`, { out: s.cout, kernel: 1 });
  });
  if (s.stride === 1 && s.cin === s.cout) {
    y = b.op('identity', y, {}, { name: 'stochastic_depth', provenance: { torchType: 'StochasticDepth' } });
    y = residualAdd(b, x, y, 'add', true); // result += input
  }
  return attentionHook(b, y, r, { placement: 'block-output', stage: s.stage });
}
