/**
 * The emitter: a compiled model → a standalone ES module.
 *
 * `emitModule` builds `model.ts` with ts-morph (one exported, typed function per kernel, the plan
 * as `PROGRAM`, the weights manifest as `WEIGHTS_MANIFEST`, `KERNELS`, `createModel` and `load`).
 * `writeCompiledModule` writes it into a folder together with the self-contained runtime
 * (`runtime`; `gpujs-patch`, the gpu.js code generator patch it applies; `errors`, the project's
 * error type, the runtime's import of it pointed at the copy — they import only gpu.js and each
 * other, no Node built-in), the plan as `program.json`, the weights file, a kernels report and a
 * `package.json` (`"type": "module"`, gpu.js). By default (`emit: 'js'`) every module is written as
 * JavaScript with its declarations (`model.js` + `model.d.ts`, …), transpiled from the same
 * TypeScript sources (the emitted `model.ts`, and the runtime's files read from the codegen and ir
 * packages' `src/`): it runs in plain Node and in browsers. `emit: 'ts'` writes the TypeScript
 * sources instead. The folder needs nothing from @coordattn/*: only gpu.js.
 * `typeCheckModule` type-checks a TypeScript folder strictly with ts-morph.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TsMorphModule from 'ts-morph';
import type { FunctionDeclarationStructure, JSDocStructure, OptionalKind, Project, ts } from 'ts-morph';
import { CoordattnError } from '@coordattn/ir';
import { encodeWeights, formatManifest, type WeightsManifest } from '@coordattn/reference';
import type { Compiled } from '../compile.js';
import type { KernelDesc, ProgramData } from '../runtime/runtime.js';

type TsMorph = typeof TsMorphModule;
let tsMorphModule: TsMorph | undefined;
/**
 * ts-morph, and the TypeScript compiler inside it (~0.3 s to load), only once a module is emitted:
 * `run`, `verify` and `bench` import this package without paying for it.
 */
function tsMorph(): TsMorph {
  return (tsMorphModule ??= createRequire(import.meta.url)('ts-morph') as TsMorph);
}

/** What `writeCompiledModule` writes: JavaScript with declarations (default), or the TypeScript sources. */
export const EMIT_KINDS = ['js', 'ts'] as const;
export type EmitKind = (typeof EMIT_KINDS)[number];

export interface EmitOptions {
  /** Weights manifest file name written beside the module (default `weights.json`; must end in `.json`). */
  readonly weightsFile?: string;
  /** What was compiled, for the header and the report (e.g. `mobilenetv2 --attention ca`). */
  readonly title?: string;
  /** writeCompiledModule: `js` (default: `.js` + `.d.ts`, runs in plain Node and browsers) or `ts` (the sources). */
  readonly emit?: EmitKind;
}

export interface WrittenModule {
  readonly dir: string;
  /** Paths of the files written (`dir` joined with each name). */
  readonly files: string[];
}

/** Names the module declares, imports or exports itself; a kernel may not take one of them. */
const RESERVED = new Set([
  'Bytes',
  'CoordattnError',
  'createModel',
  'decodeWeights',
  'GpujsPatchStatus',
  'gpujsPatchStatus',
  'KERNELS',
  'KernelFunction',
  'KernelThis',
  'load',
  'LoadOptions',
  'Mode',
  'ModelOptions',
  'PROGRAM',
  'ProgramData',
  'readWeights',
  'Runtime',
  'WEIGHTS_MANIFEST',
  'WeightsManifest',
  'WeightsSource',
]);

const FORMAT_SETTINGS = {
  indentSize: 2,
  tabSize: 2,
  convertTabsToSpaces: true,
  ensureNewLineAtEndOfFile: true,
} as const;

function weightsFileOf(opts: EmitOptions): string {
  const f = opts.weightsFile ?? 'weights.json';
  if (!f.endsWith('.json') || basename(f) !== f) {
    throw new CoordattnError('E_OPTION', `weightsFile must be a file name ending in .json, got '${f}'`);
  }
  return f;
}

