export { readSpec, parseSpec, specDim } from './reader.js';
export { writeSpec, specToText, dimToJson, toJsonValue, formatJson } from './writer.js';
export {
  SPEC_VERSION,
  SPEC_LIMITS,
  SpecJson,
  ModelSpecJson,
  GraphSpecJson,
  NodeSpecJson,
  InputSpecJson,
  BlockSpecJson,
  AttentionSpecJson,
  specJsonSchema,
  type GraphSpec,
  type ModelSpec,
  type Spec,
} from './schema.js';
export { checkJsonValue, parseJsonText, type JsonValue } from './json.js';
