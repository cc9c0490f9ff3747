#!/usr/bin/env node
/**
 * Sweep throughput, measured as a user sees it: spawns the `coordattn` command
 * (node_modules/.bin/coordattn, or $COORDATTN_BIN) for a 25-point and a 1,000-point reduction
 * sweep, a reduction x resolution grid and a width sweep (rebuilt point by point), each --runs
 * times (default 3), and prints the median wall time and points per second — end to end, and
 * after subtracting the time of a one-point report of the same model (start-up, the base build).
 *
 * Every run's CSV is checked: the row count, and the r = 32, 224x224 row against the PyTorch
 * forward-hook counts committed in packages/cost/test-data/torch-counts.json
 * (mobilenetv2-ca-r32, tools/torch-counts/count.py). PyTorch itself cannot run in CI; when
 * `python3 -c 'import torch'` works (Debian: apt-get install python3-torch python3-torchvision),
 * `--torch` also times count.py's hook count (`profile`) of the 25 models of the 25-point sweep.
 *
 *   npm run build && node tools/bench-sweep.mjs [--runs 3] [--format md|json] [--torch]
 *
 * docs/performance.md ("Sweeps") records its output.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    format: { type: 'string', default: 'md' },
    torch: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs must be a positive integer, got ${values.runs}`);
  process.exit(2);
}
const md = values.format === 'md';
const withTorch = values.torch;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = process.env.COORDATTN_BIN ?? `${ROOT}node_modules/.bin/coordattn`;
if (process.env.COORDATTN_BIN === undefined && !existsSync(`${ROOT}packages/cli/dist/main.js`)) {
  console.error('packages/cli/dist/main.js is missing: run `npm run build` first (or set COORDATTN_BIN)');
  process.exit(2);
}

const MODEL = ['report', 'mobilenetv2', '--attention', 'ca', '--format', 'csv'];
const CASES = [
  { name: '25-point reduction sweep', sweep: ['--sweep', 'reduction=8..32'], points: 25 },
  { name: '1,000-point reduction sweep', sweep: ['--sweep', 'reduction=1..1000'], points: 1000 },
  {
    name: 'grid: reduction x resolution (8 x 15 x 15)',
    sweep: ['--sweep', 'reduction=8..64:8', '--sweep', 'resolution=96..320:16x96..320:16'],
    points: 8 * 15 * 15,
  },
  { name: 'width sweep (rebuilt per point)', sweep: ['--sweep', 'width=0.5..1.5:0.05'], points: 21 },
];

const torchCounts = JSON.parse(readFileSync(`${ROOT}packages/cost/test-data/torch-counts.json`, 'utf8'))
  .models['mobilenetv2-ca-r32']['224x224'];

function coordattn(argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(BIN, argv, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) {
    throw new Error(`${BIN} ${argv.join(' ')} exited ${r.status}: ${r.stderr || r.error?.message}`);
  }
  return { seconds, out: r.stdout };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Checks a sweep's CSV: the row count, and r = 32 at 224x224 against PyTorch's hook counts. */
function check(csv, c) {
  const lines = csv.trim().split('\n');
  if (lines.length !== c.points + 1) throw new Error(`${c.name}: ${lines.length - 1} rows, not ${c.points}`);
  const head = lines[0].split(',');
  const col = (k) => head.indexOf(k);
  for (const line of lines.slice(1)) {
    const f = line.split(',');
    const r = col('reduction') >= 0 ? f[col('reduction')] : '32';
    const res = col('resolution') >= 0 ? f[col('resolution')] : '224x224';
    const w = col('width') >= 0 ? f[col('width')] : '1';
    if (r !== '32' || res !== '224x224' || w !== '1') continue;
    const got = [Number(f[col('params')]), Number(f[col('macs')])];
    if (got[0] !== torchCounts.params || got[1] !== torchCounts.macs) {
      throw new Error(
        `${c.name}: r=32 gives ${got}, PyTorch's hooks ${torchCounts.params},${torchCounts.macs}`,
      );
    }
    return 'r=32 = PyTorch hooks';
  }
  return 'rows';
}

const one = median(Array.from({ length: runs }, () => coordattn(MODEL).seconds));
const results = CASES.map((c) => {
  const times = [];
  let checked = '';
  for (let i = 0; i < runs; i++) {
    const r = coordattn([...MODEL, ...c.sweep]);
    times.push(r.seconds);
    checked = check(r.out, c);
  }
  const s = median(times);
  return {
    ...c,
    command: `coordattn ${[...MODEL, ...c.sweep].join(' ')}`,
    seconds: s,
    perSecond: c.points / s,
    afterStart: c.points / Math.max(s - one, 1e-3),
    checked,
  };
});

let torch;
if (withTorch) {
  const py = `
import sys, time
sys.path.insert(0, ${JSON.stringify(`${ROOT}tools/torch-counts`)})
import count
t0 = time.perf_counter()
for r in range(8, 33):
    m = count.MBV2_CA(lambda c, r=r: count.CoordAtt(c, c, reduction=r)).eval()
    res = count.profile(m, 224, 224, False)
    if r == 32: p32 = (res["params"], res["macs"])
print(time.perf_counter() - t0, p32[0], p32[1])
`;
  const r = spawnSync('python3', ['-c', py], { encoding: 'utf8' });
  if (r.status === 0) {
    const [s, p, m] = r.stdout.trim().split(/\s+/).map(Number);
    torch = { seconds: s, points: 25, matches: p === torchCounts.params && m === torchCounts.macs };
  } else {
    torch = { error: (r.stderr.trim().split('\n').pop() ?? 'failed').slice(0, 200) };
  }
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
if (md) {
  console.log(`machine: ${machine}; median of ${runs} runs; one-point report: ${one.toFixed(2)} s\n`);
  console.log('| sweep | points | wall time | points/s | points/s after start-up | check |');
  console.log('| --- | ---: | ---: | ---: | ---: | --- |');
  for (const r of results) {
    console.log(
      `| ${r.name} | ${r.points} | ${r.seconds.toFixed(2)} s | ${r.perSecond.toFixed(0)} | ${r.afterStart.toFixed(0)} | ${r.checked} |`,
    );
  }
  for (const r of results) console.log(`\n    ${r.command}`);
} else {
  console.log(
    JSON.stringify({ machine, runs, onePointSeconds: one, results, ...(torch ? { torch } : {}) }, null, 2),
  );
}
if (torch && md) {
  console.log(
    'error' in torch
      ? `\nPyTorch hook count: not run (${torch.error})`
      : `\nPyTorch hook count of the 25 models (count.py profile): ${torch.seconds.toFixed(2)} s, ${(25 / torch.seconds).toFixed(1)} points/s; r=32 ${torch.matches ? '=' : '≠'} committed counts`,
  );
}
