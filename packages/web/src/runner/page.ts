/**
 * The kernel runner page (`coordattn serve`; bundled by tools/build.mjs as dist/pages/runner.js,
 * gpu.js's browser build put in verbatim so that the gpu.js patch applies).
 *
 * On load it fetches the served model (/model/*: the compiled program and its tensors, and for
 * the float64 reference the graph as a spec and its weights), draws the seeded input, computes the
 * reference in the page, and for each backend — webgl2, webgpu, webasm, cpu — verifies every
 * kernel alone on the reference's inputs and the whole plan end to end (`verifyProgramAsync`),
 * then times the model (median of `?runs=` runs after a warm-up) on a fresh runtime, and shows the
 * gpu.js kernel class that really ran. Then onnxruntime-web (wasm and webgpu execution providers)
 * runs the served ONNX export of the same graph and weights (`/ort/`), timed the same way.
 * A dropped (or chosen) .onnx is imported, compiled and run here; an .npy replaces the input.
 *
 * State for tests and users alike: `#status[data-state]` running|pass|fail (pass: every backend
 * row passed or was skipped because the browser lacks it), and `tr[data-backend]` /
 * `tr[data-peer]` rows with `data-state` running|pass|fail|skipped and `data-ran` (the kernel
 * class), `data-ms` (median model latency).
 */
import {
  compile,
  decodeWeights as decodeParams,
  EXPECTED_BACKEND,
  float32Params,
  gpujsPatchStatus,
  referenceValues,
  Runtime,
  verifyProgramAsync,
  type KernelVerdict,
  type ProgramData,
  type VerifyResult,
} from '@coordattn/codegen/core';
import { readSpec, type Graph } from '@coordattn/ir';
import { exportOnnx, importOnnx } from '@coordattn/onnx';
import {
  compare,
  decodeNpyArray,
  decodeWeights,
  FLOAT32_NETWORK_TOLERANCE,
  FLOAT32_TOLERANCE,
  uniformTensor,
  type Tensor,
  type Weights,
} from '@coordattn/reference';

import { PAGE_BACKENDS, PEERS, type PageBackend as Backend, type Peer } from './rows.js';

type RowState = 'running' | 'pass' | 'fail' | 'skipped';

interface Model {
  readonly name: string;
  readonly program: ProgramData;
  readonly params: Map<string, Float32Array>;
  readonly graph?: Graph;
  readonly weights?: Weights;
  readonly onnx?: Uint8Array;
  readonly seed: number;
}

interface ServedInfo {
  readonly name: string;
  readonly reference: boolean;
  readonly onnx: boolean;
  readonly seed: number;
}

const params = new URLSearchParams(location.search);
const intParam = (name: string, dflt: number): number => {
  const v = Number(params.get(name));
  return params.has(name) && Number.isInteger(v) && v >= 0 ? v : dflt;
};
/** Timed model runs per backend and peer (after one warm-up run). */
const RUNS = Math.max(1, intParam('runs', 5));
/** Extra calls per kernel to time it alone (0: no per-kernel times). */
const KERNEL_RUNS = intParam('kernelRuns', 1);
/** `?backends=webasm,cpu`: only these (the others are skipped). */
const ONLY = params.get('backends')?.split(',');
/** `?peers=0`: no onnxruntime-web. */
const WITH_PEERS = params.get('peers') !== '0';

const $ = <T extends Element>(sel: string): T => {
  const el = document.querySelector<T>(sel);
  if (el === null) throw new Error(`the page has no ${sel}`);
  return el;
};
const statusEl = (): HTMLOutputElement => $<HTMLOutputElement>('#status');

