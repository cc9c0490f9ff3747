/** The report page's stylesheet, inlined into the HTML's <style> (system fonts only: no downloads). */
export const REPORT_CSS = `
:root {
  --fg: #1d2126; --dim: #5b6470; --line: #dde1e6; --bg: #fff; --panel: #f6f7f9;
  --blue: #4e79a7; --orange: #f28e2b; --red: #e15759; --accent: #2b5d8a;
  font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; font-size: 14px; line-height: 1.45;
  color: var(--fg); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
#app { max-width: 1260px; margin: 0 auto; padding: 16px 20px 40px; }
header h1 { font-size: 22px; margin: 0 0 4px; }
header p { margin: 2px 0; }
.facts { color: var(--dim); }
.definition { color: var(--dim); font-size: 12px; max-width: 1100px; }
code, pre, .shape, .op { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; }
.command code { background: var(--panel); padding: 2px 6px; border-radius: 3px; }
nav { margin: 10px 0 4px; display: flex; gap: 14px; border-bottom: 1px solid var(--line); padding-bottom: 8px; }
nav a { color: var(--accent); text-decoration: none; }
section { margin-top: 22px; }
h2 { font-size: 18px; margin: 0 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 14px; margin: 0 0 6px; }
.note { color: var(--dim); font-size: 12px; margin: 4px 0; }
table { border-collapse: collapse; font-size: 13px; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { background: var(--panel); font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.dim { color: var(--dim); }
.scroll { max-height: 420px; overflow: auto; border: 1px solid var(--line); }
.scroll table { width: 100%; }
.charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; }
figure.chart { margin: 0; padding: 10px 12px; border: 1px solid var(--line); border-radius: 4px; overflow: hidden; }
figure.chart svg { max-width: 100%; height: auto; }
figure.chart figcaption { color: var(--dim); font-size: 11px; margin-top: 4px; }
figure.chart figure { margin: 0; }
.controls { display: flex; gap: 10px; align-items: center; margin: 8px 0; flex-wrap: wrap; }
.controls input[type=search] { width: 320px; padding: 4px 8px; font: inherit; }
.controls button, .controls select, footer button { font: inherit; padding: 3px 10px; }
.count { color: var(--dim); font-size: 12px; }
.tree { border: 1px solid var(--line); font-size: 12.5px; }
.tree .row {
  display: grid; align-items: center; column-gap: 10px; padding: 2px 8px;
  grid-template-columns: minmax(220px, 1fr) 190px 140px 92px 110px 112px 110px;
}
.tree.preset .row { grid-template-columns: minmax(200px, 1fr) 170px 130px 86px 96px 104px 96px 104px 96px; }
.tree .row.head { background: var(--panel); font-weight: 600; border-bottom: 1px solid var(--line); }
.tree .row.total { font-weight: 600; border-bottom: 1px solid var(--line); }
.tree details > summary { list-style: none; cursor: pointer; }
.tree details > summary::-webkit-details-marker { display: none; }
.tree .row:hover { background: #eef3f8; }
.tree .name { padding-left: calc(var(--depth, 0) * 16px); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.tree details > summary .name::before { content: "▸ "; color: var(--dim); }
.tree details[open] > summary .name::before { content: "▾ "; }
.tree .layer .name { padding-left: calc(var(--depth, 0) * 16px + 14px); }
.tree .stage > summary { font-weight: 600; }
.tree .attention > summary .name { color: var(--red); }
.tree .op { color: var(--dim); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.share { position: relative; height: 14px; background: var(--panel); border-radius: 2px; display: block; }
.share .bar { position: absolute; left: 0; top: 0; bottom: 0; background: var(--blue); opacity: 0.55; border-radius: 2px; }
.share.macs .bar { background: var(--orange); }
.share.preset .bar { background: var(--red); }
.share .pct { position: relative; font-size: 10px; padding-left: 4px; }
[hidden] { display: none !important; }
table.compare { margin-bottom: 8px; }
details.explain { margin: 4px 0; }
details.explain > summary { cursor: pointer; }
details.explain table { margin: 4px 0 8px 16px; }
.formula { border: 1px solid var(--line); border-radius: 4px; padding: 10px 12px; margin: 10px 0; }
.eq { display: flex; align-items: baseline; gap: 8px; }
.eq .lhs { white-space: nowrap; font-weight: 600; min-width: 110px; }
.math { overflow-x: auto; max-width: 100%; padding: 2px 0; }
.mline { white-space: nowrap; margin: 3px 0; }
.mline + .mline { padding-left: 2em; }
.math math { font-family: "DejaVu Math TeX Gyre", math; font-size: 15px; }
.formula pre { white-space: pre-wrap; word-break: break-all; background: var(--panel); padding: 6px; }
footer { margin-top: 28px; border-top: 1px solid var(--line); padding-top: 8px; color: var(--dim); font-size: 12px; }
`;
