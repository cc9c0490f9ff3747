/**
 * The HTML report's page (browser code, bundled with Observable Plot and KaTeX into
 * dist/pages/report.js and inlined by renderHtmlReport). It reads the embedded JSON
 * (`<script type="application/json" id="coordattn-report">`) and renders, client-side: the summary
 * table with the exact integers, the charts (SVG, one element per number with `data-value`), the
 * model tree with search, the preset comparison, the formulas (MathML) and the assumptions.
 */
import type { Comparison, LayerRow, Report } from '@coordattn/cost';
import { buildCharts, type Chart } from './charts.js';
import { HTML_REPORT_DATA_ID, type HtmlFormula, type HtmlReportData } from './data.js';
import { pct, share, short, signed, withCommas } from './format.js';
import { breakTex, texToMathml } from './math.js';
import { KEY_LABELS, pointLabel } from './sweep.js';
import { buildTree, filterTree, walkTree, type TreeNode } from './tree.js';

type Child = Node | string | null | undefined | false;

/** A DOM element: h('td', { class: 'num', 'data-value': 3 }, '3'). */
function h(
  tag: string,
  attrs: Readonly<Record<string, string | number | boolean | undefined>> = {},
  ...kids: Child[]
): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of kids) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c);
  }
  return el;
}

function num(value: number, field: string, text = withCommas(value)): HTMLElement {
  return h('td', { class: 'num', 'data-value': value, 'data-field': field }, text);
}

function section(id: string, title: string, ...kids: Child[]): HTMLElement {
  return h('section', { id }, h('h2', {}, title), ...kids);
}

// ---- header and summary ----------------------------------------------------------------------

function header(data: HtmlReportData): HTMLElement {
  const r = data.report;
  const m = r.model;
  const facts = [
    `preset ${r.preset.name}`,
    `${r.units.unit}, ${r.units.scale} units`,
    `input ${m.resolution.join('×')}, batch ${m.batch}`,
    `width ×${m.width}`,
    m.recipe !== undefined ? `recipe ${m.recipe}` : undefined,
    m.placement !== undefined ? `placement ${m.placement}` : undefined,
    r.rows !== undefined ? `sweep ${(r.sweep?.keys ?? []).join(' × ')}: ${r.rows.length} points` : undefined,
  ].filter((s): s is string => s !== undefined);
  return h(
    'header',
    {},
    h('h1', {}, `coordattn report: ${m.name}`),
    h('p', { class: 'facts' }, facts.join(' · ')),
    data.command !== undefined ? h('p', { class: 'command' }, h('code', {}, data.command)) : null,
    h('p', { class: 'definition' }, h('strong', {}, `${r.preset.name}: `), r.total.definition),
    h(
      'nav',
      {},
      ...[
        ['summary', 'Summary'],
        ['charts', 'Charts'],
        ['tree', 'Model tree'],
        ['presets', 'Presets'],
        ['formulas', 'Formulas'],
        ['assumptions', 'Assumptions'],
      ].map(([id, t]) => h('a', { href: `#${id}` }, t)),
    ),
  );
}

