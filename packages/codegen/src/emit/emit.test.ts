/**
 * The emitter: `model.ts` (kernels as typed functions, the plan, the weights manifest, `createModel`
 * and `load`); the default JavaScript module (`.js` + `.d.ts`, transpiled from the same sources)
 * running in plain Node — no loader, no TypeScript — on cpu and webasm within tolerance of the
 * float64 reference interpreter, its weights read from the file beside it, from bytes, over http
 * and synchronously; its declarations type-checking a strict consumer without Node types; and the
 * `--emit ts` sources type-checking strictly and running under tsx.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Project, ts } from 'ts-morph';
import { afterAll, describe, expect, it } from 'vitest';
import { attention, buildBackbone, CoordattnError, GraphBuilder, type Graph } from '@coordattn/ir';
import {
  compare,
  describeComparison,
  FLOAT32_TOLERANCE,
  initWeights,
  Rng,
  run,
  tensor,
  type Tensor,
  type Weights,
} from '@coordattn/reference';
import { compile, float32Params, type Compiled } from '../compile.js';
import { EXPECTED_BACKEND, headlessGLAvailable, type Mode } from '../runtime/runtime.js';
import { loadWeightsFile } from '../runtime/weights-file.js';
import { emitModule, kernelsReport, runtimeSources, typeCheckModule, writeCompiledModule } from './emit.js';

// Inside packages/codegen so that node resolves gpu.js (and tsx) from the written folders.
const BASE = fileURLToPath(new URL(`../../.tmp/emit-${process.pid}/`, import.meta.url));
const HEADLESSGL = headlessGLAvailable().ok;
const RUNTIME_SRC = fileURLToPath(new URL('../runtime/runtime.ts', import.meta.url));
const PATCH_SRC = fileURLToPath(new URL('../runtime/gpujs-patch.ts', import.meta.url));
const ERRORS_SRC = fileURLToPath(new URL('../../../ir/src/errors.ts', import.meta.url));
const TITLE = 'ca block [2,16,7,9]';
const MODULES = ['model', 'runtime', 'gpujs-patch', 'errors'];

afterAll(() => rmSync(BASE, { recursive: true, force: true }));

function caGraph(): Graph {
  const b = new GraphBuilder();
  b.output(attention(b, b.input('x', [2, 16, 7, 9]), { kind: 'ca' }, 'attention'));
  return b.build();
}

/** The CA block, its weights and compiled program, and its module written both ways (built once, on first use). */
let built: { graph: Graph; weights: Weights; compiled: Compiled; js: string; ts: string } | undefined;
function ca(): NonNullable<typeof built> {
  if (built) return built;
  const graph = caGraph();
  const weights = initWeights(graph, 7, { randomBnStats: true });
  const compiled = compile(graph, weights);
  const js = join(BASE, 'ca-js');
  const tsDir = join(BASE, 'ca-ts');
  writeCompiledModule(js, compiled, { title: TITLE });
  writeCompiledModule(tsDir, compiled, { title: TITLE, emit: 'ts' });
  built = { graph, weights, compiled, js, ts: tsDir };
  return built;
}

