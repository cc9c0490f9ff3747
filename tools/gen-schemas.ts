/**
 * Regenerates the published JSON Schemas from their zod definitions:
 *   npx tsx --conditions=@coordattn/source tools/gen-schemas.ts          write them
 *   npx tsx --conditions=@coordattn/source tools/gen-schemas.ts --check  exit 1 when one is stale
 * (the condition resolves the workspace packages to their TypeScript sources, so no build is needed).
 *
 * docs/spec.schema.json      the spec format (packages/ir/src/spec/schema.ts)
 * docs/report.schema.json    `report --format json`, sweeps too (packages/cost/src/report.ts)
 * docs/bench.schema.json     `bench --format json`          (packages/cli/src/bench.ts)
 * docs/verify.schema.json    `verify --format json` (packages/cli/src/verify-schema.ts)
 * docs/compare.schema.json   `compare --format json`        (packages/cli/src/schemas.ts)
 * docs/formulas.schema.json  `report --symbolic --format json` with free symbols (same file)
 * docs/program.schema.json   `compile`'s program.json       (same file)
 * docs/weights.schema.json   the weights manifest           (same file, from @coordattn/reference)
 *
 * The packages' tests also fail on a stale file (packages/ir/src/spec/schema.test.ts,
 * packages/cost/src/report.test.ts, packages/cli/src/{bench,schemas}.test.ts); this script is the
 * one writer of them all.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { benchJsonSchema } from '../packages/cli/src/bench.js';
import { cliJsonSchemas } from '../packages/cli/src/schemas.js';
import { verifyJsonSchema } from '../packages/cli/src/verify-schema.js';
import { reportJsonSchema } from '../packages/cost/src/report.js';
import { specJsonSchema } from '../packages/ir/src/spec/schema.js';

const schemas: Record<string, Record<string, unknown>> = {
  'spec.schema.json': specJsonSchema(),
  'report.schema.json': reportJsonSchema(),
  'bench.schema.json': benchJsonSchema(),
  'verify.schema.json': verifyJsonSchema(),
  ...cliJsonSchemas(),
};

const check = process.argv.includes('--check');
let stale = 0;
for (const [name, schema] of Object.entries(schemas)) {
  const target = fileURLToPath(new URL(`../docs/${name}`, import.meta.url));
  const options = (await resolveConfig(target)) ?? {};
  const text = await format(JSON.stringify(schema, null, 2), { ...options, parser: 'json' });
  if (check) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      // missing: stale
    }
    if (current !== text) {
      console.error(
        `docs/${name} is stale; run: npx tsx --conditions=@coordattn/source tools/gen-schemas.ts`,
      );
      stale++;
    }
  } else {
    writeFileSync(target, text);
    console.log(`wrote docs/${name}`);
  }
}
if (stale > 0) process.exit(1);