function summary(r: Report): HTMLElement {
  const u = r.units.unit;
  if (r.rows === undefined) {
    const t = r.totals;
    const rows: [string, number, string, string?][] = [
      ['params (trainable)', t.params, 'totals.params'],
      ...(t.paramsWithoutBN !== undefined
        ? [['params without BN γ/β', t.paramsWithoutBN, 'totals.paramsWithoutBN'] as [string, number, string]]
        : []),
      ['BN running statistics', t.bnRunningStats, 'totals.bnRunningStats'],
      ['MACs (conv + linear)', t.macs, 'totals.macs'],
      [`${u}, preset ${r.preset.name}`, r.total.value, 'total.value', r.total.display],
      ['parameter bytes', t.paramBytes, 'totals.paramBytes'],
      ['activation peak, bytes', t.activationBytes, 'totals.activationBytes'],
    ];
    return section(
      'summary',
      'Summary',
      h(
        'table',
        { class: 'summary', 'data-rows': rows.length },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, 'quantity'),
            h('th', { class: 'num' }, 'exact'),
            h('th', { class: 'num' }, 'display'),
          ),
        ),
        h(
          'tbody',
          {},
          ...rows.map(([label, v, field, display]) =>
            h(
              'tr',
              {},
              h('th', {}, label),
              num(v, field),
              h('td', { class: 'num dim' }, display ?? short(v)),
            ),
          ),
        ),
      ),
    );
  }
  const keys = r.sweep?.keys ?? [];
  return section(
    'summary',
    'Summary',
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'summary sweep', 'data-rows': r.rows.length },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...keys.map((k) => h('th', {}, KEY_LABELS[k] ?? k)),
            h('th', { class: 'num' }, 'params'),
            h('th', { class: 'num' }, 'MACs (conv + linear)'),
            h('th', { class: 'num' }, `${u}, preset ${r.preset.name}`),
            h('th', { class: 'num' }, 'display'),
            h('th', { class: 'num' }, 'Δ params'),
            h('th', { class: 'num' }, `Δ ${u}`),
          ),
        ),
        h(
          'tbody',
          {},
          ...r.rows.map((row, i) =>
            h(
              'tr',
              { 'data-row': i },
              ...keys.map((k) => h('td', { 'data-key': k }, String(row.point[k]))),
              num(row.totals.params, 'rows[].totals.params'),
              num(row.totals.macs, 'rows[].totals.macs'),
              num(row.total.value, 'rows[].total.value'),
              h('td', { class: 'num dim' }, row.total.display),
              h(
                'td',
                { class: 'num dim', 'data-value': row.delta.params, 'data-field': 'rows[].delta.params' },
                `${signed(row.delta.params)} (${pct(row.delta.paramsPct)})`,
              ),
              h(
                'td',
                { class: 'num dim', 'data-value': row.delta.total, 'data-field': 'rows[].delta.total' },
                `${signed(row.delta.total)} (${pct(row.delta.totalPct)})`,
              ),
            ),
          ),
        ),
      ),
    ),
    h(
      'p',
      { class: 'note' },
      'Δ: the increase over the same backbone without attention, at the same width and resolution.',
    ),
  );
}

// ---- charts ----------------------------------------------------------------------------------

function charts(data: HtmlReportData): HTMLElement {
  const list: Chart[] = buildCharts({
    report: data.report,
    ...(data.compare !== undefined ? { compare: data.compare } : {}),
    ...(data.sweep !== undefined ? { stages: data.sweep.stages } : {}),
  });
  return section(
    'charts',
    'Charts',
    h(
      'div',
      { class: 'charts' },
      ...list.map((c) =>
        h(
          'figure',
          { class: 'chart', id: c.id, 'data-chart': c.id, 'data-marks': c.marks },
          h('h3', {}, c.title),
          c.node,
          h('figcaption', {}, c.caption),
        ),
      ),
    ),
  );
}

// ---- model tree ------------------------------------------------------------------------------

interface TreeSource {
  readonly label: string;
  readonly layers: readonly LayerRow[];
}

function treeSources(data: HtmlReportData): TreeSource[] {
  const r = data.report;
  const out: TreeSource[] = [];
  const per = data.sweep?.layers;
  if (r.rows !== undefined && per !== undefined) {
    const keys = r.sweep?.keys ?? [];
    r.rows.forEach((row, i) => out.push({ label: pointLabel(row.point, keys), layers: per[i] }));
  }
  out.push({ label: r.rows !== undefined ? `base model (${r.model.name})` : r.model.name, layers: r.layers });
  return out;
}

