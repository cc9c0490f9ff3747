/**
 * SSDLite320, the CA paper's COCO detector (README: "SSDLite320 on COCO"), node for node after the
 * authors' code houqb/ssdlite-pytorch-mobilenext: `backbone` (ssd/modeling/backbone/*.py) and
 * `box_head.predictor` (SSDLiteBoxPredictor, box_head/box_predictor.py), configs
 * `*_ssd320_coco.yaml`: 320 × 320 input, NUM_CLASSES 81 (VOC: 21), BOXES_PER_LOCATION 6,6,6,6,6,4.
 *
 * Backbones (the `code` option; MobileNetV2 default `mobilenet.py`, with any attention kind):
 * - `mobilenet.py` (MobileNetV2, torchvision's module tree): `features.0-18`, taps after
 *   `features.13` (96 ch, stride 16) and `features.18` (1280 ch), then `extras.0-3` =
 *   InvertedResidual(1280→512, t 0.2), (512→256, 0.5), (256→256, 0.5), (256→64, 0.5), stride 2.
 *   4,304,138 params with 81 classes, as PyTorch counts the authors' model; with SE / CBAM / CA
 *   (C // 24, C // 24, r = 32) 4,701,072 / 4,703,072 / 4,769,978 — the README's 4.7M / 4.7M / 4.8M.
 * - `se_mbv2.py` (the authors' released SE model, `SEM`): flat `conv` Sequentials with the
 *   attention block at its index (`features.{i}.conv.6`), no `features.18` but `conv`
 *   (conv_1x1_bn), extras expansions 0.2, 0.25, 0.5, 0.25: 4,574,728 params with SE (4.6M, not
 *   the README's 4.7M, which the mobilenet.py layout + SE gives).
 * - `mobilenext.py` (MobileNeXt): `features.0-20` sandglass blocks as mobilenext.ts, taps inside
 *   `features.13.conv` after its index 4 (the ReLU6 after the second pointwise conv, 576 ch) and
 *   inside `features.20.conv` after index 7 (1280 ch) — the authors' forward() runs those blocks'
 *   layers one by one — then `extras.0-3` = sg_block_extra (dw3×3 stride 2-BN-ReLU6, pw inp→inp·t
 *   + BN, pw → oup + BN + ReLU6) 1280→512 (t 0.2), 512→256 (0.25), 256→256 (0.5), 256→128 (0.5).
 *
 * Attention goes where the backbone's `ca-paper` placement puts it (after the first depthwise
 * 3×3-BN-ReLU6 of each block), in the extras too (se_mbv2.py puts SEM in its extras); the extras
 * count as the backbone's last stage for `stages`. Default recipe `ca-paper` (SE / CBAM with
 * squeeze C // 24 and bias, CA r = 32).
 *
 * Head, per feature map l (channels C_l, anchors A_l, K classes): `cls_headers.{l}` and
 * `reg_headers.{l}` are SeparableConv2d (`conv.0` dw3×3 with bias, `conv.1` BN, `conv.2` ReLU6,
 * `conv.3` 1×1 with bias → A_l·K resp. A_l·4) for l < 5, and one 1×1 conv with bias for the last
 * map. Outputs: the per-level `permute(0, 2, 3, 1)` → flatten → `torch.cat` of class logits and of
 * box regressions (the final `.view(N, -1, K)` is left out: it moves no data).
 */
import { CoordattnError } from '../errors.js';
import { GraphBuilder, type Graph, type Value } from '../graph/index.js';
import { act, attentionHook, bn, channelsOf, conv, convNormAct, residualAdd } from './common.js';
import { MOBILENETV2_SETTINGS } from './mobilenetv2.js';
import { MOBILENEXT_SETTINGS, sandglass } from './mobilenext.js';
import { optionsMeta, resolveBackboneOptions, type ResolvedBackboneOptions } from './placement.js';
import type { BackboneOptions } from './types.js';

export const DETECTOR_NAMES = ['ssdlite320'] as const;
export type DetectorName = (typeof DETECTOR_NAMES)[number];

