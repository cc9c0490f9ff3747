import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../graph/index.js';
import { SpecJson, specJsonSchema, writeSpec } from './index.js';

const COMMITTED = new URL('../../../../docs/spec.schema.json', import.meta.url);

describe('published JSON Schema', () => {
  it('docs/spec.schema.json equals the schema generated from the zod definitions', () => {
    const committed: unknown = JSON.parse(readFileSync(COMMITTED, 'utf8'));
    // On failure, regenerate: npx tsx tools/gen-schemas.ts
    expect(committed).toEqual(specJsonSchema());
  });

  it('is strict: every object schema forbids unknown fields', () => {
    const loose: string[] = [];
    const visit = (v: unknown, path: string): void => {
      if (Array.isArray(v)) v.forEach((x, i) => visit(x, `${path}[${i}]`));
      else if (v !== null && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        // Open objects (attrs, config, meta) are validated by the op or attention kind's own schema.
        if (o.type === 'object' && o.properties && o.additionalProperties !== false) loose.push(path);
        for (const [k, x] of Object.entries(o)) visit(x, `${path}.${k}`);
      }
    };
    visit(specJsonSchema(), '$');
    expect(loose).toEqual([]);
  });

  it('describes dimensions as positive integers or expression strings', () => {
    const text = JSON.stringify(specJsonSchema());
    expect(text).toContain('{"type":"integer","minimum":1,"maximum":1000000000000}');
    expect(text).toContain('{"type":"string","minLength":1,"maxLength":1000}');
  });

  it('accepts what the writer writes (zod side)', () => {
    const b = new GraphBuilder();
    b.output(b.op('relu', b.input('input', [1, 3, 4, 4]), {}));
    expect(SpecJson.safeParse(writeSpec(b.build())).success).toBe(true);
  });
});
