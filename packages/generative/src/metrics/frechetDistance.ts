import { DlfError } from '@dlf/runtime';
import { toMatrix, toVector } from '../ot/inputs.js';
import { symmetricEigen } from './symmetricEigen.js';

/**
 * The squared Fréchet (2-Wasserstein) distance between two Gaussians, the quantity FID reports:
 * `d^2 = ||mu1 - mu2||^2 + tr(S1 + S2 - 2 (S1^1/2 S2 S1^1/2)^1/2)` (Dowson and Landau 1982).
 * Float64, through symmetric eigendecompositions (Jacobi): with `S_i = L_i L_i^T`, the trace term
 * is the nuclear norm of `L1^T L2`, and eigenvalues below the numerical rank are dropped, so it
 * stays real and accurate for singular or near-singular covariances (where
 * `scipy.linalg.sqrtm(S1 @ S2)` can turn complex or lose half its digits). `Math.sqrt` of it is W_2 between the Gaussians.
 *
 * @param mu1 - mean of the first Gaussian (length d).
 * @param sigma1 - its covariance, d rows of d numbers, symmetric positive semi-definite.
 * @param mu2 - mean of the second Gaussian.
 * @param sigma2 - its covariance.
 * @returns `d^2 >= 0`, in squared feature units.
 * @throws DlfError `INVALID_SHAPE` on size mismatch, `NON_FINITE` on NaN/Inf,
 *   `INVALID_ARGUMENT` for a covariance that is not positive semi-definite (eigenvalue below
 *   `-1e-8 ||S||`).
 * @example
 * ```ts
 * frechetDistance([0], [[1]], [3], [[4]]); // (0 - 3)^2 + (1 - 2)^2 = 10
 * ```
 */
export function frechetDistance(
  mu1: ArrayLike<number>,
  sigma1: readonly ArrayLike<number>[],
  mu2: ArrayLike<number>,
  sigma2: readonly ArrayLike<number>[],
): number {
  const m1 = toVector('mu1', mu1);
  const d = m1.length;
  const m2 = toVector('mu2', mu2, { length: d });
  const s1 = toMatrix('sigma1', sigma1, d, d);
  const s2 = toMatrix('sigma2', sigma2, d, d);
  return frechetFromFlat(m1, s1, m2, s2, d);
}

/**
 * Square-root factor `L` (d x r, row-major) of a PSD matrix with `S = L L^T`: eigenvectors scaled by
 * the square roots of the eigenvalues, keeping only those above the numerical-rank threshold
 * `d eps lambda_max` (as numpy's matrix_rank): smaller ones are rounding noise, and keeping them
 * would add spurious sqrt(noise) terms to the trace of the square root.
 */
function sqrtFactor(param: string, s: Float64Array, d: number): { L: Float64Array; r: number } {
  const { values, vectors } = symmetricEigen(s, d);
  const top = Math.max(Math.abs(values[0] as number), Math.abs(values[d - 1] as number));
  if ((values[0] as number) < -1e-8 * top) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${param} must be a positive semi-definite covariance, received one with eigenvalue ${values[0]}`,
      { param },
    );
  }
  const threshold = d * Number.EPSILON * top;
  const keep: number[] = [];
  for (let k = 0; k < d; k++) if ((values[k] as number) > threshold) keep.push(k);
  const r = keep.length;
  const L = new Float64Array(d * r);
  keep.forEach((k, c) => {
    const root = Math.sqrt(values[k] as number);
    for (let i = 0; i < d; i++) L[i * r + c] = (vectors[i * d + k] as number) * root;
  });
  return { L, r };
}

/** @internal {@link frechetDistance} on validated float64 inputs (covariances row-major). */
export function frechetFromFlat(
  m1: Float64Array,
  s1: Float64Array,
  m2: Float64Array,
  s2: Float64Array,
  d: number,
): number {
  const f1 = sqrtFactor('sigma1', s1, d);
  const f2 = sqrtFactor('sigma2', s2, d);
  let meanTerm = 0;
  for (let i = 0; i < d; i++) meanTerm += ((m1[i] as number) - (m2[i] as number)) ** 2;
  let trace = 0;
  for (let i = 0; i < d; i++) trace += (s1[i * d + i] as number) + (s2[i * d + i] as number);
  // tr (S1^1/2 S2 S1^1/2)^1/2 = sum of the singular values of K = L1^T L2 (the eigenvalues of
  // S1 S2 are those of K K^T). They are the positive eigenvalues of [[0, K], [K^T, 0]], which
  // Jacobi finds to absolute accuracy eps ||K||, with no square root of rounding noise.
  const { r: r1, L: L1 } = f1;
  const { r: r2, L: L2 } = f2;
  let traceSqrt = 0;
  if (r1 > 0 && r2 > 0) {
    const size = r1 + r2;
    const block = new Float64Array(size * size);
    for (let p = 0; p < r1; p++) {
      for (let q = 0; q < r2; q++) {
        let k = 0;
        for (let i = 0; i < d; i++) k += (L1[i * r1 + p] as number) * (L2[i * r2 + q] as number);
        block[p * size + (r1 + q)] = k;
        block[(r1 + q) * size + p] = k;
      }
    }
    const { values } = symmetricEigen(block, size);
    for (let k = 0; k < size; k++) traceSqrt += Math.abs(values[k] as number);
    traceSqrt /= 2;
  }
  return Math.max(0, meanTerm + trace - 2 * traceSqrt);
}
