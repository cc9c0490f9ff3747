/**
 * The packages as a user gets them: `npm pack` every public package, install the tarballs into an
 * empty folder outside the workspace (`npm install --omit=optional ./*.tgz`: no gl build, no
 * onnxruntime; the cost commands need neither), then run the installed `coordattn` bin and a
 * library script that imports @coordattn/ir and @coordattn/cost. Expected numbers are PyTorch's
 * (packages/cost/test-data/torch-counts.json, counted with forward hooks by tools/torch-counts).
 *
 * Needs the built dist/ (tools/test.sh builds first) and the npm registry or npm's cache (CI ran
 * `npm ci` just before, so `--prefer-offline` finds every dependency in the cache).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = ['ir', 'reference', 'cost', 'codegen', 'onnx', 'web', 'cli'];

interface TorchCounts {
  models: Record<string, Record<string, { params: number; macs: number }>>;
}
const torch = JSON.parse(
  readFileSync(join(ROOT, 'packages/cost/test-data/torch-counts.json'), 'utf8'),
) as TorchCounts;
/** MobileNetV2 + CA (r = 32, the paper's placement) at 224², batch 1: PyTorch's hook counts. */
const CA_224 = torch.models['mobilenetv2-ca-r32']['224x224'];

let dir = '';
let app = '';
const built = PACKAGES.every((p) => existsSync(join(ROOT, 'packages', p, 'dist/index.js')));

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe.skipIf(!built)('npm pack → npm install in an empty folder', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'coordattn-pack-'));
    const packed = JSON.parse(
      npm(
        ['pack', '--json', '--pack-destination', dir, ...PACKAGES.flatMap((p) => ['-w', `@coordattn/${p}`])],
        ROOT,
      ),
    ) as { filename: string; files: { path: string }[] }[];
    writeFileSync(join(dir, 'contents.json'), JSON.stringify(packed));
    app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    const tarballs = readdirSync(dir)
      .filter((f) => f.endsWith('.tgz'))
      .map((f) => join(dir, f));
    npm(['install', '--omit=optional', '--prefer-offline', '--no-audit', '--no-fund', ...tarballs], app);
  }, 600_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('every tarball has its built entry points, the LICENSE, and no tests', () => {
    const packed = JSON.parse(readFileSync(join(dir, 'contents.json'), 'utf8')) as {
      name: string;
      files: { path: string }[];
    }[];
    expect(packed.map((p) => p.name).sort()).toEqual(PACKAGES.map((p) => `@coordattn/${p}`).sort());
    for (const p of packed) {
      const files = p.files.map((f) => f.path);
      expect(files, p.name).toContain('dist/index.js');
      expect(files, p.name).toContain('dist/index.d.ts');
      expect(files, p.name).toContain('LICENSE');
      expect(files, p.name).toContain('package.json');
      if (p.name === '@coordattn/web') expect(files, p.name).toContain('dist/pages/report.js');
      expect(
        files.filter((f) => /\.test\.(ts|d\.ts)$|test-data\//.test(f)),
        p.name,
      ).toEqual([]);
    }
  });

  it('the installed bin reports MobileNetV2 + CA with PyTorch’s params and MACs', () => {
    const bin = join(app, 'node_modules/.bin/coordattn');
    const r = spawnSync(bin, ['report', 'mobilenetv2', '--attention', 'ca', '--format', 'json'], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { totals: { params: number; macs: number } };
    expect(report.totals.params).toBe(CA_224.params);
    expect(report.totals.macs).toBe(CA_224.macs);

    const version = spawnSync(bin, ['--version'], { cwd: app, encoding: 'utf8' });
    const cliPkg = JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')) as {
      version: string;
    };
    expect(version.stdout.trim()).toBe(cliPkg.version);
    expect(version.status).toBe(0);

    // --format html finds the page bundle of the installed @coordattn/web (dist/pages/report.js)
    const html = spawnSync(
      bin,
      ['report', 'mobilenetv2', '--attention', 'ca', '--format', 'html', '--out', 'r.html'],
      { cwd: app, encoding: 'utf8' },
    );
    expect([html.status, html.stderr]).toEqual([0, 'wrote r.html\n']);
    const page = readFileSync(join(app, 'r.html'), 'utf8');
    const embedded = /<script type="application\/json" id="coordattn-report">([\s\S]*?)<\/script>/.exec(page);
    expect((JSON.parse(embedded![1]) as { report: unknown }).report).toEqual(report);

    const bad = spawnSync(bin, ['report', 'mobilenetv9'], { cwd: app, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^coordattn: .*mobilenetv9/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('the installed packages compile a model, verify it against the float64 reference, and the emitted module runs with plain node', () => {
    const bin = join(app, 'node_modules/.bin/coordattn');
    const model = ['mobilenetv2', '--attention', 'ca', '--resolution', '32', '--seed', '1'];
    // Every kernel and the output against the reference interpreter, all from the tarballs.
    const verify = spawnSync(bin, ['verify', ...model, '--modes', 'cpu', '--format', 'json'], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(verify.status, verify.stderr).toBe(0);
    // The compiled directory is a plain ES module: no loader, no workspace, only gpu.js.
    const compile = spawnSync(bin, ['compile', ...model, '--out', 'out'], { cwd: app, encoding: 'utf8' });
    expect(compile.status, compile.stderr).toBe(0);
    writeFileSync(
      join(app, 'drive.mjs'),
      `const { load } = await import('./out/model.js');
       const m = await load({ mode: 'cpu' });
       const y = Object.values(await m.runAsync({ input: new Float32Array(3 * 32 * 32).fill(0.5) }))[0];
       console.log(JSON.stringify({ length: y.length, finite: Array.from(y).every(Number.isFinite) }));`,
    );
    const r = spawnSync(process.execPath, ['drive.mjs'], { cwd: app, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ length: 1000, finite: true });
  }, 120_000);

  it('a library script imports @coordattn/ir and @coordattn/cost with plain node', () => {
    const script = `
      import { buildBackbone } from '@coordattn/ir';
      import { analyze, evaluate } from '@coordattn/cost';
      const graph = buildBackbone('mobilenetv2', { attention: { kind: 'ca' } });
      const totals = evaluate(analyze(graph)).totals;
      console.log(JSON.stringify({ params: totals.params, macs: totals.macs }));
    `;
    writeFileSync(join(app, 'lib.mjs'), script);
    const r = spawnSync(process.execPath, ['lib.mjs'], { cwd: app, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ params: CA_224.params, macs: CA_224.macs });
  });
});