/** Module specifiers a JavaScript or TypeScript file imports (static, re-exports and dynamic). */
function importsOf(text: string): string[] {
  const re =
    /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  return [...text.matchAll(re)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** What the files of an emitted module may import: each other and gpu.js — no Node built-in, no @coordattn/*. */
const MODULE_IMPORTS = ['./runtime.js', './gpujs-patch.js', './errors.js', 'gpu.js'];

function expectSelfContained(dir: string, ext: '.js' | '.ts' | '.d.ts'): void {
  for (const m of MODULES) {
    for (const spec of importsOf(readFileSync(join(dir, `${m}${ext}`), 'utf8'))) {
      expect(MODULE_IMPORTS, `${m}${ext} imports ${spec}`).toContain(spec);
    }
  }
}

function readF32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** Writes a seeded input for `g` into `dir` as in.bin; returns the float64 reference output for it. */
function prepareInput(dir: string, g: Graph, w: Weights, seed: number): Tensor {
  const [input] = g.inputs;
  const shape = input.shape.map((d) => d.toInt()!);
  const x = Float32Array.from(new Rng(seed).normals(shape.reduce((p, d) => p * d, 1)));
  writeFileSync(join(dir, 'in.bin'), new Uint8Array(x.buffer));
  return run(g, { [input.name]: tensor(shape, x) }, w)[g.outputs[0]];
}

function expectClose(y: Float32Array, ref: Tensor, what: string): void {
  const c = compare({ shape: ref.shape, data: Float64Array.from(y) }, ref, FLOAT32_TOLERANCE);
  expect(c.pass, describeComparison(c, what)).toBe(true);
}

/**
 * The plain-Node driver: imports only ./model.js and node builtins, builds the model each way asked
 * for on each mode and writes the outputs. Ways: `file` load() (weights.bin beside model.js, a file:
 * URL), `bytes` load({ weights: Buffer }), `http` load({ weights: 'http://…' }) from a local server
 * (fetch), `sync` createModel(mode, ArrayBuffer) and run().
 */
const JS_DRIVER = `import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createModel, load, PROGRAM } from './model.js';

const [modes, ways, inFile, outPrefix] = process.argv.slice(2);
const b = readFileSync(inFile);
const x = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
const weights = readFileSync(new URL('./weights.bin', import.meta.url));
const server = createServer((req, res) => {
  res.statusCode = req.url === '/models/weights.bin' ? 200 : 404;
  res.end(res.statusCode === 200 ? weights : undefined);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = 'http://127.0.0.1:' + server.address().port + '/models/weights.bin';
const make = {
  file: (mode) => load({ mode }),
  bytes: (mode) => load({ mode, weights }),
  http: (mode) => load({ mode, weights: url }),
  sync: async (mode) => createModel(mode, weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength)),
};
const inputs = { [PROGRAM.inputs[0].name]: x };
for (const mode of modes.split(',')) {
  for (const way of ways.split(',')) {
    const model = await make[way](mode);
    const out = way === 'sync' ? model.run(inputs) : await model.runAsync(inputs);
    const y = out[PROGRAM.outputs[0].ref];
    writeFileSync(outPrefix + mode + '-' + way + '.bin', new Uint8Array(y.buffer, y.byteOffset, y.byteLength));
    console.log(mode + ' ' + way + ' ' + [...new Set(model.backends.values())].join(','));
    model.destroy();
  }
}
server.close();
`;

type Way = 'file' | 'bytes' | 'http' | 'sync';

/**
 * Runs the JS driver in `dir` with plain node (no --import, no loader), checks that each mode ran
 * on its backend and that every way gave the same output, and compares it with the reference.
 */
function runPlainNode(dir: string, ref: Tensor, modes: readonly Mode[], ways: readonly Way[]): void {
  writeFileSync(join(dir, 'driver.mjs'), JS_DRIVER);
  const child = spawnSync(
    process.execPath,
    ['driver.mjs', modes.join(','), ways.join(','), 'in.bin', 'out-'],
    {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, NODE_OPTIONS: '' },
    },
  );
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  // The backend that really ran each mode (gpu.js falls back silently otherwise).
  expect(child.stdout.trim().split('\n')).toEqual(
    modes.flatMap((m) => ways.map((w) => `${m} ${w} ${EXPECTED_BACKEND[m]}`)),
  );
  for (const m of modes) {
    const [first, ...rest] = ways.map((w) => readF32(join(dir, `out-${m}-${w}.bin`)));
    for (const y of rest) expect(y).toEqual(first);
    expectClose(first, ref, `${m} (plain node)`);
  }
}

/** Type-checks `consumer` (TypeScript) in `dir` against the module's .d.ts files: strict, NodeNext, DOM, no Node types. */
function typeCheckConsumer(dir: string, consumer: string): string[] {
  writeFileSync(join(dir, 'consumer.ts'), consumer);
  const project = new Project({
    compilerOptions: {
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: [],
      noEmit: true,
    },
    skipAddingFilesFromTsConfig: true,
  });
  project.addSourceFileAtPath(join(dir, 'consumer.ts'));
  project.resolveSourceFileDependencies();
  // The module's own files (consumer.ts and every .d.ts beside it), not gpu.js's.
  return project
    .getPreEmitDiagnostics()
    .filter((d) => d.getSourceFile()?.getFilePath().startsWith(dir) ?? true)
    .map((d) => {
      const text = ts.flattenDiagnosticMessageText(d.compilerObject.messageText, ' ');
      return `${d.getSourceFile()?.getBaseName() ?? ''}:${d.getLineNumber() ?? 0} - TS${d.getCode()}: ${text}`;
    });
}

/** Syntax errors of a text parsed as a JavaScript file (type annotations are errors there). */
function jsSyntaxErrors(text: string): string[] {
  const project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: { allowJs: true, noEmit: true },
  });
  const sf = project.createSourceFile('check.js', text);
  return project
    .getProgram()
    .compilerObject.getSyntacticDiagnostics(sf.compilerNode)
    .map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

