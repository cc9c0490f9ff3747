/**
 * Regenerates the published JSON Schemas from their zod definitions:
 *   npx tsx tools/gen-schemas.ts          write docs/spec.schema.json
 *   npx tsx tools/gen-schemas.ts --check  exit 1 when the committed file is stale
 * (packages/ir/src/spec/schema.test.ts fails on a stale file too.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { specJsonSchema } from '../packages/ir/src/spec/schema.js';

const target = fileURLToPath(new URL('../docs/spec.schema.json', import.meta.url));
const options = (await resolveConfig(target)) ?? {};
const text = await format(JSON.stringify(specJsonSchema(), null, 2), { ...options, parser: 'json' });

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing: stale
  }
  if (current !== text) {
    console.error(`${target} is stale; run: npx tsx tools/gen-schemas.ts`);
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
