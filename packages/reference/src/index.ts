/**
 * @coordattn/reference — the float64 reference for IR graphs: one plain-loop kernel per primitive
 * op, an interpreter, the project's weights file and seeded initialisation, `.npy` I/O (float32
 * out, any numeric dtype in), and the one tolerance rule used by every numerical comparison.
 */
export { numel, sameShape, shapeText, stridesOf, tensor, zeros, type Tensor } from './tensor.js';
export {
  ACTIVATION_FNS,
  broadcastShape,
  kernelFor,
  pooledSize,
  REFERENCE_OPS,
  type Concrete,
  type ConcreteAttrs,
  type RefKernel,
} from './ops/index.js';
export { concreteAttrs, concreteShape, run, type RunOptions, type RunStep } from './interpreter.js';
export {
  checkWeights,
  checkWeightShapes,
  decodeWeights,
  encodeWeights,
  formatManifest,
  loadWeights,
  paramShapes,
  parseManifest,
  saveWeights,
  WEIGHTS_FORMAT,
  WEIGHTS_VERSION,
  WeightsManifestEntrySchema,
  WeightsManifestSchema,
  type DecodeOptions,
  type EncodeOptions,
  type Weights,
  type WeightsManifest,
  type WeightsManifestEntry,
} from './weights.js';
export { initWeights, type InitOptions } from './init.js';
export { hashSeed, mulberry32, Rng, uniformTensor } from './random.js';
export {
  decodeNpy,
  decodeNpyArray,
  encodeNpy,
  NPY_DTYPES,
  readNpy,
  readNpyArray,
  writeNpy,
  type NpyArray,
  type NpyDtype,
} from './npy.js';
export {
  assertClose,
  compare,
  describeComparison,
  FLOAT32_BASE_REDUCTION,
  FLOAT32_NETWORK_TOLERANCE,
  FLOAT32_TOLERANCE,
  float32Tolerance,
  FLOAT64_TOLERANCE,
  type Comparison,
  type Tolerance,
} from './tolerance.js';