describe('emitModule (model.ts)', () => {
  it('emits every kernel as a typed, documented, exported function, the plan, the manifest and the API, and no any', () => {
    const { compiled, ts: dir } = ca();
    const text = readFileSync(join(dir, 'model.ts'), 'utf8');
    expect(emitModule(compiled, { title: TITLE })).toBe(text);
    expect(text).toContain(
      "import { Runtime, decodeWeights, readWeights, type Bytes, type KernelFunction, type KernelThis, type Mode, type ProgramData, type WeightsManifest, type WeightsSource } from './runtime.js';",
    );
    expect(text).toContain("export { CoordattnError } from './errors.js';");
    expect(text).toContain('Generated by coordattn');
    expect(text).toContain(`Model: ${TITLE}`);
    expect(text).toContain(`Kernels: ${compiled.program.kernels.length}`);
    expect(text).toContain(`Passes: ${compiled.program.passes.join(', ')}`);
    for (const k of compiled.program.kernels) {
      const params = k.args.map((a) => `${a.name}: ArrayLike<number>`);
      expect(text).toContain(`export function ${k.name}(this: KernelThis, ${params.join(', ')}): number {`);
      expect(text).toContain(`Kernel \`${k.name}\` (template ${k.template})`);
      expect(text).toContain(`cache key: \`${k.cacheKey}\``);
      expect(text).toMatch(
        new RegExp(`KERNELS: Readonly<Record<string, KernelFunction>> = \\{[^}]*\\b${k.name},`),
      );
    }
    expect(text).toContain('export const PROGRAM: ProgramData = {');
    expect(text).toContain('export const WEIGHTS_MANIFEST: WeightsManifest = {');
    expect(text).toContain(
      'export function createModel(mode: Mode, weights: Bytes, options: ModelOptions = {}): Runtime {',
    );
    expect(text).toContain('export async function load(options: LoadOptions = {}): Promise<Runtime> {');
    expect(text).toContain('readWeights(WEIGHTS_MANIFEST, options.weights, import.meta.url)');
    expect(text).not.toMatch(/\bany\b/);
    expect(importsOf(text).sort()).toEqual(['./errors.js', './runtime.js', './runtime.js']);
  });

  it('type-checks clean under strict settings without Node types (--emit ts)', () => {
    expect(typeCheckModule(ca().ts)).toEqual([]);
  });

  it('writes the runtime sources byte for byte, the plan, the weights and the kernels report (--emit ts)', () => {
    const { compiled, ts: dir } = ca();
    // The runtime's one import of @coordattn/* points at the error module's copy beside it.
    expect(readFileSync(join(dir, 'runtime.ts'), 'utf8')).toBe(
      readFileSync(RUNTIME_SRC, 'utf8').replace("from '@coordattn/ir/errors';", "from './errors.js';"),
    );
    expect(readFileSync(join(dir, 'errors.ts'), 'utf8')).toBe(readFileSync(ERRORS_SRC, 'utf8'));
    expect(readFileSync(join(dir, 'gpujs-patch.ts')).equals(readFileSync(PATCH_SRC))).toBe(true);
    expectSelfContained(dir, '.ts');
    expect(JSON.parse(readFileSync(join(dir, 'program.json'), 'utf8'))).toEqual(compiled.program);
    expect(loadWeightsFile(join(dir, 'weights.json'))).toEqual(float32Params(compiled.params));
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).toEqual({
      private: true,
      type: 'module',
      dependencies: { 'gpu.js': '2.24.1' },
    });
    const report = readFileSync(join(dir, 'kernels.md'), 'utf8');
    expect(report).toBe(kernelsReport(compiled, { title: TITLE }));
    expect(report).toContain(`passes that ran: ${compiled.program.passes.join(', ')}`);
  });

  it('typeCheckModule reports errors in a corrupted module', () => {
    const { compiled, ts: dir } = ca();
    const text = readFileSync(join(dir, 'model.ts'), 'utf8');
    const bad = join(BASE, 'bad');
    mkdirSync(bad, { recursive: true });
    for (const f of ['runtime.ts', 'gpujs-patch.ts', 'errors.ts']) copyFileSync(join(dir, f), join(bad, f));
    const k = compiled.program.kernels[0];
    const corrupted = text
      .replace(
        'export const PROGRAM: ProgramData = {',
        "const broken: number = 'text';\nexport const PROGRAM: ProgramData = {",
      )
      .replace(`export function ${k.name}(this: KernelThis, `, `export function ${k.name}(`)
      // a Node global: the module must not need Node (no Node types in the check)
      .replace(
        'export async function load(',
        'export const argv = process.argv;\nexport async function load(',
      );
    writeFileSync(join(bad, 'model.ts'), corrupted);
    const diags = typeCheckModule(bad);
    expect(
      diags.some((d) =>
        /^model\.ts:\d+:\d+ - TS2322: Type 'string' is not assignable to type 'number'/.test(d),
      ),
    ).toBe(true);
    // Without its `this` parameter a kernel's `this` is implicitly any (strict: noImplicitThis).
    expect(diags.some((d) => /^model\.ts:\d+:\d+ - TS2683: /.test(d))).toBe(true);
    expect(diags.some((d) => /^model\.ts:\d+:\d+ - TS25\d\d: Cannot find name 'process'/.test(d))).toBe(true);
    expect(diags.every((d) => !d.includes('\n'))).toBe(true);
    // And the clean module still checks clean afterwards (one shared Project).
    expect(typeCheckModule(dir)).toEqual([]);
  });

  it('runs under tsx (--emit ts) on cpu and matches the reference', () => {
    const { graph, weights, ts: dir } = ca();
    const ref = prepareInput(dir, graph, weights, 13);
    writeFileSync(
      join(dir, 'driver.ts'),
      `import { readFileSync, writeFileSync } from 'node:fs';
import { createModel, PROGRAM } from './model.ts';

const b = readFileSync('in.bin');
const model = createModel('cpu', readFileSync('weights.bin'));
const y = model.run({ [PROGRAM.inputs[0].name]: new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)) })[PROGRAM.outputs[0].ref];
writeFileSync('out-ts.bin', new Uint8Array(y.buffer, y.byteOffset, y.byteLength));
console.log([...new Set(model.backends.values())].join(','));
model.destroy();
`,
    );
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'driver.ts'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('CPUKernel');
    expectClose(readF32(join(dir, 'out-ts.bin')), ref, 'cpu (tsx)');
  });

  it('importsOf finds static, side-effect, re-export and dynamic imports', () => {
    const text =
      "import 'a';\nimport {\n  b,\n} from '@coordattn/ir';\nexport * from './c.js';\nexport { e } from './e.js';\nawait import('d');";
    expect(importsOf(text)).toEqual(['a', '@coordattn/ir', './c.js', './e.js', 'd']);
  });
});

