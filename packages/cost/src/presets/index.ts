/** The preset registry, keyed by name. */
import { CoordattnError, Dim } from '@coordattn/ir';
import type { Analysis } from '../analyze.js';
import { fvcore } from './fvcore.js';
import { full } from './full.js';
import { paper } from './paper.js';
import { ptflops, ptflopsModules } from './ptflops.js';
import { thop } from './thop.js';
import { thop2019 } from './thop-2019.js';
import { torchFlopCounter } from './torch-flop-counter.js';
import { PRESET_NAMES, type Preset, type PresetLayerValue, type PresetName } from './types.js';

export const PRESETS: { readonly [K in PresetName]: Preset } = {
  paper,
  'thop-2019': thop2019,
  thop,
  fvcore,
  ptflops,
  'ptflops-modules': ptflopsModules,
  'torch-flop-counter': torchFlopCounter,
  full,
};

export function isPresetName(s: string): s is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(s);
}

/** A preset by name; E_UNKNOWN_NAME otherwise. */
export function getPreset(name: string): Preset {
  if (!isPresetName(name)) {
    throw new CoordattnError('E_UNKNOWN_NAME', `unknown preset '${name}'`, {
      path: 'preset',
      expected: `one of ${PRESET_NAMES.join(', ')}`,
    });
  }
  return PRESETS[name];
}

export interface PresetTotal {
  readonly preset: Preset;
  /** Symbolic headline total. */
  readonly value: Dim;
  readonly layers: readonly PresetLayerValue[];
}

/** Applies a preset to an analysis: per-layer values and their symbolic sum. */
export function applyPreset(analysis: Analysis, preset: Preset | PresetName): PresetTotal {
  const p = typeof preset === 'string' ? getPreset(preset) : preset;
  const batch = analysis.graph.inputs[0]?.shape[0] ?? Dim.const(1);
  const layers = p.layerValues(analysis.layers, { batch });
  const value = layers.reduce((s, v) => s.add(v.value), Dim.const(0));
  return { preset: p, value, layers };
}

/** The preset's notes on this analysis (fvcore: the ops it skips), [] when it has none. */
export function presetNotes(analysis: Analysis, preset: Preset | PresetName): string[] {
  const p = typeof preset === 'string' ? getPreset(preset) : preset;
  const batch = analysis.graph.inputs[0]?.shape[0] ?? Dim.const(1);
  return p.notes?.(analysis.layers, { batch }) ?? [];
}

export { PRESET_NAMES };
export { atenOpsOf, fvcoreSkippedOps } from './fvcore.js';
export type {
  ContributionKey,
  Contributions,
  Preset,
  PresetContext,
  PresetLayerValue,
  PresetName,
  Scale,
  Unit,
} from './types.js';
