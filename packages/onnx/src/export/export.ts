/**
 * IR graph + weights → an ONNX ModelProto (IR version 8, opset 17) that onnxruntime runs and
 * Netron shows with the IR's node paths:
 *
 * - graph inputs and outputs keep the IR names (outputs: the IR value refs `path`, `path:k`), with
 *   shapes: constant dims as `dim_value`, a plain symbol (a symbolic batch `N`) as `dim_param`; any
 *   other symbolic dim is E_EVAL naming the node (bind the symbols first);
 * - every IR value also gets a `value_info` with its shape (Netron shows it, onnxruntime checks it);
 * - initializers are named by IR parameter ids, float32 little-endian `raw_data`; a parameter read
 *   by several nodes (CBAM's shared MLP) is one initializer;
 * - each IR node becomes one or more ONNX nodes (rules.ts), the first-order one named by the IR
 *   path and any helpers `path/<step>`; `doc_string` records the IR op, block and PyTorch module.
 */
import { CoordattnError, parseRef, type Graph } from '@coordattn/ir';
import { checkWeights, type Weights } from '@coordattn/reference';
import { ExportState, onnxShape } from './context.js';
import { encodeModel, valueInfo, type OnnxShape } from './proto.js';
import { exportNode } from './rules.js';

export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 17;

export interface ExportOptions {
  /** The default opset domain version; only 17 is written. */
  readonly opset?: 17;
  /** `producer_name` (default 'coordattn'). */
  readonly producer?: string;
  readonly producerVersion?: string;
  /** Model and graph name (default from `graph.meta`: `mobilenetv2-ca`, else `coordattn`). */
  readonly name?: string;
  /** Write a `value_info` with the shape of every intermediate value (default true). */
  readonly valueInfo?: boolean;
}

/** The ONNX value name of an IR value ref: `path` for output 0, `path:k` for output k. */
export function onnxValueName(ref: string): string {
  const { node, index } = parseRef(ref);
  return index === 0 ? node : `${node}:${index}`;
}

function modelName(graph: Graph): string {
  const b = graph.meta.backbone;
  if (typeof b !== 'string') return 'coordattn';
  const a = graph.meta.attention;
  return typeof a === 'string' && a !== 'none' ? `${b}-${a}` : b;
}

/** Encodes `graph` with `weights` (every parameter, by id, with its shape) as an ONNX model. */
export function exportOnnx(graph: Graph, weights: Weights, opts: ExportOptions = {}): Uint8Array {
  const opset = opts.opset ?? ONNX_OPSET;
  if (opset !== ONNX_OPSET) {
    throw new CoordattnError('E_OPTION', `unsupported ONNX opset ${String(opset)}`, {
      path: 'opset',
      expected: `${ONNX_OPSET}`,
    });
  }
  checkWeights(graph, weights);
  const state = new ExportState(graph, weights);
  const shapes = new Map<string, OnnxShape>();

  const inputs = graph.inputs.map((gi) => {
    const shape = onnxShape(gi.shape, gi.name, 'input');
    shapes.set(state.claim(gi.name, gi.name), shape);
    return valueInfo(gi.name, shape);
  });

  const inner: ReturnType<typeof valueInfo>[] = [];
  for (const node of graph.nodes) {
    const x = node.inputs.map(onnxValueName);
    const inShapes = x.map((v) => shapes.get(v)!);
    const y = node.outputs.map((_, k) =>
      state.claim(onnxValueName(k === 0 ? node.path : `${node.path}:${k}`), node.path),
    );
    const c = state.context(node, x, y, inShapes);
    exportNode(c);
    y.forEach((v, k) => {
      shapes.set(v, c.outShapes[k]);
      inner.push(valueInfo(v, c.outShapes[k]));
    });
  }

  const outNames = graph.outputs.map(onnxValueName);
  const seen = new Set<string>();
  for (const v of outNames) {
    if (seen.has(v)) {
      throw new CoordattnError('E_GRAPH', `graph output '${v}' is listed twice`, {
        path: 'outputs',
        expected: 'distinct graph outputs (ONNX names each once)',
      });
    }
    seen.add(v);
  }
  const outputs = outNames.map((v) => valueInfo(v, shapes.get(v)!));
  const name = opts.name ?? modelName(graph);
  const metadataProps = Object.entries(graph.meta).map(([key, value]) => ({
    key: `coordattn.${key}`,
    value: JSON.stringify(value),
  }));

  return encodeModel({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: opset }],
    producerName: opts.producer ?? 'coordattn',
    producerVersion: opts.producerVersion ?? '0.1.0',
    docString: `exported by coordattn from the IR graph '${name}'`,
    metadataProps,
    graph: {
      name,
      node: state.nodes,
      initializer: state.initializers,
      input: inputs,
      output: outputs,
      valueInfo: opts.valueInfo === false ? [] : inner.filter((v) => !seen.has(v.name!)),
    },
  });
}
