import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attention, buildBackbone, CoordattnError, GraphBuilder, type Graph } from '@coordattn/ir';
import {
  compare,
  describeComparison,
  FLOAT32_TOLERANCE,
  initWeights,
  loadWeights,
  Rng,
  run,
  saveWeights,
  tensor,
  type Tensor,
  type Weights,
} from '@coordattn/reference';
import { compile, float32Params, type Compiled } from '../compile.js';
import { EXPECTED_BACKEND, headlessGLAvailable, loadWeightsFile, type Mode } from '../runtime/runtime.js';
import { emitModule, kernelsReport, typeCheckModule, writeCompiledModule } from './emit.js';

// Inside packages/codegen so that node resolves gpu.js and tsx from the written folders.
const BASE = fileURLToPath(new URL(`../../.tmp/emit-${process.pid}/`, import.meta.url));
const CA_DIR = join(BASE, 'ca');
const HEADLESSGL = headlessGLAvailable().ok;
const RUNTIME_SRC = fileURLToPath(new URL('../runtime/runtime.ts', import.meta.url));
const PATCH_SRC = fileURLToPath(new URL('../runtime/gpujs-patch.ts', import.meta.url));
const ERRORS_SRC = fileURLToPath(new URL('../../../ir/src/errors.ts', import.meta.url));

function caGraph(): Graph {
  const b = new GraphBuilder();
  b.output(attention(b, b.input('x', [2, 16, 7, 9]), { kind: 'ca' }, 'attention'));
  return b.build();
}