function dimsText(d: readonly number[]): string {
  return `[${d.join(', ')}]`;
}

/** Text that may go inside a block comment. */
function commentSafe(s: string): string {
  return s.replace(/\*\//g, '*\\/');
}

function quote(s: string): string {
  return `'${JSON.stringify(s).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

function keyText(k: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k);
}

/** Containers of primitives stay on one line up to 120 columns, others up to 100. */
function fitsOnOneLine(text: string, items: readonly unknown[], indent: string): boolean {
  const flat = items.every((e) => e === null || typeof e !== 'object');
  return !text.includes('\n') && indent.length + text.length <= (flat ? 120 : 100);
}

/**
 * A JSON-like value as a TypeScript literal: single quotes, bare keys, short arrays and objects on
 * one line, longer ones one entry per line.
 */
function literal(v: unknown, indent = ''): string {
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return quote(v);
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const items = v.map((e) => literal(e, inner));
    const one = `[${items.join(', ')}]`;
    if (fitsOnOneLine(one, v, indent)) return one;
    return `[\n${items.map((i) => `${inner}${i},`).join('\n')}\n${indent}]`;
  }
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, e]) => e !== undefined);
    if (entries.length === 0) return '{}';
    const items = entries.map(([k, e]) => `${keyText(k)}: ${literal(e, inner)}`);
    const one = `{ ${items.join(', ')} }`;
    if (fitsOnOneLine(one, Object.values(v), indent)) return one;
    return `{\n${items.map((i) => `${inner}${i},`).join('\n')}\n${indent}}`;
  }
  throw new CoordattnError('E_KERNEL', `cannot emit a ${typeof v} as a literal`);
}

/** The parameter names and body statements of a descriptor's `function name(args) { body }`. */
function splitSource(parser: Project, k: KernelDesc): { params: string[]; body: string } {
  const sf = parser.createSourceFile(`${k.name}.js`, k.source, { overwrite: true });
  const fns = sf.getFunctions();
  if (fns.length !== 1 || sf.getStatements().length !== 1) {
    throw new CoordattnError('E_KERNEL', `kernel ${k.name}: source is not a single function declaration`);
  }
  const fn = fns[0];
  if (fn.getName() !== k.name) {
    throw new CoordattnError(
      'E_KERNEL',
      `kernel ${k.name}: source declares function '${fn.getName() ?? '(anonymous)'}'`,
    );
  }
  const params = fn.getParameters().map((p) => p.getName());
  const want = k.args.map((a) => a.name);
  if (params.join(',') !== want.join(',')) {
    throw new CoordattnError(
      'E_KERNEL',
      `kernel ${k.name}: source parameters (${params.join(', ')}) differ from its args (${want.join(', ')})`,
    );
  }
  return { params, body: fn.getBodyText() ?? '' };
}

function kernelDocs(k: KernelDesc): OptionalKind<JSDocStructure> {
  const constants = Object.entries(k.constants)
    .map(([n, v]) => `${n}=${v}`)
    .join(', ');
  const description = [
    `Kernel \`${k.name}\` (template ${k.template}) computes ${k.nodes.map((n) => `\`${n}\``).join(', ')}.`,
    '',
    `- produces \`${k.value}\`, shape ${dimsText(k.shape)}; gpu.js output (x, y, z) ${dimsText(k.output)}`,
    `- reduction: ${k.reduction} term(s) per output element`,
    `- passes: ${k.passes.length > 0 ? k.passes.join(', ') : '(none)'}`,
    `- constants: ${constants || '(none)'}`,
    `- cache key: \`${k.cacheKey}\``,
  ]
    .map(commentSafe)
    .join('\n');
  return {
    description,
    tags: k.args.map((a) => ({
      tagName: 'param',
      text: commentSafe(`${a.name} value \`${a.ref}\`, gpu.js size ${dimsText(a.dims)}`),
    })),
  };
}

