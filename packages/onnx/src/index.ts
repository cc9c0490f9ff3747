/**
 * @coordattn/onnx — ONNX in and out. Import parses a `.onnx` file from a `Uint8Array` (no Node
 * built-ins: the browser can use it) into a shape-checked IR graph plus its weights; export writes
 * an IR graph and weights as an ONNX model (opset 17) that onnxruntime runs.
 */
export * from './import/index.js';
export * from './export/index.js';
export { annotateOnnx } from './annotate.js';