export const SSDLITE_BACKBONES = ['mobilenetv2', 'mobilenext'] as const;
export type SsdLiteBackbone = (typeof SSDLITE_BACKBONES)[number];

/** Which of the authors' backbone files the module tree follows. */
export const SSDLITE_CODES = ['mobilenet.py', 'se_mbv2.py', 'mobilenext.py'] as const;
export type SsdLiteCode = (typeof SSDLITE_CODES)[number];

export interface SsdLiteOptions extends BackboneOptions {
  /** Default mobilenetv2. */
  readonly backbone?: SsdLiteBackbone;
  /** Default `mobilenet.py` (MobileNetV2) / `mobilenext.py`; `se_mbv2.py`: the released SE model's layout. */
  readonly code?: SsdLiteCode;
}

/** Anchors per location of the six feature maps (configs/*_ssd320_*.yaml). */
export const SSDLITE_BOXES_PER_LOCATION: readonly number[] = [6, 6, 6, 6, 6, 4];

const EXTRAS: Readonly<Record<SsdLiteCode, readonly (readonly [number, number])[]>> = {
  'mobilenet.py': [
    [512, 0.2],
    [256, 0.5],
    [256, 0.5],
    [64, 0.5],
  ],
  'se_mbv2.py': [
    [512, 0.2],
    [256, 0.25],
    [256, 0.5],
    [64, 0.25],
  ],
  'mobilenext.py': [
    [512, 0.2],
    [256, 0.25],
    [256, 0.5],
    [128, 0.5],
  ],
};

function optionError(field: string, message: string, expected: string): CoordattnError {
  return new CoordattnError('E_OPTION', message, { path: field, expected });
}

/** Validates the detector's own options and resolves the backbone's (recipe ca-paper, 81 classes, 320²). */
export function resolveSsdLiteOptions(opts: SsdLiteOptions = {}): {
  readonly backbone: SsdLiteBackbone;
  readonly code: SsdLiteCode;
  readonly r: ResolvedBackboneOptions;
} {
  const backbone = opts.backbone ?? 'mobilenetv2';
  if (!(SSDLITE_BACKBONES as readonly string[]).includes(backbone)) {
    throw new CoordattnError('E_UNKNOWN_NAME', `unknown ssdlite320 backbone '${String(backbone)}'`, {
      path: 'backbone',
      expected: `one of ${SSDLITE_BACKBONES.join(', ')}`,
    });
  }
  if (opts.width !== undefined && opts.width !== 1) {
    throw optionError(
      'width',
      `ssdlite320 is defined at width 1 only, got ${opts.width}`,
      'width 1 (or omit it)',
    );
  }
  if (opts.placement !== undefined && opts.placement !== 'ca-paper') {
    throw optionError(
      'placement',
      `ssdlite320 takes the ca-paper placement only, got ${opts.placement}`,
      'ca-paper',
    );
  }
  const { backbone: _b, code: _c, ...rest } = opts;
  const r = resolveBackboneOptions(backbone, {
    ...rest,
    recipe: opts.recipe ?? 'ca-paper',
    classes: opts.classes ?? 81,
    height: opts.height ?? 320,
    widthPx: opts.widthPx ?? 320,
    ...(opts.attention && opts.attention.kind !== 'none' ? { placement: 'ca-paper' } : {}),
  });
  const dflt: SsdLiteCode = backbone === 'mobilenext' ? 'mobilenext.py' : 'mobilenet.py';
  const code = opts.code ?? dflt;
  if (!(SSDLITE_CODES as readonly string[]).includes(code)) {
    throw new CoordattnError('E_UNKNOWN_NAME', `unknown ssdlite320 code '${String(code)}'`, {
      path: 'code',
      expected: `one of ${SSDLITE_CODES.join(', ')}`,
    });
  }
  if ((backbone === 'mobilenext') !== (code === 'mobilenext.py')) {
    throw optionError(
      'code',
      `code ${code} does not build ${backbone}`,
      backbone === 'mobilenext' ? 'mobilenext.py' : 'mobilenet.py or se_mbv2.py',
    );
  }
  return { backbone, code, r };
}

