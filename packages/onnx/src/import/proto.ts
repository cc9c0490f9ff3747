/**
 * Decoding an ONNX file into plain, checked data. The bytes are untrusted: protobuf decoding is
 * done by protobufjs (through onnx-proto's generated code), and everything it returns is checked
 * here before anything is allocated from it — counts, ranks, dims, element counts against the
 * bytes actually present, names. No Node built-ins: this runs in a browser too.
 */
import onnxProto from 'onnx-proto';
import { CoordattnError } from '@coordattn/ir';

const { onnx } = onnxProto;
type Long = { low: number; high: number; unsigned: boolean; toNumber(): number };

/** Bounds on what an imported file may declare. A file over any of them is rejected (E_ONNX). */
export const LIMITS = {
  /** Nodes in the main graph. */
  nodes: 100_000,
  /** Initializers, inputs, outputs, attributes of one node. */
  entries: 100_000,
  /** Rank of any tensor. */
  rank: 8,
  /** Largest single dimension. */
  dim: 2 ** 31 - 1,
  /** Elements of one tensor (initializer or folded constant). */
  elements: 2 ** 28,
  /** Length of a name. */
  name: 4096,
} as const;

/** ONNX TensorProto.DataType values the importer knows by name. */
export const DTYPE = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  BFLOAT16: 16,
} as const;

export const DTYPE_NAMES: Record<number, string> = {
  0: 'undefined',
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
};

export function dtypeName(t: number): string {
  return DTYPE_NAMES[t] ?? `dtype ${t}`;
}

/** A tensor's data, converted: float types → float32 values, integer types → exact integers. */
export type TensorData =
  | { readonly kind: 'float'; readonly values: Float32Array }
  | { readonly kind: 'int'; readonly values: readonly number[] };

/** Where the bytes of an externally stored tensor are. */
export interface ExternalRef {
  readonly location: string;
  readonly offset: number;
  readonly length: number | undefined;
}

export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dtype: number;
  /** Undefined for external data until resolved. */
  readonly data: TensorData | undefined;
  readonly external?: ExternalRef;
}

export type OnnxAttr =
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'strings'; readonly value: readonly string[] }
  | { readonly kind: 'tensor'; readonly value: OnnxTensor }
  | { readonly kind: 'other'; readonly type: string };

export interface OnnxNode {
  /** The node's name, or `#index` when the file gives none. */
  readonly name: string;
  readonly named: boolean;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: ReadonlyMap<string, OnnxAttr>;
  /** Position in the file's node list. */
  readonly index: number;
}

/** A dim of a graph input or output: a number, a named parameter or unknown. */
export type OnnxDim = number | string | undefined;

export interface OnnxValueInfo {
  readonly name: string;
  readonly dtype: number;
  /** Undefined when the file gives no shape. */
  readonly dims: readonly OnnxDim[] | undefined;
}

export interface OnnxModel {
  readonly irVersion: number;
  readonly producer: string;
  readonly producerVersion: string;
  /** Opset of the default (ai.onnx) domain. */
  readonly opset: number;
  readonly graphName: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
  /** Graph inputs that are not initializers. */
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  /** value_info entries (intermediate shapes), by name. */
  readonly valueInfo: ReadonlyMap<string, OnnxValueInfo>;
}

function malformed(message: string, where?: string): CoordattnError {
  return new CoordattnError('E_ONNX', message, where ? { path: where } : {});
}

/** An int64 field as a number; values past ±2^53 are clamped (ONNX uses INT64_MAX as "to the end"). */
export function int(v: number | Long | null | undefined): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  const n = v.toNumber();
  if (n > Number.MAX_SAFE_INTEGER) return Number.MAX_SAFE_INTEGER;
  if (n < -Number.MAX_SAFE_INTEGER) return -Number.MAX_SAFE_INTEGER;
  return n;
}

function str(s: string | null | undefined, where: string): string {
  const v = s ?? '';
  if (v.length > LIMITS.name)
    throw malformed(`a name of ${v.length} characters (at most ${LIMITS.name})`, where);
  return v;
}

function count<T>(
  xs: readonly T[] | null | undefined,
  what: string,
  where: string,
  max: number = LIMITS.entries,
): readonly T[] {
  const a = xs ?? [];
  if (a.length > max) throw malformed(`${a.length} ${what} (at most ${max})`, where);
  return a;
}

