/**
 * @coordattn/web/report — the self-contained HTML cost report (`coordattn report --format html`).
 */
export {
  HTML_REPORT_DATA_ID,
  HTML_REPORT_FORMAT,
  HTML_REPORT_VERSION,
  type HtmlFormula,
  type HtmlReportData,
  type HtmlSweepDetail,
} from './data.js';
export { SWEEP_TREE_MAX_POINTS, formulaEntry, sweepDetail } from './build.js';
export {
  jsonForScript,
  readPageBundle,
  renderHtmlReport,
  webPackageRoot,
  type HtmlReportOptions,
} from './html.js';
