import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { isCoordattnError, type CoordattnError } from '@coordattn/ir';
import { fcParams } from '@coordattn/ir/testing';
import { decodeNpy, decodeNpyArray, encodeNpy, readNpy, readNpyArray, writeNpy } from './npy.js';
import { tensor } from './tensor.js';

const dir = mkdtempSync(join(tmpdir(), 'coordattn-npy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Files written by numpy 2.4 (`np.save`, `np.lib.format.write_array(..., version=(2, 0))`). */
const NUMPY = {
  // np.array([[0, 1.5, -2], [3.25, 1e-3, 65504]], '<f4')
  matrix:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADAPwAAAMAAAFBAbxKDOgDgf0c=',
  // np.array([0.5, -0.25, 7], '<f4'), format 2.0
  v2: 'k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMywpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAA/AACAvgAA4EA=',
  // np.array(3.5, '<f4'): a scalar, shape ()
  scalar:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAGBA',
  // np.asfortranarray([[1, 2], [3, 4]], '<f4')
  fortran:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMiksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIA/AABAQAAAAEAAAIBA',
  // np.array([1, 2], '<f8')
  f8: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADwPwAAAAAAAABA',
  // np.array([1, 2], '>f4')
  bigEndian:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPmY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo/gAAAQAAAAA==',
};
const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));

