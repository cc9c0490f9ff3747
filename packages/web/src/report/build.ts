/** Node-side helpers that turn cost-package results into the parts of HtmlReportData. */
import { CoordattnError } from '@coordattn/ir';
import { groupRows, prettyFormula, type Formulas, type Report } from '@coordattn/cost';
import type { HtmlFormula, HtmlSweepDetail } from './data.js';

/**
 * A sweep of at most this many points embeds every layer of every point (the model tree of each
 * point); a larger one embeds only each point's stages (the tree shows the base model).
 */
export const SWEEP_TREE_MAX_POINTS = 16;

/**
 * The sweep detail from a run of the same sweep grouped by layer (every point's layers, and its
 * stages summed from them) or by stage (the stages only).
 */
export function sweepDetail(detail: Report): HtmlSweepDetail {
  const rows = detail.rows;
  if (rows === undefined) {
    throw new CoordattnError('E_OPTION', 'sweep detail: the report has no sweep rows', { path: 'rows' });
  }
  if (detail.groups.by === 'layer') {
    const layers = rows.map((r, i) => {
      if (r.layers === undefined) {
        throw new CoordattnError('E_OPTION', `sweep detail: row ${i} has no layers`, { path: `rows[${i}]` });
      }
      return r.layers;
    });
    return { stages: layers.map((l) => groupRows(l, 'stage')), layers };
  }
  if (detail.groups.by === 'stage') return { stages: rows.map((r) => r.groups.rows) };
  throw new CoordattnError('E_OPTION', `sweep detail: rows grouped by ${detail.groups.by}`, {
    path: 'groups.by',
    expected: 'layer or stage',
  });
}

/**
 * One formula entry: params, MACs and (when it is not the MACs) the preset's headline, as text and
 * LaTeX, with nested floor terms named (h1 = floor(H/2 − 1/2), ...) where that is shorter.
 */
export function formulaEntry(title: string, f: Formulas, command?: string): HtmlFormula {
  const pretty = (d: Formulas['params']) => prettyFormula(d, {}, { auto: 'if-shorter' });
  return {
    title,
    symbols: [...f.symbols],
    params: pretty(f.params),
    macs: pretty(f.macs),
    ...(f.headline !== undefined && !f.headline.equals(f.macs) ? { total: pretty(f.headline) } : {}),
    ...(command !== undefined ? { command } : {}),
  };
}
