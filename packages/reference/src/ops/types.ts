import { CoordattnError, type Dim, type OpAttrs, type OpName } from '@coordattn/ir';
import { shapeText, type Tensor } from '../tensor.js';

/**
 * An op's validated IR attributes with every Dim replaced by its integer value (tuples stay
 * tuples). The interpreter produces these; a symbolic dim is an E_EVAL error before any kernel runs.
 */
export type Concrete<T> = T extends Dim
  ? number
  : T extends readonly unknown[]
    ? { -readonly [K in keyof T]: Concrete<T[K]> }
    : T extends object
      ? { [K in keyof T]: Concrete<T[K]> }
      : T;

export type ConcreteAttrs<K extends OpName> = Concrete<OpAttrs<K>>;

/**
 * A reference kernel: inputs in node order, concrete attributes and the node's weight tensors by
 * local name (`weight`, `bias`, `running_mean`, ...). Returns one tensor per output.
 */
export type RefKernel<A> = (
  inputs: readonly Tensor[],
  attrs: A,
  weights: Readonly<Record<string, Tensor>>,
) => Tensor[];

/** The weight tensor `name` of a node, or an E_EVAL error naming it. */
export function weight(weights: Readonly<Record<string, Tensor>>, name: string): Tensor {
  const w = weights[name];
  if (w === undefined) throw new CoordattnError('E_EVAL', `missing weight '${name}'`);
  return w;
}

/** The four dims of an NCHW input, or an E_SHAPE error. */
export function nchw(x: Tensor, which = 'input'): [number, number, number, number] {
  if (x.shape.length !== 4) {
    throw new CoordattnError('E_SHAPE', `${which} must have rank 4`, { shapes: [shapeText(x.shape)] });
  }
  return [x.shape[0], x.shape[1], x.shape[2], x.shape[3]];
}
