/** Resolves the `<model>` argument (a backbone name, a spec file or an .onnx file) plus model flags into graphs. */
import { closeSync, existsSync, openSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import type { ExternalRef, ImportNotes } from '@coordattn/onnx';
import type { Weights } from '@coordattn/reference';
import {
  BACKBONE_NAMES,
  CoordattnError,
  DEEPLABV3_BACKBONES,
  DETECTOR_NAMES,
  Dim,
  SEGMENTER_NAMES,
  SSDLITE_BACKBONES,
  buildBackbone,
  buildDetector,
  buildSegmenter,
  resolveDeepLabV3Options,
  resolveSsdLiteOptions,
  readSpec,
  resolveBackboneOptions,
  type BackboneName,
  type BackboneOptions,
  type DeepLabV3Options,
  type DetectorName,
  type Graph,
  type SegmenterName,
  type SsdLiteOptions,
} from '@coordattn/ir';
import type { ModelInfo, PresetName } from '@coordattn/cost';
import {
  MODEL_FLAG_NAMES,
  isBackboneName,
  modelOptions,
  oneOf,
  outputStride,
  positiveInt,
  type ModelFlags,
} from './options.js';

export interface LoadedModel {
  readonly graph: Graph;
  readonly info: ModelInfo;
  /** The recipe's preset, if any. */
  readonly presetDefault?: PresetName;
  /** Backbone models only: rebuild with other options (sweeps, symbolic H×W). */
  readonly backbone?: { readonly name: BackboneName; readonly opts: BackboneOptions };
  /** Detector models (ssdlite320): rebuild with other options (symbolic H×W). */
  readonly detector?: { readonly name: DetectorName; readonly opts: SsdLiteOptions };
  /** Segmentation models (deeplabv3): rebuild with other options (symbolic H×W). */
  readonly segmenter?: { readonly name: SegmenterName; readonly opts: DeepLabV3Options };
  /** .onnx models: the file's weights and what the import found. */
  readonly onnx?: {
    readonly weights: Weights;
    readonly notes: ImportNotes;
    readonly file: string;
    readonly bytes: Uint8Array;
  };
}

export interface LoadOptions {
  /** Leave an .onnx file's batch symbolic (N) unless --batch is given (report --symbolic). */
  readonly symbolic?: boolean;
}

export function isOnnxPath(model: string): boolean {
  return model.toLowerCase().endsWith('.onnx');
}

function readBytes(file: string, cwd: string): Uint8Array {
  try {
    return readFileSync(resolve(cwd, file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new CoordattnError('E_IO', `cannot read file (${code})`, { path: file });
  }
}

/** `--dim NAME=VALUE` entries → bindings. */
export function parseDims(entries: readonly string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of entries ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(\d{1,9})$/.exec(e.trim());
    if (!m || Number(m[2]) < 1) {
      throw new CoordattnError('E_OPTION', `not a dim binding: '${e.slice(0, 60)}'`, {
        path: '--dim',
        expected: 'NAME=VALUE with a positive integer value, e.g. --dim N=8',
      });
    }
    out[m[1]] = Number(m[2]);
  }
  return out;
}

/**
 * Reads external tensor data for an .onnx file: only files inside the model's own folder (after
 * resolving symlinks), and only the byte range the tensor needs.
 */
function externalReader(modelPath: string): (ref: ExternalRef, tensor: string) => Uint8Array {
  const root = realpathSync(dirname(modelPath));
  return (ref, tensor) => {
    const where = `initializer '${tensor}' (external data ${ref.location})`;
    let real: string;
    try {
      real = realpathSync(resolve(root, ref.location));
    } catch (e) {
      throw new CoordattnError(
        'E_IO',
        `cannot read external data (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
        { path: where },
      );
    }
    if (!real.startsWith(root + sep)) {
      throw new CoordattnError('E_ONNX', "external data leaves the model's folder (through a symlink)", {
        path: where,
      });
    }
    const size = statSync(real).size;
    const length = ref.length ?? size - ref.offset;
    if (ref.offset + length > size || length < 0) {
      throw new CoordattnError(
        'E_ONNX',
        `external data range ${ref.offset}+${length} is past the end of the file (${size} bytes)`,
        { path: where },
      );
    }
    const buf = new Uint8Array(length);
    const fd = openSync(real, 'r');
    try {
      readSync(fd, buf, 0, length, ref.offset);
    } finally {
      closeSync(fd);
    }
    return buf;
  };
}

async function loadOnnx(
  model: string,
  flags: ModelFlags,
  cwd: string,
  opts: LoadOptions,
): Promise<LoadedModel> {
  const given = MODEL_FLAG_NAMES.filter((k) => flags[k] !== undefined && k !== 'batch' && k !== 'dim');
  if (given.length > 0) {
    throw new CoordattnError(
      'E_OPTION',
      'model flags do not apply to an .onnx file (only --batch and --dim do)',
      {
        path: `--${given[0].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
      },
    );
  }
  const dims = parseDims(flags.dim);
  if (flags.batch !== undefined) dims.N = positiveInt('batch', flags.batch).toInt()!;
  else if (!opts.symbolic && dims.N === undefined) dims.N = 1;
  const full = resolve(cwd, model);
  const bytes = readBytes(model, cwd);
  // Loaded here, not at startup: reports of built-in models never read ONNX (protobuf decoding).
  const { importOnnx } = await import('@coordattn/onnx');
  const r = importOnnx(bytes, { file: model, dims, readExternal: externalReader(full) });
  return {
    graph: r.graph,
    info: { name: model.replace(/^.*[/\\]/, '').replace(/\.onnx$/i, '') },
    onnx: { weights: r.weights, notes: r.notes, file: model, bytes },
  };
}

export function readTextFile(file: string, cwd: string): string {
  const full = resolve(cwd, file);
  try {
    return readFileSync(full, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new CoordattnError('E_IO', `cannot read file (${code})`, { path: file });
  }
}

export function infoOf(name: BackboneName, opts: BackboneOptions): ModelInfo {
  const r = resolveBackboneOptions(name, opts);
  const kind = r.kind;
  return {
    name,
    backbone: name,
    attention: kind,
    ...(r.placement ? { placement: r.placement } : {}),
    ...(r.recipe ? { recipe: r.recipe } : {}),
    width: r.width,
    classes: r.classes,
  };
}

export async function loadModel(
  model: string,
  flags: ModelFlags,
  cwd: string,
  opts: LoadOptions = {},
): Promise<LoadedModel> {
  if (isOnnxPath(model)) return loadOnnx(model, flags, cwd, opts);
  if (flags.dim !== undefined) {
    throw new CoordattnError('E_OPTION', '--dim binds the symbolic dims of an .onnx file', {
      path: '--dim',
      expected: 'an .onnx model, or --batch / --resolution for backbones',
    });
  }
  if ((SEGMENTER_NAMES as readonly string[]).includes(model))
    return loadSegmenter(model as SegmenterName, flags);
  if (flags.outputStride !== undefined) {
    throw new CoordattnError('E_OPTION', '--output-stride sets the output stride of a segmentation model', {
      path: '--output-stride',
      expected: `a segmentation model (${SEGMENTER_NAMES.join(', ')})`,
    });
  }
  if ((DETECTOR_NAMES as readonly string[]).includes(model))
    return loadDetector(model as DetectorName, flags);
  if (flags.backbone !== undefined) {
    throw new CoordattnError(
      'E_OPTION',
      '--backbone chooses the backbone of a detector or segmentation model',
      {
        path: '--backbone',
        expected: `a detector or segmentation model (${[...DETECTOR_NAMES, ...SEGMENTER_NAMES].join(', ')})`,
      },
    );
  }
  if (isBackboneName(model)) {
    const opts = modelOptions(flags);
    const resolved = resolveBackboneOptions(model, opts);
    return {
      graph: buildBackbone(model, opts),
      info: infoOf(model, opts),
      ...(resolved.preset ? { presetDefault: resolved.preset } : {}),
      backbone: { name: model, opts },
    };
  }
  const looksLikeFile = model.endsWith('.json') || model.includes('/') || existsSync(resolve(cwd, model));
  if (!looksLikeFile) {
    throw new CoordattnError('E_UNKNOWN_NAME', `'${model}' is neither a backbone nor a spec file`, {
      path: '<model>',
      expected: `one of ${[...BACKBONE_NAMES, ...DETECTOR_NAMES, ...SEGMENTER_NAMES].join(', ')}, or a path to a spec .json or .onnx file`,
    });
  }
  const given = MODEL_FLAG_NAMES.filter((k) => flags[k] !== undefined);
  if (given.length > 0) {
    throw new CoordattnError('E_OPTION', `model flags do not apply to a spec file; put them in the spec`, {
      path: `--${given[0].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
    });
  }
  const graph = readSpec(readTextFile(model, cwd), model);
  const meta = graph.meta as {
    backbone?: string;
    attention?: string;
    placement?: string;
    recipe?: string;
    width?: number;
  };
  return {
    graph,
    info: {
      name: model.replace(/^.*\//, '').replace(/\.json$/, ''),
      ...(meta.backbone ? { backbone: meta.backbone } : {}),
      ...(meta.attention ? { attention: meta.attention } : {}),
      ...(meta.placement ? { placement: meta.placement } : {}),
      ...(meta.recipe ? { recipe: meta.recipe } : {}),
      ...(meta.width !== undefined ? { width: meta.width } : {}),
    },
  };
}

/** A detector (ssdlite320) with its backbone from --backbone. */
function loadDetector(name: DetectorName, flags: ModelFlags): LoadedModel {
  const backbone =
    flags.backbone === undefined ? undefined : oneOf('backbone', flags.backbone, SSDLITE_BACKBONES);
  const opts: SsdLiteOptions = { ...modelOptions(flags), ...(backbone ? { backbone } : {}) };
  const { r } = resolveSsdLiteOptions(opts);
  return {
    graph: buildDetector(name, opts),
    ...headInfo(`${name}-${r.backbone}`, r),
    detector: { name, opts },
  };
}

/** The report info (and default preset) of a detection or segmentation model on a backbone. */
function headInfo(
  name: string,
  r: ReturnType<typeof resolveSsdLiteOptions>['r'],
): Pick<LoadedModel, 'info' | 'presetDefault'> {
  return {
    info: {
      name,
      backbone: r.backbone,
      attention: r.kind,
      ...(r.kind !== 'none' && r.placement ? { placement: r.placement } : {}),
      ...(r.recipe ? { recipe: r.recipe } : {}),
      width: r.width,
      classes: r.classes,
    },
    ...(r.preset ? { presetDefault: r.preset } : {}),
  };
}

/** DeepLabV3 with its backbone from --backbone and --output-stride. */
function loadSegmenter(name: SegmenterName, flags: ModelFlags): LoadedModel {
  const backbone =
    flags.backbone === undefined ? undefined : oneOf('backbone', flags.backbone, DEEPLABV3_BACKBONES);
  const opts: DeepLabV3Options = {
    ...modelOptions(flags),
    ...(backbone ? { backbone } : {}),
    ...(flags.outputStride !== undefined ? { outputStride: outputStride(flags.outputStride) } : {}),
  };
  const { r, outputStride: os } = resolveDeepLabV3Options(opts);
  return {
    graph: buildSegmenter(name, opts),
    ...headInfo(`${name}-${r.backbone}-os${os}`, r),
    segmenter: { name, opts },
  };
}

/** The same backbone with symbolic H and W (for `--symbolic`). */
export function symbolicResolution(m: LoadedModel): Graph | undefined {
  if (m.segmenter) {
    return buildSegmenter(m.segmenter.name, {
      ...m.segmenter.opts,
      height: Dim.sym('H'),
      widthPx: Dim.sym('W'),
    });
  }
  if (m.detector) {
    return buildDetector(m.detector.name, {
      ...m.detector.opts,
      height: Dim.sym('H'),
      widthPx: Dim.sym('W'),
    });
  }
  if (!m.backbone) return undefined;
  return buildBackbone(m.backbone.name, { ...m.backbone.opts, height: Dim.sym('H'), widthPx: Dim.sym('W') });
}
