/**
 * `@dlf/runtime/onnx`: export trained tfjs models to ONNX and run ONNX models with onnxruntime
 * (onnxruntime-web in browsers, onnxruntime-node or onnxruntime-web in Node). A separate entry so
 * that code which never infers does not load onnxruntime.
 */

export type { CreateSessionOptions, OnnxSession } from './createSession.js';
export { createSession } from './createSession.js';
export type { ExportOnnxOptions } from './exportOnnx.js';
export { exportOnnx, ONNX_OPSET_RANGE, SUPPORTED_ONNX_LAYERS } from './exportOnnx.js';
export type { OnnxRuntimeName, WasmPaths } from './loadOnnxRuntime.js';
export type {
  OnnxInputValue,
  OnnxOutput,
  OnnxSessionInput,
  OnnxTensorLike,
  OnnxTypedArray,
  OnnxValueInfo,
} from './sessionIo.js';
