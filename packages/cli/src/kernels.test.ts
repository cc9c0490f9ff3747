/**
 * `coordattn compile | run | verify`: outputs within tolerance of the reference interpreter, the
 * written directory, the per-kernel table and exit codes, and one clear error (exit 2) for each
 * kind of bad input.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBackbone } from '@coordattn/ir';
import {
  compare,
  describeComparison,
  FLOAT32_TOLERANCE,
  initWeights,
  readNpy,
  run as interpret,
  saveWeights,
  uniformTensor,
  writeNpy,
} from '@coordattn/reference';
import { run, SMALL_MODEL as MODEL } from './test-io.js';

const dir = mkdtempSync(join(tmpdir(), 'coordattn-cli-kernels-'));
const graph = buildBackbone('mobilenetv2', {
  attention: { kind: 'ca' },
  height: 32,
  widthPx: 32,
  width: 0.35,
  classes: 10,
});

const x = uniformTensor([1, 3, 32, 32], 9);
const xFile = join(dir, 'x.npy');
writeNpy(xFile, x);

describe('coordattn compile + run', () => {
  const out = join(dir, 'compiled');
  const weightsFile = join(dir, 'w.json');
  saveWeights(weightsFile, initWeights(graph, 4, { randomBias: true, randomBnStats: true }), { graph });
  const expected = interpret(
    graph,
    { input: x },
    initWeights(graph, 4, { randomBias: true, randomBnStats: true }),
  )[graph.outputs[0]];

  /** `compile … --out <out>`, run once by whichever test needs it first (any order, any one alone). */
  let compiled: ReturnType<typeof run> | undefined;
  const compileOnce = (): ReturnType<typeof run> =>
    (compiled ??= run(['compile', ...MODEL, '--weights', weightsFile, '--out', out]));

  it('compile writes the JavaScript module, its runtime and declarations, program, weights and kernels report', async () => {
    const r = await compileOnce();
    expect(r.err).toMatch(
      /compiled \d+ IR nodes into \d+ kernels for mode webasm \(passes: eliminate-identity, fold-bn, .*channel-minor\)/,
    );
    expect(r.code).toBe(0);
    const files = [
      ...['model', 'runtime', 'gpujs-patch', 'errors'].flatMap((m) => [`${m}.js`, `${m}.d.ts`]),
      'package.json',
      'program.json',
      'weights.json',
      'weights.bin',
      'kernels.md',
    ];
    expect(r.out.trim().split('\n').sort()).toEqual(files.map((f) => join(out, f)).sort());
    expect(existsSync(join(out, 'model.ts'))).toBe(false);
  });

  it('compile --emit ts writes the TypeScript sources; --target browser also the one-file bundle', async () => {
    const ts = join(dir, 'compiled-ts');
    const r = await run(['compile', ...MODEL, '--weights', weightsFile, '--out', ts, '--emit', 'ts']);
    expect(r.code, r.err).toBe(0);
    for (const f of ['model.ts', 'runtime.ts', 'gpujs-patch.ts', 'errors.ts', 'program.json']) {
      expect(r.out).toContain(`${join(ts, f)}\n`);
    }
    expect(existsSync(join(ts, 'model.js'))).toBe(false);
    const web = join(dir, 'compiled-web');
    const b = await run(['compile', ...MODEL, '--weights', weightsFile, '--out', web, '--target', 'browser']);
    expect(b.code, b.err).toBe(0);
    for (const f of ['model.js', 'model.d.ts', 'model.browser.js', 'model.browser.d.ts']) {
      expect(b.out).toContain(`${join(web, f)}\n`);
    }
    expect(readFileSync(join(web, 'model.browser.js'), 'utf8')).toMatch(
      /^\/\/ gpu\.js 2\.24\.1, dist\/gpu-browser\.js verbatim/,
    );
  });

  for (const mode of ['cpu', 'webasm'] as const) {
    it(`run <DIR> --mode ${mode} gives the interpreter's output within tolerance`, async () => {
      await compileOnce();
      const y = join(dir, `y-${mode}.npy`);
      const r = await run(['run', out, '--input', xFile, '--output', y, '--mode', mode]);
      expect(r.code, r.err).toBe(0);
      expect(r.err).toMatch(new RegExp(`ran \\d+ kernels on ${mode}`));
      const c = compare(readNpy(y), expected, FLOAT32_TOLERANCE);
      expect(c.pass, describeComparison(c)).toBe(true);
    });
  }

  it('run <model> compiles in place with the same weights and agrees', async () => {
    const y = join(dir, 'y-direct.npy');
    const r = await run([
      'run',
      ...MODEL,
      '--weights',
      weightsFile,
      '--input',
      xFile,
      '--output',
      y,
      '--mode',
      'cpu',
    ]);
    expect(r.code, r.err).toBe(0);
    expect(compare(readNpy(y), expected, FLOAT32_TOLERANCE).pass).toBe(true);
  });

  it('--mode auto runs on webasm (the fastest mode measured) and agrees', async () => {
    const y = join(dir, 'y-auto.npy');
    const r = await run(['run', ...MODEL, '--weights', weightsFile, '--input', xFile, '--output', y]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/ran \d+ kernels on webasm \(WebAssemblyKernel\)/);
    expect(compare(readNpy(y), expected, FLOAT32_TOLERANCE).pass).toBe(true);
  });

  it('compile --mode picks the backend-dependent passes; a program for one mode runs on another', async () => {
    const gl = join(dir, 'for-gl');
    const r = await run(['compile', ...MODEL, '--weights', weightsFile, '--mode', 'headlessgl', '--out', gl]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/for mode headlessgl \(passes: [^)]*fuse-gate\)/);
    const program = JSON.parse(readFileSync(join(gl, 'program.json'), 'utf8')) as {
      passes: string[];
      kernels: { layout?: string }[];
    };
    expect(program.passes).not.toContain('channel-minor');
    expect(program.kernels.some((k) => k.layout !== undefined)).toBe(false);
    const webasm = JSON.parse(readFileSync(join(out, 'program.json'), 'utf8')) as typeof program;
    expect(webasm.kernels.some((k) => k.layout === 'nhwc')).toBe(true);
    // the NCHW program on webasm, the channel-minor one on cpu: both correct
    const y1 = join(dir, 'y-gl-on-webasm.npy');
    const r1 = await run(['run', gl, '--input', xFile, '--output', y1, '--mode', 'webasm']);
    expect(r1.code, r1.err).toBe(0);
    expect(compare(readNpy(y1), expected, FLOAT32_TOLERANCE).pass).toBe(true);
    const bad = await run(['compile', ...MODEL, '--mode', 'tpu', '--out', join(dir, 'bad')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--mode/);
  });
});

