import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy, readNpy, writeNpy } from './npy.js';
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
