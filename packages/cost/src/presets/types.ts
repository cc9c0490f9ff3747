import { Dim } from '@coordattn/ir';
import type { LayerCost } from '../analyze.js';
import type { ColumnName } from '../columns.js';
import type { PresetName } from './names.js';

export { PRESET_NAMES, type PresetName } from './names.js';

/** What a headline counts: multiply-accumulates or floating-point operations (2 per MAC). */
export type Unit = 'MACs' | 'FLOPs';
/** decimal: K = 10³, M = 10⁶, G = 10⁹; binary: K = 2¹⁰, M = 2²⁰, G = 2³⁰ (ECA-Net's table). */
export type Scale = 'decimal' | 'binary';

/** A preset value is split by the column it comes from; `other` is what no column holds. */
export type ContributionKey = ColumnName | 'other';
export type Contributions = Readonly<Partial<Record<ContributionKey, Dim>>>;

export interface PresetLayerValue {
  /** Sum of the contributions. */
  readonly value: Dim;
  readonly contributions: Contributions;
  /** Which rule of the tool fired, e.g. `BatchNorm2d module: 4·numel`. */
  readonly rule: string;
}

export interface PresetContext {
  /** Batch size (dim 0 of the first graph input). */
  readonly batch: Dim;
}

/** A counting convention: how per-layer facts (columns + provenance) become one headline number. */
export interface Preset {
  readonly name: PresetName;
  /** One line: which paper or tool this reproduces. */
  readonly description: string;
  readonly unit: Unit;
  readonly scale: Scale;
  /** One sentence: what the headline total means. */
  readonly definition: string;
  /** Known limits of the model of the tool, listed in reports. */
  readonly assumptions: readonly string[];
  /**
   * What the tool would say about this graph beyond its total (fvcore's skipped ops), as
   * sentences; listed in reports after the assumptions.
   */
  notes?(layers: readonly LayerCost[], ctx: PresetContext): string[];
  /** Per-layer values in layer order (quirks such as thop's last-call rule applied). */
  layerValues(layers: readonly LayerCost[], ctx: PresetContext): PresetLayerValue[];
}

export function value(contributions: Contributions, rule: string): PresetLayerValue {
  let v = Dim.const(0);
  const kept: Partial<Record<ContributionKey, Dim>> = {};
  for (const [k, d] of Object.entries(contributions) as [ContributionKey, Dim][]) {
    if (d.terms.length === 0) continue;
    kept[k] = d;
    v = v.add(d);
  }
  return { value: v, contributions: kept, rule };
}

export const ZERO_VALUE = (rule: string): PresetLayerValue => value({}, rule);

/** Multiplies every contribution by k (a Dim or number). */
export function scaleValue(v: PresetLayerValue, k: Dim | number, rule = v.rule): PresetLayerValue {
  const c: Partial<Record<ContributionKey, Dim>> = {};
  for (const [key, d] of Object.entries(v.contributions) as [ContributionKey, Dim][]) c[key] = d.mul(k);
  return value(c, rule);
}

/** Convenience: a preset whose value of a layer depends on that layer only. */
export function perLayer(f: (l: LayerCost, ctx: PresetContext) => PresetLayerValue): Preset['layerValues'] {
  return (layers, ctx) => layers.map((l) => f(l, ctx));
}
