/**
 * Small builders over onnx-proto's static protobufjs classes for the exporter: attributes, tensors
 * (float32 / int64 as little-endian `raw_data`), value infos with `dim_value` / `dim_param`, and the
 * encoded ModelProto. No Node built-ins: this runs in the browser too.
 */
import onnxProto from 'onnx-proto';

export const { onnx } = onnxProto;

/** A dim of an exported shape: a constant (`dim_value`) or a symbol name (`dim_param`). */
export type OnnxDim = number | string;
export type OnnxShape = readonly OnnxDim[];

/** An attribute value; the tag says which AttributeProto field it fills. */
export type Attr =
  | { readonly i: number }
  | { readonly f: number }
  | { readonly s: string }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] };

export const attr = {
  int: (i: number): Attr => ({ i }),
  float: (f: number): Attr => ({ f }),
  string: (s: string): Attr => ({ s }),
  ints: (ints: readonly number[]): Attr => ({ ints }),
  floats: (floats: readonly number[]): Attr => ({ floats }),
};

const AT = onnx.AttributeProto.AttributeType;

export function attributeProto(name: string, a: Attr): onnxProto.onnx.IAttributeProto {
  if ('i' in a) return { name, type: AT.INT, i: a.i };
  if ('f' in a) return { name, type: AT.FLOAT, f: a.f };
  if ('s' in a) return { name, type: AT.STRING, s: new TextEncoder().encode(a.s) };
  if ('ints' in a) return { name, type: AT.INTS, ints: [...a.ints] };
  return { name, type: AT.FLOATS, floats: [...a.floats] };
}

export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const INT64 = onnx.TensorProto.DataType.INT64;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** float32 little-endian bytes of `data` (each value rounded as Float32Array.from rounds it). */
export function float32Bytes(data: ArrayLike<number>): Uint8Array {
  const f = Float32Array.from(data);
  if (LITTLE_ENDIAN) return new Uint8Array(f.buffer);
  const out = new Uint8Array(f.length * 4);
  const view = new DataView(out.buffer);
  f.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

/** int64 little-endian bytes of integer `values`. */
export function int64Bytes(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return out;
}

export function tensorProto(
  name: string,
  dataType: number,
  dims: readonly number[],
  raw: Uint8Array,
  docString?: string,
): onnxProto.onnx.ITensorProto {
  return { name, dataType, dims: [...dims], rawData: raw, ...(docString ? { docString } : {}) };
}

/** A float32 tensor value info; number dims become `dim_value`, string dims `dim_param`. */
export function valueInfo(name: string, shape: OnnxShape): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export function encodeModel(model: onnxProto.onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

export function decodeModel(bytes: Uint8Array): onnxProto.onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}
