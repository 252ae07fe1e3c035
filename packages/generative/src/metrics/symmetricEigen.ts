import { DlfError } from '@dlf/runtime';

/** What {@link symmetricEigen} returns. */
export interface SymmetricEigen {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** Eigenvectors as the columns of a row-major `d x d` matrix: column k belongs to `values[k]`. */
  vectors: Float64Array;
}

/**
 * @internal Eigendecomposition `A = V diag(lambda) V^T` of a symmetric `d x d` matrix (row-major
 * Float64Array; only its symmetric part `(A + A^T) / 2` is used) by the cyclic Jacobi method with
 * Rutishauser's stable rotations: quadratically convergent, accurate to a few ulps of `||A||` even
 * for (near-)singular matrices, O(d^3) per sweep.
 */
export function symmetricEigen(matrix: Float64Array, d: number, maxSweeps = 100): SymmetricEigen {
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++)
      a[i * d + j] = 0.5 * ((matrix[i * d + j] as number) + (matrix[j * d + i] as number));
  }
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  let total = 0;
  for (let k = 0; k < a.length; k++) total += (a[k] as number) ** 2;
  let converged = d < 2;
  for (let sweep = 0; sweep < maxSweeps && !converged; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += (a[p * d + q] as number) ** 2;
    if (off <= 1e-32 * total || off === 0) {
      converged = true;
      break;
    }
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q] as number;
        if (apq === 0) continue;
        const app = a[p * d + p] as number;
        const aqq = a[q * d + q] as number;
        const theta = (aqq - app) / (2 * apq);
        const t =
          Math.abs(theta) > 1e150
            ? 1 / (2 * theta)
            : Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // A <- J^T A J with J the rotation in the (p, q) plane: columns, then rows.
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p] as number;
          const akq = a[k * d + q] as number;
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k] as number;
          const aqk = a[q * d + k] as number;
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
        a[p * d + q] = 0;
        a[q * d + p] = 0;
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p] as number;
          const vkq = v[k * d + q] as number;
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  if (!converged) {
    throw new DlfError(
      'NOT_CONVERGED',
      `symmetricEigen: Jacobi iteration did not converge in ${maxSweeps} sweeps`,
    );
  }
  const order = Array.from({ length: d }, (_, i) => i).sort(
    (i, j) => (a[i * d + i] as number) - (a[j * d + j] as number),
  );
  const values = new Float64Array(d);
  const vectors = new Float64Array(d * d);
  order.forEach((src, dst) => {
    values[dst] = a[src * d + src] as number;
    for (let k = 0; k < d; k++) vectors[k * d + dst] = v[k * d + src] as number;
  });
  return { values, vectors };
}