function setStatus(state: 'running' | 'pass' | 'fail', text: string): void {
  const s = statusEl();
  s.dataset.state = state;
  s.textContent = text;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const fmt = (x: number | undefined, digits = 2): string =>
  x === undefined || !Number.isFinite(x) ? '–' : x.toExponential(digits);
const fmtMs = (x: number | undefined): string =>
  x === undefined ? '–' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
/** Two significant digits however small (0.0046×, not 0.0×) or large. */
const fmtRatio = (x: number): string => (x >= 10 ? x.toFixed(0) : x.toPrecision(2));
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function fetchBytes(path: string): Promise<Uint8Array> {
  const r = await fetch(path);
  if (!r.ok) throw new Error(`GET ${path}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}
async function fetchJson(path: string): Promise<unknown> {
  return JSON.parse(new TextDecoder().decode(await fetchBytes(path))) as unknown;
}

/** The served model: program + tensors, and the graph + weights when the server has them. */
async function loadServed(): Promise<Model> {
  const info = (await fetchJson('/model/info.json')) as ServedInfo;
  const program = (await fetchJson('/model/program.json')) as ProgramData;
  const manifest = await fetchJson('/model/params.json');
  const paramsOut = decodeParams(manifest, await fetchBytes('/model/params.bin'), '/model/params.json');
  let graph: Graph | undefined;
  let weights: Weights | undefined;
  if (info.reference) {
    const specText = new TextDecoder().decode(await fetchBytes('/model/spec.json'));
    graph = readSpec(specText, '/model/spec.json');
    const wManifest = await fetchJson('/model/weights.json');
    const bin = await fetchBytes('/model/weights.bin');
    weights = decodeWeights(wManifest, () => bin, { file: '/model/weights.json', graph });
  }
  // The peers' model: the server's export; without one, exported here from the graph.
  const onnx = info.onnx
    ? await fetchBytes('/model/model.onnx')
    : graph && weights
      ? exportOnnx(graph, weights)
      : undefined;
  return {
    name: info.name,
    program,
    params: paramsOut,
    ...(graph ? { graph } : {}),
    ...(weights ? { weights } : {}),
    ...(onnx ? { onnx } : {}),
    seed: info.seed,
  };
}

/** An .onnx file dropped on the page: imported, compiled here; the peers run the file itself. */
function modelFromOnnx(name: string, bytes: Uint8Array): Model {
  const r = importOnnx(bytes, { file: name, dims: { N: 1 } });
  const compiled = compile(r.graph, r.weights, { debug: false });
  return {
    name,
    program: compiled.program,
    params: float32Params(compiled.params),
    graph: r.graph,
    weights: r.weights,
    onnx: bytes,
    seed: 0,
  };
}

/** The model's input tensors: the dropped .npy, or uniform in [-1, 1] seeded as `coordattn verify` draws them. */
function inputsOf(m: Model, npy: Tensor | undefined): Record<string, Tensor> {
  return Object.fromEntries(
    m.program.inputs.map((i, k) => {
      if (npy !== undefined && k === 0) {
        if (npy.shape.join(',') !== i.shape.join(',')) {
          throw new Error(
            `the .npy array has shape [${npy.shape.join(',')}], the model's input '${i.name}' [${i.shape.join(',')}]`,
          );
        }
        return [i.name, npy];
      }
      return [i.name, uniformTensor([...i.shape], m.seed * 1000 + k + 1)];
    }),
  );
}

const f32 = (t: Tensor): Float32Array => Float32Array.from(t.data);

// ------------------------------------------------------------------------------------------ rows

