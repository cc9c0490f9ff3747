/** ONNX export: IR graph + weights → ONNX opset 17 (see export.ts and the op table in rules.ts). */
export { exportOnnx, onnxValueName, ONNX_IR_VERSION, ONNX_OPSET, type ExportOptions } from './export.js';
export { EXPORT_RULES, reshapeShape, type ExportRule, type ExportRules } from './rules.js';
export { onnxDim, onnxShape, type NodeContext } from './context.js';
export type { OnnxDim, OnnxShape } from './proto.js';
