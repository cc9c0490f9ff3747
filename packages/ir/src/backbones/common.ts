/**
 * Building bricks shared by the backbones: torchvision's `_make_divisible`, the
 * `Conv2dNormActivation` Sequential (`.0` conv, `.1` BN, `.2` activation), residual adds and the
 * attention hook. Channel counts are plain integers (they never depend on the input size); every
 * spatial size goes through the ops' Dim arithmetic, so H and W may be symbolic.
 */
import { attention, type AttentionSpec } from '../blocks/index.js';
import { CoordattnError } from '../errors.js';
import type { GraphBuilder, Value } from '../graph/index.js';
import type { ActivationName } from '../ops/index.js';
import { attentionAt, type AttentionSite, type ResolvedBackboneOptions } from './placement.js';

/**
 * torchvision `_make_divisible(v, divisor, min_value=None)` on JS doubles, which round exactly
 * like Python floats: `max(min_value, int(v + divisor / 2) // divisor * divisor)`, plus `divisor`
 * when that is below 90 % of v.
 */
export function makeDivisible(v: number, divisor: number, minValue: number = divisor): number {
  let nv = Math.max(minValue, Math.floor(Math.trunc(v + divisor / 2) / divisor) * divisor);
  if (nv < 0.9 * v) nv += divisor;
  return nv;
}

/** The (always concrete) channel count of an NCHW value. */
export function channelsOf(x: Value): number {
  const c = x.shape[1].toInt();
  if (c === undefined) {
    throw new CoordattnError('E_GRAPH', `backbone channels must be concrete, got ${x.shape[1].toString()}`);
  }
  return c;
}

export interface ConvSpec {
  readonly out: number;
  readonly kernel: number;
  readonly stride?: number;
  /** Default 1. */
  readonly dilation?: number;
  /** Default (kernel - 1) / 2 · dilation, as torchvision's `Conv2dNormActivation`. */
  readonly padding?: number;
  readonly groups?: number;
  readonly bias?: boolean;
}

/** `nn.Conv2d` (bias off by default: every backbone conv here is followed by BN). */
export function conv(b: GraphBuilder, x: Value, name: string, s: ConvSpec): Value {
  return b.op(
    'conv2d',
    x,
    {
      outChannels: s.out,
      kernel: s.kernel,
      stride: s.stride ?? 1,
      padding: s.padding ?? Math.floor((s.kernel - 1) / 2) * (s.dilation ?? 1),
      ...(s.dilation !== undefined && s.dilation !== 1 ? { dilation: s.dilation } : {}),
      groups: s.groups ?? 1,
      bias: s.bias ?? false,
    },
    { name },
  );
}

/** `nn.BatchNorm2d` (eps 1e-5 unless given; MobileNetV3 uses 1e-3). */
export function bn(b: GraphBuilder, x: Value, name: string, eps = 1e-5): Value {
  return b.op('batch_norm', x, { eps }, { name });
}

/** An activation module (`nn.ReLU6`, `nn.SiLU`, ...); `inplace` when built with `inplace=True`. */
export function act(b: GraphBuilder, x: Value, fn: ActivationName, name: string, inplace = false): Value {
  return b.op(fn, x, {}, { name, ...(inplace ? { provenance: { inplace } } : {}) });
}

export interface ConvNormActSpec extends ConvSpec {
  /** Omitted: no activation (torchvision `activation_layer=None`, the projection convs). */
  readonly act?: ActivationName;
  readonly eps?: number;
}

/**
 * torchvision `Conv2dNormActivation` (also mbv2_ca's `conv_3x3_bn` / `conv_1x1_bn` and ECANet's
 * `ConvBNReLU`): a Sequential named `name` holding `0` conv, `1` BN and `2` activation. All three
 * build the activation with `inplace=True` (torchvision's default).
 */
export function convNormAct(b: GraphBuilder, x: Value, name: string, s: ConvNormActSpec): Value {
  return b.scope(name, () => {
    let y = conv(b, x, '0', s);
    y = bn(b, y, '1', s.eps);
    return s.act ? act(b, y, s.act, '2', true) : y;
  });
}

/**
 * The residual `x + y` (`inplace` false) or `out += identity` (`inplace` true): a tensor operator,
 * not a module.
 */
export function residualAdd(b: GraphBuilder, x: Value, y: Value, name = 'add', inplace = false): Value {
  return b.op(
    'add',
    [x, y],
    {},
    { name, provenance: { call: 'tensor', torchType: 'add', ...(inplace ? { inplace } : {}) } },
  );
}

/**
 * The attention hook. Emits the resolved attention block as a named block scope when the site
 * belongs to the chosen placement and stage; otherwise returns x. Scope names (see placement.ts):
 * `attention` at every anchor, except `builtin-se`, where the block takes the SE module's own
 * slot in the torchvision Sequential (`features.2.0.block.2`).
 */
export function attentionHook(
  b: GraphBuilder,
  x: Value,
  r: ResolvedBackboneOptions,
  site: Omit<AttentionSite, 'channels'>,
  name = 'attention',
): Value {
  const spec: AttentionSpec | undefined = attentionAt(r, { ...site, channels: channelsOf(x) });
  return spec ? attention(b, x, spec, name) : x;
}

/** Classifier input: `torch.flatten(x, 1)` (functional) or `x.view(x.size(0), -1)` (tensor). */
export function flatten(b: GraphBuilder, x: Value, how: 'torch.flatten' | 'view'): Value {
  return how === 'view'
    ? b.op('flatten', x, { startDim: 1 }, { name: 'view', provenance: { call: 'tensor', torchType: 'view' } })
    : b.op('flatten', x, { startDim: 1 }, { name: 'flatten' });
}
