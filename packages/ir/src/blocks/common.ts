import type { Dim } from '../dim/index.js';
import type { GraphBuilder, Value } from '../graph/index.js';
import type { ActivationName } from '../ops/index.js';

/** An attention block: emits primitive ops under the builder's current scope and returns the re-weighted x. */
export type AttentionFn = (b: GraphBuilder, x: Value) => Value;

export type GateName = Extract<ActivationName, 'sigmoid' | 'hard_sigmoid'>;

/** Channels of an NCHW value. */
export function channels(x: Value): Dim {
  return x.shape[1];
}

/** Emits an activation node with the given local name and provenance of a module call. */
export function act(
  b: GraphBuilder,
  x: Value,
  fn: ActivationName,
  name: string,
  torchType?: string,
  inplace = false,
): Value {
  const provenance = { ...(torchType ? { torchType } : {}), ...(inplace ? { inplace } : {}) };
  return b.op(fn, x, {}, { name, ...(Object.keys(provenance).length > 0 ? { provenance } : {}) });
}