/** Builds SSDLite320 (see the file comment). Graph outputs: class logits, box regressions. */
export function buildDetector(name: DetectorName, opts: SsdLiteOptions = {}): Graph {
  if (name !== 'ssdlite320') {
    throw new CoordattnError('E_UNKNOWN_NAME', `unknown detector '${String(name)}'`, {
      path: 'detector',
      expected: `one of ${DETECTOR_NAMES.join(', ')}`,
    });
  }
  const { backbone, code, r } = resolveSsdLiteOptions(opts);
  const b = new GraphBuilder();
  const x = b.input('input', [r.batch, 3, r.height, r.widthPx]);
  const taps = b.scope('backbone', () =>
    code === 'mobilenext.py' ? mobilenextTaps(b, x, r) : mobilenetv2Taps(b, x, r, code),
  );
  const [cls, reg] = b.scope('box_head.predictor', () => predictor(b, taps, r.classes));
  b.output(cls);
  b.output(reg);
  Object.assign(b.graph.meta, {
    detector: 'ssdlite320',
    backbone,
    code,
    ...optionsMeta(r),
    placement: r.kind === 'none' ? null : (r.placement ?? null),
  });
  return b.build();
}

// ---- MobileNetV2 (mobilenet.py, se_mbv2.py) ------------------------------------------------------

function mobilenetv2Taps(
  b: GraphBuilder,
  input: Value,
  r: ResolvedBackboneOptions,
  code: SsdLiteCode,
): Value[] {
  const flat = code === 'se_mbv2.py';
  const taps: Value[] = [];
  let x = convNormAct(b, input, 'features.0', { out: 32, kernel: 3, stride: 2, act: 'relu6' });
  let idx = 1;
  MOBILENETV2_SETTINGS.forEach(([t, c, n, s], row) => {
    for (let i = 0; i < n; i++) {
      const spec = { oup: c, stride: i === 0 ? s : 1, t, stage: row + 1 };
      x = b.scope(`features.${idx}`, () => invertedResidual(b, x, r, spec, flat));
      if (idx++ === 13) taps.push(x);
    }
  });
  x = convNormAct(b, x, flat ? 'conv' : `features.${idx}`, { out: 1280, kernel: 1, act: 'relu6' });
  taps.push(x);
  EXTRAS[code].forEach(([oup, t], i) => {
    const spec = { oup, stride: 2, t, stage: r.stageCount };
    x = b.scope(`extras.${i}`, () => invertedResidual(b, x, r, spec, flat));
    taps.push(x);
  });
  return taps;
}

interface IRSpec {
  readonly oup: number;
  readonly stride: number;
  readonly t: number;
  readonly stage: number;
}

/**
 * mobilenet.py `InvertedResidual` (nested ConvBNReLU, torchvision's tree; attention `conv.attention`)
 * or se_mbv2.py's (one flat Sequential, the attention block at its index, `conv.6`). hidden =
 * round(inp · t), every t here giving an integer.
 */
function invertedResidual(
  b: GraphBuilder,
  x: Value,
  r: ResolvedBackboneOptions,
  s: IRSpec,
  flat: boolean,
): Value {
  const inp = channelsOf(x);
  const hidden = Math.round(inp * s.t);
  const site = { stage: s.stage, placement: 'ca-paper' as const };
  let y = b.scope('conv', () => {
    let k = 0;
    let h = x;
    const cba = (out: number, kernel: number, stride: number, groups: number): Value => {
      if (!flat) return convNormAct(b, h, `${k++}`, { out, kernel, stride, groups, act: 'relu6' });
      const c = conv(b, h, `${k++}`, { out, kernel, stride, groups });
      return act(b, bn(b, c, `${k++}`), 'relu6', `${k++}`, true);
    };
    if (s.t !== 1) h = cba(hidden, 1, 1, 1);
    h = cba(hidden, 3, s.stride, hidden);
    if (s.t !== 1) h = attentionHook(b, h, r, site, flat ? `${k++}` : 'attention');
    h = conv(b, h, `${k++}`, { out: s.oup, kernel: 1 });
    return bn(b, h, `${k++}`);
  });
  if (s.stride === 1 && inp === s.oup) y = residualAdd(b, x, y);
  return y;
}