function treeSection(data: HtmlReportData): HTMLElement {
  const r = data.report;
  const sources = treeSources(data);
  // A sweep with per-point layers opens on its last point; otherwise the base model.
  let current = r.rows !== undefined && sources.length > 1 ? sources.length - 2 : sources.length - 1;
  const showPreset = (layers: readonly LayerRow[]): boolean => layers.some((l) => l.presetValue !== l.macs);
  const holder = h('div', { class: 'tree-holder' });
  const count = h('span', { class: 'count', 'aria-live': 'polite' });
  const search = h('input', {
    type: 'search',
    id: 'tree-search',
    placeholder: 'search by node path, e.g. features.3.conv',
    'aria-label': 'search the tree by node path',
  }) as HTMLInputElement;
  let nodes = new Map<TreeNode, HTMLElement>();
  let root: TreeNode | undefined;

  const render = (): void => {
    const src = sources[current];
    root = buildTree(src.layers, src.label);
    const preset = showPreset(src.layers);
    nodes = new Map();
    const t = root;
    const bar = (part: number, total: number, cls: string): HTMLElement => {
      const s = share(part, total);
      return h(
        'span',
        { class: `share ${cls}`, title: `${s.toFixed(2)}% of the total`, 'data-share': s.toFixed(4) },
        h('span', { class: 'bar', style: `width:${Math.min(100, s).toFixed(2)}%` }),
        h('span', { class: 'pct' }, `${s.toFixed(1)}%`),
      );
    };
    const cells = (n: TreeNode, depth: number): Child[] => [
      h('span', { class: 'name', style: `--depth:${depth}`, title: n.path }, n.name),
      h('span', { class: 'op' }, n.op ?? (n.kind === 'layer' ? '' : `${n.kind} · ${n.layers} layers`)),
      h('span', { class: 'shape' }, n.outputShape.join('×')),
      h('span', { class: 'num', 'data-value': n.params, 'data-field': 'params' }, withCommas(n.params)),
      bar(n.params, t.params, 'params'),
      h('span', { class: 'num', 'data-value': n.macs, 'data-field': 'macs' }, withCommas(n.macs)),
      bar(n.macs, t.macs, 'macs'),
      ...(preset
        ? [
            h(
              'span',
              { class: 'num', 'data-value': n.presetValue, 'data-field': 'presetValue' },
              withCommas(n.presetValue),
            ),
            bar(n.presetValue, t.presetValue, 'preset'),
          ]
        : []),
    ];
    const el = (n: TreeNode, depth: number): HTMLElement => {
      const attrs = { class: `tn ${n.kind}`, 'data-kind': n.kind, 'data-path': n.path };
      let e: HTMLElement;
      if (n.kind === 'layer') e = h('div', { ...attrs, class: `${attrs.class} row` }, ...cells(n, depth));
      else
        e = h(
          'details',
          attrs,
          h('summary', { class: 'row' }, ...cells(n, depth)),
          h('div', { class: 'kids' }, ...n.children.map((c) => el(c, depth + 1))),
        );
      nodes.set(n, e);
      return e;
    };
    const head = h(
      'div',
      { class: `row head${preset ? ' preset' : ''}` },
      h('span', { class: 'name' }, 'node'),
      h('span', { class: 'op' }, 'op'),
      h('span', { class: 'shape' }, 'output shape'),
      h('span', { class: 'num' }, 'params'),
      h('span', {}, 'share'),
      h('span', { class: 'num' }, 'MACs'),
      h('span', {}, 'share'),
      ...(preset
        ? [h('span', { class: 'num' }, `${r.units.unit} (${r.preset.name})`), h('span', {}, 'share')]
        : []),
    );
    const totalRow = h(
      'div',
      { class: `tn model row total${preset ? ' preset' : ''}`, 'data-kind': 'model', 'data-path': '' },
      ...cells(t, 0),
    );
    holder.replaceChildren(
      h(
        'div',
        { class: `tree${preset ? ' preset' : ''}`, id: 'model-tree', 'data-layers': src.layers.length },
        head,
        totalRow,
        ...t.children.map((c) => el(c, 0)),
      ),
    );
    applyFilter();
  };

  const applyFilter = (): void => {
    if (root === undefined) return;
    const q = search.value;
    const f = filterTree(root, q);
    walkTree(root, (n) => {
      const e = nodes.get(n);
      if (e === undefined) return;
      e.hidden = !f.visible.has(n);
      if (e instanceof HTMLDetailsElement && q.trim() !== '') e.open = f.open.has(n);
    });
    count.textContent =
      q.trim() === '' ? `${sources[current].layers.length} layers` : `${f.matches} matching nodes`;
  };

  search.addEventListener('input', applyFilter);
  const setAll = (open: boolean): void => {
    for (const e of nodes.values()) if (e instanceof HTMLDetailsElement && !e.hidden) e.open = open;
  };
  const controls = h(
    'div',
    { class: 'controls' },
    sources.length > 1
      ? (() => {
          const sel = h(
            'select',
            { id: 'tree-point', 'aria-label': 'sweep point' },
            ...sources.map((s, i) => h('option', { value: i, selected: i === current }, s.label)),
          ) as HTMLSelectElement;
          sel.addEventListener('change', () => {
            current = Number(sel.value);
            render();
          });
          return h('label', {}, 'point ', sel);
        })()
      : null,
    search,
    (() => {
      const b = h('button', { type: 'button', id: 'tree-expand' }, 'expand all');
      b.addEventListener('click', () => setAll(true));
      return b;
    })(),
    (() => {
      const b = h('button', { type: 'button', id: 'tree-collapse' }, 'collapse all');
      b.addEventListener('click', () => setAll(false));
      return b;
    })(),
    count,
  );
  render();
  const note =
    r.rows !== undefined && data.sweep?.layers === undefined
      ? h(
          'p',
          { class: 'note' },
          'This sweep has too many points to embed every layer of each: the tree shows the base model.',
        )
      : null;
  return section(
    'tree',
    'Model tree',
    h(
      'p',
      { class: 'note' },
      'Stage → block → attention block → layer, with each node’s params, conv + linear MACs and output shape; bars: the share of the model’s total.',
    ),
    note,
    controls,
    holder,
  );
}

