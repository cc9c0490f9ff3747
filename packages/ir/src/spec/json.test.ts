import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CoordattnError } from '../errors.js';
import { fcParams } from '../testing.js';
import { lineColumn, parseJsonText, scanJson } from './json.js';

function engineAccepts(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Valid JSON text with random single-character edits (most become invalid). */
const corrupted = fc
  .tuple(
    fc.json({ maxDepth: 4 }),
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.constantFrom('insert', 'delete', 'replace'),
        fc.constantFrom(...'{}[]:,"\\ \n\t0123456789-+.eEtrufalsn\u0000\u001f\u00a0x'.split('')),
      ),
      { maxLength: 3 },
    ),
  )
  .map(([text, edits]) => {
    let t = text;
    for (const [at, kind, ch] of edits) {
      const i = t.length === 0 ? 0 : at % (t.length + 1);
      if (kind === 'insert') t = t.slice(0, i) + ch + t.slice(i);
      else if (kind === 'delete') t = t.slice(0, i) + t.slice(i + 1);
      else t = t.slice(0, i) + ch + t.slice(i + 1);
    }
    return t;
  });

describe('the JSON scanner', () => {
  it('accepts exactly what JSON.parse accepts (within the depth limit)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json({ maxDepth: 6 }), corrupted, fc.string({ maxLength: 30 })), (text) => {
        expect(scanJson(text, 1000) === undefined).toBe(engineAccepts(text));
      }),
      fcParams(5000),
    );
  });

  it('reports errors inside the text, with a line and column', () => {
    fc.assert(
      fc.property(corrupted, (text) => {
        const err = scanJson(text, 1000);
        if (!err) return;
        expect(err.pos).toBeGreaterThanOrEqual(0);
        expect(err.pos).toBeLessThanOrEqual(text.length);
        expect(() => parseJsonText(text, 'f.json')).toThrow(CoordattnError);
        const { line, column } = lineColumn(text, err.pos);
        expect(() => parseJsonText(text, 'f.json')).toThrow(`E_JSON at f.json:${line}:${column}: `);
      }),
      fcParams(1000),
    );
  });

  it('lineColumn counts from 1', () => {
    expect(lineColumn('ab\ncd\n', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn('ab\ncd\n', 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumn('ab\ncd\n', 6)).toEqual({ line: 3, column: 1 });
  });

  it('limits depth to exactly 64', () => {
    expect(scanJson(`${'['.repeat(64)}${']'.repeat(64)}`)).toBeUndefined();
    expect(scanJson(`${'['.repeat(65)}${']'.repeat(65)}`)?.reason).toMatch(/deeper than 64/);
  });
});