// ---- MobileNeXt (mobilenext.py) --------------------------------------------------------------------

function mobilenextTaps(b: GraphBuilder, input: Value, r: ResolvedBackboneOptions): Value[] {
  const taps: Value[] = [];
  let x = convNormAct(b, input, 'features.0', { out: 32, kernel: 3, stride: 2, act: 'relu6' });
  let idx = 1;
  MOBILENEXT_SETTINGS.forEach(([t, c, n, s], row) => {
    for (let i = 0; i < n; i++) {
      const spec = {
        oup: c,
        stride: i === 0 ? s : 1,
        t,
        keep3x3: i === 0 && n === 1 && s === 1,
        stage: row + 1,
      };
      const tapAt = idx === 13 ? 4 : idx === 20 ? 7 : undefined;
      x = b.scope(`features.${idx++}`, () =>
        sandglass(b, x, r, spec, tapAt === undefined ? undefined : { at: tapAt, taps }),
      );
    }
  });
  EXTRAS['mobilenext.py'].forEach(([oup, t], i) => {
    x = b.scope(`extras.${i}`, () => {
      const inp = channelsOf(x);
      let h = conv(b, x, '0', { out: inp, kernel: 3, stride: 2, groups: inp });
      h = act(b, bn(b, h, '1'), 'relu6', '2', true);
      h = attentionHook(b, h, r, { stage: r.stageCount, placement: 'ca-paper' });
      h = bn(b, conv(b, h, '3', { out: Math.trunc(inp * t), kernel: 1 }), '4');
      h = bn(b, conv(b, h, '5', { out: oup, kernel: 1 }), '6');
      return act(b, h, 'relu6', '7', true);
    });
    taps.push(x);
  });
  return taps;
}

// ---- SSDLiteBoxPredictor ---------------------------------------------------------------------------

function predictor(b: GraphBuilder, taps: readonly Value[], classes: number): [Value, Value] {
  const last = taps.length - 1;
  const header = (x: Value, name: string, out: number, level: number): Value =>
    b.scope(name, () => {
      if (level === last) return conv(b, x, `${level}`, { out, kernel: 1, bias: true });
      return b.scope(`${level}.conv`, () => {
        const c = channelsOf(x);
        let h = conv(b, x, '0', { out: c, kernel: 3, groups: c, bias: true });
        h = act(b, bn(b, h, '1'), 'relu6', '2');
        return conv(b, h, '3', { out, kernel: 1, bias: true });
      });
    });
  const flatLevel = (y: Value, name: string): Value => {
    const p = b.op(
      'permute',
      y,
      { perm: [0, 2, 3, 1] },
      { name: `${name}.permute`, provenance: { call: 'tensor', torchType: 'permute' } },
    );
    return b.op(
      'flatten',
      p,
      { startDim: 1 },
      { name: `${name}.view`, provenance: { call: 'tensor', torchType: 'view' } },
    );
  };
  const cls: Value[] = [];
  const reg: Value[] = [];
  taps.forEach((x, l) => {
    const a = SSDLITE_BOXES_PER_LOCATION[l];
    cls.push(flatLevel(header(x, 'cls_headers', a * classes, l), `cls_logits.${l}`));
    reg.push(flatLevel(header(x, 'reg_headers', a * 4, l), `bbox_pred.${l}`));
  });
  const cat = (xs: Value[], name: string): Value =>
    b.op('concat', xs, { axis: 1 }, { name, provenance: { call: 'functional', torchType: 'cat' } });
  return [cat(cls, 'cls_logits'), cat(reg, 'bbox_pred')];
}
