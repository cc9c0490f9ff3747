/**
 * The runner page's HTML (served at `/` by serve.ts). The page script (`/runner.js`, page.ts
 * bundled) fills it in. Tests and users read the same elements: `#status` (`data-state`
 * running|pass|fail) and one row per backend (`tr[data-backend]`) and per peer (`tr[data-peer]`),
 * each with `data-state` running|pass|fail|skipped.
 */
export const RUNNER_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>coordattn kernel runner</title>
<link rel="icon" href="data:,">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1b1b1b; }
  h1 { font-size: 1.3rem; margin: 0 0 .5rem; }
  h2 { font-size: 1.05rem; margin: 1.5rem 0 .4rem; }
  table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
  th, td { border-bottom: 1px solid #ddd; padding: .2rem .6rem; text-align: left; vertical-align: top; }
  td.n { text-align: right; }
  #status { display: block; margin: .6rem 0; padding: .4rem .6rem; border-radius: 4px; background: #eef; }
  #status[data-state="pass"] { background: #e3f6e3; }
  #status[data-state="fail"] { background: #fbe3e3; }
  tr[data-state="pass"] td.state { color: #176317; }
  tr[data-state="fail"] td.state { color: #a01010; font-weight: 600; }
  tr[data-state="skipped"] td.state { color: #666; }
  #drop { border: 2px dashed #aab; border-radius: 6px; padding: .8rem; margin: .8rem 0; }
  #drop.over { background: #eef; }
  .note { color: #555; font-size: 12px; max-width: 40rem; }
  details { margin: .3rem 0; }
</style>
</head>
<body>
<h1>coordattn kernel runner</h1>
<p id="model">loading the model…</p>
<output id="status" data-state="running">starting…</output>
<div id="drop">Drop an <b>.onnx</b> model or an <b>.npy</b> input here, or
  <label>choose one: <input type="file" id="file" accept=".onnx,.npy"></label>
  <div class="note">An .onnx model is imported, compiled and verified in this page; an .npy array
  (the model's input shape) replaces the random input.</div></div>
<p id="env" class="note"></p>
<h2>Our kernels (gpu.js) against the float64 reference</h2>
<table id="backends">
<thead><tr><th>backend</th><th>ran on</th><th>state</th><th>kernels pass</th><th>worst kernel rel. err</th><th>output rel. err</th><th>median ms</th><th>× ort wasm</th><th>× ort webgpu</th><th>note</th></tr></thead>
<tbody></tbody>
</table>
<h2>Peers: onnxruntime-web on the same model (ONNX export)</h2>
<table id="peers">
<thead><tr><th>peer</th><th>state</th><th>output rel. err</th><th>median ms</th><th>note</th></tr></thead>
<tbody></tbody>
</table>
<h2>Per kernel</h2>
<div id="kernels"></div>
<script type="module" src="/runner.js"></script>
</body>
</html>
`;