function cell(row: HTMLTableRowElement, text: string, cls?: string): HTMLTableCellElement {
  const td = row.insertCell();
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

function backendRow(b: Backend): HTMLTableRowElement {
  const row = $<HTMLTableSectionElement>('#backends tbody').insertRow();
  row.dataset.backend = b;
  row.dataset.state = 'running';
  cell(row, b);
  for (const cls of [
    'ran',
    'state',
    'n kernels',
    'n worst',
    'n out',
    'n ms',
    'n vs-wasm',
    'n vs-webgpu',
    'note',
  ]) {
    cell(row, '', cls);
  }
  setCell(row, 'state', 'running');
  return row;
}

function peerRow(p: Peer): HTMLTableRowElement {
  const row = $<HTMLTableSectionElement>('#peers tbody').insertRow();
  row.dataset.peer = p;
  row.dataset.state = 'running';
  cell(row, p === 'ort-wasm' ? 'onnxruntime-web wasm' : 'onnxruntime-web webgpu');
  for (const cls of ['state', 'n out', 'n ms', 'note']) cell(row, '', cls);
  setCell(row, 'state', 'running');
  return row;
}

function setCell(row: HTMLTableRowElement, cls: string, text: string): void {
  const td = row.querySelector<HTMLTableCellElement>(`td.${cls.split(' ').pop() ?? cls}`);
  if (td) td.textContent = text;
}

function setState(row: HTMLTableRowElement, state: RowState, note?: string): void {
  row.dataset.state = state;
  setCell(row, 'state', state);
  if (note !== undefined) setCell(row, 'note', note);
}

function kernelTable(b: Backend, v: VerifyResult): void {
  const det = document.createElement('details');
  det.dataset.backend = b;
  const failed = v.kernels.filter((k) => !k.comparison.pass).length;
  const sum = document.createElement('summary');
  sum.textContent = `${b}: ${v.kernels.length} kernels, ${failed} outside tolerance`;
  det.append(sum);
  const t = document.createElement('table');
  const head = t.createTHead().insertRow();
  for (const h of [
    'kernel',
    'template',
    'IR nodes',
    'ran on',
    'max |err|',
    'max rel',
    'rtol',
    'ms',
    'result',
  ]) {
    const th = document.createElement('th');
    th.textContent = h;
    head.append(th);
  }
  const body = t.createTBody();
  const row = (k: KernelVerdict): void => {
    const r = body.insertRow();
    r.dataset.state = k.comparison.pass ? 'pass' : 'fail';
    cell(r, k.kernel);
    cell(r, k.template);
    cell(r, String(k.nodes.length), 'n');
    cell(r, k.backend);
    cell(r, fmt(k.comparison.maxAbsError), 'n');
    cell(r, fmt(k.maxRelError), 'n');
    cell(r, fmt(k.tolerance.rtol, 1), 'n');
    cell(r, fmtMs(k.ms), 'n');
    cell(r, k.comparison.pass ? 'pass' : 'FAIL', 'state');
  };
  v.kernels.forEach(row);
  det.append(t);
  $('#kernels').append(det);
}

// -------------------------------------------------------------------------------------- backends

interface BackendResult {
  readonly state: RowState;
  readonly ms?: number;
  readonly outputs?: Record<string, Float32Array>;
}

/** Why a backend cannot run in this browser (the row is then skipped), or undefined. */
async function unavailable(b: Backend): Promise<string | undefined> {
  if (ONLY && !ONLY.includes(b)) return 'not asked for (?backends=)';
  if (b === 'webgl2') {
    const gl = document.createElement('canvas').getContext('webgl2');
    return gl ? undefined : 'this browser gives no WebGL2 context';
  }
  if (b === 'webgpu') {
    const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    if (!gpu) return 'this browser has no WebGPU (navigator.gpu)';
    const adapter = await gpu.requestAdapter().catch(() => null);
    return adapter ? undefined : 'WebGPU has no adapter here (headless Chromium: --enable-unsafe-webgpu)';
  }
  return undefined;
}

/** Times the whole model: a fresh runtime, one warm-up run, then RUNS runs (median). */
async function timeModel(
  m: Model,
  mode: Backend,
  inputs: Record<string, Float32Array>,
): Promise<{ ms: number; ran: string; outputs: Record<string, Float32Array> }> {
  const rt = new Runtime(m.program, m.params, { mode, allowFallback: true });
  try {
    const outputs = await rt.runAsync(inputs);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await rt.runAsync(inputs);
      times.push(performance.now() - t0);
      await tick();
    }
    return { ms: median(times), ran: [...new Set(rt.backends.values())].join(', '), outputs };
  } finally {
    rt.destroy();
  }
}

function relErr(y: Float32Array, t: Tensor): { rel: number; pass: boolean } {
  const c = compare({ shape: t.shape, data: Float64Array.from(y) }, t, FLOAT32_NETWORK_TOLERANCE);
  return { rel: c.maxAbsRef > 0 ? c.maxAbsError / c.maxAbsRef : c.maxAbsError, pass: c.pass };
}

