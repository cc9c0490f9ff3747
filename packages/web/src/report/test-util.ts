/**
 * Test data for the HTML report: the data `coordattn report mobilenetv2 ... --format html` embeds,
 * made here from @coordattn/ir and @coordattn/cost as the CLI makes it (the CLI depends on this
 * package, so its tests check the command itself: packages/cli/src/html.test.ts).
 */
import { Dim, buildBackbone, type BackboneOptions } from '@coordattn/ir';
import {
  blockFormulas,
  buildReport,
  compare,
  graphFormulas,
  sweep,
  type GroupBy,
  type Report,
  type SweepPoint,
  type SweepValues,
  type SymbolicAxes,
} from '@coordattn/cost';
import { SWEEP_TREE_MAX_POINTS, formulaEntry, sweepDetail } from './build.js';
import { HTML_REPORT_DATA_ID, type HtmlReportData } from './data.js';

type Data = Omit<HtmlReportData, 'format' | 'version'>;

const REDUCTION_KINDS = ['ca', 'se', 'cbam'];

function options(p: SweepPoint, sym: SymbolicAxes = {}): BackboneOptions {
  const r = sym.reduction ?? p.reduction;
  const config = REDUCTION_KINDS.includes(p.attention) && r !== undefined ? { reduction: r } : {};
  return {
    attention: (p.attention === 'none'
      ? { kind: 'none' }
      : { kind: p.attention, config }) as BackboneOptions['attention'],
    width: p.width,
    height: sym.resolution?.[0] ?? p.resolution[0],
    widthPx: sym.resolution?.[1] ?? p.resolution[1],
  };
}

/** `coordattn report mobilenetv2 [--attention KIND] --sweep ... --by BY --format json`. */
export function mobilenetv2Sweep(base: SweepPoint, values: SweepValues, groupBy: GroupBy = 'block'): Report {
  return sweep({
    base,
    values,
    build: (p) => buildBackbone('mobilenetv2', options(p)),
    buildSymbolic: (p, sym) => buildBackbone('mobilenetv2', options(p, sym)),
    model: (p) => ({
      name: p.attention === 'none' ? 'mobilenetv2' : `mobilenetv2+${p.attention}`,
      backbone: 'mobilenetv2',
      attention: p.attention,
      width: p.width,
    }),
    report: { preset: 'paper', groupBy },
  });
}

function formulas(kinds: readonly string[], base: SweepPoint): Data['formulas'] {
  const [C, H, W, r] = ['C', 'H', 'W', 'r'].map((s) => Dim.sym(s));
  const out = [];
  for (const k of kinds.filter((x) => REDUCTION_KINDS.includes(x))) {
    const g = buildBackbone(
      'mobilenetv2',
      options({ ...base, attention: k as SweepPoint['attention'] }, { reduction: r }),
    );
    out.push(
      formulaEntry(
        `mobilenetv2+${k}: the reduction ratio r symbolic`,
        graphFormulas(g, { preset: 'paper' }),
        `coordattn report mobilenetv2 --attention ${k} --reduction r --symbolic`,
      ),
    );
  }
  const hw = buildBackbone('mobilenetv2', options(base, { resolution: [Dim.sym('H'), Dim.sym('W')] }));
  out.push(formulaEntry('mobilenetv2: the input H × W symbolic', graphFormulas(hw, { preset: 'paper' })));
  for (const k of kinds.filter((x) => x !== 'none')) {
    const spec = (
      REDUCTION_KINDS.includes(k) ? { kind: k, config: { reduction: r } } : { kind: k }
    ) as Parameters<typeof blockFormulas>[0];
    out.push(
      formulaEntry(
        `${k} block alone on a C × H × W input`,
        blockFormulas(spec, { C, H, W }, { preset: 'paper' }),
      ),
    );
  }
  return out;
}

/** The HTML data of a sweep of mobilenetv2 (as `report mobilenetv2 ... --sweep ... --format html`). */
export function sweepData(base: SweepPoint, values: SweepValues, command: string): Data {
  const report = mobilenetv2Sweep(base, values);
  const n = report.rows?.length ?? 0;
  const detail = sweepDetail(mobilenetv2Sweep(base, values, n <= SWEEP_TREE_MAX_POINTS ? 'layer' : 'stage'));
  const kinds = [...new Set([base.attention, ...(values.attention ?? [])])];
  return {
    command,
    report,
    compare: compare(buildBackbone('mobilenetv2', options(base))),
    formulas: formulas(kinds, base),
    sweep: detail,
  };
}

export const BASE: SweepPoint = { attention: 'none', width: 1, resolution: [224, 224] };

/** `coordattn report mobilenetv2 --sweep attention=none,se,cbam,eca,ca --format html`. */
export function attentionSweepData(): Data {
  return sweepData(
    BASE,
    { attention: ['none', 'se', 'cbam', 'eca', 'ca'] },
    'coordattn report mobilenetv2 --sweep attention=none,se,cbam,eca,ca --format html',
  );
}

/** `coordattn report mobilenetv2 --attention ca --sweep reduction=8,16,32 --format html`. */
export function reductionSweepData(): Data {
  return sweepData(
    { ...BASE, attention: 'ca' },
    { reduction: [8, 16, 32] },
    'coordattn report mobilenetv2 --attention ca --sweep reduction=8,16,32 --format html',
  );
}

/** `coordattn report mobilenetv2 --attention ca --format html`. */
export function singleData(): Data {
  const g = buildBackbone('mobilenetv2', { attention: { kind: 'ca' } });
  return {
    command: 'coordattn report mobilenetv2 --attention ca --format html',
    report: buildReport(g, {
      preset: 'paper',
      model: { name: 'mobilenetv2+ca', backbone: 'mobilenetv2', attention: 'ca' },
    }),
    compare: compare(g),
    formulas: formulas(['ca'], { ...BASE, attention: 'ca' }),
  };
}

/** The JSON text of the data element, unescaped as a browser reads it (script data is raw text). */
export function embeddedJson(html: string): string {
  const m = new RegExp(
    `<script type="application/json" id="${HTML_REPORT_DATA_ID}">([\\s\\S]*?)</script>`,
  ).exec(html);
  if (m === null) throw new Error('no embedded report JSON');
  return m[1];
}

/** Every URL the HTML would load or link to: src/href attributes, CSS url(...) and @import. */
export function externalUrls(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(https?:|\/\/)[^"'\s>]*/gi))
    out.push(m[0]);
  for (const m of html.matchAll(/url\(\s*["']?\s*(https?:|\/\/)[^)]*\)/gi)) out.push(m[0]);
  for (const m of html.matchAll(/@import\s+(url\()?\s*["']?\s*(https?:|\/\/)[^;]*/gi)) out.push(m[0]);
  return out;
}
