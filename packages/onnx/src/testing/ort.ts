/**
 * Test helpers (not exported from the package): running an exported model in onnxruntime-node,
 * and seeded weights and inputs. (The fast-check seed and runs: `@coordattn/ir/testing`.)
 */
import ort from 'onnxruntime-node';
import type { Graph } from '@coordattn/ir';
import { initWeights, type Tensor, type Weights } from '@coordattn/reference';
import { decodeModel, type onnx } from '../export/proto.js';

type Decoded<T> = InstanceType<T extends abstract new (...a: never[]) => infer I ? new () => I : never>;

/** A decoded GraphProto with its repeated fields as the decoded message classes. */
export interface DecodedGraph {
  readonly name: string;
  readonly node: Decoded<typeof onnx.NodeProto>[];
  readonly initializer: Decoded<typeof onnx.TensorProto>[];
  readonly input: Decoded<typeof onnx.ValueInfoProto>[];
  readonly output: Decoded<typeof onnx.ValueInfoProto>[];
  readonly valueInfo: Decoded<typeof onnx.ValueInfoProto>[];
}

/** Decodes exported bytes (protobufjs returns message class instances, which the casts name). */
export function decodeExport(bytes: Uint8Array): {
  model: Decoded<typeof onnx.ModelProto>;
  graph: DecodedGraph;
} {
  const model = decodeModel(bytes);
  return { model, graph: model.graph as unknown as DecodedGraph };
}

/** The dims of a value info: numbers for dim_value, strings for dim_param. */
export function valueDims(v: Decoded<typeof onnx.ValueInfoProto>): (number | string)[] {
  return v.type!.tensorType!.shape!.dim!.map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue)));
}

/** Every tensor rounded to float32 (what the exported initializers hold), kept as float64. */
export function float32Rounded(weights: Weights): Weights {
  return new Map(
    [...weights].map(([k, t]) => [k, { shape: t.shape, data: Float64Array.from(Float32Array.from(t.data)) }]),
  );
}

/**
 * Seeded weights with random BN statistics and biases (so every BN term and bias is exercised),
 * rounded to float32 so that onnxruntime and the reference read the same values.
 */
export function seededWeights(graph: Graph, seed: number): Weights {
  return float32Rounded(initWeights(graph, seed, { randomBnStats: true, randomBias: true }));
}

/**
 * ResNet weights with damped residual branches: the γ of the last BN of every block
 * (`layerI.J.bn2` in a basic block, `bn3` in a bottleneck) times `factor`, rounded to float32.
 * With γ ~ U(0.5, 1.5) on every branch, activations grow like 2^blocks (max |logit| ~ 5e7 in
 * ResNet-152) and the sigmoid gates of ECA / Triplet amplify float32 rounding chaotically (ORT and
 * the compiled kernels both leave the tolerance by 2 %); trained ResNets (and torchvision's
 * `zero_init_residual`) keep the branch small, which this mimics.
 */
export function dampResiduals(weights: Weights, factor = 0.2): Weights {
  const last = new Map<string, number>();
  for (const id of weights.keys()) {
    const m = /^(layer\d+\.\d+)\.bn(\d)\.weight$/.exec(id);
    if (m) last.set(m[1], Math.max(last.get(m[1]) ?? 0, Number(m[2])));
  }
  const out = new Map(weights);
  for (const [block, k] of last) {
    const id = `${block}.bn${k}.weight`;
    const t = weights.get(id)!;
    out.set(id, { shape: t.shape, data: t.data.map((v) => Math.fround(v * factor)) });
  }
  return out;
}

/**
 * seededWeights with a cache: a parameter's values depend only on the seed and its id (see
 * initWeights), so the backbone's weights are drawn once for all attention kinds. The cache holds
 * one backbone at a time (`key`); another key empties it.
 */
export class WeightCache {
  private key: string | undefined;
  private readonly tensors = new Map<string, Tensor>();

  get(graph: Graph, seed: number, key: string): Weights {
    if (key !== this.key) {
      this.tensors.clear();
      this.key = key;
    }
    const cacheKey = (id: string): string => `${seed}:${id}:${graph.params.get(id)!.shape.join('x')}`;
    const todo = new Map([...graph.params].filter(([id]) => !this.tensors.has(cacheKey(id))));
    if (todo.size > 0) {
      // initWeights reads only `params` and `node()`: a view with the parameters still to draw.
      const view = { params: todo, node: (p: string) => graph.node(p) } as unknown as Graph;
      for (const [id, t] of seededWeights(view, seed)) this.tensors.set(cacheKey(id), t);
    }
    return new Map([...graph.params.keys()].map((id) => [id, this.tensors.get(cacheKey(id))!]));
  }

  clear(): void {
    this.tensors.clear();
    this.key = undefined;
  }
}

/** An onnxruntime-node session on the exported bytes: all graph optimisations, one thread. */
export async function ortSession(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
}

/** Runs a session on float64 tensors (fed as float32); returns every output as float64. */
export async function runSession(
  session: ort.InferenceSession,
  inputs: Readonly<Record<string, Tensor>>,
): Promise<Record<string, Tensor>> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const [k, t] of Object.entries(inputs)) {
    feeds[k] = new ort.Tensor('float32', Float32Array.from(t.data), [...t.shape]);
  }
  const res = await session.run(feeds);
  const out: Record<string, Tensor> = {};
  for (const name of session.outputNames) {
    const t = res[name];
    out[name] = { shape: t.dims.map(Number), data: Float64Array.from(t.data as Float32Array) };
  }
  return out;
}

/** Exports nothing itself: creates a session, runs it once and releases it. */
export async function runOrt(
  bytes: Uint8Array,
  inputs: Readonly<Record<string, Tensor>>,
): Promise<Record<string, Tensor>> {
  const session = await ortSession(bytes);
  try {
    return await runSession(session, inputs);
  } finally {
    await session.release();
  }
}
