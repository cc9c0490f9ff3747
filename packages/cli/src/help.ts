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

Examples:
  coordattn report mobilenetv2 --attention ca
  coordattn report mobilenetv2 --attention ca --sweep reduction=8,16,32 --format svg --out r.svg
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

Examples:
  coordattn compile mobilenetv2 --attention ca --out build/mbv2-ca
  coordattn run build/mbv2-ca --input x.npy --output y.npy --mode cpu
  xvfb-run -a coordattn verify mobilenetv2 --attention ca --resolution 224 --modes cpu,webasm,headlessgl
  DEBUG=kernels coordattn compile mobilenetv2 --attention ca --resolution 32 --out /tmp/k
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