describe('the JavaScript module (default emit)', () => {
  it('writes model.js, runtime.js, gpujs-patch.js, errors.js and their .d.ts, importing only each other and gpu.js', () => {
    const { js: dir, compiled } = ca();
    for (const m of MODULES) {
      for (const ext of ['.js', '.d.ts'])
        expect(existsSync(join(dir, `${m}${ext}`)), `${m}${ext}`).toBe(true);
      expect(existsSync(join(dir, `${m}.ts`))).toBe(false);
      // JavaScript: no type syntax left (TypeScript reports type syntax in a .js file, TS8xxx).
      expect(jsSyntaxErrors(readFileSync(join(dir, `${m}.js`), 'utf8')), `${m}.js`).toEqual([]);
    }
    expect(jsSyntaxErrors(readFileSync(RUNTIME_SRC, 'utf8')).length).toBeGreaterThan(0);
    expectSelfContained(dir, '.js');
    expectSelfContained(dir, '.d.ts');
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).toEqual({
      private: true,
      type: 'module',
      main: './model.js',
      types: './model.d.ts',
      dependencies: { 'gpu.js': '2.24.1' },
    });
    // The plan and the weights manifest are in model.js (no file to read for them), and in files for tools.
    const modelJs = readFileSync(join(dir, 'model.js'), 'utf8');
    expect(modelJs).toContain('export const PROGRAM = {');
    expect(modelJs).toContain('export const WEIGHTS_MANIFEST = {');
    expect(JSON.parse(readFileSync(join(dir, 'program.json'), 'utf8'))).toEqual(compiled.program);
    expect(loadWeightsFile(join(dir, 'weights.json'))).toEqual(float32Params(compiled.params));
    const dts = readFileSync(join(dir, 'model.d.ts'), 'utf8');
    expect(dts).toContain('export declare function load(options?: LoadOptions): Promise<Runtime>;');
    expect(dts).toContain(
      'export declare function createModel(mode: Mode, weights: Bytes, options?: ModelOptions): Runtime;',
    );
    expect(dts).toContain('export declare const PROGRAM: ProgramData;');
    expect(dts).not.toMatch(/\bany\b/);
  });

  it('is transpiled from the same sources as --emit ts (runtimeSources: the packages’ src/ files)', () => {
    const sources = runtimeSources();
    expect([...sources.keys()]).toEqual(['runtime.ts', 'gpujs-patch.ts', 'errors.ts']);
    expect(sources.get('gpujs-patch.ts')).toBe(readFileSync(PATCH_SRC, 'utf8'));
    expect(sources.get('errors.ts')).toBe(readFileSync(ERRORS_SRC, 'utf8'));
    // Each .js declares exactly the functions, classes and constants its .ts source declares.
    const declared = (text: string, kind: ts.ScriptKind): string[] => {
      const sf = ts.createSourceFile('f', text, ts.ScriptTarget.ES2022, false, kind);
      return sf.statements.flatMap((s) =>
        ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)
          ? [s.name?.text ?? '']
          : ts.isVariableStatement(s)
            ? s.declarationList.declarations.map((d) => d.name.getText(sf))
            : [],
      );
    };
    const { ts: tsDir, js: jsDir } = ca();
    for (const m of MODULES) {
      const fromTs = declared(readFileSync(join(tsDir, `${m}.ts`), 'utf8'), ts.ScriptKind.TS);
      expect(fromTs.length).toBeGreaterThan(0);
      expect(declared(readFileSync(join(jsDir, `${m}.js`), 'utf8'), ts.ScriptKind.JS), m).toEqual(fromTs);
    }
  });

  it('finds the sources from a built package too: dist/ beside src/, @coordattn/ir through its package.json', () => {
    // An installed layout: node_modules/@coordattn/{codegen,ir}, codegen's code in dist/chunks/.
    const root = join(BASE, 'installed', 'node_modules', '@coordattn');
    const put = (path: string, text: string): void => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    put('codegen/package.json', JSON.stringify({ name: '@coordattn/codegen', type: 'module' }));
    put(
      'codegen/src/runtime/runtime.ts',
      "import { CoordattnError } from '@coordattn/ir/errors';\n// runtime\n",
    );
    put('codegen/src/runtime/gpujs-patch.ts', '// patch\n');
    put('codegen/dist/chunks/emit-x1y2.js', '');
    put(
      'ir/package.json',
      JSON.stringify({
        name: '@coordattn/ir',
        type: 'module',
        exports: { './package.json': './package.json' },
      }),
    );
    put('ir/src/errors.ts', '// errors\n');
    const from = pathToFileURL(join(root, 'codegen/dist/chunks/emit-x1y2.js')).href;
    expect(runtimeSources(from)).toEqual(
      new Map([
        ['runtime.ts', "import { CoordattnError } from './errors.js';\n// runtime\n"],
        ['gpujs-patch.ts', '// patch\n'],
        ['errors.ts', '// errors\n'],
      ]),
    );
    // A package shipped without src/: the error names the file.
    rmSync(join(root, 'codegen/src/runtime/gpujs-patch.ts'));
    const other = pathToFileURL(join(root, 'codegen/dist/index.js')).href;
    expect(() => runtimeSources(other)).toThrow(CoordattnError);
    expect(() => runtimeSources(other)).toThrow(
      `E_IO at ${join(root, 'codegen', 'src', 'runtime', 'gpujs-patch.ts')}: cannot read a source of the emitted module`,
    );
  });

  it(`runs in plain node (cpu, webasm${HEADLESSGL ? ', headlessgl' : ''}): weights beside it, as bytes, over http and synchronously; matches the reference`, () => {
    const { graph, weights, js: dir } = ca();
    const ref = prepareInput(dir, graph, weights, 11);
    runPlainNode(
      dir,
      ref,
      ['cpu', 'webasm', ...(HEADLESSGL ? (['headlessgl'] as const) : [])],
      ['file', 'bytes', 'http', 'sync'],
    );
  });

  it('its declarations type-check a strict consumer without Node types', () => {
    const { js: dir } = ca();
    const consumer = `import { CoordattnError, createModel, load, PROGRAM, WEIGHTS_MANIFEST, type LoadOptions, type Runtime } from './model.js';

export async function main(bytes: Uint8Array): Promise<Float32Array | undefined> {
  const options: LoadOptions = { mode: 'cpu', weights: bytes };
  const model: Runtime = await load(options);
  const fromUrl: Runtime = await load({ mode: 'webasm', async: true, weights: new URL('https://example.test/weights.bin') });
  const sync: Runtime = createModel('webasm', bytes.buffer, { allowFallback: false });
  const input = new Float32Array(PROGRAM.inputs[0].shape.reduce((a, d) => a * d, 1));
  const out: Record<string, Float32Array> = await model.runAsync({ [PROGRAM.inputs[0].name]: input });
  const tensors: number = WEIGHTS_MANIFEST.weightsManifest[0].weights.length;
  const patched: boolean = model.gpujsPatch.applied;
  for (const m of [model, fromUrl, sync]) m.destroy();
  return patched && tensors > 0 ? out[PROGRAM.outputs[0].ref] : undefined;
}

export function codeOf(e: unknown): string | undefined {
  return e instanceof CoordattnError ? e.code : undefined;
}

// @ts-expect-error: not a mode
void load({ mode: 'gpu' });
// @ts-expect-error: weights are bytes or a URL
void load({ weights: 42 });
// @ts-expect-error: createModel takes bytes, not a path
createModel('cpu', './weights.bin');
`;
    expect(typeCheckConsumer(dir, consumer)).toEqual([]);
    // The check is real: a wrong use is reported.
    expect(
      typeCheckConsumer(dir, `import { load } from './model.js';\nvoid load({ mode: 'gpu' });\n`),
    ).toEqual([expect.stringMatching(/^consumer\.ts:2 - TS2322: Type '"gpu"' is not assignable to type /)]);
  });

  it('runs the emitted functions, not the sources kept in PROGRAM', () => {
    // Change the last kernel's function body only (PROGRAM keeps the original source): the output moves by 1.
    const { graph, weights, compiled, js } = ca();
    const dir = join(BASE, 'mutant');
    mkdirSync(dir, { recursive: true });
    for (const f of [
      'runtime.js',
      'gpujs-patch.js',
      'errors.js',
      'package.json',
      'weights.json',
      'weights.bin',
    ]) {
      copyFileSync(join(js, f), join(dir, f));
    }
    const text = readFileSync(join(js, 'model.js'), 'utf8');
    const last = compiled.program.kernels.at(-1)!;
    expect(last.value).toBe(compiled.program.outputs[0].value);
    const start = text.indexOf(`export function ${last.name}(`);
    const end = text.indexOf('\n}\n', start);
    const fn = text.slice(start, end);
    expect(fn).toMatch(/return v;$/);
    writeFileSync(
      join(dir, 'model.js'),
      text.slice(0, start) + fn.replace(/return v;$/, 'return v + 1;') + text.slice(end),
    );
    const ref = prepareInput(dir, graph, weights, 12);
    const shifted: Tensor = { shape: ref.shape, data: ref.data.map((v) => v + 1) };
    runPlainNode(dir, shifted, ['cpu'], ['bytes']);
  });

  it('rejects an unknown emit kind (E_OPTION)', () => {
    const { compiled } = ca();
    const write = (): unknown =>
      writeCompiledModule(join(BASE, 'never'), compiled, { emit: 'wasm' as unknown as 'js' });
    expect(write).toThrow(CoordattnError);
    expect(write).toThrow(/^E_OPTION: unknown emit 'wasm' \(expected one of js, ts\)$/);
    expect(existsSync(join(BASE, 'never'))).toBe(false);
  });
});

