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
`;

/** Shown by `coordattn compile|run|verify --help` (also in docs/kernels.md). */
export const HELP_KERNELS = `
Modes: cpu (gpu.js CPU kernels), webasm (WebAssembly), headlessgl (GL via the gl package; needs an
X display: run under \`xvfb-run -a\`). A mode that is unavailable is an error (exit 2), never
silently replaced; every kernel's real backend is checked after it runs.
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
