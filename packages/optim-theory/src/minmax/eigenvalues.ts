import { DlfError } from '@dlf/runtime';
import { generalEigenvalues, type MatrixLike, toMat } from '../linalg.js';

/** A complex number. */
export interface Complex {
  re: number;
  im: number;
}

/**
 * Eigenvalues of a real square matrix (not necessarily symmetric), such as a game Jacobian or an
 * iteration matrix: Hessenberg reduction and shifted QR in complex arithmetic, float64.
 *
 * @returns the n eigenvalues as `{ re, im }`, sorted by decreasing modulus.
 * @example
 * ```ts
 * eigenvalues([[0, -1], [1, 0]]); // [{ re: 0, im: 1 }, { re: 0, im: -1 }] (in some order)
 * ```
 */
export function eigenvalues(matrix: MatrixLike): Complex[] {
  const M = toMat('matrix', matrix);
  if (M.rows !== M.cols) {
    throw new DlfError('INVALID_SHAPE', `matrix must be square, received ${M.rows} x ${M.cols}`, {
      param: 'matrix',
    });
  }
  const { re, im } = generalEigenvalues(M);
  return Array.from(re, (r, i) => ({ re: r, im: im[i]! })).sort(
    (a, b) => Math.hypot(b.re, b.im) - Math.hypot(a.re, a.im),
  );
}

/**
 * The spectral radius max_i |lambda_i| of a real square matrix; a linear iteration z <- M z
 * converges from every start iff it is below 1.
 *
 * @example
 * ```ts
 * spectralRadius([[1, -0.1], [0.1, 1]]); // sqrt(1.01): GDA on x y with eta = 0.1 spirals out
 * ```
 */
export function spectralRadius(matrix: MatrixLike): number {
  return Math.max(0, ...eigenvalues(matrix).map((e) => Math.hypot(e.re, e.im)));
}

/**
 * The largest step size for which simultaneous GDA is locally stable, given the eigenvalues
 * lambda = -a + i b of the game Jacobian H at a fixed point: |1 + eta lambda| < 1 for all lambda
 * iff eta < min_lambda 2a / (a^2 + b^2). Returns 0 when some eigenvalue has a <= 0 (no step size
 * is stable, as for f = x y where lambda = +-i).
 *
 * @example
 * ```ts
 * gdaStableStepSize([{ re: -1, im: 2 }, { re: -1, im: -2 }]); // 2 / 5
 * ```
 */
export function gdaStableStepSize(eigs: readonly Complex[]): number {
  if (!Array.isArray(eigs) || eigs.length === 0) {
    throw new DlfError('INVALID_ARGUMENT', 'eigenvalues must be a non-empty array of { re, im }', {
      param: 'eigenvalues',
    });
  }
  let best = Number.POSITIVE_INFINITY;
  for (const e of eigs) {
    if (!Number.isFinite(e?.re) || !Number.isFinite(e?.im)) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `eigenvalues must hold finite { re, im }, received ${JSON.stringify(e)}`,
        {
          param: 'eigenvalues',
        },
      );
    }
    const a = -e.re;
    if (a <= 0) return 0;
    best = Math.min(best, (2 * a) / (a * a + e.im * e.im));
  }
  return best;
}
