/**
 * `coordattn bench`: the structure of its result (JSON valid against docs/bench.schema.json, which
 * is generated from BenchResultSchema), skipped modes and peers, ratios computed from the reported
 * medians, errors against onnxruntime and the reference, and user errors (exit 2). No test asserts
 * a speed. Also the `webasm-async` mode of `run` and `verify`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { attention, GraphBuilder, specToText } from '@coordattn/ir';
import { headlessGLAvailable } from '@coordattn/codegen';
import {
  compare,
  FLOAT32_TOLERANCE,
  initWeights,
  readNpy,
  run as interpret,
  uniformTensor,
  writeNpy,
} from '@coordattn/reference';
import {
  benchCommand,
  benchJsonSchema,
  BenchResultSchema,
  median,
  percentile,
  PEER_NAMES,
  PEER_THREADS,
  type BenchResult,
  type PeerLoader,
} from './bench.js';
import type { Io } from './commands.js';
import { run } from './test-io.js';

const SCHEMA_FILE = fileURLToPath(new URL('../../../docs/bench.schema.json', import.meta.url));
const GL = headlessGLAvailable().ok;

const dir = mkdtempSync(join(tmpdir(), 'coordattn-bench-'));
/** A CA block alone (a few kernels): cheap on every mode, headlessgl included. */
const SPEC = join(dir, 'ca.json');
{
  const b = new GraphBuilder();
  const x = b.input('input', [1, 16, 6, 5]);
  b.output(attention(b, x, { kind: 'ca', config: { reduction: 4 } }));
  writeFileSync(SPEC, specToText(b.build()));
}
const TINY = ['mobilenetv2', '--attention', 'ca', '--resolution', '32', '--width', '0.25'];

function parse(out: string): BenchResult {
  return BenchResultSchema.parse(JSON.parse(out));
}

/** `bench ca.json --runs 2 --warmup 0 --format json` with every available mode, run once lazily. */
let full: Promise<{ code: number; out: string; err: string }> | undefined;
const fullRun = (): Promise<{ code: number; out: string; err: string }> =>
  (full ??= run(['bench', 'ca.json', '--runs', '2', '--warmup', '0', '--format', 'json'], dir));

