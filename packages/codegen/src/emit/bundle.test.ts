/**
 * The browser bundle (`--target browser`): one ES module with model.js, its runtime and gpu.js's
 * browser build (verbatim); no Node built-in among its inputs, no import, require() or import() in
 * its code; and it evaluates in a bare `node:vm` context — only web globals, a fake fetch, no
 * process/require/Buffer — where it loads its weights by URL relative to the bundle, runs on cpu and
 * webasm with the gpu.js patch applied, and matches the float64 reference interpreter.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ts } from 'ts-morph';
import { afterAll, describe, expect, it } from 'vitest';
import { attention, CoordattnError, GraphBuilder, type Graph } from '@coordattn/ir';
import {
  compare,
  describeComparison,
  FLOAT32_TOLERANCE,
  initWeights,
  Rng,
  run,
  tensor,
} from '@coordattn/reference';
import { compile } from '../compile.js';
import { EXPECTED_BACKEND } from '../runtime/runtime.js';
import { BROWSER_BUNDLE, gpujsBrowserBuild, writeBrowserBundle } from './bundle.js';
import { writeCompiledModule } from './emit.js';

const BASE = fileURLToPath(new URL(`../../.tmp/bundle-${process.pid}/`, import.meta.url));

afterAll(() => rmSync(BASE, { recursive: true, force: true }));

function caGraph(): Graph {
  const b = new GraphBuilder();
  b.output(attention(b, b.input('x', [1, 24, 9, 7]), { kind: 'ca' }, 'attention'));
  return b.build();
}

/** The CA block written as a module and bundled (built once, on first use). */
let built: { graph: Graph; dir: string; inputs: string[]; external: string[]; files: string[] } | undefined;
async function bundled(): Promise<NonNullable<typeof built>> {
  if (built) return built;
  const graph = caGraph();
  const dir = join(BASE, 'ca');
  writeCompiledModule(dir, compile(graph, initWeights(graph, 4, { randomBnStats: true, randomBias: true })), {
    title: 'ca block (browser)',
  });
  const { inputs, external, files } = await writeBrowserBundle(dir);
  built = { graph, dir, inputs, external, files };
  return built;
}

