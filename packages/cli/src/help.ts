/** The defaults table shown by `coordattn report --help` (also stated in docs/ir.md). */
export const HELP_DEFAULTS = `
Defaults without --recipe (placement and per-kind parameters):
  mobilenetv2, mobilenext   ca, se, cbam, triplet: ca-paper placement (after the depthwise 3x3 of
                            every block with t != 1); CA r=32, SE and CBAM squeeze C//24.
                            eca: eca-paper placement (after the projection BN), k = 1 if C < 96 else 3.
  resnet18 ... resnet152    every kind at the eca-paper position (after the last BN, before the
                            residual add); SE Linear without bias r=16; ECA per-stage k
                            (resnet50: 3,5,5,7); CA r=32.
  efficientnet-b0,          the kind replaces the built-in SE at its own position; CA r=32.
  mobilenetv3-large/small
Recipes: ca-paper (preset paper), eca-paper (preset thop-2019, binary units), torchvision (preset paper).
Without --preset the recipe's preset is used, else 'paper' (conv + linear MACs, decimal units).

Sweeps (--sweep KEY=VALUES, repeat it for a grid; at most 10,000 points): VALUES is a list of
values and ranges A..B[:STEP] (STEP default 1): reduction=1..64, width=0.5..1.5:0.25 (decimals
exact), resolution=160..224:32 (squares) or 160..224:32x224 (H x W, each side a list item or a
range), attention=none,se,ca, placement=ca-paper,block-output. Reduction and resolution are
evaluated from one symbolic build (exact, checked point by point; anything else is rebuilt), so
a 1,000-point sweep takes seconds. Each row: point, totals, headline, delta from the attention-free
backbone and the groups of --by; per-layer rows only with --by layer.

HTML (--format html): one self-contained file that works offline (file://, no CDN): the summary
table with the exact integers, charts (params and MACs against the swept key, attention kinds side
by side, params vs MACs with the Pareto front, per stage), the model as a collapsible tree with
search, every preset with the ops that explain each difference, and the formulas in r and H, W as
math. It embeds the report exactly as --format json prints it (docs/costs.md, "HTML report").

Examples:
  coordattn report mobilenetv2 --attention ca
  coordattn report mobilenetv2 --attention ca --sweep reduction=8,16,32 --format svg --out r.svg
  coordattn report mobilenetv2 --sweep attention=none,se,cbam,eca,ca --format html --out r.html
  coordattn report mobilenetv2 --attention ca --sweep reduction=1..1000 --format csv
  coordattn report mobilenetv2 --attention se --sweep reduction=8..32:8 --sweep resolution=160,192x224
  coordattn report resnet50 --attention eca --recipe eca-paper
  coordattn report mobilenetv2 --attention ca --resolution HxW --symbolic
  coordattn report ssdlite320 --backbone mobilenetv2 --attention ca   # the CA paper's SSDLite320 (81 classes, 320x320)
  coordattn report deeplabv3 --backbone mobilenetv2 --attention ca --output-stride 8   # DeepLabV3 (21 classes, 513x513)
`;