describe('compile --tune', () => {
  it('chooses chain splits by measured time, caches the times, and the tuned module runs correctly', async () => {
    const tdir = mkdtempSync(join(tmpdir(), 'coordattn-tune-'));
    const cache = join(tdir, 'cache.json');
    const wFile = join(dir, 'w.json'); // saved by the compile + run tests' setup
    const first = await run([
      'compile',
      ...MODEL,
      '--weights',
      wFile,
      '--tune',
      '--tune-runs',
      '1',
      '--tune-cache',
      cache,
      '--out',
      join(tdir, 'a'),
    ]);
    expect(first.code, first.err).toBe(0);
    // identical layers (same kernel cache keys) are timed once: the later ones come from the cache
    const m =
      /tuned (\d+) nodes for webasm in [\d.]+ s: (\d+) moved off the default split, (\d+) candidates timed, (\d+) from the cache/.exec(
        first.err,
      );
    expect(m, first.err).not.toBeNull();
    expect(Number(m![3])).toBeGreaterThan(Number(m![1]));
    const doc = JSON.parse(readFileSync(cache, 'utf8')) as {
      format: string;
      entries: Record<string, number>;
    };
    expect(doc.format).toBe('coordattn-tune-cache');
    expect(Object.keys(doc.entries).length).toBe(Number(m![3]));
    const again = await run([
      'compile',
      ...MODEL,
      '--weights',
      wFile,
      '--tune',
      '--tune-cache',
      cache,
      '--out',
      join(tdir, 'b'),
    ]);
    expect(again.code, again.err).toBe(0);
    expect(again.err).toMatch(
      new RegExp(`0 candidates timed, ${Number(m![3]) + Number(m![4])} from the cache`),
    );
    // same times, same choices: the same program
    expect(readFileSync(join(tdir, 'b', 'program.json'), 'utf8')).toBe(
      readFileSync(join(tdir, 'a', 'program.json'), 'utf8'),
    );
    // and the tuned module computes what the interpreter computes
    const y = join(tdir, 'y.npy');
    const r = await run(['run', join(tdir, 'a'), '--input', xFile, '--output', y, '--mode', 'webasm']);
    expect(r.code, r.err).toBe(0);
    const want = interpret(
      graph,
      { input: x },
      initWeights(graph, 4, { randomBias: true, randomBnStats: true }),
    )[graph.outputs[0]];
    const cmp = compare(readNpy(y), want, FLOAT32_TOLERANCE);
    expect(cmp.pass, describeComparison(cmp)).toBe(true);
  });

  it('refuses what it cannot measure here and a cache file that is not one (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coordattn-tune-'));
    const browser = await run(['compile', ...MODEL, '--tune', '--mode', 'webgl2', '--out', join(dir, 'x')]);
    expect(browser.code).toBe(2);
    expect(browser.err).toMatch(/--tune.*browsers only/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"entries": []}');
    const r = await run(['compile', ...MODEL, '--tune', '--tune-cache', bad, '--out', join(dir, 'y')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/E_IO.*tune cache is not valid/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});

describe('coordattn verify', () => {
  it('prints the per-kernel table and passes on cpu', async () => {
    const r = await run(['verify', ...MODEL, '--modes', 'cpu']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/mobilenetv2 on cpu: \d+ kernels, 0 failed, end to end pass/);
    expect(r.out).toMatch(/multi_reduce_features_2_conv_attention_cat\s+│ multi_reduce\s+│ 4\s+│ CPUKernel/);
    expect(r.out).toMatch(/PASS: 1 verification\(s\) on cpu/);
    expect(r.err).toMatch(/verify cpu: \d+\/\d+/);
  });

  it('json format lists every kernel with its backend and errors', async () => {
    const r = await run(['verify', ...MODEL, '--modes', 'webasm', '--format', 'json', '--seed', '3']);
    expect(r.code).toBe(0);
    const [res] = JSON.parse(r.out) as { mode: string; pass: boolean; kernels: { backend: string }[] }[];
    expect(res.mode).toBe('webasm');
    expect(res.pass).toBe(true);
    expect(new Set(res.kernels.map((k) => k.backend))).toEqual(new Set(['WebAssemblyKernel']));
  });
});

describe('bad inputs: one line, exit 2', () => {
  const cases: [string, string[], RegExp][] = [
    ['compile without --out', ['compile', 'mobilenetv2'], /E_OPTION at --out: compile needs --out DIR/],
    [
      'compile with an unknown --emit',
      ['compile', 'mobilenetv2', '--out', join(dir, 'never'), '--emit', 'wasm'],
      /E_UNKNOWN_NAME at --emit: unknown value 'wasm' \(expected one of js, ts\)/,
    ],
    [
      'compile with an unknown --target',
      ['compile', 'mobilenetv2', '--out', join(dir, 'never'), '--target', 'deno'],
      /E_UNKNOWN_NAME at --target: unknown value 'deno' \(expected one of node, browser\)/,
    ],
    [
      'compile --target browser --emit ts',
      ['compile', 'mobilenetv2', '--out', join(dir, 'never'), '--target', 'browser', '--emit', 'ts'],
      /E_OPTION at --emit: --target browser bundles the JavaScript module \(expected --emit js \(the default\)\)/,
    ],
    [
      'an unreadable .npy',
      ['run', ...MODEL, '--input', join(dir, 'missing.npy'), '--output', join(dir, 'o.npy'), '--mode', 'cpu'],
      /E_IO at .*missing\.npy/,
    ],
    [
      'a .npy of the wrong shape',
      ['run', 'mobilenetv2', '--input', xFile, '--output', join(dir, 'o.npy'), '--mode', 'cpu'],
      /E_SHAPE at .*x\.npy: the input array does not have the model's input shape \(got vs expected\): \[1,3,32,32\] vs \[1,3,224,224\] \(expected an array of the model input shape \(set --resolution \/ --batch to match\)\)/,
    ],
    [
      'run without --output or --out-dir',
      ['run', ...MODEL, '--input', xFile, '--mode', 'cpu'],
      /E_OPTION at --output: run needs --output y\.npy \(or --out-dir DIR\)/,
    ],
    [
      'an unknown mode',
      ['run', ...MODEL, '--input', xFile, '--output', join(dir, 'o.npy'), '--mode', 'gpu'],
      /--mode.*gpu/,
    ],
    [
      'weights of another model',
      ['verify', 'resnet18', '--resolution', '32', '--modes', 'cpu', '--weights', join(dir, 'w.json')],
      /E_IO|E_SHAPE/,
    ],
    [
      'an unknown pass',
      ['verify', ...MODEL, '--modes', 'cpu', '--disable-pass', 'fuse-all'],
      /disable-pass.*fuse-all/,
    ],
    [
      'a directory that is not a compiled model',
      ['run', dir, '--input', xFile, '--output', join(dir, 'o.npy')],
      /E_IO at .*: no readable program\.json/,
    ],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n').length).toBe(1);
    });
  }

  it('verify with an unknown format is a usage error (exit 2) naming the formats', async () => {
    const r = await run(['verify', ...MODEL, '--modes', 'cpu', '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/'xml' is invalid.*table, md, json, junit/);
  });

  it('a corrupt weights file names the problem', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": "nope"}');
    const r = await run(['verify', ...MODEL, '--modes', 'cpu', '--weights', bad]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.json/);
  });
});

describe('--disable-pass', () => {
  it('switches a lowering pass off (more kernels, same verdict)', async () => {
    const on = await run(['verify', ...MODEL, '--modes', 'cpu']);
    const off = await run([
      'verify',
      ...MODEL,
      '--modes',
      'cpu',
      '--disable-pass',
      'fuse-gate,fuse-reductions',
    ]);
    expect(off.code).toBe(0);
    const count = (s: string): number => Number(/on cpu: (\d+) kernels/.exec(s)![1]);
    expect(count(off.out)).toBeGreaterThan(count(on.out));
  });
});