/** Checked dims of a tensor and its element count. */
function tensorDims(dims: readonly (number | Long)[], where: string): { dims: number[]; size: number } {
  if (dims.length > LIMITS.rank)
    throw malformed(`tensor of rank ${dims.length} (at most ${LIMITS.rank})`, where);
  const out = dims.map(int);
  let size = 1;
  for (const d of out) {
    if (!Number.isInteger(d) || d < 0 || d > LIMITS.dim) {
      throw malformed(`tensor dim ${d} is out of range (0..${LIMITS.dim})`, where);
    }
    size *= d;
    if (size > LIMITS.elements) {
      throw malformed(
        `tensor of ${out.join('×')} elements is too large (at most ${LIMITS.elements} elements)`,
        where,
      );
    }
  }
  return { dims: out, size };
}

const BYTES: Record<number, number> = {
  1: 4,
  2: 1,
  3: 1,
  6: 4,
  7: 8,
  9: 1,
  10: 2,
  11: 8,
  16: 2,
  4: 2,
  5: 2,
  12: 4,
  13: 8,
};

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

function bf16ToFloat(h: number): number {
  const b = new DataView(new ArrayBuffer(4));
  b.setUint32(0, (h & 0xffff) << 16, false);
  return b.getFloat32(0, false);
}

/** Decodes `size` elements of dtype from little-endian raw bytes. */
export function decodeRaw(dtype: number, raw: Uint8Array, size: number, where: string): TensorData {
  const width = BYTES[dtype];
  if (width === undefined) throw unsupportedDtype(dtype, where);
  if (raw.length !== size * width) {
    throw malformed(
      `raw_data has ${raw.length} bytes; the dims and ${dtypeName(dtype)} need ${size * width}`,
      where,
    );
  }
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (dtype) {
    case DTYPE.FLOAT: {
      const v = new Float32Array(size);
      for (let i = 0; i < size; i++) v[i] = dv.getFloat32(4 * i, true);
      return { kind: 'float', values: v };
    }
    case DTYPE.DOUBLE:
      return { kind: 'float', values: toFloat32(size, (i) => dv.getFloat64(8 * i, true), where) };
    case DTYPE.FLOAT16:
      return { kind: 'float', values: toFloat32(size, (i) => halfToFloat(dv.getUint16(2 * i, true)), where) };
    case DTYPE.BFLOAT16:
      return { kind: 'float', values: toFloat32(size, (i) => bf16ToFloat(dv.getUint16(2 * i, true)), where) };
    case DTYPE.INT64: {
      const v: number[] = new Array<number>(size);
      for (let i = 0; i < size; i++) v[i] = clampBig(dv.getBigInt64(8 * i, true));
      return { kind: 'int', values: v };
    }
    case DTYPE.INT32:
      return { kind: 'int', values: Array.from({ length: size }, (_, i) => dv.getInt32(4 * i, true)) };
    case DTYPE.INT8:
      return { kind: 'int', values: Array.from({ length: size }, (_, i) => dv.getInt8(i)) };
    case DTYPE.UINT8:
    case DTYPE.BOOL:
      return { kind: 'int', values: Array.from({ length: size }, (_, i) => dv.getUint8(i)) };
    default:
      throw unsupportedDtype(dtype, where);
  }
}

function clampBig(b: bigint): number {
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  if (b > max) return Number.MAX_SAFE_INTEGER;
  if (b < -max) return -Number.MAX_SAFE_INTEGER;
  return Number(b);
}

/** float64 values → float32, rejecting values float32 cannot hold (finite → ±Inf). */
function toFloat32(size: number, get: (i: number) => number, where: string): Float32Array {
  const v = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const x = get(i);
    v[i] = x;
    if (Number.isFinite(x) && !Number.isFinite(v[i])) {
      throw new CoordattnError('E_UNSUPPORTED', `element ${i} (${x}) overflows float32`, {
        path: where,
        expected: 'values within float32 range (|x| < 3.4e38)',
      });
    }
  }
  return v;
}

function unsupportedDtype(dtype: number, where: string): CoordattnError {
  return new CoordattnError('E_UNSUPPORTED', `tensor dtype ${dtypeName(dtype)} is not supported`, {
    path: where,
    expected: 'float32, float64, float16, bfloat16, int64, int32, int8, uint8 or bool',
  });
}

