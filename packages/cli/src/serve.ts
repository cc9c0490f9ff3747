/**
 * `coordattn serve <model | compiled DIR> [--port N] [--open]`: a local page (127.0.0.1 only) that
 * runs the model's kernels in the browser on webgl2, webgpu, webasm and cpu, verifies them kernel
 * by kernel against the float64 reference computed in the page, times them, and races
 * onnxruntime-web (wasm and webgpu) on the ONNX export of the same graph and weights. The server
 * and the page are @coordattn/web's (`serve.ts`, `runner/page.ts`); this file loads the model the
 * way compile/verify do (verify's weights: seeded, with random BN statistics and biases) and
 * serves until SIGINT (Ctrl-C).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CoordattnError } from '@coordattn/ir';
import {
  compiledDirEntries,
  fileTable,
  modelEntries,
  ortWebDist,
  prepareModel,
  runnerBundle,
  startServer,
  type ServedEntry,
} from '@coordattn/web/serve';
import type { Io } from './io.js';
import { compiledDirectory, seedOf, weightsOf } from './kernels.js';
import { loadModel } from './model.js';
import { MODEL_FLAG_NAMES, modelFlags, positiveInt, str, type Flags } from './options.js';

/** The command line's model and flags as the page names the model. */
function describe(model: string, flags: Flags): string {
  const parts = [model];
  for (const k of MODEL_FLAG_NAMES) {
    const v = flags[k];
    if (v === undefined) continue;
    const flag = `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    parts.push(
      ...(Array.isArray(v) ? v.map((x) => `${flag} ${x}`) : [v === true ? flag : `${flag} ${String(v)}`]),
    );
  }
  return parts.join(' ');
}

/** Opens `url` in the system browser, best effort (a failure is a note on stderr). */
function openBrowserAt(url: string, io: Io): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '""', url] : [url];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', (e) => io.err(`coordattn serve: cannot open a browser (${e.message}); open ${url}\n`));
    child.unref();
  } catch (e) {
    io.err(`coordattn serve: cannot open a browser (${(e as Error).message}); open ${url}\n`);
  }
}

export interface ServeHandle {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the server for the command's model (returned for tests; the command waits for SIGINT). */
export async function startServe(target: string, flags: Flags, io: Io): Promise<ServeHandle> {
  const portFlag = str(flags, 'port');
  const port = portFlag === undefined ? 0 : portFlag === '0' ? 0 : positiveInt('port', portFlag).toInt()!;
  if (port > 65535) {
    throw new CoordattnError('E_OPTION', `--port must be at most 65535, got ${port}`, { path: '--port' });
  }
  if (!existsSync(runnerBundle())) {
    throw new CoordattnError('E_IO', 'the runner page is not built (npm run build in packages/web)', {
      path: runnerBundle(),
    });
  }
  const dir = compiledDirectory(target, flags, io);
  let model: Map<string, ServedEntry>;
  if (dir !== undefined) {
    model = compiledDirEntries(dir, target);
    io.err(
      `coordattn serve: ${target} is a compiled directory (no graph): the page runs its kernels and compares the backends with cpu; no reference, no onnxruntime-web\n`,
    );
  } else {
    const m = await loadModel(target, modelFlags(flags), io.cwd);
    const weights = weightsOf(m, flags, io, true);
    const served = prepareModel(describe(target, flags), m.graph, weights, { seed: seedOf(flags) });
    if (served.onnxError !== undefined) {
      io.err(`coordattn serve: no ONNX export for the peers: ${served.onnxError}\n`);
    }
    model = modelEntries(served);
    io.err(`coordattn serve: ${served.program.kernels.length} kernels\n`);
  }
  const ortDist = ortWebDist(import.meta.url);
  if (ortDist === undefined)
    io.err('coordattn serve: onnxruntime-web is not installed: the page shows no peers\n');
  const srv = await startServer(fileTable(model, ortDist !== undefined ? { ortDist } : {}), { port });
  return { url: srv.url, close: () => srv.close() };
}

export async function serveCommand(target: string, flags: Flags, io: Io): Promise<void> {
  const srv = await startServe(target, flags, io);
  io.out(`${srv.url}\n`);
  io.err('coordattn serve: serving on 127.0.0.1 only; Ctrl-C stops\n');
  if (flags.open === true) openBrowserAt(srv.url, io);
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void srv.close().then(done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  io.err('coordattn serve: stopped\n');
}