describe('MobileNetV2 + CA', () => {
  it('writes the module, its kernels.md lists every kernel, it runs in plain node (cpu, webasm) and its sources type-check', () => {
    const g = buildBackbone('mobilenetv2', {
      attention: { kind: 'ca' },
      height: 32,
      widthPx: 32,
      width: 0.35,
    });
    const w = initWeights(g, 3, { randomBnStats: true });
    const compiled = compile(g, w);
    const dir = join(BASE, 'mobilenetv2');
    const written = writeCompiledModule(dir, compiled, { title: 'mobilenetv2 --attention ca' });
    expect(written.files.map((f) => f.slice(dir.length + 1)).sort()).toEqual(
      [
        ...MODULES.flatMap((m) => [`${m}.js`, `${m}.d.ts`]),
        'kernels.md',
        'package.json',
        'program.json',
        'weights.bin',
        'weights.json',
      ].sort(),
    );
    const text = readFileSync(join(dir, 'model.js'), 'utf8');
    const report = readFileSync(join(dir, 'kernels.md'), 'utf8');
    const rows = report.split('\n').filter((l) => /^\| \d+ \|/.test(l));
    expect(rows).toHaveLength(compiled.program.kernels.length);
    compiled.program.kernels.forEach((k, i) => {
      expect(rows[i].startsWith(`| ${i} | \`${k.name}\` | ${k.template} |`)).toBe(true);
      expect(rows[i]).toContain(`\`${k.cacheKey}\``);
      expect(text).toContain(`export function ${k.name}(`);
    });
    expect(report).toContain(`- kernels: ${compiled.program.kernels.length} (`);
    expect(text).toContain('Model: mobilenetv2 --attention ca');
    runPlainNode(dir, prepareInput(dir, g, w, 5), ['cpu', 'webasm'], ['file', 'bytes']);

    const tsDir = join(BASE, 'mobilenetv2-ts');
    writeCompiledModule(tsDir, compiled, { title: 'mobilenetv2 --attention ca', emit: 'ts' });
    expect(typeCheckModule(tsDir)).toEqual([]);
    expect(readFileSync(join(tsDir, 'model.ts'), 'utf8')).not.toMatch(/\bany\b/);
  });
});
