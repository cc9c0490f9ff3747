import type { LayerCost } from '../analyze.js';
import { numel } from '../columns.js';
import { perLayer, value, ZERO_VALUE, type Preset } from './types.js';

/** aten ops fvcore handles that lower from these PyTorch calls. */
const ADAPTIVE_AVG = new Set(['AdaptiveAvgPool2d', 'adaptive_avg_pool2d']);

/** fvcore 0.1.6 `_DEFAULT_SUPPORTED_OPS`: the aten ops it has a flop handle for. */
const HANDLED = new Set([
  'aten::addmm',
  'aten::bmm',
  'aten::_convolution',
  'aten::einsum',
  'aten::matmul',
  'aten::mm',
  'aten::linear',
  'aten::batch_norm',
  'aten::group_norm',
  'aten::layer_norm',
  'aten::instance_norm',
  'aten::upsample_nearest2d',
  'aten::upsample_bilinear2d',
  'aten::adaptive_avg_pool2d',
  'aten::grid_sampler',
]);

/** fvcore 0.1.6 `_IGNORED_OPS` (jit_analysis.py): counted 0 without a warning. */
const IGNORED = new Set(
  [
    'Int',
    'ScalarImplicit',
    '__and__',
    'arange',
    'bitwise_not',
    'cat',
    'chunk',
    'clamp',
    'clamp_',
    'constant_pad_nd',
    'contiguous',
    'copy_',
    'detach',
    'dropout',
    'empty',
    'eq',
    'expand',
    'flatten',
    'floor',
    'floor_divide',
    'full',
    'full_like',
    'gather',
    'ge',
    'gt',
    'index',
    'index_put_',
    'masked_fill',
    'max',
    'narrow',
    'new_empty',
    'new_full',
    'new_zeros',
    'nonzero',
    'ones',
    'permute',
    'relu',
    'relu_',
    'remainder',
    'reshape',
    'roll',
    'select',
    'size',
    'slice',
    'split',
    'split_with_sizes',
    'squeeze',
    'stack',
    't',
    'to',
    'transpose',
    'type_as',
    'unbind',
    'unsqueeze',
    'unsqueeze_',
    'view',
    'zeros',
    'zeros_like',
  ].map((s) => `aten::${s}`),
);

/** The aten op a module's forward records under torch.jit.trace (torch 1.13, eval mode). */
const MODULE_ATEN: Readonly<Record<string, readonly string[]>> = {
  Conv1d: ['_convolution'],
  Conv2d: ['_convolution'],
  Linear: ['linear'],
  BatchNorm1d: ['batch_norm'],
  BatchNorm2d: ['batch_norm'],
  ReLU: ['relu'],
  ReLU6: ['hardtanh'], // F.relu6 → F.hardtanh
  Sigmoid: ['sigmoid'],
  Hardsigmoid: ['hardsigmoid'],
  Hardswish: ['hardswish'],
  SiLU: ['silu'],
  MaxPool2d: ['max_pool2d'],
  AvgPool2d: ['avg_pool2d'],
  AdaptiveAvgPool2d: ['adaptive_avg_pool2d'],
  AdaptiveMaxPool2d: ['adaptive_max_pool2d'],
  Dropout: ['dropout'],
  Flatten: ['flatten'],
  Identity: [],
  Upsample: ['upsample_bilinear2d'], // mode='bilinear' (the only resize mode)
  StochasticDepth: [], // torchvision: returns its input in eval mode
  // The CA code's hand-written modules (coordatt.py, inplace=True by default):
  // h_sigmoid: self.relu(x + 3) / 6; h_swish: x * self.sigmoid(x).
  h_sigmoid: ['add', 'hardtanh_', 'div'],
  h_swish: ['add', 'hardtanh_', 'div', 'mul'],
};

/** Functional / tensor names whose aten op has another name. */
const CALL_ATEN: Readonly<Record<string, string>> = {
  split: 'split_with_sizes',
  relu6: 'hardtanh',
  interpolate: 'upsample_bilinear2d', // mode='bilinear' (the only resize mode)
};

/**
 * The aten ops torch.jit.trace records for one node, from its provenance: the module's (or the
 * function's / method's) op, its in-place variant where the node is in place, then the calls the
 * node absorbs (`folded`).
 */
