/**
 * Where attention goes in each backbone, as data: the placement table (stages, supported
 * placements, per-kind defaults), the recipes (a paper's exact configuration), and the resolver
 * that turns `BackboneOptions` into one fully-defaulted configuration.
 *
 * Node-path scheme of attention scopes (chosen so that nothing collides with a torchvision module
 * name; torchvision's own children are `conv`, `block`, numeric indices, `conv1`..., `downsample`):
 * - `ca-paper` / `eca-paper`: a scope named `attention` inside the block's main Sequential, as the
 *   official codes put it inside `conv` (mbv2_ca.py, eca_mobilenetv2.py):
 *   `features.3.conv.attention.conv1` (MobileNetV2, MobileNeXt); ResNets have no inner Sequential,
 *   so `layer1.0.attention.conv` (ECANet names it `eca`).
 * - `builtin-se`: the block takes the built-in SE module's own slot in the torchvision Sequential,
 *   exactly as `block[2] = CoordAtt(...)` would in PyTorch: `features.2.0.block.2.conv1`.
 * - `block-output`: `attention` on the block module itself, after the residual add:
 *   `features.3.attention...`, `layer1.0.attention...`, `features.2.0.attention...`.
 * The reference PyTorch scripts name these modules differently (mbv2_ca.py `conv.6`,
 * eca_mobilenetv2.py `conv.4`, eca_resnet.py `eca`); backbones.test.ts maps them explicitly.
 */
import { ATTENTION_KINDS, type AttentionKind, type AttentionSpec, type SEInput } from '../blocks/index.js';
import { Dim } from '../dim/index.js';
import { CoordattnError } from '../errors.js';
import type { ResNetName } from './resnet.js';
import {
  BACKBONE_NAMES,
  PLACEMENT_NAMES,
  RECIPE_NAMES,
  type BackboneName,
  type BackboneOptions,
  type PlacementName,
  type RecipeName,
} from './types.js';

/** Cost presets a recipe asks for (names of the @coordattn/cost presets). */
export type CostPresetName = 'paper' | 'thop-2019';

/** The attention kinds that emit a block. */
export type AttentionBlockKind = Exclude<AttentionKind, 'none'>;
const BLOCK_KINDS: readonly AttentionBlockKind[] = ['ca', 'se', 'eca', 'cbam', 'triplet'];

/** How ECA's kernel size is chosen per attention site. */
export type EcaKernelRule =
  /** ECA's adaptive formula on the channels at the site (the block's default). */
  | { readonly rule: 'adaptive' }
  /** One k everywhere. */
  | { readonly rule: 'fixed'; readonly k: number }
  /** One k per stage (ECANet's released ResNets). */
  | { readonly rule: 'per-stage'; readonly k: readonly number[] }
  /** `below` if the stage's setting channels c < threshold, else `atOrAbove` (eca_mobilenetv2.py). */
  | {
      readonly rule: 'channel-threshold';
      readonly threshold: number;
      readonly below: number;
      readonly atOrAbove: number;
    };

// ---- per-kind configurations of the papers -------------------------------------------------------

const CA_R32 = { reduction: 32 } as const;
/**
 * SE as compared in the CA paper (at the CA position), the authors' `SEM` (houqb/ssdlite-pytorch-mobilenext
 * se_mbv2.py): 1×1 convs with bias, C // 24, `nn.ReLU6(True)`.
 */
export const CA_PAPER_SE = {
  squeeze: 'divide',
  reduction: 24,
  innerActivation: 'relu6',
  bias: true,
  form: 'conv',
  inplace: true,
} as const;
/** CBAM as compared in the CA paper: the same C // 24 MLP with bias, spatial 7×7 conv + BN. */
export const CA_PAPER_CBAM = { reduction: 24, bias: true, bn: true } as const;
/** SE in the ECA paper's MobileNetV2: Linear without bias, r = 8. */
export const ECA_PAPER_SE_MOBILENETV2 = {
  squeeze: 'divide',
  form: 'linear',
  bias: false,
  reduction: 8,
  innerActivation: 'relu',
} as const;
/** SE in the ECA paper's ResNets (SENet's SELayer): Linear without bias, r = 16. */
export const ECA_PAPER_SE_RESNET = { ...ECA_PAPER_SE_MOBILENETV2, reduction: 16 } as const;

