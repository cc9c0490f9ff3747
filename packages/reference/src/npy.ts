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
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { CoordattnError } from '@coordattn/ir';
import { numel, shapeText, type Tensor } from './tensor.js';

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

/** Decodes .npy bytes (`file` names the source in errors). */
export function decodeNpy(bytes: Uint8Array, file = '<npy>'): Tensor {
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
  const header = parseHeader(new TextDecoder('ascii').decode(headerBytes), file);
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

/** Reads a float32 .npy file into a float64 tensor. */
export function readNpy(file: string): Tensor {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw ioError(file, `cannot read: ${(e as Error).message}`);
  }
  return decodeNpy(bytes, file);
}

/** Writes a tensor as a float32 .npy file (values rounded to float32). */
export function writeNpy(file: string, t: Tensor): void {
  try {
    writeFileSync(file, encodeNpy(t));
  } catch (e) {
    throw ioError(file, `cannot write: ${(e as Error).message}`);
  }
}
