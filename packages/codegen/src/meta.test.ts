/**
 * Meta-test: every IR primitive is complete across the packages — a float64 reference kernel, a
 * cost rule, a kernel template (or a pass that lowers it away, and says so), property-test cases
 * (valid and error inputs) and a row in docs/kernels.md's op-lowering table.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OP_NAMES } from '@coordattn/ir';
import { RULES } from '@coordattn/cost';
import { REFERENCE_OPS } from '@coordattn/reference';
import { ERROR_CASES, OP_CASES } from '@coordattn/reference/arbitraries';
import { TEMPLATES } from './kernels/index.js';
import { OP_TEMPLATES } from './lower/lgraph.js';
import { LOWERED_AWAY, PASS_NAMES } from './passes/index.js';

const doc = readFileSync(fileURLToPath(new URL('../../../docs/kernels.md', import.meta.url)), 'utf8');

describe('every IR primitive is complete', () => {
  for (const op of OP_NAMES) {
    it(op, () => {
      expect(REFERENCE_OPS[op], 'reference kernel').toBeTypeOf('function');
      expect(RULES[op], 'cost rule').toBeDefined();
      const k = { template: OP_TEMPLATES[op], loweredAwayBy: LOWERED_AWAY[op] };
      expect(TEMPLATES[k.template], 'kernel template').toBeTypeOf('function');
      if (k.loweredAwayBy) expect(PASS_NAMES).toContain(k.loweredAwayBy);
      expect(OP_CASES[op], 'property-test cases').toBeTypeOf('function');
      expect(ERROR_CASES[op], 'error cases').toBeTypeOf('function');
      const row = new RegExp(`^\\| \`${op}\`\\s+\\| \`${k.template}\`\\s+\\|(.*)\\|$`, 'm').exec(doc);
      expect(row, `docs/kernels.md row for ${op} with template ${k.template}`).not.toBeNull();
      if (k.loweredAwayBy) expect(row![1]).toContain(`\`${k.loweredAwayBy}\``);
    });
  }

  it('the docs table has no rows for ops that do not exist', () => {
    const table = doc.slice(doc.indexOf('<!-- op-lowering table'));
    const rows = [...table.matchAll(/^\| `(\w+)`\s+\| `\w+`/gm)].map((m) => m[1]);
    expect(rows).toEqual([...OP_NAMES]);
  });
});
