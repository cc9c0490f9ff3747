/**
 * NumPy `.npy` files, float32 only: little endian ('<f4'), C order, format versions 1.0 and 2.0.
 * (npm's `npyjs` only parses, pulls in `cross-fetch` and does not validate the header strictly,
 * so this is a small reader/writer of the documented format instead:
 * https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html.)
 *
 * Layout: magic `\x93NUMPY`, major and minor version bytes, header length (uint16 LE in 1.0,
 * uint32 LE in 2.0), an ASCII Python dict literal
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` padded with spaces and a final
 * `\n` so that the data starts at a multiple of 64 bytes, then the raw data.
 *
 * Every failure is a CoordattnError E_IO naming the file: wrong magic, unsupported version, a
 * header that is not the dict above, dtype other than '<f4', fortran_order True, or a data length
 * that differs from shape × 4 bytes. Values are read into float64 and written rounded to float32.
 *
 * `decodeNpyArray` / `readNpyArray` read what users bring (the CLI's `run --input`): float16/32/64,
 * signed and unsigned integers of 1 to 8 bytes and bool, little- or big-endian, C or Fortran order,
 * into float64 values in C order, with the dtype and layout they came in.
 */
import { CoordattnError } from '@coordattn/ir';
import { numel, shapeText, type Tensor } from './tensor.js';
import { nodeFs } from './node-modules.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function ioError(file: string, message: string, expected?: string): CoordattnError {
  return new CoordattnError('E_IO', message, { path: file, ...(expected ? { expected } : {}) });
}

const ENTRY_SOURCE = /\s*'(\w+)'\s*:\s*('[^']*'|True|False|\([\d,\s]*\))\s*(?:,|(?=\s*$))/.source;

/** Parses the header dict; accepts exactly the keys descr, fortran_order and shape. */
function parseHeader(text: string, file: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const malformed = (): CoordattnError =>
    ioError(file, `malformed .npy header ${JSON.stringify(text.slice(0, 120))}`);
  const m = /^\{(.*)\}[ ]*\n$/s.exec(text);
  if (!m) throw malformed();
  const entries = new Map<string, string>();
  const inner = m[1];
  const entry = new RegExp(ENTRY_SOURCE, 'y');
  while (entry.lastIndex < inner.length && /\S/.test(inner.slice(entry.lastIndex))) {
    const e = entry.exec(inner);
    if (!e) throw malformed();
    if (entries.has(e[1])) throw ioError(file, `duplicate key '${e[1]}' in .npy header`);
    entries.set(e[1], e[2]);
  }
  const descr = entries.get('descr');
  const fortran = entries.get('fortran_order');
  const shape = entries.get('shape');
  if (entries.size !== 3 || descr === undefined || fortran === undefined || shape === undefined) {
    throw ioError(file, `.npy header must have exactly the keys descr, fortran_order, shape`);
  }
  if (!descr.startsWith("'") || !/^(True|False)$/.test(fortran) || !shape.startsWith('(')) throw malformed();
  // '(2, 3)', '(5,)' (Python's one-element tuple) or '()' (a scalar).
  const parts = shape
    .slice(1, -1)
    .split(',')
    .map((p) => p.trim());
  if (parts[parts.length - 1] === '') parts.pop();
  if (parts.some((p) => !/^\d+$/.test(p))) throw ioError(file, `malformed .npy shape ${shape}`);
  return { descr: descr.slice(1, -1), fortranOrder: fortran === 'True', shape: parts.map(Number) };
}

/** The parsed header of .npy bytes and where the data starts. */
function parseNpy(
  bytes: Uint8Array,
  file: string,
): { descr: string; fortranOrder: boolean; shape: number[]; dataStart: number; view: DataView } {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw ioError(file, 'not a .npy file (wrong magic)', "a file starting with '\\x93NUMPY'");
  }
  const major = bytes[6];
  const minor = bytes[7];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1 && minor === 0) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 && minor === 0) {
    if (bytes.length < 12) throw ioError(file, 'truncated .npy header');
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw ioError(file, `unsupported .npy format version ${major}.${minor}`, 'version 1.0 or 2.0');
  }
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) throw ioError(file, 'truncated .npy header');
  const headerBytes = bytes.subarray(headerStart, dataStart);
  if (headerBytes.some((b) => b > 0x7f)) throw ioError(file, '.npy header is not ASCII');
  return { ...parseHeader(new TextDecoder('ascii').decode(headerBytes), file), dataStart, view };
}