const ADAPTIVE: EcaKernelRule = { rule: 'adaptive' };
/** eca_mobilenetv2.py: `ksize = 1 if c < 96 else 3`, c from the setting row (before width). */
const ECA_MBV2_K: EcaKernelRule = { rule: 'channel-threshold', threshold: 96, below: 1, atOrAbove: 3 };
/** Kernel sizes of ECANet's released ResNets, per stage (layer1..layer4). */
export const ECA_RESNET_K: Readonly<Record<ResNetName, readonly number[]>> = {
  resnet18: [3, 5, 7, 7],
  resnet34: [3, 3, 5, 7],
  resnet50: [3, 5, 5, 7],
  resnet101: [3, 3, 5, 7],
  resnet152: [3, 3, 5, 7],
};

// ---- the placement table ---------------------------------------------------------------------

export interface StageInfo {
  /** 1-based, as `opts.stages` counts. */
  readonly index: number;
  /** The torchvision modules of the stage (`features.4-6`, `layer2`). */
  readonly modules: string;
  /** Output channels at width 1.0. */
  readonly channels: number;
}

export interface PlacementInfo {
  /** Where the block goes, in words. */
  readonly where: string;
  /** Path pattern of the attention scope. */
  readonly scope: string;
  /** Number of attention blocks with every stage selected. */
  readonly blocks: number;
}

export interface KindDefault {
  readonly placement: PlacementName;
  /** Overrides of the attention block's own defaults (empty: the block's defaults). */
  readonly config: Readonly<Record<string, unknown>>;
  /** ECA only: how k is chosen. */
  readonly ecaKernel?: EcaKernelRule;
  readonly note?: string;
}

export interface BackboneTableRow {
  readonly backbone: BackboneName;
  /** The reference code the builder follows. */
  readonly source: string;
  readonly stages: readonly StageInfo[];
  readonly placements: Readonly<Partial<Record<PlacementName, PlacementInfo>>>;
  /** Per attention kind, without a recipe. */
  readonly defaults: Readonly<Record<AttentionBlockKind, KindDefault>>;
  /** Whether opts.width is accepted. */
  readonly widthMultiplier: boolean;
}

const stages = (rows: readonly [string, number][]): StageInfo[] =>
  rows.map(([modules, channels], i) => ({ index: i + 1, modules, channels }));

const MBV2_STAGES = stages([
  ['features.1', 16],
  ['features.2-3', 24],
  ['features.4-6', 32],
  ['features.7-10', 64],
  ['features.11-13', 96],
  ['features.14-16', 160],
  ['features.17', 320],
]);
const MNEXT_STAGES = stages([
  ['features.1', 96],
  ['features.2', 144],
  ['features.3-5', 192],
  ['features.6-8', 288],
  ['features.9-12', 384],
  ['features.13-16', 576],
  ['features.17-19', 960],
  ['features.20', 1280],
]);
const EFFNET_STAGES = stages([
  ['features.1', 16],
  ['features.2', 24],
  ['features.3', 40],
  ['features.4', 80],
  ['features.5', 112],
  ['features.6', 192],
  ['features.7', 320],
]);
const MNV3_LARGE_STAGES = stages([
  ['features.1', 16],
  ['features.2-3', 24],
  ['features.4-6', 40],
  ['features.7-10', 80],
  ['features.11-12', 112],
  ['features.13-15', 160],
]);
const MNV3_SMALL_STAGES = stages([
  ['features.1', 16],
  ['features.2-3', 24],
  ['features.4-6', 40],
  ['features.7-8', 48],
  ['features.9-11', 96],
]);