describe('coordattn bench --format json', () => {
  it('prints only JSON on stdout, valid against the schema; progress goes to stderr', async () => {
    const r = await fullRun();
    expect(r.code, r.err).toBe(0);
    const res = parse(r.out);
    expect(res.schemaVersion).toBe(1);
    expect(res.model).toMatchObject({ name: 'ca', argument: 'ca.json', flags: [] });
    expect(res.input).toEqual([{ name: 'input', shape: [1, 16, 6, 5], seed: 0 }]);
    expect(res.settings).toMatchObject({ runs: 2, warmup: 0, interleaved: true, referenceRuns: 2 });
    expect(res.machine.cpus).toBeGreaterThan(0);
    expect(res.machine.node).toBe(process.version);
    expect(r.err).toMatch(/bench: round 2\/2/);
  });

  it('runs every available mode and lists the others as skipped with the reason', async () => {
    const res = parse((await fullRun()).out);
    const ran = res.modes.map((m) => m.mode);
    expect(ran).toEqual(['cpu', 'webasm', 'webasm-async', ...(GL ? ['headlessgl'] : [])]);
    expect(res.skipped).toEqual(
      GL ? [] : [{ mode: 'headlessgl', reason: expect.stringMatching(/xvfb-run/) }],
    );
    for (const m of res.modes) {
      expect(m.runs).toBe(2);
      expect(m.kernels).toBeGreaterThan(0);
      expect(m.readyMs).toBeCloseTo(m.compileMs + m.runtimeMs + m.firstMs, 2);
      expect(m.minMs).toBeLessThanOrEqual(m.medianMs);
      expect(m.medianMs).toBeLessThanOrEqual(m.p90Ms);
      expect(m.withinTolerance).toBe(true);
      expect(m.maxRelErrorReference).toBeLessThan(1e-4);
    }
    expect(res.reference.runs).toBe(2);
    // the layout per backend: the webasm programs store channel-minor values, the others do not
    const note = res.notes.find((n) => n.startsWith('each mode runs the program compiled for it'));
    const groups = new Map(
      (note ?? '')
        .slice(note!.indexOf('): ') + 3)
        .split('; ')
        .map((g) => [g.slice(0, g.indexOf(': ')), g.slice(g.indexOf(': ') + 2).split(', ')] as const),
    );
    expect(groups.get('webasm, webasm-async')).toContain('channel-minor');
    expect(groups.get(GL ? 'cpu, headlessgl' : 'cpu')).not.toContain('channel-minor');
  });

  it('runs both onnxruntime peers at 1 and 2 threads (or says why not), with every ratio', async () => {
    const res = parse((await fullRun()).out);
    for (const name of PEER_NAMES) {
      for (const threads of PEER_THREADS) {
        const ran = res.peers.some((p) => p.name === name && p.threads === threads);
        const skipped = res.skippedPeers.some(
          (s) => s.name === name && (s.threads === null || s.threads === threads),
        );
        expect(ran !== skipped, `${name} ${threads}`).toBe(true);
      }
    }
    // onnxruntime-node is installed in this workspace: its outputs are the error baseline.
    expect(res.settings.errorBaseline).toEqual({ name: 'onnxruntime-node', threads: 1 });
    for (const p of res.peers) expect(p.maxRelErrorReference).toBeLessThan(1e-4);
    for (const m of res.modes) expect(m.maxRelError).toBeLessThan(1e-4);
    expect(res.ratios).toHaveLength(res.modes.length * res.peers.length);
    for (const q of res.ratios) {
      const m = res.modes.find((x) => x.mode === q.mode)!;
      const p = res.peers.find((x) => x.name === q.peer && x.threads === q.threads)!;
      expect(q.ratio).toBe(m.medianMs / p.medianMs);
    }
  });

  it('docs/bench.schema.json is the schema generated from BenchResultSchema', () => {
    const generated = benchJsonSchema();
    // On failure, regenerate: npx tsx --conditions=@coordattn/source tools/gen-schemas.ts (from the repository root)
    expect(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'))).toEqual(generated);
  });

  it('the schema rejects malformed results', async () => {
    const res = JSON.parse((await fullRun()).out) as BenchResult;
    expect(BenchResultSchema.safeParse(res).success).toBe(true);
    expect(BenchResultSchema.safeParse({ ...res, schemaVersion: 2 }).success).toBe(false);
    expect(BenchResultSchema.safeParse({ ...res, extra: 1 }).success).toBe(false);
    expect(BenchResultSchema.safeParse({ ...res, modes: [{ ...res.modes[0], mode: 'gpu' }] }).success).toBe(
      false,
    );
    expect(BenchResultSchema.safeParse({ ...res, ratios: [{ mode: 'cpu', peer: 'tfjs' }] }).success).toBe(
      false,
    );
  });
});

describe('coordattn bench without the onnxruntime packages', () => {
  const missing: PeerLoader = {
    importPackage: (name) => Promise.reject(new Error(`Cannot find package '${name}'`)),
    resolvePackage: (name) => {
      throw new Error(`Cannot find module '${name}'`);
    },
  };

  it('says how to install them and still times the modes', async () => {
    let out = '';
    let err = '';
    const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), cwd: dir };
    await benchCommand(
      'mobilenetv2',
      {
        attention: 'ca',
        resolution: '32',
        width: '0.25',
        modes: 'webasm',
        runs: '2',
        warmup: '0',
        format: 'json',
      },
      io,
      { peers: missing },
    );
    const res = parse(out);
    expect(res.modes.map((m) => m.mode)).toEqual(['webasm']);
    expect(res.modes[0].maxRelError).toBeNull();
    expect(res.modes[0].withinTolerance).toBe(true);
    expect(res.peers).toEqual([]);
    expect(res.ratios).toEqual([]);
    expect(res.settings.errorBaseline).toBeNull();
    expect(res.skippedPeers).toEqual([
      {
        name: 'onnxruntime-node',
        threads: null,
        reason: expect.stringMatching(/npm install onnxruntime-node/),
      },
      {
        name: 'onnxruntime-web-wasm',
        threads: null,
        reason: expect.stringMatching(/npm install onnxruntime-web/),
      },
    ]);
    expect(err).toMatch(/skipping onnxruntime-node: onnxruntime-node is not installed \(npm install/);
  });
});

