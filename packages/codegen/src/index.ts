/**
 * @coordattn/codegen — IR graphs to gpu.js kernels: lowering passes (BN folding, epilogue, CA-pool
 * and gate fusion), kernel templates producing plain-data descriptors, a runtime for cpu / webasm /
 * headlessgl, and an emitter of standalone ES modules (ts-morph; JavaScript + declarations, or the
 * TypeScript sources; optionally one browser bundle).
 */
export {
  compile,
  debugKernelsEnabled,
  describeKernel,
  float32Params,
  type Compiled,
  type CompileOptions,
} from './compile.js';
export {
  cloneLGraph,
  lowerGraph,
  type Epilogue,
  type LGraph,
  type LNode,
  type ParamTensor,
  type Template,
} from './lower/lgraph.js';
export {
  applyPasses,
  PASSES,
  PASS_NAMES,
  type Pass,
  type PassName,
  type PassSwitches,
} from './passes/index.js';
export {
  EMIT_KINDS,
  emitModule,
  kernelsReport,
  runtimeSources,
  toJavaScript,
  typeCheckModule,
  writeCompiledModule,
  type EmitKind,
  type EmitOptions,
  type WrittenModule,
} from './emit/emit.js';
export { BROWSER_BUNDLE, gpujsBrowserBuild, writeBrowserBundle, type BundleInputs } from './emit/bundle.js';
export { buildKernels, MAX_FLAT_INDEX, TEMPLATES, type BuildOptions } from './kernels/index.js';
export type {
  KernelArg,
  KernelDesc,
  KernelTemplate,
  TemplateContext,
  TemplateOverrides,
} from './kernels/types.js';
export {
  BROWSER_MODES,
  browserModeAvailable,
  bytesOf,
  decodeWeights,
  EXPECTED_BACKEND,
  gpujsPatchStatus,
  headlessGLAvailable,
  MODES,
  readBack,
  readBackAsync,
  readWeights,
  Runtime,
  weightsShards,
  type AnyMode,
  type BrowserMode,
  type Bytes,
  type GpujsPatchStatus,
  type KernelFunction,
  type KernelThis,
  type Mode,
  type ProgramData,
  type RuntimeOptions,
  type WeightsManifest,
  type WeightsSource,
} from './runtime/runtime.js';
export { loadWeightsFile } from './runtime/weights-file.js';
export {
  float32Weights,
  referenceValues,
  runCompiled,
  verifyCompiled,
  verifyCompiledAsync,
  verifyProgramAsync,
  type KernelVerdict,
  type OutputVerdict,
  type VerifyOptions,
  type VerifyResult,
} from './verify.js';
