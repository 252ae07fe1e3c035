import type { ParamModel } from '@dlf/runtime';
import { empiricalNtk } from './empiricalNtk.js';
import type { VectorLike } from './linalg.js';
import type { InputsLike } from './modelInputs.js';

/**
 * The tangent kernel K = J J^T of a {@link ParamModel} at w on the inputs X: the (n k) x (n k)
 * Gram matrix of the parameter gradients of all outputs (multi-output flattened example-major).
 * For the square loss, gradient flow moves the outputs by du/dt = -K (u - y), so lambda_min(K)
 * lower-bounds the PL constant (Liu, Zhu and Belkin 2022). Same as `empiricalNtk(model, w, X)`.
 *
 * @returns K as nested arrays (symmetric positive semi-definite).
 * @example
 * ```ts
 * const K = tangentKernel(net, w, X);
 * conditionNumber(K).lambdaMin; // > 0 for a wide enough net on distinct inputs
 * ```
 */
export function tangentKernel(model: ParamModel, w: VectorLike, X: InputsLike): number[][] {
  return empiricalNtk(model, w, X);
}
