/**
 * The Report: what `coordattn report --format json` prints (schemaVersion 2), and the input of every
 * renderer. Its zod schema is the single source of docs/report.schema.json.
 *
 * Version 2 (sweeps at the speed of a formula): a sweep row is no longer a full report. It carries
 * `point`, `totals`, `total` (value and display), `delta` and `groups`, plus `layers` only when
 * grouped by layer; model, preset, units and assumptions are the top level's.
 */
import { z } from 'zod';
import { Dim, type Graph, type Provenance } from '@coordattn/ir';
import { analyze, evalCount, evaluate, type Analysis, type AnalyzeOptions } from './analyze.js';
import { COLUMN_DOCS, COLUMN_NAMES, type ColumnName, type Columns } from './columns.js';
import { graphFormulas, prettyFormula } from './formulas.js';
import { applyPreset, getPreset, presetNotes } from './presets/index.js';
import type { Preset, PresetName } from './presets/types.js';
import { layerStages } from './stages.js';
import { displayTotal, scaleNote } from './units.js';

export const SCHEMA_VERSION = 2;

const count = z.number().int().min(0);
const dimValue = z.union([z.number().int().min(1), z.string().min(1)]);
const columnShape = Object.fromEntries(
  COLUMN_NAMES.map((k) => [k, count.describe(COLUMN_DOCS[k])]),
) as Record<ColumnName, typeof count>;

export const ProvenanceSchema = z.object({
  module: z.string(),
  call: z.enum(['module', 'functional', 'tensor']),
  torchType: z.string(),
  object: z.string(),
  /** The in-place variant (inplace=True, +=). */
  inplace: z.boolean().optional(),
  /** Other PyTorch calls the node absorbs that have no IR op (expand_as, ...). */
  folded: z.array(z.string()).optional(),
});

export const LayerRowSchema = z
  .object({
    path: z.string(),
    op: z.string(),
    outputShape: z.array(z.number().int().min(1)),
    block: z.string().optional(),
    stage: z.string(),
    provenance: ProvenanceSchema,
    params: count.describe('trainable parameters declared by this layer (shared weights at their first use)'),
    ...columnShape,
    presetValue: count.describe("this layer's contribution to the preset's headline total"),
  })
  .strict();

