import { main } from './main.js';
import type { Io } from './commands.js';

/** Runs the CLI in-process with captured output. */
export async function run(
  args: string[],
  cwd = process.cwd(),
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), cwd };
  const code = await main(args, io);
  return { code, out, err };
}
