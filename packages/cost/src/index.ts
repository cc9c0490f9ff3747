/**
 * @coordattn/cost — exact params / MACs / FLOPs of an IR graph under named counting conventions,
 * symbolic formulas, sweeps, and reports in six formats.
 */
export {
  COLUMN_DOCS,
  COLUMN_NAMES,
  ZERO_COLUMNS,
  addColumns,
  numel,
  type ColumnName,
  type Columns,
} from './columns.js';
export { RULES, defineRule, ruleFor, type CostRule, type RuleInput } from './rules/index.js';
export {
  activationBytes,
  analyze,
  evalCount,
  evaluate,
  type Analysis,
  type AnalyzeOptions,
  type EvaluatedAnalysis,
  type EvaluatedLayer,
  type EvaluatedTotals,
  type LayerCost,
  type ParamCounts,
} from './analyze.js';
export {
  PRESETS,
  PRESET_NAMES,
  applyPreset,
  atenOpsOf,
  fvcoreSkippedOps,
  getPreset,
  isPresetName,
  presetNotes,
  type ContributionKey,
  type Contributions,
  type Preset,
  type PresetContext,
  type PresetLayerValue,
  type PresetName,
  type PresetTotal,
  type Scale,
  type Unit,
} from './presets/index.js';
export {
  compare,
  explainComparison,
  type CompareOptions,
  type Comparison,
  type DiffItem,
  type PresetComparison,
} from './compare.js';
export {
  abbreviate,
  backboneFormulas,
  blockFormulas,
  buildBlock,
  graphFormulas,
  prettyFormula,
  type BlockInput,
  type FormulaOptions,
  type FormulaText,
  type Formulas,
} from './formulas.js';
export {
  SWEEP_KEYS,
  pointValue,
  sweep,
  sweepPoints,
  type SweepKey,
  type SweepPoint,
  type SweepSpec,
  type SweepValues,
} from './sweep.js';
export {
  GROUP_BY,
  ReportSchema,
  RowReportSchema,
  SCHEMA_VERSION,
  buildReport,
  groupRows,
  reportJsonSchema,
  validateReport,
  type GroupBy,
  type GroupRow,
  type LayerRow,
  type ModelInfo,
  type Report,
  type ReportOptions,
  type ReportTotals,
  type RowReport,
} from './report.js';
export { layerStages } from './stages.js';
export {
  FORMATS,
  RENDERERS,
  render,
  renderCsv,
  renderJson,
  renderLatex,
  renderMarkdown,
  renderSvg,
  renderTable,
  type Format,
} from './render/index.js';
export {
  autoPrefix,
  displayTotal,
  formatCount,
  roundScaled,
  type FormatOptions,
  type Prefix,
} from './units.js';
