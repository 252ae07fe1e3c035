import { DlfError } from '@dlf/runtime';

/**
 * Solves A x = b for a dense n x n matrix (row-major `Float64Array`) by LU factorisation with
 * partial pivoting, in float64. Neither input is modified. Throws `NOT_CONVERGED` when a pivot is
 * (numerically) zero, that is when A is singular to working precision.
 */
export function solveLinearSystem(a: Float64Array, b: Float64Array, n: number): Float64Array {
  if (a.length !== n * n || b.length !== n) {
    throw new DlfError(
      'INVALID_SHAPE',
      `solveLinearSystem needs an n x n matrix and a length-n vector (n = ${n}), received lengths ${a.length} and ${b.length}`,
      { param: 'a' },
    );
  }
  const lu = Float64Array.from(a);
  const x = Float64Array.from(b);
  let scale = 0;
  for (let i = 0; i < lu.length; i++) scale = Math.max(scale, Math.abs(lu[i] as number));
  const tiny = Math.max(scale, 1) * n * Number.EPSILON;
  for (let k = 0; k < n; k++) {
    // Partial pivoting: bring the largest |entry| of column k (rows k..n-1) to the diagonal.
    let pivotRow = k;
    let pivotAbs = Math.abs(lu[k * n + k] as number);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k] as number);
      if (v > pivotAbs) {
        pivotAbs = v;
        pivotRow = i;
      }
    }
    if (pivotAbs <= tiny) {
      throw new DlfError(
        'NOT_CONVERGED',
        `the linear system is singular to working precision (pivot ${pivotAbs} at column ${k})`,
        {
          param: 'a',
        },
      );
    }
    if (pivotRow !== k) {
      for (let j = 0; j < n; j++) {
        const t = lu[k * n + j] as number;
        lu[k * n + j] = lu[pivotRow * n + j] as number;
        lu[pivotRow * n + j] = t;
      }
      const t = x[k] as number;
      x[k] = x[pivotRow] as number;
      x[pivotRow] = t;
    }
    const pivot = lu[k * n + k] as number;
    for (let i = k + 1; i < n; i++) {
      const f = (lu[i * n + k] as number) / pivot;
      if (f === 0) continue;
      lu[i * n + k] = f;
      const rowI = i * n;
      const rowK = k * n;
      for (let j = k + 1; j < n; j++) lu[rowI + j] = (lu[rowI + j] as number) - f * (lu[rowK + j] as number);
      x[i] = (x[i] as number) - f * (x[k] as number);
    }
  }
  // Back substitution with U.
  for (let i = n - 1; i >= 0; i--) {
    let acc = x[i] as number;
    for (let j = i + 1; j < n; j++) acc -= (lu[i * n + j] as number) * (x[j] as number);
    x[i] = acc / (lu[i * n + i] as number);
  }
  return x;
}
