/**
 * The emitter: a compiled model → a standalone, readable TypeScript module.
 *
 * `emitModule` builds `model.ts` with ts-morph (one exported, typed function per kernel, the plan
 * as `PROGRAM`, `KERNELS`, `createModel`); `writeCompiledModule` writes it into a folder together
 * with copies of the self-contained runtime (`runtime.ts`; `gpujs-patch.ts`, the gpu.js code
 * generator patch it applies; `errors.ts`, the project's error type, the runtime's import of it
 * pointed at the copy — they import only gpu.js, node builtins and each other), the plan as
 * `program.json`, the weights file and a kernels report. The
 * folder needs nothing from @coordattn/*: only gpu.js, and a TypeScript loader such as tsx.
 * `typeCheckModule` type-checks such a folder strictly with ts-morph.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import {
  IndentationText,
  Project,
  QuoteKind,
  ts,
  VariableDeclarationKind,
  StructureKind,
  type FunctionDeclarationStructure,
  type JSDocStructure,
  type OptionalKind,
} from 'ts-morph';
import { CoordattnError } from '@coordattn/ir';
import { saveWeights } from '@coordattn/reference';
import type { Compiled } from '../compile.js';
import type { KernelDesc, ProgramData } from '../runtime/runtime.js';

export interface EmitOptions {
  /** Weights manifest file name written beside the module (default `weights.json`; must end in `.json`). */
  readonly weightsFile?: string;
  /** What was compiled, for the header and the report (e.g. `mobilenetv2 --attention ca`). */
  readonly title?: string;
}

export interface WrittenModule {
  readonly dir: string;
  /** Paths of the files written (`dir` joined with each name). */
  readonly files: string[];
}

