/**
 * @coordattn/codegen — IR graphs to gpu.js kernels: lowering passes (BN folding, epilogue, CA-pool
 * and gate fusion), kernel templates producing plain-data descriptors, a runtime for cpu / webasm /
 * headlessgl, and a ts-morph emitter of standalone TypeScript modules.
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
  emitModule,
  kernelsReport,
  typeCheckModule,
  writeCompiledModule,
  type EmitOptions,
  type WrittenModule,
} from './emit/emit.js';
export { buildKernels, MAX_FLAT_INDEX, TEMPLATES, type BuildOptions } from './kernels/index.js';
export type {
  KernelArg,
  KernelDesc,
  KernelTemplate,
  TemplateContext,
  TemplateOverrides,
} from './kernels/types.js';
export {
  EXPECTED_BACKEND,
  headlessGLAvailable,
  loadWeightsFile,
  MODES,
  readBack,
  Runtime,
  type KernelThis,
  type Mode,
  type ProgramData,
  type RuntimeOptions,
} from './runtime/runtime.js';
export {
  float32Weights,
  referenceValues,
  runCompiled,
  verifyCompiled,
  verifyCompiledAsync,
  type KernelVerdict,
  type OutputVerdict,
  type VerifyOptions,
  type VerifyResult,
} from './verify.js';