describe('.npy', () => {
  it('reads files written by numpy (1.0, 2.0, scalar)', () => {
    const m = decodeNpy(bytes(NUMPY.matrix));
    expect(m.shape).toEqual([2, 3]);
    expect(Array.from(m.data)).toEqual([0, 1.5, -2, 3.25, Math.fround(1e-3), 65504]);
    expect(decodeNpy(bytes(NUMPY.v2))).toEqual({ shape: [3], data: Float64Array.from([0.5, -0.25, 7]) });
    expect(decodeNpy(bytes(NUMPY.scalar))).toEqual({ shape: [], data: Float64Array.from([3.5]) });
  });

  it('writes what numpy writes (byte for byte) and round-trips through disk', () => {
    expect(Buffer.from(encodeNpy(tensor([2, 3], [0, 1.5, -2, 3.25, 1e-3, 65504]))).toString('base64')).toBe(
      NUMPY.matrix,
    );
    expect(Buffer.from(encodeNpy(tensor([], [3.5]))).toString('base64')).toBe(NUMPY.scalar);
    const t = tensor([2, 1, 3], [1, -2, 3.5, 1e-8, 0, -0]);
    writeNpy(join(dir, 't.npy'), t);
    const back = readNpy(join(dir, 't.npy'));
    expect(back.shape).toEqual([2, 1, 3]);
    expect(Array.from(back.data)).toEqual(Array.from(t.data, Math.fround));
    expect(encodeNpy(tensor([5])).length % 64).toBe(20); // 64-byte header + 5 × 4 bytes
  });

  it('rejects what it cannot read with E_IO naming the file', () => {
    const bad = (b: Uint8Array): string => {
      try {
        decodeNpy(b, 'x.npy');
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(bad(new TextEncoder().encode('PK\u0003\u0004 not numpy'))).toMatch(
      /^E_IO at x\.npy: not a \.npy file \(wrong magic\)/,
    );
    expect(bad(bytes(NUMPY.f8))).toMatch(/^E_IO at x\.npy: unsupported \.npy dtype '<f8' \(expected '<f4'/);
    expect(bad(bytes(NUMPY.bigEndian))).toMatch(/unsupported \.npy dtype '>f4'/);
    expect(bad(bytes(NUMPY.fortran))).toMatch(/^E_IO at x\.npy: \.npy data is in Fortran order/);
    const short = bytes(NUMPY.matrix).subarray(0, bytes(NUMPY.matrix).length - 4);
    expect(bad(short)).toMatch(
      /^E_IO at x\.npy: \.npy data is 20 bytes but shape \[2,3\] of float32 needs 24/,
    );
    const v3 = bytes(NUMPY.matrix);
    v3[6] = 3;
    expect(bad(v3)).toMatch(/unsupported \.npy format version 3\.0/);
    const mangled = bytes(NUMPY.matrix);
    mangled[12] = 'X'.charCodeAt(0); // 'descr' → 'Xescr'
    expect(bad(mangled)).toMatch(
      /^E_IO at x\.npy: \.npy header must have exactly the keys descr, fortran_order, shape/,
    );
    const colon = bytes(NUMPY.matrix);
    colon[18] = ';'.charCodeAt(0); // "{'descr';"
    expect(bad(colon)).toMatch(/^E_IO at x\.npy: malformed \.npy header/);
    writeFileSync(join(dir, 'empty.npy'), '');
    expect(() => readNpy(join(dir, 'empty.npy'))).toThrow(/E_IO at .*empty\.npy: not a \.npy file/);
  });
});

/** numpy-written files of every dtype run reads, with numpy's values (tools/npy-dtypes/make.py). */
interface DtypeCase {
  readonly name: string;
  readonly descr: string;
  readonly fortran: boolean;
  readonly shape: number[];
  readonly npy: string;
  readonly float64: (number | string)[];
  readonly float32: (number | string)[];
}
const DTYPES = JSON.parse(readFileSync(new URL('../test-data/npy-dtypes.json', import.meta.url), 'utf8')) as {
  cases: DtypeCase[];
  unsupported: { descr: string; npy: string }[];
};
const num = (v: number | string): number =>
  v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === '-0' ? -0 : Number(v);

describe('.npy of any numeric dtype (decodeNpyArray)', () => {
  it.each(DTYPES.cases.map((c) => [c.name, c] as const))("%s: numpy's values, C order", (_, c) => {
    const a = decodeNpyArray(bytes(c.npy), `${c.name}.npy`);
    expect(a.descr).toBe(c.descr);
    expect(a.shape).toEqual(c.shape);
    expect(a.fortranOrder).toBe(c.fortran);
    expect(a.bigEndian).toBe(c.descr.startsWith('>'));
    // toEqual tells -0 from 0 and matches NaN with NaN.
    expect(Array.from(a.data)).toEqual(c.float64.map(num));
    expect(Array.from(a.float32)).toEqual(c.float32.map(num));
  });

  it('covers every dtype it names, both byte orders and Fortran order', () => {
    const dtypes = new Set(DTYPES.cases.map((c) => decodeNpyArray(bytes(c.npy)).dtype));
    expect([...dtypes].sort()).toEqual(
      [
        'bool',
        'float16',
        'float32',
        'float64',
        'int16',
        'int32',
        'int64',
        'int8',
        'uint16',
        'uint32',
        'uint64',
        'uint8',
      ].sort(),
    );
    expect(DTYPES.cases.some((c) => c.fortran && c.descr.startsWith('>'))).toBe(true);
  });

  it('agrees with decodeNpy on float32 files', () => {
    for (const f of [NUMPY.matrix, NUMPY.v2, NUMPY.scalar]) {
      const a = decodeNpyArray(bytes(f));
      const t = decodeNpy(bytes(f));
      expect(a.dtype).toBe('float32');
      expect(a.shape).toEqual(t.shape);
      expect(a.data).toEqual(t.data);
    }
    // The file the float32-only reader rejects, read here in C order.
    expect(Array.from(decodeNpyArray(bytes(NUMPY.fortran)).data)).toEqual([1, 2, 3, 4]);
  });

  it('reads files built by hand from the format description (big-endian float64, Fortran uint16)', () => {
    /** magic, version 1.0, header length, the dict padded with spaces to 64 bytes and '\n', data. */
    const npy = (dict: string, data: number[]): Uint8Array => {
      const len = Math.ceil((10 + dict.length + 1) / 64) * 64 - 10;
      const header = dict.padEnd(len - 1, ' ') + '\n';
      return Uint8Array.from([
        0x93,
        ...Buffer.from('NUMPY'),
        1,
        0,
        len & 0xff,
        len >> 8,
        ...Buffer.from(header),
        ...data,
      ]);
    };
    // 1.0 and -2.0 as big-endian IEEE doubles: 3ff0 0000 0000 0000, c000 0000 0000 0000.
    const be = npy(
      "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }",
      [0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0],
    );
    expect(decodeNpyArray(be)).toMatchObject({ shape: [2], dtype: 'float64', bigEndian: true });
    expect(Array.from(decodeNpyArray(be).data)).toEqual([1, -2]);
    // [[1, 2, 3], [4, 5, 6]] stored column by column: 1 4 2 5 3 6 (little-endian uint16).
    const f = npy(
      "{'descr': '<u2', 'fortran_order': True, 'shape': (2, 3), }",
      [1, 0, 4, 0, 2, 0, 5, 0, 3, 0, 6, 0],
    );
    expect(Array.from(decodeNpyArray(f).data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(be.length % 64).toBe(16);
  });

  it('rejects other dtypes and short data with E_IO naming the file and what it reads', () => {
    for (const u of DTYPES.unsupported) {
      expect(() => decodeNpyArray(bytes(u.npy), 'u.npy')).toThrow(
        new RegExp(
          `^E_IO at u\\.npy: unsupported \\.npy dtype '${u.descr.replace('|', '\\|')}' \\(expected a numeric dtype: float16, .* bool`,
        ),
      );
    }
    const i16 = DTYPES.cases.find((c) => c.name === 'int16')!;
    const short = bytes(i16.npy).subarray(0, bytes(i16.npy).length - 1);
    expect(() => decodeNpyArray(short, 's.npy')).toThrow(
      /^E_IO at s\.npy: \.npy data is 7 bytes but shape \[4\] of int16 needs 8/,
    );
    writeFileSync(join(dir, 'i8.npy'), bytes(DTYPES.cases.find((c) => c.name === 'int8')!.npy));
    expect(readNpyArray(join(dir, 'i8.npy')).dtype).toBe('int8');
    expect(() => readNpyArray(join(dir, 'none.npy'))).toThrow(/E_IO at .*none\.npy: cannot read/);
  });
});

describe('hostile .npy bytes (fuzz)', () => {
  // Every committed file — numpy's own, of every dtype, both byte orders and orders — truncated and
  // with bytes overwritten: the reader returns a consistent array or throws E_IO, nothing else.
  const SAMPLES = [...Object.values(NUMPY).map(bytes), ...DTYPES.cases.map((c) => bytes(c.npy))];

  function outcome(b: Uint8Array): string {
    try {
      const a = decodeNpyArray(b, 'fuzz.npy');
      const n = a.shape.reduce((x, y) => x * y, 1);
      expect(a.data.length).toBe(n);
      expect(a.float32.length).toBe(n);
      return 'ok';
    } catch (e) {
      expect(isCoordattnError(e), String(e)).toBe(true);
      expect((e as CoordattnError).code).toBe('E_IO');
      return 'E_IO';
    }
  }

  it('truncated at every length', () => {
    for (const s of SAMPLES) {
      for (let len = 0; len < s.length; len++) expect(outcome(s.subarray(0, len))).toBe('E_IO');
    }
  });

  it('bytes overwritten anywhere, header and data', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: SAMPLES.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        (k, edits) => {
          const b = SAMPLES[k].slice();
          for (const [at, v] of edits) b[at % b.length] = v;
          outcome(b);
        },
      ),
      fcParams(300),
    );
  });
});