function header(compiled: Compiled, opts: EmitOptions, shard: string): string {
  const p = compiled.program;
  const io = (xs: readonly { shape: readonly number[] }[], name: (i: number) => string): string =>
    xs.map((x, i) => `${name(i)} ${dimsText(x.shape)}`).join(', ');
  const lines = [
    'Generated by coordattn (@coordattn/codegen). Do not edit: regenerate it instead.',
    '',
    `Model: ${opts.title ?? '(untitled)'}`,
    `Passes: ${p.passes.length > 0 ? p.passes.join(', ') : '(none)'}`,
    `Kernels: ${p.kernels.length}`,
    `Inputs: ${io(p.inputs, (i) => `\`${p.inputs[i].name}\``)} (NCHW, float32, flat row-major)`,
    `Outputs: ${io(p.outputs, (i) => `\`${p.outputs[i].ref}\``)}`,
    '',
    'An ES module that needs only gpu.js and the runtime beside it (./runtime.js, ./gpujs-patch.js,',
    './errors.js). It imports no Node built-in: it runs in plain Node (no loader) and in browsers.',
    `The weights are read from ./${shard} beside it, or passed in (bytes, or a URL):`,
    '',
    "  import { load } from './model.js';",
    "  const model = await load({ mode: 'webasm' }); // or 'cpu'; 'headlessgl' (Node, xvfb-run -a)",
    `  const out = await model.runAsync({ ${keyText(p.inputs[0]?.name ?? 'x')}: new Float32Array(${p.inputs[0]?.shape.reduce((a, d) => a * d, 1) ?? 0}) });`,
    `  console.log(out[${quote(p.outputs[0]?.ref ?? '')}]);`,
    '  model.destroy();',
    '',
    `\`load({ weights })\` also takes the bytes of ${shard} (ArrayBuffer, Uint8Array) or a URL;`,
    '`createModel(mode, bytes)` builds the model synchronously from the bytes.',
  ].map(commentSafe);
  return ['/**', ...lines.map((l) => (l === '' ? ' *' : ` * ${l}`)), ' */'].join('\n');
}

/** Kernels read every value flat (row-major index), so each value argument is typed as a flat array. */
const ARG_TYPE = 'ArrayLike<number>';

function kernelFunction(parser: Project, k: KernelDesc): FunctionDeclarationStructure {
  const { params, body } = splitSource(parser, k);
  return {
    kind: tsMorph().StructureKind.Function,
    name: k.name,
    isExported: true,
    docs: [kernelDocs(k)],
    parameters: [{ name: 'this', type: 'KernelThis' }, ...params.map((name) => ({ name, type: ARG_TYPE }))],
    returnType: 'number',
    statements: body,
  };
}

/** The shard file of a manifest with one shard (what encodeWeights writes). */
function singleShard(manifest: WeightsManifest): string {
  const paths = manifest.weightsManifest.flatMap((g) => g.paths);
  if (paths.length !== 1) {
    throw new CoordattnError('E_KERNEL', `expected one weights shard, the manifest names ${paths.length}`);
  }
  return paths[0];
}

/** The weights file's manifest and its one float32 shard (file names from `opts.weightsFile`). */
function weightsOf(compiled: Compiled, opts: EmitOptions): { manifest: WeightsManifest; bin: Uint8Array } {
  return encodeWeights(compiled.params, {
    binName: weightsFileOf(opts).replace(/\.json$/, '.bin'),
    meta: { generator: '@coordattn/codegen', ...(opts.title ? { title: opts.title } : {}) },
  });
}