/** Module specifiers a TypeScript file imports (static and dynamic). */
function importsOf(text: string): string[] {
  const re =
    /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  return [...text.matchAll(re)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** The driver the child process runs: it imports only ./model.ts and node builtins. */
const DRIVER = `import { readFileSync, writeFileSync } from 'node:fs';
import { createModel, PROGRAM } from './model.ts';

const [modes, inFile, outPrefix] = process.argv.slice(2);
const bytes = readFileSync(inFile);
const x = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
for (const mode of modes.split(',')) {
  const model = createModel(mode as 'cpu' | 'webasm' | 'headlessgl');
  const y = model.run({ [PROGRAM.inputs[0].name]: x })[PROGRAM.outputs[0].ref];
  writeFileSync(outPrefix + mode + '.bin', new Uint8Array(y.buffer, y.byteOffset, y.byteLength));
  console.log(mode + ' ' + [...new Set(model.backends.values())].join(','));
  model.destroy();
}
`;

function readF32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** Runs the driver (already written into `dir`, with `in.bin`) in a child process; outputs by mode. */
function runDriver(dir: string, modes: readonly Mode[]): Map<string, Float32Array> {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'driver.ts', modes.join(','), 'in.bin', 'out-'],
    {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  // The backend that really ran each mode (gpu.js falls back silently otherwise).
  expect(child.stdout.trim().split('\n')).toEqual(modes.map((m) => `${m} ${EXPECTED_BACKEND[m]}`));
  return new Map(modes.map((m) => [m, readF32(join(dir, `out-${m}.bin`))]));
}

/** Writes the driver and a seeded input for `g` into `dir`; returns the input and the reference output. */
function prepareRun(dir: string, g: Graph, w: Weights, seed: number): { x: Float32Array; ref: Tensor } {
  const [input] = g.inputs;
  const shape = input.shape.map((d) => d.toInt()!);
  const x = Float32Array.from(new Rng(seed).normals(shape.reduce((p, d) => p * d, 1)));
  writeFileSync(join(dir, 'in.bin'), new Uint8Array(x.buffer));
  writeFileSync(join(dir, 'driver.ts'), DRIVER);
  return { x, ref: run(g, { [input.name]: tensor(shape, x) }, w)[g.outputs[0]] };
}

function expectClose(y: Float32Array, ref: Tensor, what: string): void {
  const c = compare({ shape: ref.shape, data: Float64Array.from(y) }, ref, FLOAT32_TOLERANCE);
  expect(c.pass, describeComparison(c, what)).toBe(true);
}

/**
 * Writes the driver and a seeded input into `dir`, checks that nothing there imports @coordattn/*,
 * runs it on `modes` in a child process and compares each output with the reference interpreter.
 */
function runStandalone(dir: string, g: Graph, w: Weights, modes: readonly Mode[], seed: number): void {
  const { ref } = prepareRun(dir, g, w, seed);
  for (const f of ['driver.ts', 'model.ts', 'runtime.ts', 'gpujs-patch.ts', 'errors.ts']) {
    for (const spec of importsOf(readFileSync(join(dir, f), 'utf8'))) {
      expect(spec.startsWith('@coordattn/'), `${f} imports ${spec}`).toBe(false);
      expect(
        ['./model.ts', './runtime.js', './gpujs-patch.js', './errors.js', 'gpu.js'].includes(spec) ||
          spec.startsWith('node:'),
        spec,
      ).toBe(true);
    }
  }
  for (const [m, y] of runDriver(dir, modes)) expectClose(y, ref, m);
}

let graph: Graph;
let weights: Weights;
let ca: Compiled;
let caText: string;
let caDiagnostics: string[];

beforeAll(() => {
  graph = caGraph();
  weights = initWeights(graph, 7, { randomBnStats: true });
  ca = compile(graph, weights);
  writeCompiledModule(CA_DIR, ca, { title: 'ca block [2,16,7,9]' });
  caText = readFileSync(join(CA_DIR, 'model.ts'), 'utf8');
  caDiagnostics = typeCheckModule(CA_DIR);
});

afterAll(() => rmSync(BASE, { recursive: true, force: true }));

describe('emitModule', () => {
  it('emits every kernel as a typed, documented, exported function, and no any', () => {
    expect(emitModule(ca, { title: 'ca block [2,16,7,9]' })).toBe(caText);
    expect(caText).toContain(
      "import { Runtime, loadWeightsFile, type Mode, type ProgramData, type KernelThis } from './runtime.js';",
    );
    expect(caText).toContain('Generated by coordattn');
    expect(caText).toContain('Model: ca block [2,16,7,9]');
    expect(caText).toContain(`Kernels: ${ca.program.kernels.length}`);
    expect(caText).toContain(`Passes: ${ca.program.passes.join(', ')}`);
    for (const k of ca.program.kernels) {
      const params = k.args.map((a) => `${a.name}: ArrayLike<number>`);
      expect(caText).toContain(`export function ${k.name}(this: KernelThis, ${params.join(', ')}): number {`);
      expect(caText).toContain(`Kernel \`${k.name}\` (template ${k.template})`);
      expect(caText).toContain(`cache key: \`${k.cacheKey}\``);
      expect(caText).toMatch(new RegExp(`KERNELS = \\{[^}]*\\b${k.name},`));
    }
    expect(caText).toContain('export const PROGRAM: ProgramData = {');
    expect(caText).toMatch(/export function createModel\(\s*mode: Mode,\s*weightsPath: string = /);
    expect(caText).not.toMatch(/\bany\b/);
    expect(importsOf(caText).sort()).toEqual(['./runtime.js', 'node:url']);
  });

  it('type-checks clean under strict settings', () => {
    expect(caDiagnostics).toEqual([]);
  });

  it('writes the runtime byte for byte, the plan, the weights and the kernels report', () => {
    // The runtime's one import of @coordattn/* points at the error module's copy beside it.
    expect(readFileSync(join(CA_DIR, 'runtime.ts'), 'utf8')).toBe(
      readFileSync(RUNTIME_SRC, 'utf8').replace("from '@coordattn/ir/errors';", "from './errors.js';"),
    );
    expect(readFileSync(join(CA_DIR, 'errors.ts'), 'utf8')).toBe(readFileSync(ERRORS_SRC, 'utf8'));
    expect(readFileSync(join(CA_DIR, 'gpujs-patch.ts')).equals(readFileSync(PATCH_SRC))).toBe(true);
    expect(JSON.parse(readFileSync(join(CA_DIR, 'program.json'), 'utf8'))).toEqual(ca.program);
    expect(loadWeightsFile(join(CA_DIR, 'weights.json'))).toEqual(float32Params(ca.params));
    const report = readFileSync(join(CA_DIR, 'kernels.md'), 'utf8');
    expect(report).toBe(kernelsReport(ca, { title: 'ca block [2,16,7,9]' }));
    expect(report).toContain(`passes that ran: ${ca.program.passes.join(', ')}`);
  });

  it('typeCheckModule reports errors in a corrupted module', () => {
    const bad = join(BASE, 'bad');
    mkdirSync(bad, { recursive: true });
    copyFileSync(join(CA_DIR, 'runtime.ts'), join(bad, 'runtime.ts'));
    copyFileSync(join(CA_DIR, 'gpujs-patch.ts'), join(bad, 'gpujs-patch.ts'));
    copyFileSync(join(CA_DIR, 'errors.ts'), join(bad, 'errors.ts'));
    const k = ca.program.kernels[0];
    const corrupted = caText
      .replace(
        'export const PROGRAM: ProgramData = {',
        "const broken: number = 'text';\nexport const PROGRAM: ProgramData = {",
      )
      .replace(`export function ${k.name}(this: KernelThis, `, `export function ${k.name}(`);
    writeFileSync(join(bad, 'model.ts'), corrupted);
    const diags = typeCheckModule(bad);
    expect(
      diags.some((d) =>
        /^model\.ts:\d+:\d+ - TS2322: Type 'string' is not assignable to type 'number'/.test(d),
      ),
    ).toBe(true);
    // Without its `this` parameter a kernel's `this` is implicitly any (strict: noImplicitThis).
    expect(diags.some((d) => /^model\.ts:\d+:\d+ - TS2683: /.test(d))).toBe(true);
    expect(diags.every((d) => !d.includes('\n'))).toBe(true);
    // And the clean module still checks clean afterwards (one shared Project).
    expect(typeCheckModule(CA_DIR)).toEqual([]);
  });

  it(`runs standalone in a child process (cpu, webasm${HEADLESSGL ? ', headlessgl' : ''}) and matches the reference`, () => {
    runStandalone(
      CA_DIR,
      graph,
      weights,
      ['cpu', 'webasm', ...(HEADLESSGL ? (['headlessgl'] as const) : [])],
      11,
    );
  });

  it('runs the emitted functions, not the sources kept in PROGRAM', () => {
    // Change the last kernel's function body only (PROGRAM keeps the original source): the output moves by 1.
    const dir = join(BASE, 'mutant');
    mkdirSync(dir, { recursive: true });
    for (const f of ['runtime.ts', 'gpujs-patch.ts', 'errors.ts', 'weights.json', 'weights.bin'])
      copyFileSync(join(CA_DIR, f), join(dir, f));
    const last = ca.program.kernels.at(-1)!;
    expect(last.value).toBe(ca.program.outputs[0].value);
    const start = caText.indexOf(`export function ${last.name}(`);
    const end = caText.indexOf('\n}\n', start);
    const fn = caText.slice(start, end);
    expect(fn).toMatch(/return v;$/);
    const mutated = caText.slice(0, start) + fn.replace(/return v;$/, 'return v + 1;') + caText.slice(end);
    writeFileSync(join(dir, 'model.ts'), mutated);
    const { ref } = prepareRun(dir, graph, weights, 12);
    const y = runDriver(dir, ['cpu']).get('cpu')!;
    expectClose(
      y.map((v) => v - 1),
      ref,
      'mutated output - 1',
    );
  });

  it('importsOf finds static, side-effect and dynamic imports', () => {
    const text =
      "import 'a';\nimport {\n  b,\n} from '@coordattn/ir';\nexport * from './c.js';\nawait import('d');";
    expect(importsOf(text)).toEqual(['a', '@coordattn/ir', './c.js', 'd']);
  });
});

describe('MobileNetV2 + CA', () => {
  it('emits, type-checks clean, its kernels.md lists every kernel, and it runs standalone (cpu, webasm)', () => {
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
        'errors.ts',
        'gpujs-patch.ts',
        'kernels.md',
        'model.ts',
        'program.json',
        'runtime.ts',
        'weights.bin',
        'weights.json',
      ].sort(),
    );
    expect(typeCheckModule(dir)).toEqual([]);
    const text = readFileSync(join(dir, 'model.ts'), 'utf8');
    const report = readFileSync(join(dir, 'kernels.md'), 'utf8');
    const rows = report.split('\n').filter((l) => /^\| \d+ \|/.test(l));
    expect(rows).toHaveLength(compiled.program.kernels.length);
    compiled.program.kernels.forEach((k, i) => {
      expect(rows[i].startsWith(`| ${i} | \`${k.name}\` | ${k.template} |`)).toBe(true);
      expect(rows[i]).toContain(`\`${k.cacheKey}\``);
      expect(text).toContain(`export function ${k.name}(this: KernelThis`);
    });
    expect(report).toContain(`- kernels: ${compiled.program.kernels.length} (`);
    expect(text).toContain('Model: mobilenetv2 --attention ca');
    expect(text).not.toMatch(/\bany\b/);
    runStandalone(dir, g, w, ['cpu', 'webasm'], 5);
  });
});

describe('loadWeightsFile', () => {
  const dir = join(BASE, 'weights');
  const tensors = new Map<string, Tensor>([
    ['a.weight', tensor([2, 3], [1.5, -2, 0.1, 3e-8, 1e30, -0])],
    ['a.bias', tensor([2], [Math.PI, -Math.E])],
    ['empty', tensor([0, 4])],
    ['scalar', tensor([], [7.25])],
  ]);

  it('agrees with @coordattn/reference loadWeights on a file written by saveWeights', () => {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'w.json');
    saveWeights(path, tensors);
    const mine = loadWeightsFile(path);
    const theirs = loadWeights(path);
    expect([...mine.keys()]).toEqual([...theirs.keys()]);
    for (const [name, t] of theirs) {
      expect(Array.from(mine.get(name)!)).toEqual(Array.from(t.data));
      expect(mine.get(name)).toEqual(Float32Array.from(tensors.get(name)!.data));
    }
  });

  it('names the tensor when the shard is too short, and reports extra bytes', () => {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'cut.json');
    saveWeights(path, tensors);
    const bin = readFileSync(join(dir, 'cut.bin'));
    writeFileSync(join(dir, 'cut.bin'), bin.subarray(0, 24 + 4)); // a.weight fits, a.bias does not
    const short = (): unknown => loadWeightsFile(path);
    expect(short).toThrow(CoordattnError);
    expect(short).toThrow(/E_EVAL: .*tensor 'a\.bias' \[2\] needs 8 bytes at offset 24/);
    writeFileSync(join(dir, 'cut.bin'), Buffer.concat([bin, Buffer.alloc(4)]));
    expect(() => loadWeightsFile(path)).toThrow(/E_EVAL: .*4 bytes after the last tensor 'scalar'/);
    writeFileSync(path, '{"format":"something-else"}');
    expect(() => loadWeightsFile(path)).toThrow(/not a coordattn-weights version 1 manifest/);
  });
});
