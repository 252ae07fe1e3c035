/**
 * `@dlf/rl/onnx`: export the deep learners' policies to ONNX and run them with onnxruntime. A
 * separate entry so that importing `@dlf/rl` never loads the ONNX exporter or onnxruntime.
 */

export type { OnnxPolicy } from './createOnnxPolicy.js';
export { createOnnxPolicy } from './createOnnxPolicy.js';
export type { ExportablePolicy, ExportPolicyOnnxOptions } from './exportPolicyOnnx.js';
export { ACTION_OUTPUT, exportPolicyOnnx, POLICY_INPUT, Q_VALUES_OUTPUT } from './exportPolicyOnnx.js';