/** The API below the kernels: the options, `createModel` (bytes) and `load` (bytes or a URL). */
function apiStatements(shard: string): string {
  return `/** Options of createModel and load besides the mode. */
export interface ModelOptions {
  /** webasm only: build the kernels in gpu.js's async mode (its worker pool); run the model with runAsync. */
  readonly async?: boolean;
  /** Accept kernels that gpu.js ran on another backend than the mode's (\`backends\` still says which); default: E_BACKEND. */
  readonly allowFallback?: boolean;
}

/** Options of load. */
export interface LoadOptions extends ModelOptions {
  /** 'webasm' (default), 'cpu', or 'headlessgl' (Node with the gl package and an X display: xvfb-run -a). */
  readonly mode?: Mode;
  /**
   * The weights: the bytes of ${shard} (ArrayBuffer, Uint8Array, Node's Buffer), or where to read them:
   * a URL, or a string resolved against this module's URL. http(s) and data: URLs are fetched; a
   * file: URL is read with Node's fs (Node only). Default: ${shard} beside this module.
   */
  readonly weights?: WeightsSource;
}

/**
 * Builds the model from the bytes of ${shard}, synchronously. \`run(inputs)\` (sync) or
 * \`runAsync(inputs)\` (webasm: one fused pipeline) then return the outputs by name, flat row-major.
 */
export function createModel(mode: Mode, weights: Bytes, options: ModelOptions = {}): Runtime {
  const params = decodeWeights(WEIGHTS_MANIFEST, weights, ${quote(shard)});
  return new Runtime(PROGRAM, params, {
    mode,
    async: options.async,
    allowFallback: options.allowFallback,
    functions: KERNELS,
  });
}

/** Reads the weights (default: ${shard} beside this module) and builds the model on \`mode\` (default webasm). */
export async function load(options: LoadOptions = {}): Promise<Runtime> {
  const params = await readWeights(WEIGHTS_MANIFEST, options.weights, import.meta.url);
  return new Runtime(PROGRAM, params, {
    mode: options.mode ?? 'webasm',
    async: options.async,
    allowFallback: options.allowFallback,
    functions: KERNELS,
  });
}`;
}

/** The `model.ts` text of a compiled model, built with ts-morph. */
export function emitModule(compiled: Compiled, opts: EmitOptions = {}): string {
  return emitModuleWith(compiled, opts, weightsOf(compiled, opts).manifest);
}