const caPaperDefaults = (eca: KindDefault): Record<AttentionBlockKind, KindDefault> => ({
  ca: { placement: 'ca-paper', config: CA_R32 },
  se: { placement: 'ca-paper', config: CA_PAPER_SE },
  cbam: { placement: 'ca-paper', config: CA_PAPER_CBAM },
  triplet: { placement: 'ca-paper', config: {} },
  eca,
});

const builtinDefaults = (builtin: string): Record<AttentionBlockKind, KindDefault> => ({
  ca: { placement: 'builtin-se', config: CA_R32 },
  se: { placement: 'builtin-se', config: {}, note: `keeps the built-in SE (${builtin})` },
  eca: { placement: 'builtin-se', config: {}, ecaKernel: ADAPTIVE },
  cbam: { placement: 'builtin-se', config: {} },
  triplet: { placement: 'builtin-se', config: {} },
});

const EFFNET_SE = 'squeeze max(1, C_in // 4) of the block input, SiLU, sigmoid';
const MNV3_SE = 'squeeze make_divisible(C // 4, 8), ReLU, Hardsigmoid';

function resnetRow(name: ResNetName, blocks: number, bottleneck: boolean): BackboneTableRow {
  const e = bottleneck ? 4 : 1;
  return {
    backbone: name,
    source: 'torchvision/models/resnet.py (v1.5: stride on the 3×3 conv)',
    stages: stages([
      ['layer1', 64 * e],
      ['layer2', 128 * e],
      ['layer3', 256 * e],
      ['layer4', 512 * e],
    ]),
    placements: {
      'eca-paper': {
        where: `after the block's last BN (${bottleneck ? 'bn3' : 'bn2'}), before the residual add`,
        scope: 'layer{i}.{j}.attention',
        blocks,
      },
      'block-output': {
        where: "on the block's output, after the residual add and the final ReLU",
        scope: 'layer{i}.{j}.attention',
        blocks,
      },
    },
    defaults: {
      ca: { placement: 'eca-paper', config: CA_R32 },
      se: { placement: 'eca-paper', config: ECA_PAPER_SE_RESNET },
      eca: { placement: 'eca-paper', config: {}, ecaKernel: { rule: 'per-stage', k: ECA_RESNET_K[name] } },
      cbam: { placement: 'eca-paper', config: {} },
      triplet: { placement: 'eca-paper', config: {} },
    },
    widthMultiplier: false,
  };
}

