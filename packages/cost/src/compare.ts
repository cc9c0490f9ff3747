/**
 * One model under every preset, and why each differs from `paper`: per-layer differences of the
 * preset's contributions from paper's (conv + linear MACs), grouped by op, rule and column.
 */
import type { Graph } from '@coordattn/ir';
import { analyze, evalCount, type Analysis, type AnalyzeOptions } from './analyze.js';
import { PRESET_NAMES, PRESETS, applyPreset, presetNotes } from './presets/index.js';
import type { ContributionKey, Preset, PresetName, Scale, Unit } from './presets/types.js';
import { displayTotal } from './units.js';

export interface DiffItem {
  readonly op: string;
  readonly torchType: string;
  /** The column the difference is in (`other` for what no column holds). */
  readonly column: ContributionKey;
  /** The preset's rule for these layers. */
  readonly rule: string;
  /** Preset minus paper, summed over the layers (in the preset's unit). */
  readonly delta: number;
  readonly layers: number;
}

export interface PresetComparison {
  readonly name: PresetName;
  readonly description: string;
  readonly unit: Unit;
  readonly scale: Scale;
  readonly definition: string;
  readonly value: number;
  readonly display: string;
  /** value − paper's value. */
  readonly deltaFromPaper: number;
  /** The differences that add up to deltaFromPaper, largest first. */
  readonly explanation: readonly DiffItem[];
  /** What the tool would also report on this graph (fvcore's skipped ops). */
  readonly notes: readonly string[];
}

export interface Comparison {
  readonly paper: number;
  readonly presets: readonly PresetComparison[];
}

export interface CompareOptions extends AnalyzeOptions {
  readonly bindings?: Readonly<Record<string, number>>;
}

/** Runs every preset on the graph (or an existing analysis) and explains each difference from paper. */
export function compare(input: Graph | Analysis, options: CompareOptions = {}): Comparison {
  const analysis = 'layers' in input ? input : analyze(input, options);
  const bindings = options.bindings ?? {};
  const base = applyPreset(analysis, 'paper');
  const paperValue = evalCount(base.value, bindings, 'paper total');
  const presets = PRESET_NAMES.map((name): PresetComparison => {
    const p: Preset = PRESETS[name];
    const t = applyPreset(analysis, p);
    const value = evalCount(t.value, bindings, `${name} total`);
    const groups = new Map<
      string,
      { item: Omit<DiffItem, 'delta' | 'layers'>; delta: number; layers: number }
    >();
    analysis.layers.forEach((l, i) => {
      const mine = t.layers[i].contributions;
      const ref = base.layers[i].contributions;
      const keys = new Set<ContributionKey>([
        ...(Object.keys(mine) as ContributionKey[]),
        ...(Object.keys(ref) as ContributionKey[]),
      ]);
      for (const k of keys) {
        const a = mine[k];
        const b = ref[k];
        const d = a && b ? a.sub(b) : a ? a : b!.neg();
        if (d.terms.length === 0) continue;
        const delta = evalCount(d, bindings, `${name} − paper at ${l.path}`);
        if (delta === 0) continue;
        const rule = t.layers[i].rule;
        const id = `${l.op}|${l.provenance.torchType}|${k}|${rule}`;
        const g = groups.get(id) ?? {
          item: { op: l.op, torchType: l.provenance.torchType, column: k, rule },
          delta: 0,
          layers: 0,
        };
        g.delta += delta;
        g.layers += 1;
        groups.set(id, g);
      }
    });
    const explanation = [...groups.values()]
      .filter((g) => g.delta !== 0)
      .map((g) => ({ ...g.item, delta: g.delta, layers: g.layers }))
      .sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || x.op.localeCompare(y.op));
    return {
      name,
      description: p.description,
      unit: p.unit,
      scale: p.scale,
      definition: p.definition,
      value,
      display: displayTotal(value, p.unit, p.scale),
      deltaFromPaper: value - paperValue,
      explanation,
      notes: presetNotes(analysis, p),
    };
  });
  return { paper: paperValue, presets };
}

/** Plain-text explanation, one line per difference. */
export function explainComparison(c: Comparison): string {
  const lines: string[] = [];
  for (const p of c.presets) {
    const sign = p.deltaFromPaper >= 0 ? '+' : '';
    lines.push(`${p.name}: ${p.value} ${p.unit} (${p.display}); ${sign}${p.deltaFromPaper} vs paper`);
    for (const d of p.explanation) {
      const s = d.delta >= 0 ? '+' : '';
      lines.push(`  ${s}${d.delta}  ${d.op} (${d.torchType}) ×${d.layers} [${d.column}]: ${d.rule}`);
    }
    for (const n of p.notes) lines.push(`  note: ${n}`);
  }
  return lines.join('\n');
}