/** Shown by `coordattn compile|run|verify --help` (also in docs/kernels.md). */
export const HELP_KERNELS = `
Modes: cpu (gpu.js CPU kernels), webasm (WebAssembly), webasm-async (the webasm kernels in gpu.js
asyncMode, awaited one by one; verify checks its kernels one by one on sync webasm and the whole
plan on the async runtime), headlessgl (GL via the gl package; needs an X display: run under
\`xvfb-run -a\`). A mode that is unavailable is an error (exit 2), never silently replaced; every
kernel's real backend is checked after it runs.
Weights: --weights FILE (manifest + .bin; every tensor's name, shape and size checked) or --seed N
(the official initialisation; verify also draws BN statistics and biases so folding is exercised).
Tolerance: |y - ref| <= atol + rtol*|ref|, atol = 1e-6*max|ref|, rtol = 1e-4*max(1, sqrt(L/1024))
for a kernel summing L terms; end to end rtol 1e-4.
compile --out DIR writes an ES module without Node built-ins: model.js + model.d.ts and its runtime
(runtime.js, gpujs-patch.js, errors.js, each with a .d.ts), package.json, program.json, weights.json
+ weights.bin, kernels.md. In plain node or a browser: \`const model = await load({ mode: 'webasm' })\`
(weights.bin beside it; or pass its bytes or a URL), then \`await model.runAsync({ x })\`. --emit ts
writes the TypeScript sources instead; --target browser also writes model.browser.js (one file,
gpu.js included, for <script type="module">). Details: docs/kernels.md, "Emitted modules".
Layout per mode: run, verify and bench compile for the mode they run (channel-minor NHWC values
on webasm, NCHW elsewhere: docs/performance.md); compile --mode M chooses it for the module
(default webasm; webgl2 with --target browser); any program runs correctly on every mode.
Tuning: compile --tune (and bench --tune) times each long sum's chain split (32, 64, 96, 192 or 384
terms per kernel) on the mode here and keeps the fastest where it beats the default 96 by 5 %;
times are cached (--tune-cache FILE, default $XDG_CACHE_HOME/coordattn/tune-cache.json; none).

Examples:
  coordattn compile mobilenetv2 --attention ca --out build/mbv2-ca
  coordattn compile mobilenetv2 --attention ca --target browser --out web/mbv2-ca
  coordattn run build/mbv2-ca --input x.npy --output y.npy --mode cpu
  xvfb-run -a coordattn verify mobilenetv2 --attention ca --resolution 224 --modes cpu,webasm,headlessgl
  DEBUG=kernels coordattn compile mobilenetv2 --attention ca --resolution 32 --out /tmp/k
  coordattn compile mobilenetv2 --attention ca --tune --out build/mbv2-ca-tuned
`;

/** Shown first by `coordattn run --help` (also in docs/kernels.md, "Running a model"). */
export const HELP_RUN = `
Input (--input x.npy): the model input's shape, any numeric dtype - float16/32/64, int8/16/32/64,
uint8/16/32/64, bool - little- or big-endian, C or Fortran order. It is converted to float32 (the
kernels' type) with a note on stderr: the dtype, and for float64 and wide integers how many values
rounding changed (integers beyond 2^24 lose precision), and by how much. NaN and infinite values
are a warning on stderr (count and first index); they run through the model as they are.
Batch: a compiled directory takes the batch it was compiled for (compile --batch N); an array of
another batch is an error stating both shapes. A model named here takes the array's batch when
--batch is not given and the model has one to set (built-in models; an .onnx file with a symbolic
batch), and says so on stderr.
Output: --output y.npy (float32, C order) for a model with one output; --out-dir DIR writes every
output as DIR/<output name>.npy (the IR path, other characters as _).
Exit codes: 0 ran and wrote the outputs; 2 a user error (a bad file, shape or flag; one line).
`;

/** Shown first by `coordattn verify --help` (also in docs/ci.md and docs/kernels.md). */
export const HELP_VERIFY = `
Formats: table (default), md, json, junit (JUnit XML on stdout: a <testsuite> per mode and run, a
<testcase> per kernel and per model output, classname <model>.<mode>, a <failure> with the max
error and the tolerance for each one outside it; the verdict goes to stderr).
Exit codes (stable, for CI):
  0  every kernel and every output within tolerance on every mode
  1  a kernel or an output outside its tolerance (the table or the <failure>s say which)
  2  a user error: unknown model or flag, unreadable file, a mode unavailable here (one line)
An internal error (a bug) also exits 1, with "coordattn: internal error" and a stack trace on
stderr. A CI workflow: docs/ci.md.

Example (CI):
  xvfb-run -a npx coordattn verify model.onnx --modes cpu,webasm,webasm-async,headlessgl --format junit > verify.xml
`;

