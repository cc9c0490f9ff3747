export {
  importOnnx,
  checkExternalLocation,
  type ImportNotes,
  type ImportOptions,
  type ImportResult,
} from './import.js';
export { decodeModel, LIMITS, type ExternalRef, type OnnxModel, type OnnxNode } from './proto.js';
export { SUPPORTED_OPS } from './convert.js';
export { LIFT_RULES, type LiftRule } from './lift.js';
export { modulePathOf } from './names.js';
export type { BlockKind, RecognisedBlock } from './blocks.js';
