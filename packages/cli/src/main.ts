/**
 * The `coordattn` command. Exit codes (docs/ci.md): 0 success; 1 a check failed (`verify` found a
 * kernel or output outside its tolerance, `reproduce --check` a stale file); 2 a user error
 * (CoordattnError, bad flags: one line). Anything else is a bug: exit 1 with a stack trace under a
 * line saying "internal error".
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
// Startup: only commander and these small modules load before a command runs; each action imports
// its command's module (and so cost, codegen, gpu.js, ts-morph, onnx, mathjs) when it runs, so
// `--help` and `report` do not pay for what they do not use (docs/performance.md, "Startup").
import { isCoordattnError } from '@coordattn/ir/errors';
import { PASS_NAMES } from '@coordattn/codegen/names';
import { PRESET_NAMES } from '@coordattn/cost/names';
import type { Io } from './io.js';
import {
  HELP_BENCH,
  HELP_DEFAULTS,
  HELP_KERNELS,
  HELP_ONNX,
  HELP_RUN,
  HELP_SERVE,
  HELP_VERIFY,
} from './help.js';

const MODEL_FLAGS: [string, string][] = [
  ['--attention <kind>', 'attention block: none|se|cbam|eca|ca|triplet (default none)'],
  ['--reduction <r>', 'reduction ratio r for ca, se, cbam (integer or symbol, e.g. r)'],
  ['--width <w>', 'width multiplier (default 1.0)'],
  ['--resolution <res>', 'input size: 224, 224x320 (H×W) or symbolic HxW (default 224)'],
  ['--batch <n>', 'batch size (default 1)'],
  ['--classes <n>', 'classifier classes (default 1000; ssdlite320: 81, COCO; deeplabv3: 21, VOC)'],
  ['--backbone <name>', 'ssdlite320: mobilenetv2|mobilenext; deeplabv3: mobilenetv2 (default mobilenetv2)'],
  ['--output-stride <n>', 'deeplabv3 only: 8|16 (default 16; ASPP rates 12,24,36 | 6,12,18)'],
  ['--recipe <name>', "a paper's exact configuration: ca-paper|eca-paper|torchvision"],
  ['--placement <name>', 'where attention goes: ca-paper|eca-paper|builtin-se|block-output'],
  ['--stages <list>', 'only these 1-based stages get attention, e.g. 2,3,4'],
  ['--eca-k <k>', "ECA kernel: 'adaptive' or one odd k per stage, e.g. 3,5,5,7"],
  [
    '--dim <NAME=VALUE...>',
    '.onnx models: bind a symbolic dim (dim_param), e.g. --dim N=8 (--batch binds N)',
  ],
];

function addModelFlags(cmd: Command): Command {
  for (const [flags, desc] of MODEL_FLAGS) cmd.option(flags, desc);
  return cmd;
}

/**
 * This package's version, from the nearest package.json named @coordattn/cli above this module
 * (src/main.ts, dist/main.js or a dist/chunks/ file).
 */
export const VERSION: string = ownVersion();

function ownVersion(): string {
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    try {
      const text = readFileSync(new URL('package.json', dir), 'utf8');
      const pkg = JSON.parse(text) as { name?: string; version?: string };
      if (pkg.name === '@coordattn/cli' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json here: go up
    }
    if (new URL('..', dir).href === dir.href) return 'unknown';
  }
}

const MODEL_ARG =
  'a backbone name (coordattn list backbones), the detector ssdlite320 or the segmentation model deeplabv3 (with --backbone), a spec .json file or an .onnx file';