function emitModuleWith(compiled: Compiled, opts: EmitOptions, manifest: WeightsManifest): string {
  const shard = singleShard(manifest);
  const program: ProgramData = compiled.program;
  const seen = new Set<string>();
  for (const k of program.kernels) {
    if (RESERVED.has(k.name) || seen.has(k.name) || !/^[A-Za-z_$][\w$]*$/.test(k.name)) {
      throw new CoordattnError(
        'E_KERNEL',
        `kernel name '${k.name}' is not a free identifier in the emitted module`,
      );
    }
    seen.add(k.name);
  }

  const project = new (tsMorph().Project)({
    useInMemoryFileSystem: true,
    manipulationSettings: {
      indentationText: tsMorph().IndentationText.TwoSpaces,
      quoteKind: tsMorph().QuoteKind.Single,
      useTrailingCommas: true,
    },
  });
  const sf = project.createSourceFile('model.ts', '', { overwrite: true });
  sf.addStatements(header(compiled, opts, shard));
  sf.addImportDeclaration({
    moduleSpecifier: './runtime.js',
    namedImports: [
      'Runtime',
      'decodeWeights',
      'readWeights',
      { name: 'Bytes', isTypeOnly: true },
      { name: 'KernelFunction', isTypeOnly: true },
      { name: 'KernelThis', isTypeOnly: true },
      { name: 'Mode', isTypeOnly: true },
      { name: 'ProgramData', isTypeOnly: true },
      { name: 'WeightsManifest', isTypeOnly: true },
      { name: 'WeightsSource', isTypeOnly: true },
    ],
  });
  // What a user of the module needs besides load/createModel, so that one import (or the one-file
  // browser bundle) has it all: the error type and the runtime's types.
  sf.addExportDeclaration({ moduleSpecifier: './errors.js', namedExports: ['CoordattnError'] });
  sf.addExportDeclaration({
    moduleSpecifier: './runtime.js',
    namedExports: [
      'Runtime',
      'gpujsPatchStatus',
      { name: 'Bytes', isTypeOnly: true },
      { name: 'GpujsPatchStatus', isTypeOnly: true },
      { name: 'Mode', isTypeOnly: true },
      { name: 'ProgramData', isTypeOnly: true },
      { name: 'WeightsManifest', isTypeOnly: true },
      { name: 'WeightsSource', isTypeOnly: true },
    ],
  });

  // One structure per kernel, added in one manipulation (ts-morph re-parses the file after each).
  const parser = new (tsMorph().Project)({ useInMemoryFileSystem: true });
  sf.addFunctions(program.kernels.map((k) => kernelFunction(parser, k)));

  sf.addVariableStatement({
    isExported: true,
    declarationKind: tsMorph().VariableDeclarationKind.Const,
    docs: [
      'The execution plan: inputs, outputs, and the kernels in execution order (their sources are the functions above).',
    ],
    declarations: [{ name: 'PROGRAM', type: 'ProgramData', initializer: literal(program) }],
  });
  sf.addVariableStatement({
    isExported: true,
    declarationKind: tsMorph().VariableDeclarationKind.Const,
    docs: [
      `The weights manifest (the ${weightsFileOf(opts)} written beside this module): the tensors, in the order their float32 values lie in ${shard}.`,
    ],
    declarations: [{ name: 'WEIGHTS_MANIFEST', type: 'WeightsManifest', initializer: literal(manifest) }],
  });
  sf.addVariableStatement({
    isExported: true,
    declarationKind: tsMorph().VariableDeclarationKind.Const,
    docs: [
      'The kernel functions by name; the runtime hands each one to gpu.js (which reads its source text).',
    ],
    declarations: [
      {
        name: 'KERNELS',
        type: 'Readonly<Record<string, KernelFunction>>',
        initializer: (w) => {
          w.write('{').newLine();
          w.indent(() => {
            for (const k of program.kernels) w.writeLine(`${k.name},`);
          });
          w.write('}');
        },
      },
    ],
  });
  sf.addStatements(apiStatements(shard));

  sf.formatText(FORMAT_SETTINGS);
  return sf.getFullText();
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The kernels report (markdown): totals, passes, one table row per kernel. */
export function kernelsReport(compiled: Compiled, opts: EmitOptions = {}): string {
  const p = compiled.program;
  const nodes = new Set(p.kernels.flatMap((k) => k.nodes));
  const keys = new Set(p.kernels.map((k) => k.cacheKey));
  let values = 0;
  for (const t of compiled.params.values()) values += t.data.length;
  const byTemplate = new Map<string, number>();
  for (const k of p.kernels) byTemplate.set(k.template, (byTemplate.get(k.template) ?? 0) + 1);
  const lines = [
    `# Kernels${opts.title ? `: ${opts.title}` : ''}`,
    '',
    `- passes that ran: ${p.passes.length > 0 ? p.passes.join(', ') : '(none)'}`,
    `- kernels: ${p.kernels.length} (${[...byTemplate].map(([t, n]) => `${t} ${n}`).join(', ')})`,
    `- IR nodes covered: ${nodes.size}`,
    `- distinct cache keys: ${keys.size}`,
    `- weight tensors: ${compiled.params.size} (${values} float32 values, ${4 * values} bytes)`,
    `- inputs: ${p.inputs.map((i) => `\`${i.name}\` ${dimsText(i.shape)}`).join(', ')}`,
    `- outputs: ${p.outputs.map((o) => `\`${o.ref}\` ${dimsText(o.shape)}`).join(', ')}`,
    '',
    '| # | kernel | template | IR nodes | output shape | reduction | passes | cache key |',
    '|---|---|---|---|---|---|---|---|',
    ...p.kernels.map((k, i) =>
      [
        '',
        String(i),
        `\`${k.name}\``,
        k.template,
        k.nodes.map((n) => `\`${n}\``).join(', '),
        dimsText(k.shape),
        String(k.reduction),
        k.passes.join(', ') || '–',
        `\`${k.cacheKey}\``,
        '',
      ]
        .map(cell)
        .join(' | ')
        .trim(),
    ),
    '',
  ];
  return lines.join('\n');
}

const ERRORS_IMPORT = "from '@coordattn/ir/errors';";

