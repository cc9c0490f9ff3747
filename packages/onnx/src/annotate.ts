/**
 * Costs beside the graph in Netron: Netron shows a node's `doc_string` in its properties pane and the
 * model's `metadata_props` in the model pane, so annotating means writing those two fields of a copy
 * of the model and nothing else (the graph, names and weights are left byte-for-byte as they were).
 */
import onnxProto from 'onnx-proto';
import { CoordattnError } from '@coordattn/ir';

const { onnx } = onnxProto;

/**
 * A copy of an ONNX model whose nodes carry the given text as `doc_string` (keyed by node name;
 * other nodes are left as they are) and whose `metadata_props` gain the given entries.
 */
export function annotateOnnx(
  bytes: Uint8Array,
  docs: ReadonlyMap<string, string>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  let m: onnxProto.onnx.ModelProto;
  try {
    m = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new CoordattnError('E_ONNX', `not an ONNX model (${(e as Error).message})`);
  }
  for (const n of m.graph?.node ?? []) {
    const d = n.name ? docs.get(n.name) : undefined;
    if (d !== undefined) n.docString = d;
  }
  const props = (m.metadataProps ?? []).filter((p) => !((p.key ?? '') in metadata));
  for (const [key, value] of Object.entries(metadata))
    props.push(onnx.StringStringEntryProto.create({ key, value }));
  m.metadataProps = props;
  return onnx.ModelProto.encode(m).finish();
}