/** Decodes float32 .npy bytes (`file` names the source in errors). */
export function decodeNpy(bytes: Uint8Array, file = '<npy>'): Tensor {
  const header = parseNpy(bytes, file);
  const { dataStart, view } = header;
  if (header.descr !== '<f4') {
    throw ioError(file, `unsupported .npy dtype '${header.descr}'`, "'<f4' (little-endian float32)");
  }
  if (header.fortranOrder)
    throw ioError(file, '.npy data is in Fortran order', 'fortran_order False (C order)');
  const n = numel(header.shape);
  const dataLen = bytes.length - dataStart;
  if (dataLen !== n * 4) {
    throw ioError(
      file,
      `.npy data is ${dataLen} bytes but shape ${shapeText(header.shape)} of float32 needs ${n * 4}`,
    );
  }
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = view.getFloat32(dataStart + 4 * i, true);
  return { shape: header.shape, data };
}

/** The element types decodeNpyArray reads, by numpy's name. */
export const NPY_DTYPES = [
  'float16',
  'float32',
  'float64',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'bool',
] as const;
/** One of NPY_DTYPES: numpy's name of an element type. */
export type NpyDtype = (typeof NPY_DTYPES)[number];

/** numpy's type code (kind + size in bytes) of each dtype. */
const TYPE_CODES: Readonly<Record<string, NpyDtype>> = {
  f2: 'float16',
  f4: 'float32',
  f8: 'float64',
  i1: 'int8',
  i2: 'int16',
  i4: 'int32',
  i8: 'int64',
  u1: 'uint8',
  u2: 'uint16',
  u4: 'uint32',
  u8: 'uint64',
  b1: 'bool',
};

/** An .npy array of any numeric dtype, its values in C (row-major) order. */
export interface NpyArray {
  /** The array's shape (`[]` for a scalar). */
  readonly shape: number[];
  /**
   * The stored values, exactly (every float16/32/64 and every integer up to 2^53 is a double);
   * int64/uint64 values beyond ±2^53 are rounded to the nearest double, bool is 0/1.
   */
  readonly data: Float64Array;
  /**
   * The values rounded to float32 once, to nearest, ties to even (as numpy's `astype(np.float32)`;
   * int64/uint64 are rounded from the exact integer, not through a double).
   */
  readonly float32: Float32Array;
  /** The element type the file stores. */
  readonly dtype: NpyDtype;
  /** The descr as the header gives it, e.g. '>f8'. */
  readonly descr: string;
  /** The data was stored big-endian ('>'). */
  readonly bigEndian: boolean;
  /** The data was stored in Fortran (column-major) order; `data` is in C order all the same. */
  readonly fortranOrder: boolean;
}

/** IEEE 754 binary16 → number. */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** A 64-bit integer rounded to float32 directly (rounding through a double could round twice). */
function bigIntToFloat32(b: bigint): number {
  const neg = b < 0n;
  const a = neg ? -b : b;
  const bits = a.toString(2).length;
  if (bits <= 24) return Number(b);
  const shift = BigInt(bits - 24);
  let q = a >> shift;
  const rem = a - (q << shift);
  const half = 1n << (shift - 1n);
  if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  // q ≤ 2^24 and shift ≤ 40: the product is an exact double, and a float32.
  const v = Number(q << shift);
  return neg ? -v : v;
}

/**
 * Decodes .npy bytes of any dtype in NPY_DTYPES, little- or big-endian, C or Fortran order, into
 * float64 values in C order. Anything else (complex, strings, structured or object arrays) is
 * E_IO naming the dtype and what is supported.
 */
