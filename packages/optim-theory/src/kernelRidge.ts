import { assertNonNegative, DlfError } from '@dlf/runtime';
import { type KernelInput, resolveKernel } from './kernelInput.js';
import { cholesky, choleskySolve, type MatrixLike, matVec, toVec, type VectorLike } from './linalg.js';

/** A fitted kernel ridge regression. */
export interface KernelRidgeModel {
  /** Dual coefficients alpha = (K + lambda I)^{-1} y. */
  alpha: number[];
  /** Predictions on the training inputs, K alpha. */
  fitted: number[];
  /** Predictions sum_i alpha_i K(x, x_i) for new inputs (or for K(new, train) with a Gram input). */
  predict(newInputs: MatrixLike): number[];
}

/**
 * Kernel ridge regression: alpha = (K + lambda I)^{-1} y and f(x) = sum_i alpha_i K(x, x_i), the
 * minimiser of sum_i (f(x_i) - y_i)^2 + lambda ||f||_H^2 in the kernel's RKHS (representer theorem).
 * lambda = 0 gives kernel interpolation (K must then be positive definite). Solved by Cholesky in float64.
 *
 * @param input - `{ kernel, X }` or `{ gram }` (see {@link KernelInput}); `y` - n targets.
 * @param options - `lambda` >= 0 (default 1e-8).
 * @returns `{ alpha, fitted, predict }`.
 * @example
 * ```ts
 * const model = kernelRidge({ kernel: (A, B) => polynomialKernel(A, B, { degree: 3 }), X }, y, { lambda: 1e-3 });
 * model.predict(Xtest);
 * ```
 */
export function kernelRidge(
  input: KernelInput,
  y: VectorLike,
  { lambda = 1e-8 }: { lambda?: number } = {},
): KernelRidgeModel {
  assertNonNegative('lambda', lambda);
  const { K, cross } = resolveKernel(input);
  const n = K.rows;
  const yv = toVec('y', y, n);
  const A = { rows: n, cols: n, data: Float64Array.from(K.data) };
  for (let i = 0; i < n; i++) A.data[i * n + i]! += lambda;
  const L = cholesky(A);
  if (!L) {
    throw new DlfError(
      'INVALID_DATA',
      `K + lambda I is not positive definite (lambda = ${lambda}); raise lambda`,
      {
        param: 'lambda',
      },
    );
  }
  const alpha = choleskySolve(L, yv);
  return {
    alpha: Array.from(alpha),
    fitted: Array.from(matVec(K, alpha)),
    predict: (newInputs) => Array.from(matVec(cross(newInputs), alpha)),
  };
}