/** The folder above `start` (or `start` itself) whose package.json names the package `name`. */
function enclosingPackage(start: string, name: string): string | undefined {
  for (let d = start; ; d = dirname(d)) {
    try {
      const pkg = JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === name) return d;
    } catch {
      // no (readable) package.json here
    }
    if (dirname(d) === d) return undefined;
  }
}

const sources = new Map<string, ReadonlyMap<string, string>>();

/**
 * The TypeScript sources that go beside every emitted module, by file name: `runtime.ts` (its
 * import of `@coordattn/ir/errors` pointed at `./errors.js`), `gpujs-patch.ts` and `errors.ts`.
 * They are read from the packages' `src/` folders, which the packages ship: @coordattn/codegen's is
 * found by walking up from `from` (this file: `src/emit/` in the workspace, `dist/` in the built
 * package) to the folder whose package.json names it; @coordattn/ir's through its `./package.json`
 * export, resolved from there. A missing file is a CoordattnError (E_IO) naming it.
 */
export function runtimeSources(from: string = import.meta.url): ReadonlyMap<string, string> {
  const cached = sources.get(from);
  if (cached) return cached;
  const here = fileURLToPath(from);
  const codegen = enclosingPackage(dirname(here), '@coordattn/codegen');
  if (codegen === undefined) {
    throw new CoordattnError('E_IO', 'cannot find the @coordattn/codegen package folder above this file', {
      path: here,
    });
  }
  let ir: string;
  try {
    ir = dirname(createRequire(from).resolve('@coordattn/ir/package.json'));
  } catch (e) {
    throw new CoordattnError('E_IO', `cannot resolve @coordattn/ir/package.json: ${(e as Error).message}`, {
      path: codegen,
    });
  }
  const read = (file: string): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      throw new CoordattnError('E_IO', 'cannot read a source of the emitted module', {
        path: file,
        expected: "the package's src/ folder, which the emitter transpiles",
      });
    }
  };
  const runtimePath = join(codegen, 'src', 'runtime', 'runtime.ts');
  const runtime = read(runtimePath);
  if (!runtime.includes(ERRORS_IMPORT)) {
    throw new CoordattnError(
      'E_KERNEL',
      'runtime.ts does not import @coordattn/ir/errors as the emitter expects',
      {
        path: runtimePath,
      },
    );
  }
  const found = new Map([
    ['runtime.ts', runtime.replace(ERRORS_IMPORT, "from './errors.js';")],
    ['gpujs-patch.ts', read(join(codegen, 'src', 'runtime', 'gpujs-patch.ts'))],
    ['errors.ts', read(join(ir, 'src', 'errors.ts'))],
  ]);
  sources.set(from, found);
  return found;
}

/**
 * A TypeScript module as JavaScript (ES2022, ES modules): types erased, TypeScript-only syntax
 * (parameter properties) written out, comments kept.
 */