/** Names the module declares itself; a kernel may not take one of them. */
const RESERVED = new Set([
  'Runtime',
  'loadWeightsFile',
  'Mode',
  'ProgramData',
  'KernelThis',
  'fileURLToPath',
  'PROGRAM',
  'KERNELS',
  'createModel',
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

function header(compiled: Compiled, opts: EmitOptions, weightsFile: string): string {
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
    `This module needs only gpu.js and the runtime beside it (./runtime.ts); the weights are read`,
    `from ./${weightsFile}. Run it with a TypeScript loader, e.g. \`node --import tsx main.ts\`:`,
    '',
    "  import { createModel } from './model.js';",
    "  const model = createModel('cpu'); // or 'webasm', 'headlessgl' (under xvfb-run -a)",
    `  const out = model.run({ ${keyText(p.inputs[0]?.name ?? 'x')}: new Float32Array(${p.inputs[0]?.shape.reduce((a, d) => a * d, 1) ?? 0}) });`,
    `  console.log(out[${quote(p.outputs[0]?.ref ?? '')}]);`,
    '  model.destroy();',
  ].map(commentSafe);
  return ['/**', ...lines.map((l) => (l === '' ? ' *' : ` * ${l}`)), ' */'].join('\n');
}

/** Kernels read every value flat (row-major index), so each value argument is typed as a flat array. */
const ARG_TYPE = 'ArrayLike<number>';

function kernelFunction(parser: Project, k: KernelDesc): FunctionDeclarationStructure {
  const { params, body } = splitSource(parser, k);
  return {
    kind: StructureKind.Function,
    name: k.name,
    isExported: true,
    docs: [kernelDocs(k)],
    parameters: [{ name: 'this', type: 'KernelThis' }, ...params.map((name) => ({ name, type: ARG_TYPE }))],
    returnType: 'number',
    statements: body,
  };
}

/** The `model.ts` text of a compiled model, built with ts-morph. */
export function emitModule(compiled: Compiled, opts: EmitOptions = {}): string {
  const weightsFile = weightsFileOf(opts);
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

  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: {
      indentationText: IndentationText.TwoSpaces,
      quoteKind: QuoteKind.Single,
      useTrailingCommas: true,
    },
  });
  const sf = project.createSourceFile('model.ts', '', { overwrite: true });
  sf.addStatements(header(compiled, opts, weightsFile));
  sf.addImportDeclaration({ moduleSpecifier: 'node:url', namedImports: ['fileURLToPath'] });
  sf.addImportDeclaration({
    moduleSpecifier: './runtime.js',
    namedImports: [
      'Runtime',
      'loadWeightsFile',
      { name: 'Mode', isTypeOnly: true },
      { name: 'ProgramData', isTypeOnly: true },
      { name: 'KernelThis', isTypeOnly: true },
    ],
  });

  // One structure per kernel, added in one manipulation (ts-morph re-parses the file after each).
  const parser = new Project({ useInMemoryFileSystem: true });
  sf.addFunctions(program.kernels.map((k) => kernelFunction(parser, k)));

  sf.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [
      'The execution plan: inputs, outputs, and the kernels in execution order (their sources are the functions above).',
    ],
    declarations: [{ name: 'PROGRAM', type: 'ProgramData', initializer: literal(program) }],
  });
  sf.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [
      'The kernel functions by name; the runtime hands each one to gpu.js (which reads its source text).',
    ],
    declarations: [
      {
        name: 'KERNELS',
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
  sf.addFunction({
    name: 'createModel',
    isExported: true,
    docs: [
      {
        description:
          'Builds the model on a gpu.js mode; `run({ input: Float32Array })` then returns the outputs by name.',
        tags: [
          {
            tagName: 'param',
            text: "mode 'cpu', 'webasm' or 'headlessgl' (needs an X display: xvfb-run -a)",
          },
          {
            tagName: 'param',
            text: `weightsPath the weights manifest (default: ${weightsFile} beside this module)`,
          },
        ],
      },
    ],
    parameters: [
      { name: 'mode', type: 'Mode' },
      {
        name: 'weightsPath',
        type: 'string',
        initializer: `fileURLToPath(new URL(${quote(`./${weightsFile}`)}, import.meta.url))`,
      },
    ],
    returnType: 'Runtime',
    statements: [
      'const weights = loadWeightsFile(weightsPath);',
      'return new Runtime(PROGRAM, weights, { mode, functions: KERNELS });',
    ],
  });

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

/** Writes model.ts, runtime.ts, gpujs-patch.ts, errors.ts, program.json, the weights file and kernels.md into `dir`. */
export function writeCompiledModule(dir: string, compiled: Compiled, opts: EmitOptions = {}): WrittenModule {
  const weightsFile = weightsFileOf(opts);
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const write = (name: string, data: string | Uint8Array): void => {
    writeFileSync(join(dir, name), data);
    files.push(join(dir, name));
  };
  write('model.ts', emitModule(compiled, opts));
  // The runtime imports the project's error type from @coordattn/ir/errors (a file that imports
  // nothing): the module gets a copy as ./errors.ts and the runtime's import is pointed at it.
  const runtime = readFileSync(new URL('../runtime/runtime.ts', import.meta.url), 'utf8');
  if (!runtime.includes(ERRORS_IMPORT)) {
    throw new CoordattnError(
      'E_KERNEL',
      'runtime.ts does not import @coordattn/ir/errors as the emitter expects',
    );
  }
  write('runtime.ts', runtime.replace(ERRORS_IMPORT, "from './errors.js';"));
  write('errors.ts', readFileSync(createRequire(import.meta.url).resolve('@coordattn/ir/errors')));
  // the runtime imports it: gpu.js's code generator patch (docs/gpujs-patch.md), also self-contained
  write('gpujs-patch.ts', readFileSync(new URL('../runtime/gpujs-patch.ts', import.meta.url)));
  write('program.json', `${JSON.stringify(compiled.program, null, 2)}\n`);
  saveWeights(join(dir, weightsFile), compiled.params, {
    meta: { generator: '@coordattn/codegen', ...(opts.title ? { title: opts.title } : {}) },
  });
  files.push(join(dir, weightsFile), join(dir, weightsFile.replace(/\.json$/, '.bin')));
  write('kernels.md', kernelsReport(compiled, opts));
  return { dir, files };
}

const requireHere = createRequire(import.meta.url);

/** Where a package's root folder is, seen from this file. */
function packageRoot(entry: string, name: string): string {
  let d = dirname(requireHere.resolve(entry));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === name) return d;
    } catch {
      // no package.json here
    }
    const up = dirname(d);
    if (up === d) throw new CoordattnError('E_IO', `cannot find the ${name} package from ${entry}`);
    d = up;
  }
}

let checker: { project: Project; files: string[] } | undefined;

/** One Project for every check (library files are parsed once), resolving gpu.js and @types/node from here. */
function checkerProject(): Project {
  if (checker) return checker.project;
  const gpuRoot = packageRoot('gpu.js', 'gpu.js');
  const gpuPkg = JSON.parse(readFileSync(join(gpuRoot, 'package.json'), 'utf8')) as {
    types?: string;
    typings?: string;
  };
  const gpuTypes = resolve(gpuRoot, gpuPkg.types ?? gpuPkg.typings ?? 'index.d.ts');
  const typesNode = packageRoot('@types/node/package.json', '@types/node');
  const project = new Project({
    compilerOptions: {
      strict: true,
      noImplicitAny: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts'],
      types: ['node'],
      typeRoots: [dirname(typesNode)],
      paths: { 'gpu.js': [gpuTypes] },
      isolatedModules: true,
      skipLibCheck: true,
      noEmit: true,
    },
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
  });
  checker = { project, files: [] };
  return project;
}

/**
 * Type-checks `dir/model.ts`, `dir/runtime.ts` and `dir/gpujs-patch.ts` strictly (ES2022, ESNext modules, bundler
 * resolution, node types); returns the diagnostics one per line (`file:line:col - TScode: text`),
 * [] when clean.
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
    const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    if (!d.file || d.start === undefined) return `TS${d.code}: ${text}`;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${relative(resolve(dir), d.file.fileName) || d.file.fileName}:${line + 1}:${character + 1} - TS${d.code}: ${text}`;
  });
}
