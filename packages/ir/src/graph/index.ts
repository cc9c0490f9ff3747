export { GraphBuilder, type OpOptions, type Value } from './builder.js';
export {
  DEFAULT_TORCH,
  Graph,
  parseRef,
  type BlockInstance,
  type GraphInput,
  type Node,
  type NodeSpec,
  type Param,
} from './graph.js';
export { shapeToString, shapesEqual } from './shape.js';
export type {
  Assumption,
  AssumptionCheck,
  Provenance,
  Shape,
  Trait,
  ValueRef,
  WeightRole,
  WeightSpec,
} from './types.js';