export function toJavaScript(fileName: string, text: string): string {
  const out = tsMorph().ts.transpileModule(text, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: { target: tsMorph().ts.ScriptTarget.ES2022, module: tsMorph().ts.ModuleKind.ESNext },
  });
  const [d] = out.diagnostics ?? [];
  if (d) {
    throw new CoordattnError(
      'E_KERNEL',
      `cannot transpile: TS${d.code}: ${tsMorph().ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
      { path: fileName },
    );
  }
  return out.outputText;
}

const requireHere = createRequire(import.meta.url);

/** Where a package's root folder is, seen from this file. */
function packageRoot(entry: string, name: string): string {
  let entryPath: string;
  try {
    entryPath = requireHere.resolve(entry);
  } catch (e) {
    throw new CoordattnError('E_IO', `cannot resolve ${entry}: ${(e as Error).message}`);
  }
  const root = enclosingPackage(dirname(entryPath), name);
  if (root === undefined) throw new CoordattnError('E_IO', `cannot find the ${name} package from ${entry}`);
  return root;
}

/** gpu.js's version and type declarations, as this package resolves it. */
function gpujsPackage(): { version: string; types: string } {
  const root = packageRoot('gpu.js', 'gpu.js');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    version?: string;
    types?: string;
    typings?: string;
  };
  return {
    version: pkg.version ?? '*',
    types: resolve(root, pkg.types ?? pkg.typings ?? 'index.d.ts'),
  };
}

/**
 * The compiler options an emitted module is checked and declared with: strict, ES2022 + DOM, ES
 * modules with bundler resolution, and no Node types — the module must not need Node.
 */
function moduleCompilerOptions(): ts.CompilerOptions {
  return {
    strict: true,
    noImplicitAny: true,
    target: tsMorph().ts.ScriptTarget.ES2022,
    module: tsMorph().ts.ModuleKind.ESNext,
    moduleResolution: tsMorph().ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    paths: { 'gpu.js': [gpujsPackage().types] },
    isolatedModules: true,
    skipLibCheck: true,
  };
}

let runtimeOutputs: Map<string, { js: string; dts: string }> | undefined;

/**
 * The runtime's modules as JavaScript and declarations, by `.ts` name (the same for every model:
 * built once). The declarations come from a TypeScript program over the sources (placed, in memory
 * only, in a folder of their own), which resolves their gpu.js types.
 */
function runtimeOutputsOf(): Map<string, { js: string; dts: string }> {
  if (runtimeOutputs) return runtimeOutputs;
  const files = runtimeSources();
  const project = new (tsMorph().Project)({
    compilerOptions: { ...moduleCompilerOptions(), declaration: true, emitDeclarationOnly: true },
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
  });
  const where = resolve(dirname(fileURLToPath(import.meta.url)), '__runtime__');
  for (const [name, text] of files) project.createSourceFile(join(where, name), text, { overwrite: true });
  const result = project.emitToMemory({ emitOnlyDtsFiles: true });
  const [d] = result.getDiagnostics();
  if (d) {
    throw new CoordattnError(
      'E_KERNEL',
      `cannot emit the runtime's declarations: ${tsMorph().ts.flattenDiagnosticMessageText(d.compilerObject.messageText, ' ')}`,
    );
  }
  const dts = new Map(
    result.getFiles().map((f) => [basename(f.filePath).replace(/\.d\.ts$/, '.ts'), f.text]),
  );
  runtimeOutputs = new Map(
    [...files].map(([name, text]) => {
      const declarations = dts.get(name);
      if (declarations === undefined) {
        throw new CoordattnError('E_KERNEL', `TypeScript emitted no declarations for ${name}`);
      }
      return [name, { js: toJavaScript(name, text), dts: declarations }];
    }),
  );
  return runtimeOutputs;
}

/**
 * The declarations of a `model.ts`, from its text alone (`tsMorph().ts.transpileDeclaration`: every export
 * of an emitted model is explicitly typed, as isolated declarations require), which is fast also
 * for a model of several megabytes.
 */