export function decodeNpyArray(bytes: Uint8Array, file = '<npy>'): NpyArray {
  const header = parseNpy(bytes, file);
  const { dataStart, view, shape } = header;
  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(header.descr);
  const dtype = m ? TYPE_CODES[`${m[2]}${m[3]}`] : undefined;
  const size = m ? Number(m[3]) : 0;
  // '=' (native order) and '|' (not applicable) are only unambiguous for one-byte types.
  if (!m || dtype === undefined || (size > 1 && m[1] !== '<' && m[1] !== '>')) {
    throw ioError(
      file,
      `unsupported .npy dtype '${header.descr}'`,
      `a numeric dtype: ${NPY_DTYPES.join(', ')} (little- or big-endian)`,
    );
  }
  const little = m[1] !== '>';
  const n = numel(shape);
  const dataLen = bytes.length - dataStart;
  if (dataLen !== n * size) {
    throw ioError(
      file,
      `.npy data is ${dataLen} bytes but shape ${shapeText(shape)} of ${dtype} needs ${n * size}`,
    );
  }
  const data = new Float64Array(n);
  const float32 = new Float32Array(n);
  const at = (i: number): number => dataStart + i * size;
  const value = (i: number): number => {
    const a = at(i);
    switch (dtype) {
      case 'float16':
        return halfToNumber(view.getUint16(a, little));
      case 'float32':
        return view.getFloat32(a, little);
      case 'float64':
        return view.getFloat64(a, little);
      case 'int8':
        return view.getInt8(a);
      case 'int16':
        return view.getInt16(a, little);
      case 'int32':
        return view.getInt32(a, little);
      case 'uint8':
        return view.getUint8(a);
      case 'uint16':
        return view.getUint16(a, little);
      case 'uint32':
        return view.getUint32(a, little);
      case 'bool':
        return view.getUint8(a) === 0 ? 0 : 1;
      default:
        throw new Error(`unreachable: ${dtype}`);
    }
  };
  /** Element i (in storage order) into data[k] and float32[k]. */
  const read = (i: number, k: number): void => {
    if (dtype === 'int64' || dtype === 'uint64') {
      const b = dtype === 'int64' ? view.getBigInt64(at(i), little) : view.getBigUint64(at(i), little);
      data[k] = Number(b);
      float32[k] = bigIntToFloat32(b);
    } else {
      data[k] = value(i);
      float32[k] = data[k];
    }
  };
  if (!header.fortranOrder || shape.length < 2) {
    for (let i = 0; i < n; i++) read(i, i);
  } else {
    // Column-major storage: axis 0 varies fastest. Walk C order, keeping the Fortran offset.
    const r = shape.length;
    const stride: number[] = [1];
    for (let k = 1; k < r; k++) stride.push(stride[k - 1] * shape[k - 1]);
    const idx = new Array<number>(r).fill(0);
    let off = 0;
    for (let i = 0; i < n; i++) {
      read(off, i);
      for (let k = r - 1; k >= 0; k--) {
        idx[k]++;
        off += stride[k];
        if (idx[k] < shape[k]) break;
        off -= stride[k] * shape[k];
        idx[k] = 0;
      }
    }
  }
  return {
    shape,
    data,
    float32,
    dtype,
    descr: header.descr,
    bigEndian: !little,
    fortranOrder: header.fortranOrder,
  };
}

/** Encodes a tensor as .npy (float32 '<f4', C order; version 1.0, or 2.0 for a huge header). */
export function encodeNpy(t: Tensor): Uint8Array {
  const n = numel(t.shape);
  if (t.data.length !== n) {
    throw new CoordattnError(
      'E_SHAPE',
      `shape ${shapeText(t.shape)} has ${n} elements, data has ${t.data.length}`,
    );
  }
  const shape = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  // Pad so that magic + version + length + header is a multiple of 64 bytes, ending in '\n'.
  const padded = (pre: number): number => Math.ceil((pre + dict.length + 1) / 64) * 64;
  const v1 = padded(10) - 10 <= 0xffff;
  const pre = v1 ? 10 : 12;
  const total = padded(pre);
  const header = dict + ' '.repeat(total - pre - dict.length - 1) + '\n';
  const out = new Uint8Array(total + 4 * n);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[6] = v1 ? 1 : 2;
  out[7] = 0;
  if (v1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[pre + i] = header.charCodeAt(i);
  for (let i = 0; i < n; i++) view.setFloat32(total + 4 * i, t.data[i], true);
  return out;
}

function readBytes(file: string): Uint8Array {
  try {
    return nodeFs('reading .npy files').readFileSync(file);
  } catch (e) {
    throw ioError(file, `cannot read: ${(e as Error).message}`);
  }
}

/** Reads a float32 .npy file into a float64 tensor. */
export function readNpy(file: string): Tensor {
  return decodeNpy(readBytes(file), file);
}

/** Reads an .npy file of any dtype decodeNpyArray takes. */
export function readNpyArray(file: string): NpyArray {
  return decodeNpyArray(readBytes(file), file);
}

/** Writes a tensor as a float32 .npy file (values rounded to float32). */
export function writeNpy(file: string, t: Tensor): void {
  try {
    nodeFs('writing .npy files').writeFileSync(file, encodeNpy(t));
  } catch (e) {
    throw ioError(file, `cannot write: ${(e as Error).message}`);
  }
}