export function atenOpsOf(l: LayerCost): string[] {
  const p = l.provenance;
  const inplace = (s: string): string => (p.inplace === true && !s.endsWith('_') ? `${s}_` : s);
  let ops: string[];
  if (p.call === 'module') {
    const m = MODULE_ATEN[p.torchType];
    ops =
      m !== undefined ? (m.length === 1 ? [inplace(m[0])] : [...m]) : [inplace(p.torchType.toLowerCase())];
  } else {
    const name = p.torchType.replace(/^(F|torch\.nn\.functional|torch|Tensor)\./, '');
    ops = [inplace(CALL_ATEN[name] ?? name)];
  }
  return [...ops, ...(p.folded ?? [])].map((s) => `aten::${s}`);
}

/**
 * The ops fvcore reports as skipped (`unsupported_ops()`, warned "Unsupported operator aten::X
 * encountered n time(s)"): every traced aten op it neither handles nor ignores, with counts,
 * sorted by name.
 */
export function fvcoreSkippedOps(layers: readonly LayerCost[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const l of layers) {
    for (const op of atenOpsOf(l)) {
      if (!HANDLED.has(op) && !IGNORED.has(op)) counts.set(op, (counts.get(op) ?? 0) + 1);
    }
  }
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** fvcore FlopCountAnalysis: one fused multiply-add = one "flop", counted per aten op. */
export const fvcore: Preset = {
  name: 'fvcore',
  description:
    'fvcore 0.1.6 FlopCountAnalysis (facebookresearch/fvcore 3378afe; Detectron2), one fused multiply-add = one flop',
  unit: 'MACs',
  scale: 'decimal',
  definition:
    'Conv and linear multiply-accumulates (bias ignored) + batch-norm at inference (2·numel affine, 1·numel otherwise) + adaptive_avg_pool2d (1 per input element) + upsample_bilinear2d (4 per output element); every other op counts 0.',
  assumptions: [
    'ops fvcore does not handle (mul, add, sub, div, sigmoid, hardswish, hardtanh/ReLU6, mean, max_pool2d, avg_pool2d) count 0, as fvcore does after warning',
    'ops fvcore ignores by design (clamp, slice, cat, permute, reshape, ...) count 0',
    'a pool written as x.mean(...) lowers to aten::mean and counts 0; only AdaptiveAvgPool2d / F.adaptive_avg_pool2d count',
    'the skipped ops are named as torch 1.13 traces them, from each node’s provenance (in-place variants such as aten::hardtanh_ for nn.ReLU6(inplace=True))',
  ],
  notes(layers) {
    const skipped = Object.entries(fvcoreSkippedOps(layers));
    if (skipped.length === 0) return ['fvcore skips no op of this graph'];
    return [
      `fvcore skips (warns "Unsupported operator ... encountered n time(s)", counts 0): ${skipped
        .map(([op, n]) => `${op} ×${n}`)
        .join(', ')}`,
    ];
  },
  layerValues: perLayer((l) => {
    const c = l.columns;
    switch (l.op) {
      case 'conv2d':
      case 'channel_conv1d':
        return value(
          { macs: c.macs },
          `${l.op}: aten::_convolution N·prod(w)·prod(out spatial), bias ignored`,
        );
      case 'linear':
        return value({ macs: c.macs }, 'linear: aten::linear/addmm M·K·N, bias ignored');
      case 'batch_norm': {
        const affine = (l.node.attrs as { affine?: boolean }).affine !== false;
        return affine
          ? value({ normOps: c.normOps }, 'batch_norm (eval, affine): 2·numel')
          : value({ normOps: c.normOps.div(2) }, 'batch_norm (eval): 1·numel');
      }
      case 'global_avg_pool':
      case 'directional_mean':
      case 'avg_pool2d':
        if (ADAPTIVE_AVG.has(l.provenance.torchType)) {
          return value({ reductions: numel(l.inputShapes[0]) }, 'adaptive_avg_pool2d: 1·numel(input)');
        }
        return ZERO_VALUE(`${l.op} as ${l.provenance.torchType}: unsupported → 0 (warned)`);
      case 'resize':
        return value({ reductions: c.reductions }, 'resize: aten::upsample_bilinear2d 4·numel(out)');
      default:
        return ZERO_VALUE(`${l.op}: 0 (ignored or unsupported)`);
    }
  }),
};
