#!/usr/bin/env node
/**
 * Startup benchmark of the built CLI, as a user runs it: `node_modules/.bin/coordattn` spawned
 * directly (npx alone adds ~0.35 s), against `node -e 0` in the same run. Rounds are interleaved
 * (each round runs every command once, in rotating order) so a load change hits all alike.
 *
 *   npm run build && node tools/bench-startup.mjs [--runs 21] [--format md|json]
 *
 * Prints wall-clock median / min / p90 per command and the median minus node's. Not a test: the
 * targets (--help < 0.3 s, report < 1 s on a 2-core machine) are recorded in docs/performance.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '21' }, format: { type: 'string', default: 'md' } },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs must be a positive integer, got ${values.runs}`);
  process.exit(2);
}
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = `${root}node_modules/.bin/coordattn`;
if (!existsSync(`${root}packages/cli/dist/main.js`)) {
  console.error('packages/cli/dist/main.js is missing: run `npm run build` first');
  process.exit(2);
}

const commands = [
  { name: 'node -e 0', file: process.execPath, args: ['-e', '0'] },
  { name: 'coordattn --help', file: bin, args: ['--help'] },
  { name: 'coordattn --version', file: bin, args: ['--version'] },
  {
    name: 'coordattn report mobilenetv2 --attention ca --format json',
    file: bin,
    args: ['report', 'mobilenetv2', '--attention', 'ca', '--format', 'json'],
  },
  {
    name: 'coordattn report mobilenetv2 --attention ca',
    file: bin,
    args: ['report', 'mobilenetv2', '--attention', 'ca'],
  },
];

const times = commands.map(() => []);
function once(i) {
  const c = commands[i];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(c.file, c.args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) {
    console.error(`${c.name} exited ${r.status}: ${r.stderr}`);
    process.exit(1);
  }
  return ms;
}
for (let i = 0; i < commands.length; i++) once(i); // warm the file cache
for (let round = 0; round < runs; round++) {
  for (let k = 0; k < commands.length; k++) {
    const i = (k + round) % commands.length;
    times[i].push(once(i));
  }
}
const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
};
const rows = commands.map((c, i) => ({
  command: c.name,
  medianMs: q(times[i], 0.5),
  minMs: Math.min(...times[i]),
  p90Ms: q(times[i], 0.9),
}));
const node = rows[0].medianMs;
const machine = `${cpus().length}× ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}`;
if (values.format === 'json') {
  console.log(JSON.stringify({ machine, runs, date: new Date().toISOString(), rows }, null, 2));
} else {
  console.log(`Startup, ${runs} interleaved runs, ${machine}, ${new Date().toISOString().slice(0, 10)}\n`);
  console.log('| command | median | min | p90 | median − node |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) {
    const f = (ms) => `${(ms / 1000).toFixed(3)} s`;
    console.log(
      `| \`${r.command}\` | ${f(r.medianMs)} | ${f(r.minMs)} | ${f(r.p90Ms)} | ${f(r.medianMs - node)} |`,
    );
  }
}