function modelDeclarations(text: string): string {
  const out = tsMorph().ts.transpileDeclaration(text, {
    fileName: 'model.ts',
    reportDiagnostics: true,
    compilerOptions: {
      target: tsMorph().ts.ScriptTarget.ES2022,
      module: tsMorph().ts.ModuleKind.ESNext,
      strict: true,
    },
  });
  const [d] = out.diagnostics ?? [];
  if (d) {
    throw new CoordattnError(
      'E_KERNEL',
      `cannot emit the declarations of model.ts: TS${d.code}: ${tsMorph().ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
    );
  }
  return out.outputText;
}

/** The package.json of an emitted folder: ES modules, and the gpu.js the runtime was written for. */
function packageJson(emit: EmitKind): string {
  const pkg = {
    private: true,
    type: 'module',
    ...(emit === 'js' ? { main: './model.js', types: './model.d.ts' } : {}),
    dependencies: { 'gpu.js': gpujsPackage().version },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/**
 * Writes the module into `dir`: with `emit: 'js'` (default) `model.js`, `runtime.js`,
 * `gpujs-patch.js`, `errors.js` and a `.d.ts` for each; with `emit: 'ts'` `model.ts`, `runtime.ts`,
 * `gpujs-patch.ts`, `errors.ts`. Both: `package.json`, `program.json`, the weights file (manifest +
 * `.bin`) and `kernels.md`.
 */
export function writeCompiledModule(dir: string, compiled: Compiled, opts: EmitOptions = {}): WrittenModule {
  const emit = opts.emit ?? 'js';
  if (!(EMIT_KINDS as readonly string[]).includes(emit)) {
    throw new CoordattnError('E_OPTION', `unknown emit '${String(emit)}'`, {
      expected: `one of ${EMIT_KINDS.join(', ')}`,
    });
  }
  const weightsFile = weightsFileOf(opts);
  const { manifest, bin } = weightsOf(compiled, opts);
  const model = emitModuleWith(compiled, opts, manifest);
  const written = new Map<string, string | Uint8Array>();
  if (emit === 'ts') {
    for (const [name, text] of [['model.ts', model], ...runtimeSources()]) written.set(name, text);
  } else {
    written.set('model.js', toJavaScript('model.ts', model));
    written.set('model.d.ts', modelDeclarations(model));
    for (const [name, { js, dts }] of runtimeOutputsOf()) {
      const stem = name.replace(/\.ts$/, '');
      written.set(`${stem}.js`, js);
      written.set(`${stem}.d.ts`, dts);
    }
  }
  written.set('package.json', packageJson(emit));
  written.set('program.json', `${JSON.stringify(compiled.program, null, 2)}\n`);
  written.set(weightsFile, formatManifest(manifest));
  written.set(singleShard(manifest), bin);
  written.set('kernels.md', kernelsReport(compiled, opts));

  const files: string[] = [];
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new CoordattnError('E_IO', `cannot create the folder: ${(e as Error).message}`, { path: dir });
  }
  for (const [name, data] of written) {
    const path = join(dir, name);
    try {
      writeFileSync(path, data);
    } catch (e) {
      throw new CoordattnError('E_IO', `cannot write: ${(e as Error).message}`, { path });
    }
    files.push(path);
  }
  return { dir, files };
}

let checker: { project: Project; files: string[] } | undefined;

/** One Project for every check (library files are parsed once), resolving gpu.js from here. */
function checkerProject(): Project {
  if (checker) return checker.project;
  const project = new (tsMorph().Project)({
    compilerOptions: { ...moduleCompilerOptions(), noEmit: true },
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
  });
  checker = { project, files: [] };
  return project;
}

/**
 * Type-checks `dir/model.ts`, `dir/runtime.ts`, `dir/gpujs-patch.ts` and `dir/errors.ts` (as
 * written with `emit: 'ts'`) strictly: ES2022 + DOM libs, ESNext modules, bundler resolution and no
 * Node types (the module must not need Node). Returns the diagnostics one per line
 * (`file:line:col - TScode: text`), [] when clean.
 */
export function typeCheckModule(dir: string): string[] {
  const project = checkerProject();
  for (const f of checker!.files) {
    const sf = project.getSourceFile(f);
    if (sf) project.removeSourceFile(sf);
  }
  const paths = ['model.ts', 'runtime.ts', 'gpujs-patch.ts', 'errors.ts'].map((f) => resolve(dir, f));
  const files = paths.map((p) => project.addSourceFileAtPath(p));
  for (const sf of files) sf.refreshFromFileSystemSync();
  checker!.files = paths;
  const program = project.getProgram().compilerObject;
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...paths.flatMap((p) => {
      const sf = program.getSourceFile(p)!;
      return [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    }),
  ];
  return diagnostics.map((d) => {
    const text = tsMorph().ts.flattenDiagnosticMessageText(d.messageText, ' ');
    if (!d.file || d.start === undefined) return `TS${d.code}: ${text}`;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${relative(resolve(dir), d.file.fileName) || d.file.fileName}:${line + 1}:${character + 1} - TS${d.code}: ${text}`;
  });
}
