/**
 * The examples of docs/api.md are real programs: each docs/examples/*.mjs runs here with plain
 * `node` against the built packages (what `npm install @coordattn/...` gives a user), and the
 * numbers it prints are checked against independent sources — the PyTorch counts
 * (packages/cost/test-data/torch-counts.json), the counting tools run from source
 * (packages/cost/test-data/tool-counts.json) and the float64 reference. docs/api.md must quote
 * every example file verbatim.
 *
 * The packages must be built (`npm run build`: packages/<p>/dist/index.js); without a build the
 * examples are skipped with a warning. `COORDATTN_EXAMPLES=source` runs them on the TypeScript
 * sources instead (`node --conditions=@coordattn/source --import tsx`), no build needed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const EXAMPLES = join(ROOT, 'docs', 'examples');
const readJson = <T>(path: string): T => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as T;

/** The packages the examples import. */
const PACKAGES = ['ir', 'cost', 'reference', 'codegen'];
const fromSource = process.env.COORDATTN_EXAMPLES === 'source';
const unbuilt = PACKAGES.filter((p) => !existsSync(join(ROOT, 'packages', p, 'dist', 'index.js')));
const runnable = fromSource || unbuilt.length === 0;
if (!runnable) {
  console.warn(
    `docs/examples are NOT run: ${unbuilt.map((p) => `packages/${p}/dist/index.js`).join(', ')} ` +
      'not built (npm run build), or set COORDATTN_EXAMPLES=source to run them on the sources',
  );
}

function runExample(name: string, args: readonly string[] = []): string {
  const flags = fromSource ? ['--conditions=@coordattn/source', '--import', 'tsx'] : [];
  const r = spawnSync(process.execPath, [...flags, join(EXAMPLES, name), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 170_000,
  });
  expect(r.status, `node docs/examples/${name} exited ${r.status}:\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

/** The integer after `label: ` on a line of `out`. */
function printed(out: string, label: string): number {
  const m = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (\\d+)`, 'm').exec(out);
  expect(m, `no '${label}: <integer>' line in:\n${out}`).not.toBeNull();
  return Number(m![1]);
}

// ---- the independent numbers ------------------------------------------------------------------

interface TorchLayer {
  readonly path: string;
  readonly outputShape: readonly number[];
}
interface TorchCounts {
  readonly params: number;
  readonly macs: number;
  readonly thop2019: number;
  readonly layers?: readonly TorchLayer[];
}
/** houqb/CoordAttention's mbv2_ca, counted by tools/torch-counts/count.py. */
const TORCH = readJson<{ models: Record<string, Record<string, TorchCounts>> }>(
  'packages/cost/test-data/torch-counts.json',
).models['mobilenetv2-ca-r32'];
/** The same model, measured by fvcore 0.1.6 run from source (tools/tool-counts/count.py). */
const TOOLS = readJson<{ models: Record<string, Record<string, { b1: { fvcore: { total: number } } }>> }>(
  'packages/cost/test-data/tool-counts.json',
).models['mobilenetv2-ca'];

// ---- the tests --------------------------------------------------------------------------------

describe('docs/api.md quotes docs/examples verbatim', () => {
  const md = readFileSync(join(ROOT, 'docs', 'api.md'), 'utf8');
  const files = readdirSync(EXAMPLES).filter((f) => /\.(mjs|json)$/.test(f));

  it('has the five examples', () => {
    expect(files.filter((f) => f.endsWith('.mjs')).sort()).toEqual([
      'analyze.mjs',
      'build-backbone.mjs',
      'compile.mjs',
      'read-spec.mjs',
      'run-kernels.mjs',
    ]);
  });

  it.each(files)('%s', (f) => {
    const text = readFileSync(join(EXAMPLES, f), 'utf8').trimEnd();
    expect(md.includes(`\n${text}\n\`\`\``), `docs/api.md does not quote docs/examples/${f} as it is`).toBe(
      true,
    );
  });
});

describe.runIf(runnable)(`docs/examples on the ${fromSource ? 'sources' : 'built packages'}`, () => {
  it('build-backbone.mjs: one CA block per block of the authors’ mbv2_ca, logits [1, 1000]', () => {
    const out = runExample('build-backbone.mjs');
    const layers = TORCH['224x224'].layers!;
    const caModules = new Set(layers.filter((l) => l.path.endsWith('.pool_h')).map((l) => l.path));
    expect(caModules.size).toBe(16);
    expect(printed(out, 'CA blocks')).toBe(caModules.size);
    expect(out).toContain(`output: [${layers.at(-1)!.outputShape.join(', ')}]`);
    expect(out).toContain('CA block output: [1, 64, H, W]');
  });

  it('read-spec.mjs: the spec file at 224 × 320 counts as PyTorch does', () => {
    const out = runExample('read-spec.mjs');
    expect(out).toContain('input: [1, 3, 224, 320]');
    expect(printed(out, 'params')).toBe(TORCH['224x320'].params);
    expect(printed(out, 'MACs')).toBe(TORCH['224x320'].macs);
  });

  it('read-spec.mjs: a bad spec exits 2 with the failing path', () => {
    const r = spawnSync(
      process.execPath,
      [
        ...(fromSource ? ['--conditions=@coordattn/source', '--import', 'tsx'] : []),
        join(EXAMPLES, 'read-spec.mjs'),
        join(ROOT, 'package.json'),
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^E_SPEC/);
  });

  it('analyze.mjs: params and MACs equal PyTorch’s, fvcore equals what fvcore prints', () => {
    const out = runExample('analyze.mjs');
    expect(printed(out, 'params')).toBe(TORCH['224x224'].params);
    expect(printed(out, 'MACs')).toBe(TORCH['224x224'].macs);
    expect(printed(out, 'fvcore')).toBe(TOOLS['224x224'].b1.fvcore.total);
    expect(printed(out, 'thop-2019')).toBe(TORCH['224x224'].thop2019);
  });

  it('compile.mjs: kernels with every pass, CA pools fused, a program.json of version 2', () => {
    const out = runExample('compile.mjs');
    expect(printed(out, 'kernels')).toBeGreaterThan(0);
    expect(out).toContain(
      'passes: eliminate-identity, fold-bn, fuse-reductions, fuse-epilogue, fuse-gate, channel-minor',
    );
    expect(printed(out, 'multi_reduce kernels')).toBeGreaterThanOrEqual(16);
    const dir = /^wrote \d+ files to (.+)$/m.exec(out)?.[1];
    expect(dir, out).toBeDefined();
    for (const f of ['program.json', 'weights.json', 'kernels.md']) {
      expect(existsSync(join(dir!, f)), f).toBe(true);
    }
    expect(readdirSync(dir!).filter((f) => /^model\.[jt]s$/.test(f))).not.toEqual([]);
    // Validated in full against docs/program.schema.json by packages/cli/src/schemas.test.ts.
    const program = JSON.parse(readFileSync(join(dir!, 'program.json'), 'utf8')) as {
      format: string;
      version: number;
      kernels: unknown[];
    };
    expect([program.format, program.version]).toEqual(['coordattn-program', 2]);
    expect(program.kernels).toHaveLength(printed(out, 'kernels'));
    rmSync(dir!, { recursive: true, force: true }); // the example's temporary folder (~14 MB of weights)
  });

  it('run-kernels.mjs: the cpu kernels agree with the float64 reference', () => {
    const out = runExample('run-kernels.mjs');
    expect(out).toContain('output: [1, 10]');
    expect(out).toMatch(/within tolerance .* 0\/10 elements fail/);
    expect(out.trimEnd().endsWith('PASS')).toBe(true);
  });
});