describe('coordattn bench --profile, --format md', () => {
  it('times every kernel and totals them by template', async () => {
    const r = await run(
      [
        'bench',
        'ca.json',
        '--modes',
        'webasm',
        '--peers',
        'none',
        '--runs',
        '2',
        '--warmup',
        '0',
        '--profile',
      ].concat(['--format', 'json']),
      dir,
    );
    expect(r.code, r.err).toBe(0);
    const res = parse(r.out);
    expect(res.peers).toEqual([]);
    expect(res.skippedPeers).toEqual([]);
    const [p] = res.profile!;
    expect(p.mode).toBe('webasm');
    expect(p.kernels).toHaveLength(res.modes[0].kernels);
    const sum = (xs: number[]): number => xs.reduce((s, x) => s + x, 0);
    expect(sum(p.templates.map((t) => t.kernels))).toBe(p.kernels.length);
    expect(sum(p.templates.map((t) => t.ms))).toBeCloseTo(sum(p.kernels.map((k) => k.ms)), 1);
    expect(p.templates.map((t) => t.ms)).toEqual([...p.templates.map((t) => t.ms)].sort((a, b) => b - a));
    if (p.totalMs > 0) expect(sum(p.templates.map((t) => t.percent))).toBeCloseTo(100, 0);
  });

  it('renders Markdown tables', async () => {
    const r = await run(
      [
        'bench',
        'ca.json',
        '--modes',
        'cpu',
        '--peers',
        'onnxruntime-node',
        '--runs',
        '1',
        '--warmup',
        '0',
      ].concat(['--profile', '--format', 'md']),
      dir,
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^### bench ca\.json/);
    expect(r.out).toMatch(/\| mode \| kernels \| compile ms \|.*\| ÷ ort-node 1t \| ÷ ort-node 2t \|/);
    expect(r.out).toMatch(/\| cpu \| \d+ \|/);
    expect(r.out).toMatch(/\| onnxruntime-node \| 2 \|/);
    expect(r.out).toMatch(/### profile cpu/);
    expect(r.out).toMatch(/\| template \| kernels \| ms \| % \|/);
  });
});

describe('coordattn bench: user errors exit 2 naming the flag', () => {
  const cases: [string[], RegExp][] = [
    [['--runs', '0'], /E_OPTION at --runs: not a positive integer: '0'/],
    [['--runs', 'many'], /E_OPTION at --runs/],
    [['--warmup', '-1'], /E_OPTION at --warmup: not a warm-up count: '-1'/],
    [['--modes', 'foo'], /E_OPTION at --modes: unknown value 'foo'.*cpu, webasm, webasm-async, headlessgl/],
    [['--modes', 'cpu,cpu'], /E_OPTION at --modes: 'cpu' is listed twice/],
    [['--format', 'xml'], /E_OPTION at --format: unknown format 'xml'/],
    [['--peers', 'tfjs'], /E_OPTION at --peers: unknown value 'tfjs'/],
  ];
  for (const [flags, message] of cases) {
    it(`${flags.join(' ')}`, async () => {
      const r = await run(['bench', 'ca.json', ...flags], dir);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.out).toBe('');
    });
  }

  it.skipIf(GL)('a requested mode that cannot run here (headlessgl without a display)', async () => {
    const r = await run(['bench', 'ca.json', '--modes', 'cpu,headlessgl'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/E_BACKEND at --modes: mode headlessgl is unavailable/);
  });

  it('a symbolic model', async () => {
    const r = await run(['bench', ...TINY.slice(0, 3), '--resolution', 'HxW'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/E_OPTION at --resolution: the model has free symbols/);
  });
});

describe('statistics', () => {
  it('median and nearest-rank p90', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(percentile([5, 1, 4, 2, 3, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([2, 1], 90)).toBe(2);
  });
});

describe('mode webasm-async in run and verify', () => {
  it('verify: kernels one by one on sync webasm, the whole plan on the async runtime', async () => {
    const r = await run(['verify', 'ca.json', '--modes', 'webasm-async'], dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/ca\.json on webasm-async: \d+ kernels, 0 failed, end to end pass/);
    expect(r.out).toMatch(/PASS: 1 verification\(s\) on webasm-async/);
  });

  it('run: the output is within tolerance of the reference', async () => {
    const b = new GraphBuilder();
    const x = b.input('input', [1, 16, 6, 5]);
    b.output(attention(b, x, { kind: 'ca', config: { reduction: 4 } }));
    const graph = b.build();
    const input = uniformTensor([1, 16, 6, 5], 5);
    writeNpy(join(dir, 'x.npy'), input);
    const r = await run(
      ['run', 'ca.json', '--mode', 'webasm-async', '--input', 'x.npy', '--output', 'y.npy'],
      dir,
    );
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/ran \d+ kernels on webasm-async \(/);
    const expected = interpret(graph, { input }, initWeights(graph, 0))[graph.outputs[0]];
    expect(compare(readNpy(join(dir, 'y.npy')), expected, FLOAT32_TOLERANCE).pass).toBe(true);
  });
});
