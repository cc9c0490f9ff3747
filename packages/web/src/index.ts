/**
 * @coordattn/web — the browser pages of coordattn: the self-contained HTML cost report
 * (`coordattn report --format html`) and the in-browser kernel runner (`coordattn serve`).
 */
export {
  HTML_REPORT_DATA_ID,
  HTML_REPORT_FORMAT,
  HTML_REPORT_VERSION,
  SWEEP_TREE_MAX_POINTS,
  formulaEntry,
  sweepDetail,
  jsonForScript,
  readPageBundle,
  renderHtmlReport,
  webPackageRoot,
  type HtmlFormula,
  type HtmlReportData,
  type HtmlReportOptions,
  type HtmlSweepDetail,
} from './report/index.js';