async function runBackend(
  m: Model,
  b: Backend,
  row: HTMLTableRowElement,
  ref: Readonly<Record<string, Tensor>> | undefined,
  baseline: Record<string, Float32Array> | undefined,
  inputs: Record<string, Float32Array>,
): Promise<BackendResult> {
  const why = await unavailable(b);
  if (why !== undefined) {
    setState(row, 'skipped', why);
    return { state: 'skipped' };
  }
  const want = EXPECTED_BACKEND[b];
  try {
    let verdict: VerifyResult | undefined;
    const t0 = performance.now();
    if (ref !== undefined) {
      // Every kernel alone on the reference's inputs; the end-to-end check is the timing
      // runtime's first run below (one set of kernels fewer to build: shaders compile slowly).
      verdict = await verifyProgramAsync(m.program, m.params, ref, b, {
        kernelsOnly: true,
        kernelTimingRuns: KERNEL_RUNS,
        onKernel: async (done, total) => {
          setCell(row, 'kernels', `${done}/${total}`);
          setStatus('running', `${m.name}: ${b}: kernel ${done} of ${total}`);
          if (done % 4 === 0) await tick();
        },
      });
      kernelTable(b, verdict);
      const passed = verdict.kernels.filter((k) => k.comparison.pass).length;
      setCell(row, 'kernels', `${passed}/${verdict.kernels.length}`);
      setCell(row, 'worst', fmt(Math.max(0, ...verdict.kernels.map((k) => k.maxRelError))));
    }
    row.dataset.verifyMs = String(Math.round(performance.now() - t0));
    setStatus('running', `${m.name}: ${b}: the whole model, then ${RUNS} timed runs`);
    const t1 = performance.now();
    const t = await timeModel(m, b, inputs);
    row.dataset.timeMs = String(Math.round(performance.now() - t1));
    row.dataset.ran = t.ran;
    row.dataset.ms = String(t.ms);
    setCell(row, 'ran', t.ran);
    setCell(row, 'ms', fmtMs(t.ms));
    if (t.ran !== want) {
      setState(row, 'fail', `gpu.js fell back: ${t.ran} ran, not ${want}`);
      return { state: 'fail', ms: t.ms };
    }
    if (verdict !== undefined && ref !== undefined) {
      // End to end: the plan's outputs (first timed runtime run) against the reference.
      const outs = m.program.outputs.map((o) => {
        const expected = ref[o.ref] ?? ref[o.value];
        const c = compare(
          { shape: expected.shape, data: Float64Array.from(t.outputs[o.ref]) },
          expected,
          FLOAT32_TOLERANCE,
        );
        return { rel: c.maxAbsRef > 0 ? c.maxAbsError / c.maxAbsRef : c.maxAbsError, pass: c.pass };
      });
      setCell(row, 'out', fmt(Math.max(0, ...outs.map((o) => o.rel))));
      const kernelsOk = verdict.pass;
      const outsOk = outs.every((o) => o.pass);
      const ok = kernelsOk && outsOk;
      const why = [
        kernelsOk ? '' : 'kernels outside tolerance (see Per kernel)',
        outsOk ? '' : 'outputs outside tolerance',
      ];
      setState(row, ok ? 'pass' : 'fail', why.filter(Boolean).join('; '));
      return { state: ok ? 'pass' : 'fail', ms: t.ms, outputs: t.outputs };
    }
    // No reference (a compiled directory): the outputs are compared with the cpu backend's.
    if (baseline === undefined) {
      setState(row, 'pass', 'no reference (compiled directory): ran; the baseline of the other backends');
      return { state: 'pass', ms: t.ms, outputs: t.outputs };
    }
    const errs = m.program.outputs.map((o) =>
      relErr(t.outputs[o.ref], { shape: o.shape, data: Float64Array.from(baseline[o.ref]) }),
    );
    setCell(row, 'out', fmt(Math.max(0, ...errs.map((e) => e.rel))));
    const ok = errs.every((e) => e.pass);
    setState(row, ok ? 'pass' : 'fail', 'no reference (compiled directory): outputs compared with cpu');
    return { state: ok ? 'pass' : 'fail', ms: t.ms, outputs: t.outputs };
  } catch (e) {
    setState(row, 'fail', message(e));
    return { state: 'fail' };
  }
}

// ----------------------------------------------------------------------------------------- peers

interface OrtTensor {
  readonly data: unknown;
}
interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface OrtModule {
  readonly env: { wasm: { wasmPaths?: string; numThreads?: number }; logLevel?: string };
  readonly InferenceSession: {
    create(bytes: Uint8Array, opts: Record<string, unknown>): Promise<OrtSession>;
  };
  readonly Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => unknown;
}

let ortModule: Promise<OrtModule> | undefined;
function loadOrt(): Promise<OrtModule> {
  // A URL in a variable: the bundler leaves this import alone; the server serves the file.
  const url = '/ort/ort.webgpu.min.mjs';
  ortModule ??= (import(/* @vite-ignore */ url) as Promise<OrtModule & { default?: OrtModule }>).then(
    (mod) => {
      const ort = mod.InferenceSession ? mod : (mod.default ?? mod);
      ort.env.wasm.wasmPaths = new URL('/ort/', location.href).href;
      ort.env.wasm.numThreads = crossOriginIsolated ? navigator.hardwareConcurrency : 1;
      ort.env.logLevel = 'error';
      return ort;
    },
  );
  return ortModule;
}