function decodeTensor(t: onnxProto.onnx.ITensorProto, where: string): OnnxTensor {
  const name = str(t.name, where);
  const dtype = t.dataType ?? 0;
  const { dims, size } = tensorDims(t.dims ?? [], where);
  if (t.segment)
    throw new CoordattnError('E_UNSUPPORTED', 'segmented tensors are not supported', { path: where });
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    const kv = new Map((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
    const location = kv.get('location');
    if (!location) throw malformed('external data without a location', where);
    const num = (k: string): number | undefined => {
      const s = kv.get(k);
      if (s === undefined) return undefined;
      if (!/^\d{1,15}$/.test(s))
        throw malformed(`external data ${k} '${s.slice(0, 40)}' is not a byte count`, where);
      return Number(s);
    };
    if (BYTES[dtype] === undefined) throw unsupportedDtype(dtype, where);
    const length = num('length');
    if (length !== undefined && length !== size * BYTES[dtype]) {
      throw malformed(
        `external data length ${length} disagrees with dims (${size * BYTES[dtype]} bytes)`,
        where,
      );
    }
    return { name, dims, dtype, data: undefined, external: { location, offset: num('offset') ?? 0, length } };
  }
  const raw = t.rawData;
  if (raw && raw.length > 0) return { name, dims, dtype, data: decodeRaw(dtype, raw, size, where) };
  const typed = (): readonly (number | Long)[] => {
    switch (dtype) {
      case DTYPE.FLOAT:
        return t.floatData ?? [];
      case DTYPE.DOUBLE:
        return t.doubleData ?? [];
      case DTYPE.INT64:
        return t.int64Data ?? [];
      case DTYPE.INT32:
      case DTYPE.INT8:
      case DTYPE.UINT8:
      case DTYPE.BOOL:
      case DTYPE.FLOAT16:
      case DTYPE.BFLOAT16:
        return t.int32Data ?? [];
      default:
        throw unsupportedDtype(dtype, where);
    }
  };
  const vals = typed();
  if (vals.length !== size) {
    throw malformed(
      `tensor holds ${vals.length} values; its dims ${JSON.stringify(dims)} need ${size}`,
      where,
    );
  }
  switch (dtype) {
    case DTYPE.FLOAT:
      return { name, dims, dtype, data: { kind: 'float', values: Float32Array.from(vals as number[]) } };
    case DTYPE.DOUBLE:
      return {
        name,
        dims,
        dtype,
        data: { kind: 'float', values: toFloat32(size, (i) => vals[i] as number, where) },
      };
    case DTYPE.FLOAT16:
      return {
        name,
        dims,
        dtype,
        data: { kind: 'float', values: toFloat32(size, (i) => halfToFloat(int(vals[i])), where) },
      };
    case DTYPE.BFLOAT16:
      return {
        name,
        dims,
        dtype,
        data: { kind: 'float', values: toFloat32(size, (i) => bf16ToFloat(int(vals[i])), where) },
      };
    default:
      return { name, dims, dtype, data: { kind: 'int', values: vals.map(int) } };
  }
}

const ATTR = onnx.AttributeProto.AttributeType;

function decodeAttr(a: onnxProto.onnx.IAttributeProto, where: string): OnnxAttr {
  switch (a.type) {
    case ATTR.FLOAT:
      return { kind: 'float', value: a.f ?? 0 };
    case ATTR.INT:
      return { kind: 'int', value: int(a.i) };
    case ATTR.STRING:
      return { kind: 'string', value: new TextDecoder().decode(a.s ?? new Uint8Array()) };
    case ATTR.FLOATS:
      return { kind: 'floats', value: count(a.floats, 'floats', where) };
    case ATTR.INTS:
      return { kind: 'ints', value: count(a.ints, 'ints', where).map(int) };
    case ATTR.STRINGS:
      return {
        kind: 'strings',
        value: count(a.strings, 'strings', where).map((s) => new TextDecoder().decode(s)),
      };
    case ATTR.TENSOR:
      if (!a.t) throw malformed('tensor attribute without a tensor', where);
      return { kind: 'tensor', value: decodeTensor(a.t, where) };
    default:
      return {
        kind: 'other',
        type: a.type === undefined || a.type === null ? 'undefined' : (ATTR[a.type] ?? `type ${a.type}`),
      };
  }
}

function decodeValueInfo(v: onnxProto.onnx.IValueInfoProto, where: string): OnnxValueInfo {
  const name = str(v.name, where);
  const tt = v.type?.tensorType;
  if (!tt) return { name, dtype: 0, dims: undefined };
  const dimsIn = tt.shape ? count(tt.shape.dim, 'dims', where, LIMITS.rank) : undefined;
  const dims = dimsIn?.map((d): OnnxDim => {
    if (d.dimParam) return str(d.dimParam, where);
    if (d.dimValue !== undefined && d.dimValue !== null) {
      const n = int(d.dimValue);
      if (n < 0 || n > LIMITS.dim) throw malformed(`dim ${n} is out of range`, where);
      return n === 0 ? undefined : n;
    }
    return undefined;
  });
  return { name, dtype: tt.elemType ?? 0, dims };
}

/**
 * Decodes the bytes of an `.onnx` file. Throws E_ONNX for anything that is not a well-formed model
 * (with the place), E_UNSUPPORTED for well-formed constructs the importer does not handle.
 */
export function decodeModel(bytes: Uint8Array, file = '<model>'): OnnxModel {
  let m: onnxProto.onnx.ModelProto;
  try {
    m = onnx.ModelProto.decode(bytes);
  } catch (e) {
    const why =
      e instanceof RangeError && /call stack/i.test(e.message)
        ? 'messages nested too deeply'
        : (e as Error).message;
    throw new CoordattnError('E_ONNX', `not an ONNX model: protobuf decoding failed (${why})`, {
      path: file,
      expected: 'a ModelProto as written by torch.onnx.export or onnx.save',
    });
  }
  const g = m.graph;
  if (!g || (int(m.irVersion) <= 0 && (m.opsetImport ?? []).length === 0)) {
    throw new CoordattnError('E_ONNX', 'not an ONNX model: no graph, IR version or opset', {
      path: file,
      expected: 'a ModelProto as written by torch.onnx.export or onnx.save',
    });
  }
  const opsets = count(m.opsetImport, 'opset imports', file);
  const main = opsets.find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx');
  const opset = main ? int(main.version) : 0;
  if (opset <= 0) throw malformed('no opset for the default ai.onnx domain', `${file}: opset_import`);
  const nodes = count(g.node, 'nodes', `${file}: graph`, LIMITS.nodes).map((n, index): OnnxNode => {
    const named = !!n.name;
    const name = named ? str(n.name, `${file}: node ${index}`) : `#${index}`;
    const where = `node '${name}' (${n.opType ?? '?'})`;
    const attrs = new Map<string, OnnxAttr>();
    for (const a of count(n.attribute, 'attributes', where)) {
      const an = str(a.name, where);
      if (attrs.has(an)) throw malformed(`attribute '${an}' given twice`, where);
      attrs.set(an, decodeAttr(a, `${where}: attribute ${an}`));
    }
    return {
      name,
      named,
      opType: str(n.opType, where),
      domain: n.domain ?? '',
      inputs: count(n.input, 'inputs', where).map((s) => str(s, where)),
      outputs: count(n.output, 'outputs', where).map((s) => str(s, where)),
      attrs,
      index,
    };
  });
  const initializers = count(g.initializer, 'initializers', `${file}: graph`).map((t, i) =>
    decodeTensor(t, `initializer ${t.name ? `'${t.name}'` : i}`),
  );
  if ((g.sparseInitializer ?? []).length > 0) {
    throw new CoordattnError('E_UNSUPPORTED', 'sparse initializers are not supported', {
      path: `${file}: graph`,
    });
  }
  const initNames = new Set(initializers.map((t) => t.name));
  const inputs = count(g.input, 'inputs', `${file}: graph`)
    .map((v, i) => decodeValueInfo(v, `graph input ${i}`))
    .filter((v) => !initNames.has(v.name));
  const outputs = count(g.output, 'outputs', `${file}: graph`).map((v, i) =>
    decodeValueInfo(v, `graph output ${i}`),
  );
  const valueInfo = new Map<string, OnnxValueInfo>();
  for (const [i, v] of count(g.valueInfo, 'value_info entries', `${file}: graph`).entries()) {
    const d = decodeValueInfo(v, `value_info ${i}`);
    valueInfo.set(d.name, d);
  }
  return {
    irVersion: int(m.irVersion),
    producer: m.producerName ?? '',
    producerVersion: m.producerVersion ?? '',
    opset,
    graphName: g.name ?? '',
    nodes,
    initializers,
    inputs,
    outputs,
    valueInfo,
  };
}
