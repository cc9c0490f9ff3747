/**
 * The tune cache reader on hostile bytes: a valid cache truncated at every length, and every byte
 * overwritten with each of a few values, gives the entries, an E_IO naming the file (a cache named
 * by --tune-cache), or an empty cache with a note (the default cache) — never another error.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCoordattnError } from '@coordattn/ir';
import type { Io } from './commands.js';
import { readEntries } from './tune.js';

const dir = mkdtempSync(join(tmpdir(), 'coordattn-tune-cache-'));
const VALID = `${JSON.stringify({ format: 'coordattn-tune-cache', entries: { abc: 0.5, def: 12 } })}\n`;

function quietIo(): Io & { notes: string[] } {
  const notes: string[] = [];
  return { out: () => {}, err: (s) => void notes.push(s), cwd: dir, notes };
}

/** Reads `bytes` as a named and as a default cache; checks what each may give. */
function check(bytes: Uint8Array, i: number): void {
  const path = join(dir, `c${i}.json`);
  writeFileSync(path, bytes);
  let named: Map<string, number> | undefined;
  try {
    named = readEntries({ path, named: true }, quietIo());
  } catch (e) {
    expect(isCoordattnError(e) && e.code === 'E_IO', String(e)).toBe(true);
    expect((e as { details?: { path?: string } }).details?.path).toBe(path);
  }
  const io = quietIo();
  const fallback = readEntries({ path, named: false }, io);
  if (named === undefined) {
    expect(fallback.size).toBe(0);
    expect(io.notes.join('')).toMatch(/ignoring the unreadable cache/);
  } else {
    expect(fallback).toEqual(named);
    for (const v of named.values()) expect(Number.isFinite(v) && v >= 0).toBe(true);
  }
}

describe('tune cache reader', () => {
  it('reads a valid cache, and a missing file as empty', () => {
    const path = join(dir, 'valid.json');
    writeFileSync(path, VALID);
    expect(readEntries({ path, named: true }, quietIo())).toEqual(
      new Map([
        ['abc', 0.5],
        ['def', 12],
      ]),
    );
    expect(readEntries({ path: join(dir, 'missing.json'), named: true }, quietIo()).size).toBe(0);
  });

  it('a cache truncated at every length: entries, E_IO, or (default cache) empty with a note', () => {
    const bytes = new TextEncoder().encode(VALID);
    for (let n = 0; n < bytes.length; n++) check(bytes.subarray(0, n), n);
  });

  it('every byte overwritten with each of a few values: the same', () => {
    const bytes = new TextEncoder().encode(VALID);
    let k = 0;
    for (let i = 0; i < bytes.length; i++) {
      for (const b of [0x00, 0x22, 0x2d, 0x39, 0x7b, 0xff]) {
        const m = Uint8Array.from(bytes);
        m[i] = b;
        check(m, 1000 + k++);
      }
    }
  });
});
