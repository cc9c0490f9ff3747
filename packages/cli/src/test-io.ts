import { validateReport, type Report } from '@coordattn/cost';
import { main } from './main.js';
import type { Io } from './commands.js';

/** The small model the kernel tests compile (MobileNetV2 + CA, 32², width 0.35, 10 classes). */
export const SMALL_MODEL: readonly string[] = [
  'mobilenetv2',
  '--attention',
  'ca',
  '--resolution',
  '32',
  '--width',
  '0.35',
  '--classes',
  '10',
];

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

/**
 * `coordattn report <args> --format json`: the report, checked against its schema. A run that
 * does not exit 0 throws with its stderr, so the test fails naming what the CLI said.
 */
export async function reportJson(args: string[]): Promise<Report> {
  const r = await run(['report', ...args, '--format', 'json']);
  if (r.code !== 0) throw new Error(`coordattn report ${args.join(' ')} exited ${r.code}: ${r.err}`);
  return validateReport(JSON.parse(r.out)) as Report;
}