/** The placement table: one row per backbone (data; `coordattn list placements` prints it). */
export const PLACEMENT_TABLE: Readonly<Record<BackboneName, BackboneTableRow>> = {
  mobilenetv2: {
    backbone: 'mobilenetv2',
    source: 'torchvision/models/mobilenetv2.py',
    stages: MBV2_STAGES,
    placements: {
      'ca-paper': {
        where: 'after the depthwise 3×3 conv + BN + ReLU6 of every block with t ≠ 1, on the hidden channels',
        scope: 'features.{i}.conv.attention',
        blocks: 16,
      },
      'eca-paper': {
        where: "after the projection conv's BN, before the identity add",
        scope: 'features.{i}.conv.attention',
        blocks: 17,
      },
      'block-output': {
        where: "on the block's output, after the identity add",
        scope: 'features.{i}.attention',
        blocks: 17,
      },
    },
    defaults: caPaperDefaults({ placement: 'eca-paper', config: {}, ecaKernel: ECA_MBV2_K }),
    widthMultiplier: true,
  },
  mobilenext: {
    backbone: 'mobilenext',
    source: 'MobileNeXt official code (zhoudaquan/rethinking_bottleneck_design mobilenext.py: SGBlock)',
    stages: MNEXT_STAGES,
    placements: {
      'ca-paper': {
        where: 'after the first depthwise 3×3 conv + BN + ReLU6 of every sandglass block that has one',
        scope: 'features.{i}.conv.attention',
        blocks: 15,
      },
      'eca-paper': {
        where:
          "after the block's last BN, before the identity add (the ECA paper's rule applied to the sandglass block; not in that paper)",
        scope: 'features.{i}.conv.attention',
        blocks: 20,
      },
      'block-output': {
        where: "on the block's output, after the identity add",
        scope: 'features.{i}.attention',
        blocks: 20,
      },
    },
    defaults: caPaperDefaults({ placement: 'eca-paper', config: {}, ecaKernel: ADAPTIVE }),
    widthMultiplier: true,
  },
  'efficientnet-b0': {
    backbone: 'efficientnet-b0',
    source: 'torchvision/models/efficientnet.py (efficientnet_b0)',
    stages: EFFNET_STAGES,
    placements: {
      'builtin-se': {
        where: 'replaces the SqueezeExcitation of every MBConv, in its slot (attention none keeps it)',
        scope: 'features.{i}.{j}.block.{k}',
        blocks: 16,
      },
      'block-output': {
        where: "on each MBConv's output, after the residual add (the built-in SE stays)",
        scope: 'features.{i}.{j}.attention',
        blocks: 16,
      },
    },
    defaults: builtinDefaults(EFFNET_SE),
    widthMultiplier: true,
  },
  resnet18: resnetRow('resnet18', 8, false),
  resnet34: resnetRow('resnet34', 16, false),
  resnet50: resnetRow('resnet50', 16, true),
  resnet101: resnetRow('resnet101', 33, true),
  resnet152: resnetRow('resnet152', 50, true),
  'mobilenetv3-large': {
    backbone: 'mobilenetv3-large',
    source: 'torchvision/models/mobilenetv3.py (mobilenet_v3_large)',
    stages: MNV3_LARGE_STAGES,
    placements: {
      'builtin-se': {
        where:
          'replaces the SqueezeExcitation of the blocks that have one, in its slot (attention none keeps it)',
        scope: 'features.{i}.block.{k}',
        blocks: 8,
      },
      'block-output': {
        where: "on each block's output, after the residual add (the built-in SE stays)",
        scope: 'features.{i}.attention',
        blocks: 15,
      },
    },
    defaults: builtinDefaults(MNV3_SE),
    widthMultiplier: true,
  },
  'mobilenetv3-small': {
    backbone: 'mobilenetv3-small',
    source: 'torchvision/models/mobilenetv3.py (mobilenet_v3_small)',
    stages: MNV3_SMALL_STAGES,
    placements: {
      'builtin-se': {
        where:
          'replaces the SqueezeExcitation of the blocks that have one, in its slot (attention none keeps it)',
        scope: 'features.{i}.block.{k}',
        blocks: 9,
      },
      'block-output': {
        where: "on each block's output, after the residual add (the built-in SE stays)",
        scope: 'features.{i}.attention',
        blocks: 11,
      },
    },
    defaults: builtinDefaults(MNV3_SE),
    widthMultiplier: true,
  },
};

// ---- recipes -------------------------------------------------------------------------------------

/** Details of the paper's base network that differ from torchvision (mobilenetv2 only). */
export interface RecipeBase {
  /** Classifier dropout p (no effect on counts). */
  readonly dropout?: number;
  /**
   * Channel rounding: `ca-code` = mbv2_ca.py (`_make_divisible(c·w, 4 if w == 0.1 else 8)`),
   * `int` = eca_mobilenetv2.py (`int(c·w)`, last conv `int(1280·max(1, w))`).
   */
  readonly channels?: 'ca-code' | 'int';
  /**
   * Global pooling of the head: `module` = `nn.AdaptiveAvgPool2d` + `x.view` (mbv2_ca.py),
   * `tensor-mean` = `x.mean(-1).mean(-1)` (eca_mobilenetv2.py); default torchvision's
   * `F.adaptive_avg_pool2d` + `torch.flatten`. Tracer-based counters see only the module.
   */
  readonly pool?: 'module' | 'tensor-mean';
}