async function runPeer(
  m: Model,
  p: Peer,
  row: HTMLTableRowElement,
  inputs: Record<string, Tensor>,
  ref: Readonly<Record<string, Tensor>> | undefined,
): Promise<number | undefined> {
  if (!WITH_PEERS) {
    setState(row, 'skipped', 'not asked for (?peers=0)');
    return undefined;
  }
  if (m.onnx === undefined) {
    setState(row, 'skipped', 'no ONNX model (a compiled directory)');
    return undefined;
  }
  if (p === 'ort-webgpu' && (await unavailable('webgpu')) !== undefined) {
    setState(row, 'skipped', (await unavailable('webgpu')) ?? '');
    return undefined;
  }
  let session: OrtSession | undefined;
  try {
    const ort = await loadOrt();
    session = await ort.InferenceSession.create(m.onnx, {
      executionProviders: [p === 'ort-wasm' ? 'wasm' : 'webgpu'],
      graphOptimizationLevel: 'all',
    });
    const feeds: Record<string, unknown> = {};
    m.program.inputs.forEach((inp, k) => {
      feeds[session!.inputNames[k]] = new ort.Tensor('float32', f32(inputs[inp.name]), inp.shape);
    });
    const out = await session.run(feeds);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await session.run(feeds);
      times.push(performance.now() - t0);
      await tick();
    }
    const ms = median(times);
    row.dataset.ms = String(ms);
    setCell(row, 'ms', fmtMs(ms));
    const threads = p === 'ort-wasm' ? `${ort.env.wasm.numThreads ?? 1} thread(s)` : '';
    if (ref !== undefined) {
      const errs = m.program.outputs.map((o, k) => {
        const y = out[session!.outputNames[k]].data as Float32Array;
        return relErr(y, ref[o.ref] ?? ref[o.value]);
      });
      setCell(row, 'out', fmt(Math.max(0, ...errs.map((e) => e.rel))));
      const ok = errs.every((e) => e.pass);
      setState(
        row,
        ok ? 'pass' : 'fail',
        [ok ? '' : 'outputs outside tolerance', threads].filter(Boolean).join('; '),
      );
    } else setState(row, 'pass', ['ran', threads].filter(Boolean).join('; '));
    return ms;
  } catch (e) {
    setState(row, 'fail', `did not start or run: ${message(e)}`);
    return undefined;
  } finally {
    await session?.release().catch(() => undefined);
  }
}

// -------------------------------------------------------------------------------------------- run

async function environment(): Promise<void> {
  const env = $<HTMLParagraphElement>('#env');
  const patch = gpujsPatchStatus();
  env.dataset.gpujsPatch = patch.applied ? 'applied' : 'not-applied';
  const parts = [
    `gpu.js patch: ${patch.applied ? `applied (gpu.js ${patch.gpujsVersion ?? '?'}${patch.selfTest ? `, self-test ${patch.selfTest.passed ? 'passed' : 'failed'}` : ''})` : `not applied: ${patch.reason ?? '?'}`}`,
    `crossOriginIsolated: ${String(crossOriginIsolated)}`,
    `cores: ${navigator.hardwareConcurrency}`,
  ];
  const gl = document.createElement('canvas').getContext('webgl2');
  if (gl) {
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    parts.push(`WebGL2: ${String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER))}`);
  }
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<{ info?: Record<string, string> } | null> } })
    .gpu;
  const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
  if (adapter) {
    const info = adapter.info ?? {};
    parts.push(`WebGPU: ${[info.vendor, info.architecture, info.description].filter(Boolean).join(' ')}`);
  }
  env.textContent = parts.join(' · ');
}

let running = false;

