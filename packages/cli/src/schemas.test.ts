/**
 * The published JSON Schemas of the CLI's JSON outputs: each committed docs/*.schema.json equals
 * the one generated from its zod schema, and what the CLI really prints or writes validates
 * against it (verify, compare, report --symbolic with free symbols, compile's program.json and
 * weights manifest).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WeightsManifestSchema } from '@coordattn/reference';
import { cliJsonSchemas, CompareJsonSchema, FormulasJsonSchema, ProgramJsonSchema } from './schemas.js';
import { run, SMALL_MODEL as MODEL } from './test-io.js';
import { verifyJsonSchema, VerifyJsonSchema } from './verify-schema.js';

const docs = (name: string): string => fileURLToPath(new URL(`../../../docs/${name}`, import.meta.url));

async function cli(args: string[]): Promise<string> {
  const r = await run(args);
  if (r.code !== 0) throw new Error(`coordattn ${args.join(' ')} exited ${r.code}: ${r.err}`);
  return r.out;
}

describe('docs/*.schema.json are the schemas generated from zod (npx tsx tools/gen-schemas.ts)', () => {
  const generated = { 'verify.schema.json': verifyJsonSchema(), ...cliJsonSchemas() };
  it.each(Object.keys(generated))('docs/%s', (name) => {
    const committed: unknown = JSON.parse(readFileSync(docs(name), 'utf8'));
    expect(committed).toEqual(generated[name as keyof typeof generated]);
  });

  it('each has $id, title and description', () => {
    for (const [name, s] of Object.entries(generated)) {
      expect(s.$id, name).toBe(`https://coordattn.dev/schemas/${name}`);
      expect(typeof s.title, name).toBe('string');
      expect(typeof s.description, name).toBe('string');
    }
  });
});

describe('what the CLI prints validates against its schema', () => {
  it('verify --format json (two modes)', async () => {
    const json: unknown = JSON.parse(
      await cli(['verify', ...MODEL, '--modes', 'cpu,webasm', '--format', 'json']),
    );
    const v = VerifyJsonSchema.parse(json);
    expect(v.map((r) => r.mode)).toEqual(['cpu', 'webasm']);
    expect(v.every((r) => r.pass && r.kernels.length > 0 && r.outputs.length === 1)).toBe(true);
    // The schema is strict: a renamed or extra field fails.
    const [first] = v;
    expect(VerifyJsonSchema.safeParse([{ ...first, extra: 1 }]).success).toBe(false);
    expect(VerifyJsonSchema.safeParse([{ ...first, mode: 'gpu' }]).success).toBe(false);
    const { rtol: _rtol, ...noRtol } = first.kernels[0];
    expect(VerifyJsonSchema.safeParse([{ ...first, kernels: [noRtol] }]).success).toBe(false);
  });

  it('compare --format json', async () => {
    const c = CompareJsonSchema.parse(
      JSON.parse(await cli(['compare', 'mobilenetv2', '--attention', 'ca', '--format', 'json'])),
    );
    expect(c.presets.map((p) => p.name)).toContain('fvcore');
  });

  it('report --symbolic --format json on free symbols (formulas only)', async () => {
    const out = await cli([
      'report',
      'mobilenetv2',
      '--attention',
      'ca',
      '--symbolic',
      '--resolution',
      'HxW',
      '--format',
      'json',
    ]);
    const f = FormulasJsonSchema.parse(JSON.parse(out));
    expect(f.symbols).toEqual(['H', 'W']);
  });

  it("compile's program.json (version 2) and weights manifest", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coordattn-schemas-'));
    await run(['compile', ...MODEL, '--out', dir]).then((r) => expect(r.code, r.err).toBe(0));
    const program = ProgramJsonSchema.parse(JSON.parse(readFileSync(join(dir, 'program.json'), 'utf8')));
    expect(program.version).toBe(2);
    expect(program.kernels.some((k) => k.template === 'multi_reduce')).toBe(true);
    WeightsManifestSchema.parse(JSON.parse(readFileSync(join(dir, 'weights.json'), 'utf8')));
    rmSync(dir, { recursive: true, force: true });
  });
});