// ---- presets ---------------------------------------------------------------------------------

function presets(c: Comparison | undefined, model: string): HTMLElement {
  if (c === undefined)
    return section('presets', 'Presets', h('p', { class: 'note' }, 'No preset comparison in this report.'));
  return section(
    'presets',
    'Presets',
    h(
      'p',
      { class: 'note' },
      `${model} under every counting convention, and the ops that explain each difference from paper (conv + linear MACs). The differences of a preset add up to its Δ.`,
    ),
    h(
      'table',
      { class: 'compare' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'preset'),
          h('th', { class: 'num' }, 'headline'),
          h('th', {}, 'unit'),
          h('th', { class: 'num' }, 'display'),
          h('th', { class: 'num' }, 'Δ vs paper'),
        ),
      ),
      h(
        'tbody',
        {},
        ...c.presets.map((p) =>
          h(
            'tr',
            { 'data-preset': p.name },
            h('th', { title: p.description }, p.name),
            num(p.value, 'compare.presets[].value'),
            h('td', {}, p.unit),
            h('td', { class: 'num dim' }, p.display),
            num(p.deltaFromPaper, 'compare.presets[].deltaFromPaper', signed(p.deltaFromPaper)),
          ),
        ),
      ),
    ),
    ...c.presets
      .filter((p) => p.explanation.length > 0 || p.notes.length > 0)
      .map((p) =>
        h(
          'details',
          { class: 'explain', 'data-preset': p.name },
          h(
            'summary',
            {},
            `${p.name}: ${signed(p.deltaFromPaper)} ${p.unit} vs paper, from ${p.explanation.length} kinds of layer`,
          ),
          h('p', { class: 'note' }, p.definition),
          h(
            'table',
            {},
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { class: 'num' }, 'Δ'),
                h('th', {}, 'op'),
                h('th', {}, 'PyTorch'),
                h('th', { class: 'num' }, 'layers'),
                h('th', {}, 'column'),
                h('th', {}, 'rule'),
              ),
            ),
            h(
              'tbody',
              {},
              ...p.explanation.map((d) =>
                h(
                  'tr',
                  {},
                  num(d.delta, 'compare.presets[].explanation[].delta', signed(d.delta)),
                  h('td', {}, d.op),
                  h('td', {}, d.torchType),
                  h('td', { class: 'num' }, String(d.layers)),
                  h('td', {}, d.column),
                  h('td', {}, d.rule),
                ),
              ),
            ),
          ),
          ...p.notes.map((n) => h('p', { class: 'note' }, n)),
        ),
      ),
  );
}

