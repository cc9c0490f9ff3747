/**
 * Seeded weight initialisation, after the official Coordinate Attention code (`mbv2_ca.py`
 * `_initialize_weights`, the same scheme as torchvision's MobileNetV2):
 *
 * | parameter                        | value                                                      |
 * | -------------------------------- | ---------------------------------------------------------- |
 * | conv2d weight [O, C/g, kh, kw]   | N(0, 2 / (kh·kw·O))  (Kaiming normal, fan_out)              |
 * | linear weight                    | N(0, 0.01²)                                                 |
 * | channel_conv1d weight [1, 1, k]  | U(−1/√k, 1/√k)  (PyTorch's Conv1d default; ECA leaves it)   |
 * | every bias                       | 0                                                          |
 * | batch_norm γ, β, mean, var       | 1, 0, 0, 1                                                 |
 *
 * With `randomBnStats: true` (to exercise BN folding) the four BN tensors are drawn instead:
 * γ ~ U(0.5, 1.5), β ~ N(0, 0.1²), running_mean ~ N(0, 0.1²), running_var ~ U(0.5, 1.5).
 * With `randomBias: true` (so that a kernel that drops its bias is caught) every bias ~ U(−0.5, 0.5).
 *
 * Each parameter has its own stream, seeded by `hashSeed(seed, id)`, so a parameter's values
 * depend only on the seed and its id (adding a node elsewhere does not change them).
 */
import { CoordattnError, type Graph } from '@coordattn/ir';
import { hashSeed, Rng } from './random.js';
import { numel, type Tensor } from './tensor.js';
import { paramShapes, type Weights } from './weights.js';

export interface InitOptions {
  /** Draw BN γ, β, running mean and variance at random (see the file comment). */
  readonly randomBnStats?: boolean;
  /** Draw every bias from U(−0.5, 0.5) instead of 0. */
  readonly randomBias?: boolean;
}

export function initWeights(graph: Graph, seed: number, opts: InitOptions = {}): Weights {
  const shapes = paramShapes(graph);
  const out = new Map<string, Tensor>();
  for (const p of graph.params.values()) {
    const shape = shapes.get(p.id)!;
    const n = numel(shape);
    const rng = new Rng(hashSeed(seed, p.id));
    const op = graph.node(p.owner).op;
    const fill = (v: number): Float64Array => new Float64Array(n).fill(v);
    const random = opts.randomBnStats === true;
    let data: Float64Array;
    switch (p.role) {
      case 'weight':
        if (op === 'conv2d') data = rng.normals(n, 0, Math.sqrt(2 / (shape[0] * shape[2] * shape[3])));
        else if (op === 'linear') data = rng.normals(n, 0, 0.01);
        else if (op === 'channel_conv1d')
          data = rng.uniforms(n, -1 / Math.sqrt(shape[2]), 1 / Math.sqrt(shape[2]));
        else
          throw new CoordattnError('E_EVAL', `no initialisation rule for a weight of op '${op}'`, {
            path: p.id,
          });
        break;
      case 'bias':
        data = opts.randomBias === true ? rng.uniforms(n, -0.5, 0.5) : fill(0);
        break;
      case 'gamma':
        data = random ? rng.uniforms(n, 0.5, 1.5) : fill(1);
        break;
      case 'beta':
        data = random ? rng.normals(n, 0, 0.1) : fill(0);
        break;
      case 'running_mean':
        data = random ? rng.normals(n, 0, 0.1) : fill(0);
        break;
      case 'running_var':
        data = random ? rng.uniforms(n, 0.5, 1.5) : fill(1);
        break;
    }
    out.set(p.id, { shape, data });
  }
  return out;
}