export const GROUP_BY = ['layer', 'block', 'stage', 'op'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export const GroupRowSchema = z
  .object({
    name: z.string(),
    layers: z.number().int().min(1),
    params: count,
    ...columnShape,
    presetValue: count,
  })
  .strict();

export const TotalsSchema = z
  .object({
    params: count.describe('trainable parameters (BN γ/β included unless excluded); shared weights once'),
    paramsWithoutBN: count.describe('trainable parameters without BN γ/β').optional(),
    bnRunningStats: count.describe('BN running_mean + running_var (buffers)'),
    paramBytes: count.describe('bytes of every stored tensor (parameters + running statistics)'),
    activationBytes: count.describe('peak bytes of live activations in execution order'),
    ...columnShape,
  })
  .strict();

export const FormulaSchema = z.object({ text: z.string(), latex: z.string() }).strict();

const DeltaSchema = z
  .object({
    baseline: z.object({ params: count, macs: count, total: count }).strict(),
    params: z.number().int(),
    macs: z.number().int(),
    total: z.number().int(),
    paramsPct: z.number(),
    macsPct: z.number(),
    totalPct: z.number(),
  })
  .strict()
  .describe('difference from the attention-free backbone at the same width and resolution');

const GroupsSchema = z.object({ by: z.enum(GROUP_BY), rows: z.array(GroupRowSchema) }).strict();

const reportShape = {
  schemaVersion: z.literal(SCHEMA_VERSION),
  model: z
    .object({
      name: z.string(),
      backbone: z.string().optional(),
      attention: z.string().optional(),
      placement: z.string().optional(),
      recipe: z.string().optional(),
      width: z.number().positive(),
      resolution: z.tuple([dimValue, dimValue]).describe('[H, W] of the input'),
      batch: dimValue,
      classes: z.number().int().min(1).nullable(),
    })
    .strict(),
  preset: z.object({ name: z.string(), description: z.string() }).strict(),
  units: z
    .object({ unit: z.enum(['MACs', 'FLOPs']), scale: z.enum(['decimal', 'binary']) })
    .strict()
    .describe("the headline's unit and the scale of its display"),
  bindings: z
    .record(z.string(), z.number().int())
    .optional()
    .describe('values of the free symbols used for the numbers'),
  totals: TotalsSchema,
  total: z
    .object({ value: count, unit: z.enum(['MACs', 'FLOPs']), definition: z.string(), display: z.string() })
    .strict()
    .describe("the preset's headline"),
  layers: z.array(LayerRowSchema),
  groups: GroupsSchema,
  assumptions: z.array(z.string()),
  formulas: z
    .object({
      symbols: z.array(z.string()),
      params: FormulaSchema,
      macs: FormulaSchema,
      total: FormulaSchema.optional(),
    })
    .strict()
    .optional(),
};

/**
 * One sweep point: its totals, headline, delta and groups (model, preset, units and assumptions are
 * the report's top level); per-layer rows only when grouped by layer.
 */
export const SweepRowSchema = z
  .object({
    point: z
      .record(z.string(), z.union([z.number(), z.string()]))
      .describe("the point's value on every swept key"),
    totals: TotalsSchema,
    total: z
      .object({ value: count, display: z.string() })
      .strict()
      .describe("the preset's headline (unit and definition: the report's total)"),
    delta: DeltaSchema,
    groups: GroupsSchema,
    layers: z.array(LayerRowSchema).optional().describe('per-layer rows, only when grouped by layer'),
  })
  .strict();

export const ReportSchema = z
  .object({
    ...reportShape,
    sweep: z
      .object({ keys: z.array(z.string()) })
      .strict()
      .optional(),
    rows: z.array(SweepRowSchema).optional().describe('the points of a sweep'),
  })
  .strict();

export type Report = z.infer<typeof ReportSchema>;
export type SweepRow = z.infer<typeof SweepRowSchema>;
export type LayerRow = z.infer<typeof LayerRowSchema>;
export type GroupRow = z.infer<typeof GroupRowSchema>;
export type ReportTotals = z.infer<typeof TotalsSchema>;

/** The JSON Schema of the report (docs/report.schema.json). */
export function reportJsonSchema(): Record<string, unknown> {
  return {
    ...(z.toJSONSchema(ReportSchema, { target: 'draft-2020-12', reused: 'ref' }) as Record<string, unknown>),
    $id: 'https://coordattn.dev/schemas/report.schema.json',
    title: `coordattn cost report (schemaVersion ${SCHEMA_VERSION})`,
  };
}

export interface ModelInfo {
  readonly name?: string;
  readonly backbone?: string;
  readonly attention?: string;
  readonly placement?: string;
  readonly recipe?: string;
  readonly width?: number;
  readonly classes?: number | null;
}

export interface ReportOptions extends AnalyzeOptions {
  /** Default `paper`. */
  readonly preset?: PresetName | Preset;
  readonly model?: ModelInfo;
  /** Values of free symbols (batch, H, W, r, ...) for the numbers. */
  readonly bindings?: Readonly<Record<string, number>>;
  /** Default `block`. */
  readonly groupBy?: GroupBy;
  /** Also give params and MACs as formulas (text and LaTeX). */
  readonly symbolic?: boolean;
  /** Names for sub-expressions in the formulas (e.g. { mid: max(8, floor(C / r)) }). */
  readonly abbreviations?: Readonly<Record<string, Dim>>;
  /** Reuse an analysis of the same graph. */
  readonly analysis?: Analysis;
}

/** Model fields recorded by buildBackbone in graph.meta (backbone, width, attention, ...). */
function modelFromMeta(graph: Graph): ModelInfo {
  const meta = graph.meta;
  const str = (k: string): string | undefined =>
    typeof meta[k] === 'string' ? (meta[k] as string) : undefined;
  const out: { -readonly [K in keyof ModelInfo]: ModelInfo[K] } = {};
  for (const k of ['backbone', 'attention', 'placement', 'recipe'] as const) {
    const v = str(k);
    if (v !== undefined) out[k] = v;
  }
  if (out.backbone !== undefined) out.name = out.backbone;
  if (typeof meta.width === 'number') out.width = meta.width;
  if (typeof meta.classes === 'number') out.classes = meta.classes;
  return out;
}

function dimOut(d: Dim): number | string {
  const v = d.toInt();
  return v !== undefined ? v : d.toString();
}

function inferClasses(graph: Graph): number | null {
  const linear = [...graph.nodes].reverse().find((n) => n.op === 'linear');
  return linear ? (linear.outputs[0][linear.outputs[0].length - 1].toInt() ?? null) : null;
}

function columnsOf(c: Columns<number>): Columns<number> {
  const out = {} as Record<ColumnName, number>;
  for (const k of COLUMN_NAMES) out[k] = c[k];
  return out;
}

function provenanceRow(p: Provenance): LayerRow['provenance'] {
  const { folded, ...rest } = p;
  return { ...rest, ...(folded !== undefined ? { folded: [...folded] } : {}) };
}

/** Builds the report of one graph under one preset. */
export function buildReport(graph: Graph, options: ReportOptions = {}): Report {
  const preset = typeof options.preset === 'object' ? options.preset : getPreset(options.preset ?? 'paper');
  const analysis = options.analysis ?? analyze(graph, options);
  const bindings = options.bindings ?? {};
  const ev = evaluate(analysis, bindings);
  const pt = applyPreset(analysis, preset);
  const stages = layerStages(graph);
  const layers: LayerRow[] = ev.layers.map((l, i) => ({
    path: l.path,
    op: l.op,
    outputShape: [...l.outputShape],
    ...(l.block !== undefined ? { block: l.block } : {}),
    stage: stages[i],
    provenance: provenanceRow(l.provenance as Provenance),
    params: l.params,
    ...columnsOf(l.columns),
    presetValue: evalCount(pt.layers[i].value, bindings, `${preset.name} value of ${l.path}`),
  }));
  const total = evalCount(pt.value, bindings, `${preset.name} total`);
  const input = graph.inputs[0]?.shape ?? [];
  const m: ModelInfo = { ...modelFromMeta(graph), ...options.model };
  const report: Report = {
    schemaVersion: SCHEMA_VERSION,
    model: {
      name: m.name ?? m.backbone ?? 'graph',
      ...(m.backbone !== undefined ? { backbone: m.backbone } : {}),
      ...(m.attention !== undefined ? { attention: m.attention } : {}),
      ...(m.placement !== undefined ? { placement: m.placement } : {}),
      ...(m.recipe !== undefined ? { recipe: m.recipe } : {}),
      width: m.width ?? 1,
      resolution: [dimOut(input[2] ?? Dim.const(1)), dimOut(input[3] ?? Dim.const(1))],
      batch: dimOut(input[0] ?? Dim.const(1)),
      classes: m.classes !== undefined ? m.classes : inferClasses(graph),
    },
    preset: { name: preset.name, description: preset.description },
    units: { unit: preset.unit, scale: preset.scale },
    ...(Object.keys(bindings).length > 0 ? { bindings: { ...bindings } } : {}),
    totals: { ...ev.totals },
    total: {
      value: total,
      unit: preset.unit,
      definition: preset.definition,
      display: displayTotal(total, preset.unit, preset.scale),
    },
    layers,
    groups: { by: options.groupBy ?? 'block', rows: groupRows(layers, options.groupBy ?? 'block') },
    assumptions: assumptions(graph, analysis, preset),
  };
  if (options.symbolic) {
    const f = graphFormulas(graph, { ...options, analysis, preset });
    const names = options.abbreviations ?? {};
    return {
      ...report,
      formulas: {
        symbols: [...f.symbols],
        params: prettyFormula(f.params, names, { auto: 'if-shorter' }),
        macs: prettyFormula(f.macs, names, { auto: 'if-shorter' }),
        ...(f.headline ? { total: prettyFormula(f.headline, names, { auto: 'if-shorter' }) } : {}),
      },
    };
  }
  return report;
}

/**
 * The backbone block a layer belongs to, from its torchvision path: the first name plus the
 * indices that follow it while more follows (`features.3.conv.0.0` → `features.3`,
 * `layer1.0.conv1` → `layer1.0`, `features.2.0.block.1.0` → `features.2.0`, `classifier.1` → `classifier`).
 */
export function backboneBlock(path: string): string {
  const seg = path.replace(/@\d+$/, '').split('.');
  let n = 1;
  while (n < seg.length - 1 && /^\d+$/.test(seg[n])) n++;
  return seg.slice(0, n).join('.');
}

/** The group a layer belongs to when grouped by `by`. */
export function groupName(l: Pick<LayerRow, 'path' | 'block' | 'stage' | 'op'>, by: GroupBy): string {
  switch (by) {
    case 'layer':
      return l.path;
    case 'block':
      return l.block ?? backboneBlock(l.path);
    case 'stage':
      return l.stage;
    case 'op':
      return l.op;
  }
}

/** Sums layer rows into groups, in order of first appearance. */
export function groupRows(layers: readonly LayerRow[], by: GroupBy): GroupRow[] {
  const groups = new Map<string, { -readonly [K in keyof GroupRow]: GroupRow[K] }>();
  for (const l of layers) {
    const name = groupName(l, by);
    let g = groups.get(name);
    if (!g) {
      g = {
        name,
        layers: 0,
        params: 0,
        presetValue: 0,
        ...Object.fromEntries(COLUMN_NAMES.map((k) => [k, 0])),
      } as {
        -readonly [K in keyof GroupRow]: GroupRow[K];
      };
      groups.set(name, g);
    }
    g.layers += 1;
    g.params += l.params;
    g.presetValue += l.presetValue;
    for (const k of COLUMN_NAMES) g[k] += l[k];
  }
  return [...groups.values()];
}

function assumptions(graph: Graph, a: Analysis, preset: Preset): string[] {
  const out = [
    `headline: ${preset.definition}`,
    `units: ${preset.unit}, ${scaleNote(preset.scale)}`,
    `params: trainable tensors from the graph, shared weights counted once; BN γ/β ${
      a.options.includeBnAffine ? 'included' : 'excluded'
    }; BN running statistics reported apart (bnRunningStats)`,
    `memory: ${a.options.bytesPerElement} bytes per element; activation peak assumes every op output is its own buffer (no in-place ops or views)`,
    ...preset.assumptions.map((s) => `${preset.name}: ${s}`),
    ...presetNotes(a, preset).map((s) => `${preset.name}: ${s}`),
    ...graph.assumptions.map((x) => `assumed at ${x.path}: ${x.relation}`),
    ...graph.notes,
  ];
  return out;
}

/** Validates a report against the schema (zod); throws with the first issue. */
export function validateReport(report: unknown): Report {
  return ReportSchema.parse(report);
}