/** Shown by \`coordattn export --help\` (also in docs/onnx.md). */
export const HELP_ONNX = `
ONNX files are taken everywhere a model is: report, compare, compile, run, verify, export.
An .onnx model carries its weights (no --weights/--seed); a symbolic batch is N, bound by --batch
(default 1; left symbolic by report --symbolic); other dim_params are bound with --dim NAME=VALUE.
BN that the exporter folded into Conv is gone from the file: its params are the file's (the report
says so). Attention blocks (CA, SE, ECA, CBAM, Triplet) are recognised by structure.

Examples:
  coordattn export mobilenetv2 --attention ca --resolution 96 --seed 1 --out mbv2-ca.onnx
  coordattn report model.onnx --by block
  coordattn report model.onnx --symbolic
  coordattn report model.onnx --format netron --out model.costs.onnx   # costs in Netron's node pane
  coordattn run model.onnx --input x.npy --output y.npy --mode webasm
  coordattn verify model.onnx --modes cpu,webasm
`;

/** Shown by \`coordattn bench --help\` (also in docs/performance.md). */
export const HELP_BENCH = `
What is timed, per mode: compile() (IR + weights -> kernel descriptors), new Runtime, the first call
(gpu.js builds every kernel on it), then forward passes: median, min, p90 (nearest rank).
Peers, on the plain ONNX export of the same graph and weights, same input, same process:
onnxruntime-node and onnxruntime-web's wasm backend (each in its own worker thread), with 1 and 2
intra-op threads and graphOptimizationLevel 'all'; ratios are our median / the peer's median. The
float64 reference interpreter is timed in min(runs, 3) of the rounds.
Interleaved: each round runs every mode and peer once, in an order rotated round by round.
Errors: max |y - ref| / max |ref| against onnxruntime and against the float64 reference; a mode
outside the float32 network tolerance is flagged (FAIL) - its times are of a wrong result.
Without --modes every available mode runs and the others are listed as skipped (headlessgl needs
\`xvfb-run -a\`); a requested mode that cannot run is an error (exit 2). A missing onnxruntime
package is listed as skipped with how to install it. Input: uniform [-1, 1] from --seed (default 0);
weights: --weights, or seeded with random BN statistics and biases (as verify).

Examples:
  coordattn bench mobilenetv2 --attention ca --runs 5
  coordattn bench mobilenetv2 --attention ca --resolution 32 --width 0.25 --modes webasm --profile
  xvfb-run -a coordattn bench mobilenetv2 --attention ca --batch 8 --runs 5 --format md
  coordattn bench model.onnx --peers onnxruntime-node --format json > bench.json
`;

export const HELP_SERVE = `
The page (http://127.0.0.1:PORT/, printed on stdout) starts on load: it computes the float64
reference in the page, then for each of webgl2, webgpu, webasm and cpu runs every kernel alone on
the reference's inputs (max error per kernel against its tolerance, time per kernel), runs the
whole model (outputs against the reference) and times it (median of ?runs=N runs, default 5),
showing the gpu.js kernel class that really ran (a silent fallback is a failure). Then
onnxruntime-web (wasm and webgpu execution providers) runs the ONNX export of the same graph and
weights on the same input; ratios are our median / the peer's. A backend the browser lacks is
skipped; a peer that does not start is shown as such. The verdict is #status[data-state]
(pass|fail). Drop an .onnx model (imported and compiled in the page) or an .npy input on the page.
A compiled directory has no graph: its backends are compared with cpu instead of the reference.
The server answers only its own files (page, bundle, model, onnxruntime-web's wasm), sends
COOP/COEP so the page is cross-origin isolated (wasm threads), and stops on Ctrl-C.
Weights: --weights, or seeded with random BN statistics and biases (as verify). Page options:
?runs=N, ?kernelRuns=N (per-kernel timing calls, default 1), ?backends=webasm,cpu, ?peers=0.

Examples:
  coordattn serve mobilenetv2 --attention ca --resolution 96
  coordattn serve model.onnx --port 8080 --open
  coordattn compile mobilenetv2 --attention ca --resolution 96 --out /tmp/c96 && coordattn serve /tmp/c96
`;