// ---- formulas --------------------------------------------------------------------------------

/** A formula as MathML, one line of math per line of breakTex (MathML does not break lines). */
function math(tex: string): HTMLElement {
  const d = h('div', { class: 'math' });
  for (const line of breakTex(tex)) {
    const l = h('div', { class: 'mline' });
    l.innerHTML = texToMathml(line);
    d.append(l);
  }
  return d;
}

function formulas(list: readonly HtmlFormula[], r: Report): HTMLElement {
  const all: HtmlFormula[] = [...list];
  if (r.formulas !== undefined && r.formulas.symbols.length > 0) {
    all.push({
      title: `${r.model.name} (report --symbolic)`,
      symbols: r.formulas.symbols,
      params: r.formulas.params,
      macs: r.formulas.macs,
      ...(r.formulas.total ? { total: r.formulas.total } : {}),
    });
  }
  if (all.length === 0)
    return section('formulas', 'Formulas', h('p', { class: 'note' }, 'No symbolic formulas in this report.'));
  return section(
    'formulas',
    'Formulas',
    h(
      'p',
      { class: 'note' },
      'Params and MACs as functions of the symbols, derived by summing the per-op cost rules over a graph built with symbolic sizes (never typed by hand); evaluated at a point they give the integers above.',
    ),
    ...all.map((f) =>
      h(
        'div',
        { class: 'formula', 'data-symbols': f.symbols.join(',') },
        h('h3', {}, f.title),
        f.command !== undefined ? h('p', { class: 'command' }, h('code', {}, f.command)) : null,
        h('div', { class: 'eq' }, h('span', { class: 'lhs' }, 'params ='), math(f.params.latex)),
        h('div', { class: 'eq' }, h('span', { class: 'lhs' }, 'MACs ='), math(f.macs.latex)),
        f.total !== undefined
          ? h(
              'div',
              { class: 'eq' },
              h('span', { class: 'lhs' }, `${r.units.unit} (${r.preset.name}) =`),
              math(f.total.latex),
            )
          : null,
        h(
          'details',
          {},
          h('summary', {}, 'as text'),
          h(
            'pre',
            {},
            `params = ${f.params.text}\nMACs = ${f.macs.text}${f.total ? `\n${r.units.unit} = ${f.total.text}` : ''}`,
          ),
        ),
      ),
    ),
  );
}

// ---- page ------------------------------------------------------------------------------------

function footer(data: HtmlReportData, text: string): HTMLElement {
  const save = h('button', { type: 'button', id: 'save-json' }, 'save the report JSON');
  save.addEventListener('click', () => {
    const url = URL.createObjectURL(
      new Blob([`${JSON.stringify(data.report, null, 2)}\n`], { type: 'application/json' }),
    );
    const a = h('a', { href: url, download: `${data.report.model.name}-report.json` });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });
  return h(
    'footer',
    {},
    h(
      'p',
      {},
      `Self-contained: the data is the JSON in this file (<script id="${HTML_REPORT_DATA_ID}">, ${Math.round(text.length / 1024)} KiB; its "report" is what --format json prints). Charts by Observable Plot, math by KaTeX (MathML).`,
    ),
    save,
  );
}

function main(): void {
  const app = document.getElementById('app');
  const src = document.getElementById(HTML_REPORT_DATA_ID);
  if (app === null || src === null)
    throw new Error(`coordattn report: no #app or #${HTML_REPORT_DATA_ID} element`);
  const text = src.textContent ?? '';
  const data = JSON.parse(text) as HtmlReportData;
  app.replaceChildren(
    header(data),
    summary(data.report),
    charts(data),
    treeSection(data),
    presets(data.compare, data.report.model.name),
    formulas(data.formulas ?? [], data.report),
    section('assumptions', 'Assumptions', h('ul', {}, ...data.report.assumptions.map((a) => h('li', {}, a)))),
    footer(data, text),
  );
  document.documentElement.dataset.rendered = 'true';
}

main();