export interface RecipeBackboneEntry {
  /** Undefined: the backbone's default placement for the attention kind. */
  readonly placement?: PlacementName;
  /** Per-kind overrides of the attention blocks' defaults (a kind not listed: the block's defaults). */
  readonly configs: Readonly<Partial<Record<AttentionBlockKind, Readonly<Record<string, unknown>>>>>;
  readonly ecaKernel: EcaKernelRule;
  readonly base?: RecipeBase;
}

export interface RecipeInfo {
  readonly name: RecipeName;
  readonly description: string;
  /** The cost preset that reproduces the paper's numbers. */
  readonly preset: CostPresetName;
  readonly source: string;
  readonly backbones: Readonly<Partial<Record<BackboneName, RecipeBackboneEntry>>>;
}

const CA_PAPER_CONFIGS = { ca: CA_R32, se: CA_PAPER_SE, cbam: CA_PAPER_CBAM, triplet: {} } as const;
const resnetRecipe = (name: ResNetName): RecipeBackboneEntry => ({
  placement: 'eca-paper',
  configs: { ca: CA_R32, se: ECA_PAPER_SE_RESNET },
  ecaKernel: { rule: 'per-stage', k: ECA_RESNET_K[name] },
});
const TORCHVISION_ENTRY: RecipeBackboneEntry = { configs: {}, ecaKernel: ADAPTIVE };

export const RECIPES: Readonly<Record<RecipeName, RecipeInfo>> = {
  'ca-paper': {
    name: 'ca-paper',
    description:
      'Coordinate Attention paper: CA r=32 (SE/CBAM C//24 with bias) at the CA position; M-Adds = conv+fc MACs',
    preset: 'paper',
    source: 'Hou, Zhou, Feng, CVPR 2021 (arXiv 2103.02907); houqb/CoordAttention mbv2_ca.py, coordatt.py',
    backbones: {
      mobilenetv2: {
        placement: 'ca-paper',
        configs: CA_PAPER_CONFIGS,
        ecaKernel: ADAPTIVE,
        base: { dropout: 0.1, channels: 'ca-code', pool: 'module' },
      },
      mobilenext: { placement: 'ca-paper', configs: CA_PAPER_CONFIGS, ecaKernel: ADAPTIVE },
      'efficientnet-b0': { placement: 'builtin-se', configs: { ca: CA_R32 }, ecaKernel: ADAPTIVE },
    },
  },
  'eca-paper': {
    name: 'eca-paper',
    description:
      'ECA-Net paper: ECA (released k) or SE (Linear, no bias) after the last BN; FLOPs = 2019 thop, binary units',
    preset: 'thop-2019',
    source: 'Wang et al., CVPR 2020 (arXiv 1910.03151); BangguWu/ECANet eca_resnet.py, eca_mobilenetv2.py',
    backbones: {
      mobilenetv2: {
        placement: 'eca-paper',
        configs: { ca: CA_R32, se: ECA_PAPER_SE_MOBILENETV2 },
        ecaKernel: ECA_MBV2_K,
        base: { dropout: 0.25, channels: 'int', pool: 'tensor-mean' },
      },
      resnet18: resnetRecipe('resnet18'),
      resnet34: resnetRecipe('resnet34'),
      resnet50: resnetRecipe('resnet50'),
      resnet101: resnetRecipe('resnet101'),
      resnet152: resnetRecipe('resnet152'),
    },
  },
  torchvision: {
    name: 'torchvision',
    description:
      "torchvision's model as is; attention at the backbone's default placement with each block's own defaults",
    preset: 'paper',
    source: 'torchvision 0.14 model definitions',
    backbones: {
      mobilenetv2: TORCHVISION_ENTRY,
      'efficientnet-b0': TORCHVISION_ENTRY,
      resnet18: TORCHVISION_ENTRY,
      resnet34: TORCHVISION_ENTRY,
      resnet50: TORCHVISION_ENTRY,
      resnet101: TORCHVISION_ENTRY,
      resnet152: TORCHVISION_ENTRY,
      'mobilenetv3-large': TORCHVISION_ENTRY,
      'mobilenetv3-small': TORCHVISION_ENTRY,
    },
  },
};

