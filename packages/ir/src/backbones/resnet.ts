/**
 * ResNet-18/34/50/101/152, node for node after torchvision/models/resnet.py (torchvision 0.14,
 * v1.5: the Bottleneck's stride sits on the 3×3 conv): `conv1` 7×7/2, `bn1`, `relu`, `maxpool`
 * 3×3/2, `layer1-4` of BasicBlock / Bottleneck (`conv1 bn1 relu conv2 bn2 [relu conv3 bn3]`,
 * `downsample.0` 1×1 conv + `downsample.1` BN when the shape changes), `avgpool`,
 * `torch.flatten`, `fc`.
 *
 * Every block calls ONE `relu` module object 2× (BasicBlock) or 3× (Bottleneck); the builder
 * names the repeats `relu@1`, `relu@2` with the same provenance object, which is what the 2019
 * thop counter (last call only) keys on.
 *
 * Attention: `eca-paper` after the block's last BN, before the residual add (ECANet
 * eca_resnet.py, SENet); `block-output` after the final ReLU. Both are `layer{i}.{j}.attention`.
 */
import type { GraphBuilder, Value } from '../graph/index.js';
import { act, attentionHook, bn, channelsOf, conv, residualAdd } from './common.js';
import type { ResolvedBackboneOptions } from './placement.js';

export type ResNetBlock = 'basic' | 'bottleneck';

/** Block type and blocks per stage, as torchvision's `resnet18` ... `resnet152`. */
export const RESNET_CONFIGS = {
  resnet18: { block: 'basic', layers: [2, 2, 2, 2] },
  resnet34: { block: 'basic', layers: [3, 4, 6, 3] },
  resnet50: { block: 'bottleneck', layers: [3, 4, 6, 3] },
  resnet101: { block: 'bottleneck', layers: [3, 4, 23, 3] },
  resnet152: { block: 'bottleneck', layers: [3, 8, 36, 3] },
} as const satisfies Record<string, { block: ResNetBlock; layers: readonly number[] }>;

export type ResNetName = keyof typeof RESNET_CONFIGS;

export function buildResNet(
  b: GraphBuilder,
  input: Value,
  r: ResolvedBackboneOptions,
  name: ResNetName,
): Value {
  const cfg = RESNET_CONFIGS[name];
  const expansion = cfg.block === 'bottleneck' ? 4 : 1;
  let x = conv(b, input, 'conv1', { out: 64, kernel: 7, stride: 2, padding: 3 });
  x = bn(b, x, 'bn1');
  x = act(b, x, 'relu', 'relu', true);
  x = b.op('max_pool2d', x, { kernel: 3, stride: 2, padding: 1 }, { name: 'maxpool' });
  cfg.layers.forEach((n, i) => {
    const planes = 64 * 2 ** i;
    x = b.scope(`layer${i + 1}`, () => {
      let y = x;
      for (let j = 0; j < n; j++) {
        const spec = { planes, expansion, stride: i > 0 && j === 0 ? 2 : 1, stage: i + 1 };
        y = b.scope(`${j}`, () =>
          cfg.block === 'basic' ? basicBlock(b, y, r, spec) : bottleneck(b, y, r, spec),
        );
      }
      return y;
    });
  });
  x = b.op('global_avg_pool', x, {}, { name: 'avgpool' });
  x = b.op('flatten', x, { startDim: 1 }, { name: 'flatten' });
  return b.op('linear', x, { outFeatures: r.classes }, { name: 'fc' });
}

interface BlockSpec {
  readonly planes: number;
  readonly expansion: number;
  readonly stride: number;
  readonly stage: number;
}

/** `downsample` Sequential (1×1 conv with the block's stride, BN) when the shape changes. */
function shortcut(b: GraphBuilder, x: Value, s: BlockSpec): Value {
  const out = s.planes * s.expansion;
  if (s.stride === 1 && channelsOf(x) === out) return x;
  return b.scope('downsample', () => bn(b, conv(b, x, '0', { out, kernel: 1, stride: s.stride }), '1'));
}

/** Residual add, the shared `relu`'s last call, then the block-output attention. */
function finish(b: GraphBuilder, r: ResolvedBackboneOptions, x: Value, out: Value, s: BlockSpec): Value {
  out = attentionHook(b, out, r, { placement: 'eca-paper', stage: s.stage });
  const identity = shortcut(b, x, s);
  out = residualAdd(b, out, identity, 'add', true); // out += identity
  out = act(b, out, 'relu', 'relu', true);
  return attentionHook(b, out, r, { placement: 'block-output', stage: s.stage });
}

/** torchvision `BasicBlock` (expansion 1). */
function basicBlock(b: GraphBuilder, x: Value, r: ResolvedBackboneOptions, s: BlockSpec): Value {
  let out = conv(b, x, 'conv1', { out: s.planes, kernel: 3, stride: s.stride });
  out = act(b, bn(b, out, 'bn1'), 'relu', 'relu', true);
  out = bn(b, conv(b, out, 'conv2', { out: s.planes, kernel: 3 }), 'bn2');
  return finish(b, r, x, out, s);
}

/** torchvision `Bottleneck` (expansion 4, width = planes). */
function bottleneck(b: GraphBuilder, x: Value, r: ResolvedBackboneOptions, s: BlockSpec): Value {
  let out = conv(b, x, 'conv1', { out: s.planes, kernel: 1 });
  out = act(b, bn(b, out, 'bn1'), 'relu', 'relu', true);
  out = conv(b, out, 'conv2', { out: s.planes, kernel: 3, stride: s.stride });
  out = act(b, bn(b, out, 'bn2'), 'relu', 'relu', true);
  out = bn(b, conv(b, out, 'conv3', { out: s.planes * s.expansion, kernel: 1 }), 'bn3');
  return finish(b, r, x, out, s);
}
