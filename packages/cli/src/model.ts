/** Resolves the `<model>` argument (a backbone name or a spec file) plus model flags into graphs. */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  BACKBONE_NAMES,
  CoordattnError,
  Dim,
  buildBackbone,
  readSpec,
  resolveBackboneOptions,
  type BackboneName,
  type BackboneOptions,
  type Graph,
} from '@coordattn/ir';
import type { ModelInfo, PresetName } from '@coordattn/cost';
import { MODEL_FLAG_NAMES, isBackboneName, modelOptions, type ModelFlags } from './options.js';

export interface LoadedModel {
  readonly graph: Graph;
  readonly info: ModelInfo;
  /** The recipe's preset, if any. */
  readonly presetDefault?: PresetName;
  /** Backbone models only: rebuild with other options (sweeps, symbolic H×W). */
  readonly backbone?: { readonly name: BackboneName; readonly opts: BackboneOptions };
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

export function loadModel(model: string, flags: ModelFlags, cwd: string): LoadedModel {
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
      expected: `one of ${BACKBONE_NAMES.join(', ')}, or a path to a spec .json file`,
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

/** The same backbone with symbolic H and W (for `--symbolic`). */
export function symbolicResolution(m: LoadedModel): Graph | undefined {
  if (!m.backbone) return undefined;
  return buildBackbone(m.backbone.name, { ...m.backbone.opts, height: Dim.sym('H'), widthPx: Dim.sym('W') });
}
