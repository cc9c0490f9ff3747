// Read a model from a JSON spec file (docs/ir.md, docs/spec.schema.json) and count it.
// Usage: node read-spec.mjs [spec.json]   (default: mbv2-ca-224x320.json beside this file)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyze, evaluate } from '@coordattn/cost';
import { CoordattnError, readSpec } from '@coordattn/ir';

const file = process.argv[2] ?? fileURLToPath(new URL('mbv2-ca-224x320.json', import.meta.url));
try {
  // The file name prefixes the path of any error: `mbv2-ca-224x320.json:attention.kind`.
  const graph = readSpec(readFileSync(file, 'utf8'), file);
  console.log(`input: [${graph.inputs[0].shape.join(', ')}]`);
  const { totals } = evaluate(analyze(graph));
  console.log(`params: ${totals.params}`);
  console.log(`MACs: ${totals.macs}`);
} catch (e) {
  if (!(e instanceof CoordattnError)) throw e;
  console.error(e.message); // E_SPEC, E_SHAPE, ... with the JSON path that failed
  process.exitCode = 2;
}
