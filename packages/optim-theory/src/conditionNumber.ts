import { DlfError } from '@dlf/runtime';
import { type MatrixLike, symmetricEigen, toMat } from './linalg.js';

/** The spectrum summary {@link conditionNumber} returns. */
export interface ConditionNumberResult {
  /** kappa = lambda_max / lambda_min (Infinity when lambda_min <= 0). */
  kappa: number;
  lambdaMin: number;
  lambdaMax: number;
  /** All eigenvalues, ascending. */
  eigenvalues: number[];
}

/**
 * The condition number kappa = lambda_max / lambda_min of a symmetric matrix, such as a tangent
 * kernel J J^T or a Hessian, from its full eigen-decomposition (Jacobi rotations in float64; the
 * matrix is symmetrised first). For a PSD kernel, lambda_min is the PL constant's lower bound
 * (Liu, Zhu and Belkin 2022) and kappa governs GD's rate on the linearised model.
 *
 * @param matrix - n x n symmetric matrix (nested arrays or 2-D tensor).
 * @returns `{ kappa, lambdaMin, lambdaMax, eigenvalues }`.
 * @example
 * ```ts
 * conditionNumber([[2, 0], [0, 0.5]]).kappa; // 4
 * ```
 */
export function conditionNumber(matrix: MatrixLike): ConditionNumberResult {
  const M = toMat('matrix', matrix);
  if (M.rows !== M.cols) {
    throw new DlfError('INVALID_SHAPE', `matrix must be square, received ${M.rows} x ${M.cols}`, {
      param: 'matrix',
    });
  }
  let scale = 0;
  let asym = 0;
  for (let i = 0; i < M.rows; i++) {
    for (let j = 0; j < M.cols; j++) {
      scale = Math.max(scale, Math.abs(M.data[i * M.cols + j]!));
      asym = Math.max(asym, Math.abs(M.data[i * M.cols + j]! - M.data[j * M.cols + i]!));
    }
  }
  if (asym > 1e-4 * scale) {
    throw new DlfError(
      'INVALID_DATA',
      `matrix must be symmetric, received max |M - M^T| = ${asym.toExponential(2)}`,
      {
        param: 'matrix',
      },
    );
  }
  const { values } = symmetricEigen(M);
  const lambdaMin = values[0]!;
  const lambdaMax = values[values.length - 1]!;
  return {
    kappa: lambdaMin > 0 ? lambdaMax / lambdaMin : Number.POSITIVE_INFINITY,
    lambdaMin,
    lambdaMax,
    eigenvalues: Array.from(values),
  };
}
