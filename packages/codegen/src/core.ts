/**
 * `@coordattn/codegen/core`: the compiler, the runtime and the verifier without the emitter
 * (ts-morph, esbuild, files): no Node built-in, so that browser bundles — the kernel runner page
 * of `@coordattn/web` — compile, run and verify models in the page. Everything here is also
 * exported by the package's main entry.
 */
export {
  compile,
  debugKernelsEnabled,
  describeKernel,
  float32Params,
  type Compiled,
  type CompileOptions,
} from './compile.js';
export { PASS_NAMES, passDefaults, type PassName, type PassSwitches } from './passes/index.js';
export type { KernelArg, KernelDesc } from './kernels/types.js';
export {
  BROWSER_MODES,
  browserModeAvailable,
  bytesOf,
  decodeWeights,
  EXPECTED_BACKEND,
  gpujsPatchStatus,
  MODES,
  readBack,
  readBackAsync,
  readWeights,
  Runtime,
  type AnyMode,
  type BrowserMode,
  type Bytes,
  type GpujsPatchStatus,
  type Mode,
  type ProgramData,
  type RunKernelOptions,
  type RuntimeOptions,
  type WeightsManifest,
} from './runtime/runtime.js';
export {
  tune,
  TUNE_SPLITS,
  type TuneCache,
  type TunedCandidate,
  type TunedNode,
  type TuneOptions,
  type TuneResult,
} from './tune.js';
export {
  float32Weights,
  referenceValues,
  verifyCompiledAsync,
  verifyProgramAsync,
  type KernelVerdict,
  type OutputVerdict,
  type VerifyOptions,
  type VerifyResult,
} from './verify.js';
