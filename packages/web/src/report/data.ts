/**
 * What an HTML report embeds: the report exactly as `coordattn report --format json` prints it, plus
 * what the page shows beside it (the preset comparison, symbolic formulas, per-point layers and
 * stages of a sweep). Plain JSON: the page (browser code) reads it back from
 * `<script type="application/json" id="coordattn-report">`.
 */
import type { Comparison, FormulaText, GroupRow, LayerRow, Report } from '@coordattn/cost';

/** `format` of the embedded JSON. */
export const HTML_REPORT_FORMAT = 'coordattn-html-report';
/** `version` of the embedded JSON (its shape: HtmlReportData). */
export const HTML_REPORT_VERSION = 1;
/** The id of the `<script type="application/json">` element that holds the data. */
export const HTML_REPORT_DATA_ID = 'coordattn-report';

/** One set of formulas: params, conv + linear MACs and the preset's headline in free symbols. */
export interface HtmlFormula {
  /** What the formulas describe, e.g. `mobilenetv2+ca, reduction ratio r symbolic`. */
  readonly title: string;
  /** The free symbols (sorted). */
  readonly symbols: readonly string[];
  /** Trainable parameters. */
  readonly params: FormulaText;
  /** Conv + linear multiply-accumulates. */
  readonly macs: FormulaText;
  /** The preset's headline, when it is not the conv + linear MACs. */
  readonly total?: FormulaText;
  /** The coordattn command that prints the same formulas, when there is one. */
  readonly command?: string;
}

/** Per sweep point (in the order of `report.rows`): what the page needs beyond the rows. */
export interface HtmlSweepDetail {
  /** The point's cost per stage (the `--by stage` groups of that point). */
  readonly stages: readonly (readonly GroupRow[])[];
  /** Every layer of the point (the `--by layer` rows), for the model tree; only for small sweeps. */
  readonly layers?: readonly (readonly LayerRow[])[];
}

/** The JSON an HTML report embeds (docs/costs.md, "HTML report"). */
export interface HtmlReportData {
  /** Always `coordattn-html-report`. */
  readonly format: typeof HTML_REPORT_FORMAT;
  /** The version of this shape (1). */
  readonly version: typeof HTML_REPORT_VERSION;
  /** The command line that made the page (shown in its header). */
  readonly command?: string;
  /** The report, identical to `--format json` of the same command (docs/report.schema.json). */
  readonly report: Report;
  /** Every preset on the (base) model and the ops that explain each difference from `paper`. */
  readonly compare?: Comparison;
  /** Params and MACs in free symbols: the model in r and in H × W, each attention block alone. */
  readonly formulas?: readonly HtmlFormula[];
  /** Sweeps only. */
  readonly sweep?: HtmlSweepDetail;
}