/** Every module specifier the code imports or requires, found by parsing it (strings are not code). */
function loadsOf(code: string): string[] {
  const sf = ts.createSourceFile('bundle.js', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const found: string[] = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier) {
      found.push(`import ${n.moduleSpecifier.getText(sf)}`);
    } else if (ts.isCallExpression(n)) {
      if (n.expression.kind === ts.SyntaxKind.ImportKeyword)
        found.push(`import(${n.arguments[0]?.getText(sf)})`);
      if (ts.isIdentifier(n.expression) && n.expression.text === 'require') {
        found.push(`require(${n.arguments[0]?.getText(sf)})`);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

/**
 * Runs the bundle in a vm context with web globals only, served from https://models.example/ca/ by
 * a fake fetch (weights.bin there; 404 elsewhere), on `modes`; writes each output and prints the
 * backend, whether the gpu.js patch is applied and its self-test passed, the URLs fetched and the
 * context's global names.
 */
const VM_DRIVER = `import { readFileSync, writeFileSync } from 'node:fs';
import vm from 'node:vm';

const [modes, inFile, outPrefix] = process.argv.slice(2);
const origin = 'https://models.example/ca/';
const weights = readFileSync('weights.bin');
const fetched = [];
const context = vm.createContext({
  console, URL, TextEncoder, TextDecoder, Response, setTimeout, clearTimeout, queueMicrotask,
  fetch: async (url) => {
    fetched.push(String(url));
    return String(url) === origin + 'weights.bin' ? new Response(weights) : new Response('', { status: 404 });
  },
});
const bundle = new vm.SourceTextModule(readFileSync(${JSON.stringify(BROWSER_BUNDLE)}, 'utf8'), {
  context,
  identifier: origin + ${JSON.stringify(BROWSER_BUNDLE)},
  initializeImportMeta(meta) { meta.url = origin + ${JSON.stringify(BROWSER_BUNDLE)}; },
});
await bundle.link((specifier) => { throw new Error('the bundle imports ' + specifier); });
await bundle.evaluate();
const { load, PROGRAM, CoordattnError } = bundle.namespace;
const F32 = vm.runInContext('Float32Array', context);
const b = readFileSync(inFile);
const x = new F32(new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
for (const mode of modes.split(',')) {
  const model = await load({ mode });
  const y = (await model.runAsync({ [PROGRAM.inputs[0].name]: x }))[PROGRAM.outputs[0].ref];
  writeFileSync(outPrefix + mode + '.bin', new Uint8Array(y.buffer, y.byteOffset, y.byteLength));
  const p = model.gpujsPatch;
  console.log(mode + ' ' + [...new Set(model.backends.values())].join(',') + ' patch ' + p.applied + ' ' + p.selfTest?.passed + ' ' + p.gpujsVersion);
  model.destroy();
}
const missing = await load({ mode: 'cpu', weights: 'other.bin' }).catch((e) => e);
console.log((missing instanceof CoordattnError) + ' ' + missing.message);
console.log(JSON.stringify(fetched));
console.log(vm.runInContext('[typeof process, typeof require, typeof Buffer, typeof module, typeof global].join()', context));
`;

describe('writeBrowserBundle', () => {
  it("bundles model.js, its runtime and gpu.js's browser build verbatim; no Node built-in, nothing external", async () => {
    const { dir, inputs, external, files } = await bundled();
    expect(files).toEqual([join(dir, BROWSER_BUNDLE), join(dir, 'model.browser.d.ts')]);
    expect(external).toEqual([]);
    // esbuild's inputs (relative to the working directory): the four emitted modules, and the
    // stand-in that hands them the exports of the gpu.js prelude.
    expect(inputs.sort()).toEqual(
      [
        'coordattn-gpujs:gpu.js',
        ...['errors.js', 'gpujs-patch.js', 'model.js', 'runtime.js'].map((f) =>
          relative(process.cwd(), join(dir, f)),
        ),
      ].sort(),
    );
    const code = readFileSync(join(dir, BROWSER_BUNDLE), 'utf8');
    expect(code).toContain(readFileSync(gpujsBrowserBuild().file, 'utf8'));
    // gpu.js's own text mentions require('gl') and require('worker_threads') inside strings (code it
    // generates for Node): as code, the bundle imports and requires nothing.
    expect(code).toContain("require('worker_threads')");
    expect(loadsOf(code)).toEqual([]);
    expect(code).not.toMatch(/from\s*["']node:|import\(\s*["']node:/);
    expect(
      loadsOf(
        "import a from 'b';\nexport * from 'c';\nrequire('d');\nimport('e');\nconst s = \"require('f')\";",
      ),
    ).toEqual(["import 'b'", "import 'c'", "require('d')", "import('e')"]);
    expect(readFileSync(join(dir, 'model.browser.d.ts'), 'utf8')).toContain("export * from './model.js';");
  });

  it('evaluates in a bare vm context (web globals, fake fetch), runs cpu and webasm patched, and matches the reference', async () => {
    const { dir, graph } = await bundled();
    const [input] = graph.inputs;
    const shape = input.shape.map((d) => d.toInt()!);
    const x = Float32Array.from(new Rng(21).normals(shape.reduce((p, d) => p * d, 1)));
    writeFileSync(join(dir, 'in.bin'), new Uint8Array(x.buffer));
    writeFileSync(join(dir, 'vm-driver.mjs'), VM_DRIVER);
    const ref = run(
      graph,
      { [input.name]: tensor(shape, x) },
      initWeights(graph, 4, { randomBnStats: true, randomBias: true }),
    )[graph.outputs[0]];
    const child = spawnSync(
      process.execPath,
      [
        '--experimental-vm-modules',
        '--disable-warning=ExperimentalWarning',
        'vm-driver.mjs',
        'cpu,webasm',
        'in.bin',
        'out-',
      ],
      { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_OPTIONS: '' } },
    );
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const origin = 'https://models.example/ca/';
    expect(child.stdout.trim().split('\n')).toEqual([
      `cpu ${EXPECTED_BACKEND.cpu} patch true true 2.24.1`,
      `webasm ${EXPECTED_BACKEND.webasm} patch true true 2.24.1`,
      `true E_IO at ${origin}other.bin: cannot fetch the weights: HTTP 404 `,
      JSON.stringify([`${origin}weights.bin`, `${origin}weights.bin`, `${origin}other.bin`]),
      'undefined,undefined,undefined,undefined,undefined',
    ]);
    for (const mode of ['cpu', 'webasm']) {
      const b = readFileSync(join(dir, `out-${mode}.bin`));
      const y = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
      const c = compare({ shape: ref.shape, data: Float64Array.from(y) }, ref, FLOAT32_TOLERANCE);
      expect(c.pass, describeComparison(c, `${mode} (browser bundle)`)).toBe(true);
    }
  });

  it('fails with E_KERNEL when the folder has no model.js', async () => {
    const dir = join(BASE, 'empty');
    mkdirSync(dir, { recursive: true });
    const p = writeBrowserBundle(dir);
    await expect(p).rejects.toThrow(CoordattnError);
    await expect(writeBrowserBundle(dir)).rejects.toThrow(
      /^E_KERNEL at .*empty: cannot bundle the module for browsers: /,
    );
  });
});