export async function main(argv: readonly string[], io: Io = defaultIo()): Promise<number> {
  const program = new Command('coordattn')
    .description(
      'Exact cost reports and shape-checked IR for attention blocks (CA, SE, CBAM, ECA, Triplet) in efficient CNNs',
    )
    .version(VERSION, '-V, --version', 'print the version of coordattn')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });

  addModelFlags(
    program
      .command('report')
      .description('params and MACs/FLOPs of one model (or a sweep) under a counting preset')
      .argument('<model>', MODEL_ARG),
  )
    .option('--preset <name>', `counting convention: ${PRESET_NAMES.join('|')}`)
    .addOption(
      new Option(
        '--sweep <key=values>',
        'sweep reduction|attention|width|resolution|placement: a list with ranges A..B[:STEP], e.g. reduction=1..64, width=0.5..1.5:0.25, resolution=160..224:32x224; repeat for a grid (at most 10,000 points)',
      ).argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]),
    )
    .addOption(
      new Option('--by <level>', 'group rows by').choices(['layer', 'block', 'stage', 'op']).default('block'),
    )
    .option('--symbolic', 'also give params and MACs as formulas (symbolic H, W with --resolution HxW)')
    .addOption(
      new Option(
        '--format <fmt>',
        'output format (html: one self-contained page: summary, charts, model tree, presets, formulas)',
      )
        .choices(['table', 'md', 'csv', 'json', 'latex', 'svg', 'html', 'netron'])
        .default('table'),
    )
    .option('--out <file>', 'write to a file instead of stdout (netron: the annotated .onnx, required)')
    .addHelpText('after', HELP_DEFAULTS)
    .action(async (model: string, flags: Record<string, string | boolean | string[] | undefined>) => {
      await (await import('./commands.js')).reportCommand(model, flags, io);
    });

  addModelFlags(
    program
      .command('compare')
      .description('one model under every preset, and which ops explain each difference')
      .argument('<model>', MODEL_ARG),
  )
    .addOption(
      new Option('--format <fmt>', 'output format').choices(['table', 'md', 'json']).default('table'),
    )
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (model: string, flags: Record<string, string | boolean | undefined>) => {
      await (await import('./commands.js')).compareCommand(model, flags, io);
    });

  program
    .command('list')
    .description('list backbones, attention kinds, presets, recipes, placements or ops')
    .argument('<what>', 'backbones|attention|presets|recipes|placements|ops')
    .action(async (what: string) => {
      await (await import('./commands.js')).listCommand(what, io);
    });

  program
    .command('reproduce')
    .description(
      'regenerate docs/paper-reproduction.md (the CA and ECA-Net tables beside the published values)',
    )
    .option('--out <file>', 'output file', 'docs/paper-reproduction.md')
    .option('--check', 'exit 1 if the file differs from what would be written')
    .action(async (flags: { out: string; check?: boolean }) => {
      await (await import('./commands.js')).reproduceCommand(flags, io);
    });

  const weightFlags = (cmd: Command): Command =>
    cmd
      .option(
        '--weights <file>',
        'weights file (manifest .json + .bin, as written by compile) checked against the model',
      )
      .option('--seed <n>', 'seeded initialisation instead of a weights file (default 0)');
  const passFlags = (cmd: Command): Command =>
    cmd
      .option('--disable-pass <name...>', `switch a lowering pass off: ${PASS_NAMES.join('|')}`)
      .option(
        '--debug-kernels',
        'print every generated kernel with its name and cache key (also DEBUG=kernels)',
      );
  /** --tune and its settings (compile: for --mode; bench: for each mode timed). */
  const tuneFlags = (cmd: Command, forWhat: string): Command =>
    cmd
      .option('--tune', `choose each long sum's chain split by measured time on ${forWhat} here (cached)`)
      .option('--tune-runs <n>', 'timed rounds per candidate split with --tune (default 5)')
      .option(
        '--tune-cache <file>',
        'tune times cache (default $XDG_CACHE_HOME/coordattn/tune-cache.json; none: no cache)',
      );

  tuneFlags(
    passFlags(
      weightFlags(
        addModelFlags(
          program
            .command('compile')
            .description(
              'lower a model to gpu.js kernels: DIR gets an ES module (model.js + .d.ts, its runtime), program.json, weights and kernels.md',
            )
            .argument('<model>', MODEL_ARG),
        ),
      ),
    )
      .option('--out <dir>', 'output directory')
      .option(
        '--emit <kind>',
        'js: JavaScript + .d.ts, runs in plain node and browsers (default); ts: the TypeScript sources',
      )
      .option(
        '--target <target>',
        'node: the module (default); browser: also model.browser.js, one file with gpu.js, no Node built-ins',
      )
      .option(
        '--mode <mode>',
        'the mode the program is compiled for: cpu|webasm|webasm-async|headlessgl|webgl2|webgpu (default webasm; webgl2 with --target browser). Backend-dependent passes follow it (channel-minor: webasm only); the module runs on every mode',
      ),
    '--mode',
  )
    .addHelpText('after', HELP_KERNELS)
    .action(async (model: string, flags: Record<string, string | boolean | string[] | undefined>) => {
      await (await import('./kernels.js')).compileCommand(model, flags, io);
    });

  passFlags(
    weightFlags(
      addModelFlags(
        program
          .command('run')
          .description(
            'run a compiled directory (or compile a model now) on an input .npy, write the output .npy',
          )
          .argument('<target>', `a directory from \`compile --out\`, ${MODEL_ARG}`),
      ),
    ),
  )
    .option(
      '--input <file>',
      'input array (.npy of the model input shape; float16/32/64, int, uint or bool, converted to float32)',
    )
    .option('--output <file>', 'where to write the output array (.npy, float32; a model with one output)')
    .option('--out-dir <dir>', 'write every output as DIR/<output name>.npy instead (several outputs)')
    .option(
      '--mode <mode>',
      'cpu|webasm|webasm-async|headlessgl|auto (auto: webasm, the fastest measured; cpu where WebAssembly is missing)',
      'auto',
    )
    .addHelpText('after', HELP_RUN + HELP_KERNELS)
    .action(async (target: string, flags: Record<string, string | boolean | string[] | undefined>) => {
      await (await import('./kernels.js')).runCommand(target, flags, io);
    });

  passFlags(
    weightFlags(
      addModelFlags(
        program
          .command('verify')
          .description(
            'run every kernel on each mode against the float64 reference: per-kernel table (or JUnit XML); exit 0 pass, 1 fail, 2 user error',
          )
          .argument('<model>', MODEL_ARG),
      ),
    ),
  )
    .option(
      '--modes <list>',
      'comma-separated modes: cpu|webasm|webasm-async|headlessgl',
      'cpu,webasm,headlessgl',
    )
    .option('--runs <n>', 'random inputs per mode (seeded from --seed)', '1')
    .addOption(
      new Option('--format <fmt>', 'output format (junit: JUnit XML for CI test reporters)')
        .choices(['table', 'md', 'json', 'junit'])
        .default('table'),
    )
    .addHelpText('after', HELP_VERIFY + HELP_KERNELS)
    .action(async (model: string, flags: Record<string, string | boolean | string[] | undefined>) => {
      await (await import('./kernels.js')).verifyCommand(model, flags, io);
    });

  const benchCmd = passFlags(
    weightFlags(
      addModelFlags(
        program
          .command('bench')
          .description(
            'time the compiled kernels per mode beside onnxruntime-node and onnxruntime-web (same model, input and process)',
          )
          .argument('<model>', MODEL_ARG),
      ),
    ),
  )
    .option(
      '--modes <list>',
      'comma-separated modes: cpu|webasm|webasm-async|headlessgl (default: every available mode; the others are listed as skipped)',
    )
    .option('--runs <n>', 'timed forward passes per mode and peer (default 10)')
    .option('--warmup <n>', 'untimed rounds first (default 2)')
    .option('--peers <list>', 'onnxruntime-node,onnxruntime-web (default both) or none')
    .option('--profile', 'also time every kernel alone and total the times by template')
    .option('--format <fmt>', 'table|md|json (json: only JSON on stdout, docs/bench.schema.json)');
  tuneFlags(benchCmd, 'each mode')
    .addHelpText('after', HELP_BENCH)
    .action(async (model: string, flags: Record<string, string | boolean | string[] | undefined>) => {
      await (await import('./bench.js')).benchCommand(model, flags, io);
    });

  weightFlags(
    addModelFlags(
      program
        .command('export')
        .description('write a model as ONNX (opset 17; IR node paths as node names) that onnxruntime runs')
        .argument('<model>', MODEL_ARG),
    ),
  )
    .option('--out <file>', 'the .onnx file to write (required)')
    .addHelpText('after', HELP_ONNX)
    .action(async (model: string, flags: Record<string, string | boolean | string[] | undefined>) => {
      await (await import('./onnx.js')).exportCommand(model, flags, io);
    });

  weightFlags(
    addModelFlags(
      program
        .command('serve')
        .description(
          'serve a local page (127.0.0.1) that runs the kernels in your browser on webgl2, webgpu, webasm and cpu, verifies them against the float64 reference and races onnxruntime-web',
        )
        .argument('<target>', `${MODEL_ARG}, or a directory from \`compile --out\``),
    ),
  )
    .option('--port <n>', 'port to listen on (default: any free port; the URL is printed)')
    .option('--open', 'open the page in the system browser (best effort)')
    .addHelpText('after', HELP_SERVE)
    .action(async (target: string, flags: Record<string, string | boolean | string[] | undefined>) => {
      await (await import('./serve.js')).serveCommand(target, flags, io);
    });

  try {
    if (argv.length === 0) {
      io.out(program.helpInformation());
      return 2;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return io.exitCode ?? 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help / --version exit 0; every parse error is a user error.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isCoordattnError(e)) {
      io.err(`coordattn: ${e.message}\n`);
      return 2;
    }
    // A bug: exit 1 with the stack, said to be one so that CI logs tell it from a failed verify.
    const trace = e instanceof Error ? (e.stack ?? e.message) : String(e);
    io.err(
      `coordattn: internal error (a bug in coordattn, not in your model, flags or files; please report it)\n${trace}\n`,
    );
    return 1;
  }
}

function defaultIo(): Io {
  return {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    cwd: process.cwd(),
    isTTY: process.stderr.isTTY === true,
  };
}
