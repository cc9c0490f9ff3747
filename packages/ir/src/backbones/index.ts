/**
 * Backbones: `buildBackbone(name, opts)` builds one of the supported CNNs as a shape-checked
 * Graph whose node paths and provenance follow the reference PyTorch module tree (torchvision,
 * or the official MobileNeXt code), with attention blocks where the placement table puts them.
 */
import { GraphBuilder, type Graph, type Value } from '../graph/index.js';
import { buildEfficientNetB0 } from './efficientnet.js';
import { buildMobileNeXt } from './mobilenext.js';
import { buildMobileNetV2 } from './mobilenetv2.js';
import { buildMobileNetV3 } from './mobilenetv3.js';
import { optionsMeta, resolveBackboneOptions, type ResolvedBackboneOptions } from './placement.js';
import { buildResNet } from './resnet.js';
import type { BackboneName, BackboneOptions } from './types.js';

export * from './types.js';
export {
  ATTENTION_BLOCK_KINDS,
  attentionAt,
  CA_PAPER_CBAM,
  CA_PAPER_SE,
  ECA_PAPER_SE_MOBILENETV2,
  ECA_PAPER_SE_RESNET,
  ECA_RESNET_K,
  PLACEMENT_TABLE,
  RECIPES,
  resolveBackboneOptions,
  type AttentionBlockKind,
  type AttentionSite,
  type BackboneTableRow,
  type CostPresetName,
  type EcaKernelRule,
  type KindDefault,
  type PlacementInfo,
  type RecipeBackboneEntry,
  type RecipeBase,
  type RecipeInfo,
  type ResolvedBackboneOptions,
  type StageInfo,
} from './placement.js';
export {
  buildDetector,
  DETECTOR_NAMES,
  resolveSsdLiteOptions,
  SSDLITE_BACKBONES,
  SSDLITE_BOXES_PER_LOCATION,
  SSDLITE_CODES,
  type DetectorName,
  type SsdLiteBackbone,
  type SsdLiteCode,
  type SsdLiteOptions,
} from './ssdlite.js';
export {
  buildSegmenter,
  DEEPLABV3_BACKBONES,
  DEEPLABV3_OUTPUT_STRIDES,
  DEEPLABV3_RATES,
  resolveDeepLabV3Options,
  SEGMENTER_NAMES,
  type DeepLabV3Backbone,
  type DeepLabV3Options,
  type DeepLabV3OutputStride,
  type SegmenterName,
} from './deeplabv3.js';
export { MOBILENETV2_SETTINGS } from './mobilenetv2.js';
export { MOBILENEXT_SETTINGS } from './mobilenext.js';
export { EFFICIENTNET_B0_SETTINGS } from './efficientnet.js';
export { RESNET_CONFIGS, type ResNetName } from './resnet.js';
export { MOBILENETV3_LARGE_SETTINGS, MOBILENETV3_SMALL_SETTINGS } from './mobilenetv3.js';

type Builder = (b: GraphBuilder, x: Value, r: ResolvedBackboneOptions) => Value;

const BUILDERS: Readonly<Record<BackboneName, Builder>> = {
  mobilenetv2: buildMobileNetV2,
  mobilenext: buildMobileNeXt,
  'efficientnet-b0': buildEfficientNetB0,
  resnet18: (b, x, r) => buildResNet(b, x, r, 'resnet18'),
  resnet34: (b, x, r) => buildResNet(b, x, r, 'resnet34'),
  resnet50: (b, x, r) => buildResNet(b, x, r, 'resnet50'),
  resnet101: (b, x, r) => buildResNet(b, x, r, 'resnet101'),
  resnet152: (b, x, r) => buildResNet(b, x, r, 'resnet152'),
  'mobilenetv3-large': (b, x, r) => buildMobileNetV3(b, x, r, 'large'),
  'mobilenetv3-small': (b, x, r) => buildMobileNetV3(b, x, r, 'small'),
};

/**
 * Builds a backbone. The graph input is `input` of shape [batch, 3, H, W] (defaults 1, 224, 224;
 * H and W may be symbolic Dims). `graph.meta` records backbone, width, resolution, classes,
 * attention kind, placement, recipe (plus batch, attention config, stages and cost preset).
 * Invalid options throw CoordattnError E_OPTION / E_UNKNOWN_NAME (see resolveBackboneOptions).
 */
export function buildBackbone(name: BackboneName, opts: BackboneOptions = {}): Graph {
  const r = resolveBackboneOptions(name, opts);
  const b = new GraphBuilder();
  const x = b.input('input', [r.batch, 3, r.height, r.widthPx]);
  b.output(BUILDERS[r.backbone](b, x, r));
  Object.assign(b.graph.meta, { backbone: r.backbone, ...optionsMeta(r) });
  return b.build();
}
