/**
 * fast-check arbitraries for the whole project (subpath export `@coordattn/reference/arbitraries`,
 * so that production code never loads fast-check):
 *
 * - `opCase(op, opts)` / `OP_CASES`: valid single-op cases derived from each op's constraints;
 * - `opGraph(case)`: the one-node graph of a case (inputs x0, x1, ..., node `op`);
 * - `errorCase(op)` / `ERROR_CASES`: inputs the IR rejects, with the code and message;
 * - `tensorData(shape, opts)`: float32-exact input data; `caseData(case, opts)`: data for a case's
 *   inputs (with the case's own `inputData` options, e.g. div's denominators away from 0);
 * - `randomGraph(opts)`: NNSmith-style random graphs of ops and attention blocks.
 */
export type { CaseOptions, ErrorCase, GraphOptions, OpCase, TensorOptions } from './types.js';
export { opCase, OP_CASES } from './op-cases.js';
export { errorCase, ERROR_CASES } from './error-cases.js';
export { opGraph } from './graph.js';
export { caseData, tensorData } from './tensor-data.js';
export { randomGraph } from './random-graph.js';