async function runModel(m: Model, npy?: Tensor): Promise<void> {
  running = true;
  try {
    $<HTMLTableSectionElement>('#backends tbody').replaceChildren();
    $<HTMLTableSectionElement>('#peers tbody').replaceChildren();
    $('#kernels').replaceChildren();
    $('#model').textContent = `${m.name}: ${m.program.kernels.length} kernels, input ${m.program.inputs
      .map((i) => `${i.name} [${i.shape.join('×')}]`)
      .join(
        ', ',
      )}${npy ? ' (from the .npy file)' : ` (seeded random, seed ${m.seed})`}${m.graph ? '' : '; no graph: no reference'}`;
    setStatus('running', `${m.name}: computing the float64 reference`);
    await tick();
    const inputs = inputsOf(m, npy);
    const tRef = performance.now();
    const ref = m.graph && m.weights ? referenceValues(m.graph, m, m.weights, inputs) : undefined;
    statusEl().dataset.referenceMs = String(Math.round(performance.now() - tRef));
    const host = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, f32(t)]));
    const rows = new Map(PAGE_BACKENDS.map((b) => [b, backendRow(b)] as const));
    const peerRows = new Map(PEERS.map((p) => [p, peerRow(p)] as const));
    // Without a reference cpu runs first: the other backends are compared with it.
    const order: Backend[] = ref ? [...PAGE_BACKENDS] : ['cpu', 'webgl2', 'webgpu', 'webasm'];
    const results = new Map<Backend, BackendResult>();
    let baseline: Record<string, Float32Array> | undefined;
    for (const b of order) {
      const t0 = performance.now();
      const r = await runBackend(m, b, rows.get(b)!, ref, baseline, host);
      rows.get(b)!.dataset.elapsedMs = String(Math.round(performance.now() - t0));
      if (b === 'cpu' && !ref) baseline = r.outputs;
      results.set(b, r);
      await tick();
    }
    const peerMs = new Map<Peer, number | undefined>();
    for (const p of PEERS) {
      setStatus('running', `${m.name}: onnxruntime-web ${p}`);
      const t0 = performance.now();
      peerMs.set(p, await runPeer(m, p, peerRows.get(p)!, inputs, ref));
      peerRows.get(p)!.dataset.elapsedMs = String(Math.round(performance.now() - t0));
    }
    for (const b of PAGE_BACKENDS) {
      const ms = results.get(b)?.ms;
      const row = rows.get(b)!;
      for (const [p, cls] of [
        ['ort-wasm', 'vs-wasm'],
        ['ort-webgpu', 'vs-webgpu'],
      ] as const) {
        const peer = peerMs.get(p);
        if (ms !== undefined && peer !== undefined) {
          setCell(row, cls, `${fmtRatio(ms / peer)}×`);
          row.dataset[cls === 'vs-wasm' ? 'vsOrtWasm' : 'vsOrtWebgpu'] = String(ms / peer);
        }
      }
    }
    const states = PAGE_BACKENDS.map((b) => `${b} ${results.get(b)?.state ?? '?'}`);
    const ok = PAGE_BACKENDS.every((b) => ['pass', 'skipped'].includes(results.get(b)?.state ?? ''));
    setStatus(ok ? 'pass' : 'fail', `${m.name}: ${ok ? 'pass' : 'FAIL'} (${states.join(', ')})`);
  } catch (e) {
    setStatus('fail', `${m.name}: ${message(e)}`);
  } finally {
    running = false;
  }
}

let current: Model | undefined;

async function handleFile(file: File): Promise<void> {
  if (running) {
    setStatus(statusEl().dataset.state === 'fail' ? 'fail' : 'running', 'busy: wait for the current run');
    return;
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  try {
    if (/\.onnx$/i.test(file.name)) {
      setStatus('running', `${file.name}: importing and compiling`);
      await tick();
      current = modelFromOnnx(file.name, bytes);
      await runModel(current);
    } else if (/\.npy$/i.test(file.name)) {
      if (!current) throw new Error('no model loaded yet');
      const a = decodeNpyArray(bytes, file.name);
      await runModel(current, { shape: a.shape, data: Float64Array.from(a.data) });
    } else throw new Error(`${file.name}: drop an .onnx model or an .npy input`);
  } catch (e) {
    setStatus('fail', `${file.name}: ${message(e)}`);
  }
}

function wireDrop(): void {
  const drop = $<HTMLDivElement>('#drop');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer?.files[0];
    if (f) void handleFile(f);
  });
  const input = $<HTMLInputElement>('#file');
  input.addEventListener('change', () => {
    const f = input.files?.[0];
    if (f) void handleFile(f);
    input.value = '';
  });
}

async function main(): Promise<void> {
  wireDrop();
  try {
    await environment();
    current = await loadServed();
    await runModel(current);
  } catch (e) {
    setStatus('fail', `cannot load the model: ${message(e)}`);
  }
}

void main();