// ---- resolution ----------------------------------------------------------------------------------

/** BackboneOptions with every default filled in, validated. */
export interface ResolvedBackboneOptions {
  readonly backbone: BackboneName;
  readonly width: number;
  readonly classes: number;
  readonly batch: Dim;
  readonly height: Dim;
  readonly widthPx: Dim;
  readonly recipe?: RecipeName;
  /** The recipe's cost preset; undefined without a recipe (the cost package's default applies). */
  readonly preset?: CostPresetName;
  readonly kind: AttentionKind;
  /** Undefined only for attention 'none' without an explicit or recipe placement. */
  readonly placement?: PlacementName;
  /** The kind's defaults with the user's config laid over them field by field. */
  readonly config: Readonly<Record<string, unknown>>;
  /** The user's config alone (laid over built-in SE configs at `builtin-se`). */
  readonly userConfig: Readonly<Record<string, unknown>>;
  /** ECA: the effective kernel rule (opts.ecaK > config.kernel > recipe / table default). */
  readonly ecaKernel: EcaKernelRule;
  /** Selected 1-based stages, sorted. */
  readonly stages: readonly number[];
  readonly stageCount: number;
  readonly base: RecipeBase;
}

function optionError(field: string, message: string, expected: string): CoordattnError {
  return new CoordattnError('E_OPTION', message, { path: field, expected });
}

function checkName<T extends string>(value: unknown, names: readonly T[], what: string, field: string): T {
  if (typeof value === 'string' && (names as readonly string[]).includes(value)) return value as T;
  throw new CoordattnError('E_UNKNOWN_NAME', `unknown ${what} '${String(value)}'`, {
    path: field,
    expected: `one of ${names.join(', ')}`,
  });
}

function checkSize(v: Dim | number | undefined, dflt: number, field: string): Dim {
  if (v === undefined) return Dim.const(dflt);
  if (v instanceof Dim) return v;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    throw optionError(
      field,
      `${field} must be a positive integer or a dimension, got ${String(v)}`,
      'an integer >= 1',
    );
  }
  return Dim.const(v);
}

/** Every field of BackboneOptions (a new field fails to compile here until it is listed). */
const BACKBONE_OPTION_KEYS = [
  'width',
  'height',
  'widthPx',
  'batch',
  'classes',
  'attention',
  'placement',
  'stages',
  'ecaK',
  'recipe',
] as const satisfies readonly (keyof BackboneOptions)[];
type MissingOptionKey = Exclude<keyof BackboneOptions, (typeof BACKBONE_OPTION_KEYS)[number]>;
const NO_MISSING_OPTION_KEY: [MissingOptionKey] extends [never] ? true : MissingOptionKey = true;
void NO_MISSING_OPTION_KEY;

