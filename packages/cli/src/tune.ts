/**
 * `--tune` for compile and bench: the chain split of every long sum chosen by measured time on the
 * mode compiled for (`tune` in @coordattn/codegen), with the times cached in a JSON file so a second
 * tuning on this machine measures nothing it has measured before.
 *
 * Cache: `--tune-cache FILE`, default `$XDG_CACHE_HOME/coordattn/tune-cache.json` (else
 * `~/.cache/…`); `--tune-cache none` keeps nothing. Keys include the machine (CPU model and count,
 * Node version), the mode and the gpu.js patch state. A default cache that cannot be read is
 * replaced (with a note); a named one that cannot be read is an error.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { CoordattnError, type Graph } from '@coordattn/ir';
import { tune, type Mode, type PassSwitches, type TuneCache } from '@coordattn/codegen';
import type { Weights } from '@coordattn/reference';
import type { Io } from './commands.js';
import { positiveInt, str, type Flags } from './options.js';

const FORMAT = 'coordattn-tune-cache';

/** Where the cache lives: the flag, else the per-user default; undefined for `none`. */
export function tuneCachePath(flags: Flags, io: Io): { path: string; named: boolean } | undefined {
  const given = str(flags, 'tuneCache');
  if (given === 'none') return undefined;
  if (given !== undefined) return { path: resolve(io.cwd, given), named: true };
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return { path: join(base, 'coordattn', 'tune-cache.json'), named: false };
}

/** A cache file's entries; a missing file is empty (exported for its fuzz test). */
export function readEntries(file: { path: string; named: boolean }, io: Io): Map<string, number> {
  let text: string;
  try {
    text = readFileSync(file.path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new CoordattnError('E_IO', `cannot read the tune cache (${(e as NodeJS.ErrnoException).code})`, {
      path: file.path,
    });
  }
  try {
    const doc = JSON.parse(text) as { format?: unknown; entries?: unknown };
    const entries = doc.entries;
    if (doc.format !== FORMAT || typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
      throw new Error(`not a ${FORMAT} file`);
    }
    const out = new Map<string, number>();
    for (const [k, v] of Object.entries(entries)) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`entry ${k} is not a time`);
      out.set(k, v);
    }
    return out;
  } catch (e) {
    if (file.named) {
      throw new CoordattnError('E_IO', `the tune cache is not valid (${(e as Error).message})`, {
        path: file.path,
        expected: `a JSON file written by --tune ({ "format": "${FORMAT}", "entries": { key: ms } }), or a new path`,
      });
    }
    io.err(
      `tune: ignoring the unreadable cache ${file.path} (${(e as Error).message}); it will be rewritten\n`,
    );
    return new Map();
  }
}

function writeEntries(path: string, entries: ReadonlyMap<string, number>): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ format: FORMAT, entries: Object.fromEntries(entries) })}\n`);
    renameSync(tmp, path);
  } catch (e) {
    throw new CoordattnError('E_IO', `cannot write the tune cache (${(e as NodeJS.ErrnoException).code})`, {
      path,
    });
  }
}

/** The machine part of every cache key. */
function machine(): string {
  const c = cpus();
  return `${c[0]?.model ?? 'unknown cpu'} x${c.length} node ${process.version}`;
}

/**
 * Tunes `graph` for `mode` (a mode this machine runs) and returns compile's `splits`; progress and
 * a summary on stderr.
 */
export async function tunedSplits(
  graph: Graph,
  weights: Weights,
  flags: Flags,
  mode: Mode,
  passes: PassSwitches,
  io: Io,
): Promise<ReadonlyMap<string, number>> {
  const runs =
    str(flags, 'tuneRuns') === undefined ? 5 : positiveInt('tune-runs', str(flags, 'tuneRuns')!).toInt()!;
  const file = tuneCachePath(flags, io);
  const entries = file ? readEntries(file, io) : new Map<string, number>();
  const cache: TuneCache = { get: (k) => entries.get(k), set: (k, ms) => void entries.set(k, ms) };
  const t0 = performance.now();
  let last = 0;
  const r = await tune(graph, weights, {
    mode,
    runs,
    cache,
    machine: machine(),
    passes,
    onNode: (done, total) => {
      if (done === total || done - last >= Math.ceil(total / 10)) {
        last = done;
        io.err(`tune ${mode}: ${done}/${total} nodes\n`);
      }
    },
  });
  if (file) writeEntries(file.path, entries);
  io.err(
    `tuned ${r.nodes.length} nodes for ${mode} in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${r.splits.size} moved off the default split, ${r.measured} candidates timed, ${r.cached} from the cache${file ? ` (${file.path})` : ''}\n`,
  );
  return r.splits;
}
