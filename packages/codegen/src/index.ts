/**
 * @coordattn/codegen — IR graphs to gpu.js kernels: lowering passes (BN folding, epilogue, CA-pool
 * and gate fusion), kernel templates producing plain-data descriptors, a runtime for cpu / webasm /
 * headlessgl, and an emitter of standalone ES modules (ts-morph; JavaScript + declarations, or the
 * TypeScript sources; optionally one browser bundle).
 */
// The browser-safe part (compiler, runtime, verifier): also `@coordattn/codegen/core`.
export * from './core.js';
export {
  cloneLGraph,
  lowerGraph,
  type Epilogue,
  type LGraph,
  type LNode,
  type ParamTensor,
  type Template,
} from './lower/lgraph.js';
export { applyPasses, PASSES, type Pass } from './passes/index.js';
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
export type { KernelTemplate, TemplateContext, TemplateOverrides } from './kernels/types.js';
export {
  headlessGLAvailable,
  weightsShards,
  type KernelFunction,
  type KernelThis,
  type WeightsSource,
} from './runtime/runtime.js';
export { loadWeightsFile } from './runtime/weights-file.js';
export { runCompiled, verifyCompiled } from './verify.js';
