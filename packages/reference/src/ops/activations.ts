/**
 * The unary activations, elementwise (formulas as in @coordattn/ir ACTIVATIONS):
 * relu max(x, 0); relu6 min(max(x, 0), 6); sigmoid 1/(1+e^−x); hard_sigmoid relu6(x+3)/6;
 * hard_swish x·relu6(x+3)/6; swish x·sigmoid(x) (SiLU); identity x. And clip, min(max(x, min), max)
 * with either bound absent (null).
 */
import type { ActivationName } from '@coordattn/ir';
import type { Tensor } from '../tensor.js';
import type { ConcreteAttrs, RefKernel } from './types.js';

const relu6f = (v: number): number => Math.min(Math.max(v, 0), 6);
const sigmoidf = (v: number): number => 1 / (1 + Math.exp(-v));

/** The scalar function of each activation. */
export const ACTIVATION_FNS: Readonly<Record<ActivationName, (v: number) => number>> = {
  relu: (v) => Math.max(v, 0),
  relu6: relu6f,
  sigmoid: sigmoidf,
  hard_sigmoid: (v) => relu6f(v + 3) / 6,
  hard_swish: (v) => (v * relu6f(v + 3)) / 6,
  swish: (v) => v * sigmoidf(v),
  identity: (v) => v,
};

/** Applies a scalar function to every element. */
export function map(x: Tensor, f: (v: number) => number): Tensor {
  return { shape: [...x.shape], data: x.data.map(f) };
}

function activation(name: ActivationName): RefKernel<ConcreteAttrs<typeof name>> {
  const f = ACTIVATION_FNS[name];
  return ([x]) => [map(x, f)];
}

export const relu = activation('relu');
export const relu6 = activation('relu6');
export const sigmoid = activation('sigmoid');
export const hardSigmoid = activation('hard_sigmoid');
export const hardSwish = activation('hard_swish');
export const swish = activation('swish');
export const identity = activation('identity');

export const clip: RefKernel<ConcreteAttrs<'clip'>> = ([x], a) => {
  const lo = a.min ?? -Infinity;
  const hi = a.max ?? Infinity;
  return [map(x, (v) => Math.min(Math.max(v, lo), hi))];
};