/** Validates opts and fills every default from the recipe and the placement table. */
export function resolveBackboneOptions(
  name: BackboneName,
  opts: BackboneOptions = {},
): ResolvedBackboneOptions {
  const backbone = checkName(name, BACKBONE_NAMES, 'backbone', 'backbone');
  const row = PLACEMENT_TABLE[backbone];
  // JavaScript callers get no type check: a misspelt option or `attention: 'ca'` (a string, not
  // { kind: 'ca' }) must fail here rather than build a different model.
  const unknown = Object.keys(opts).filter((k) => !(BACKBONE_OPTION_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw optionError(
      unknown[0],
      `unknown backbone option '${unknown[0]}'`,
      `one of ${BACKBONE_OPTION_KEYS.join(', ')}`,
    );
  }
  if (opts.attention !== undefined && (typeof opts.attention !== 'object' || opts.attention === null)) {
    throw optionError(
      'attention',
      `attention must be an object such as { kind: 'ca' }, got ${JSON.stringify(opts.attention)}`,
      `{ kind: ${ATTENTION_KINDS.map((k) => `'${k}'`).join(' | ')}, config? }`,
    );
  }

  const width = opts.width ?? 1;
  if (typeof width !== 'number' || !Number.isFinite(width) || width <= 0) {
    throw optionError(
      'width',
      `width multiplier must be a finite number > 0, got ${String(width)}`,
      'a number > 0',
    );
  }
  if (!row.widthMultiplier && width !== 1) {
    throw optionError(
      'width',
      `${backbone} has no width multiplier (torchvision defines none), got ${width}`,
      'width 1 (or omit it)',
    );
  }
  const classes = opts.classes ?? 1000;
  if (typeof classes !== 'number' || !Number.isSafeInteger(classes) || classes < 1) {
    throw optionError(
      'classes',
      `classes must be a positive integer, got ${String(classes)}`,
      'an integer >= 1',
    );
  }
  const batch = checkSize(opts.batch, 1, 'batch');
  const height = checkSize(opts.height, 224, 'height');
  const widthPx = checkSize(opts.widthPx, 224, 'widthPx');

  const kind: AttentionKind = checkName(
    opts.attention?.kind ?? 'none',
    ATTENTION_KINDS,
    'attention kind',
    'attention.kind',
  );
  const userConfig: Readonly<Record<string, unknown>> =
    opts.attention && opts.attention.kind !== 'none'
      ? ((opts.attention.config ?? {}) as Record<string, unknown>)
      : {};

  // Recipe: must cover this backbone.
  let recipe: RecipeName | undefined;
  let entry: RecipeBackboneEntry | undefined;
  if (opts.recipe !== undefined) {
    recipe = checkName(opts.recipe, RECIPE_NAMES, 'recipe', 'recipe');
    entry = RECIPES[recipe].backbones[backbone];
    if (!entry) {
      const ok = Object.keys(RECIPES[recipe].backbones).join(', ');
      throw optionError(
        'recipe',
        `recipe '${recipe}' does not cover backbone '${backbone}'`,
        `one of the backbones ${ok}`,
      );
    }
  }

  // Placement: explicit > recipe > table default for the kind.
  const supported = Object.keys(row.placements) as PlacementName[];
  const kindDefault = kind === 'none' ? undefined : row.defaults[kind];
  let placement: PlacementName | undefined;
  if (opts.placement !== undefined)
    placement = checkName(opts.placement, PLACEMENT_NAMES, 'placement', 'placement');
  else placement = entry?.placement ?? kindDefault?.placement;
  if (placement !== undefined && !supported.includes(placement)) {
    throw optionError(
      'placement',
      `backbone '${backbone}' does not support placement '${placement}'`,
      `one of ${supported.join(', ')}`,
    );
  }

  // Per-kind config: recipe's (or the table's) defaults, then the user's fields.
  let defaults: Readonly<Record<string, unknown>> = {};
  if (kind !== 'none') defaults = entry ? (entry.configs[kind] ?? {}) : (kindDefault?.config ?? {});
  const config = { ...defaults, ...userConfig };

  // Stages.
  const stageCount = row.stages.length;
  const all = row.stages.map((s) => s.index);
  let selected = all;
  if (opts.stages !== undefined) {
    const bad = !Array.isArray(opts.stages) || opts.stages.length === 0;
    const outOfRange = bad ? [] : opts.stages.filter((s) => !Number.isInteger(s) || s < 1 || s > stageCount);
    if (bad || outOfRange.length > 0) {
      throw optionError(
        'stages',
        `${backbone} has stages 1..${stageCount}; got ${bad ? String(opts.stages) : `[${opts.stages.join(', ')}]`}`,
        `a non-empty list of integers in 1..${stageCount}`,
      );
    }
    selected = [...new Set(opts.stages)].sort((a, b) => a - b);
  }

  // ECA kernel rule.
  let ecaKernel: EcaKernelRule = entry?.ecaKernel ?? row.defaults.eca.ecaKernel ?? ADAPTIVE;
  const k = userConfig.kernel;
  if (k === 'adaptive') ecaKernel = ADAPTIVE;
  else if (typeof k === 'number') ecaKernel = { rule: 'fixed', k };
  if (opts.ecaK !== undefined) {
    if (opts.ecaK === 'adaptive') ecaKernel = ADAPTIVE;
    else {
      const ks = opts.ecaK;
      const valid =
        Array.isArray(ks) &&
        ks.length === stageCount &&
        ks.every((v) => Number.isInteger(v) && v >= 1 && v <= 255 && v % 2 === 1);
      if (!valid) {
        throw optionError(
          'ecaK',
          `ecaK for ${backbone} needs one odd kernel size per stage (${stageCount} stages), got ${JSON.stringify(ks)}`,
          `'adaptive' or ${stageCount} odd integers in 1..255`,
        );
      }
      ecaKernel = { rule: 'per-stage', k: ks };
    }
  }

  return {
    backbone,
    width,
    classes,
    batch,
    height,
    widthPx,
    ...(recipe !== undefined ? { recipe, preset: RECIPES[recipe].preset } : {}),
    kind,
    ...(placement !== undefined ? { placement } : {}),
    config,
    userConfig,
    ecaKernel,
    stages: selected,
    stageCount,
    base: entry?.base ?? {},
  };
}

/** One place where an attention block may go. */
export interface AttentionSite {
  /** The placement this site belongs to. */
  readonly placement: PlacementName;
  /** 1-based stage of the block. */
  readonly stage: number;
  /** Channels of the tensor the block re-weights. */
  readonly channels: number;
  /** The stage's setting channels c before width scaling (ECA's channel-threshold rule). */
  readonly settingChannels?: number;
  /** At `builtin-se`: the torchvision SE config of this slot (kept for kind 'se'). */
  readonly builtinSE?: SEInput;
}

function ecaKernelAt(rule: EcaKernelRule, site: AttentionSite): number | 'adaptive' {
  switch (rule.rule) {
    case 'adaptive':
      return 'adaptive';
    case 'fixed':
      return rule.k;
    case 'per-stage':
      return rule.k[site.stage - 1];
    case 'channel-threshold':
      return (site.settingChannels ?? site.channels) < rule.threshold ? rule.below : rule.atOrAbove;
  }
}

/** The attention block for a site, or undefined when the site gets none. */
export function attentionAt(r: ResolvedBackboneOptions, site: AttentionSite): AttentionSpec | undefined {
  if (r.kind === 'none' || r.placement !== site.placement || !r.stages.includes(site.stage)) return undefined;
  let config: Record<string, unknown> = { ...r.config };
  if (r.kind === 'eca') config = { ...config, kernel: ecaKernelAt(r.ecaKernel, site) };
  if (r.kind === 'se' && site.builtinSE) config = { ...site.builtinSE, ...r.userConfig };
  // The config is validated by the block's zod schema when it is emitted (E_ATTR on a bad field).
  return { kind: r.kind, config } as AttentionSpec;
}

/** The attention kinds that emit blocks, in display order. */
export const ATTENTION_BLOCK_KINDS = BLOCK_KINDS;

/** A Dim as JSON: an integer when concrete, else its expression text. */
function dimJson(d: Dim): number | string {
  return d.toInt() ?? d.toString();
}

/** What `graph.meta` records of resolved options (backbones and detectors alike). */
export function optionsMeta(r: ResolvedBackboneOptions): Record<string, unknown> {
  return {
    width: r.width,
    resolution: [dimJson(r.height), dimJson(r.widthPx)],
    batch: dimJson(r.batch),
    classes: r.classes,
    attention: r.kind,
    attentionConfig: r.kind === 'none' ? null : r.config,
    placement: r.placement ?? null,
    stages: r.stages,
    recipe: r.recipe ?? null,
    preset: r.preset ?? null,
  };
}
