import { assertInteger, DlfError } from '@dlf/runtime';
import {
  dot,
  type Mat,
  type MatrixLike,
  norm,
  row,
  solve,
  toMat,
  toVec,
  type VectorLike,
  zeros,
} from './linalg.js';

/** Options of {@link hardMarginSvm}. */
export interface HardMarginSvmOptions {
  /** Relative tolerance of the optimality and KKT checks. Default: 1e-10. */
  tolerance?: number;
  /** Cap on Wolfe major + minor iterations. Default: 100 * (n + d). */
  maxIterations?: number;
}

/** The hard-margin SVM through the origin. */
export interface HardMarginSvmResult {
  /** The SVM weights w = argmin ||w|| s.t. y_i w.x_i >= 1. */
  w: number[];
  /** w / ||w||, the max-margin direction. */
  direction: number[];
  /** The geometric margin gamma = 1 / ||w|| = min_i y_i x_i.direction. */
  margin: number;
  /** Dual coefficients alpha_i >= 0 with w = sum_i alpha_i y_i x_i. */
  alpha: number[];
  /** Indices of the support vectors (alpha_i > 0), ascending. */
  support: number[];
  /** The support vectors' rows of X. */
  supportVectors: number[][];
  /** Largest violation of the KKT conditions (feasibility, complementarity, duality gap), relative. */
  kktResidual: number;
}

/**
 * Solves Wolfe's minimum-norm-point problem min ||u|| over the convex hull of the rows of P
 * (Wolfe 1976): an exact active-set method that ends with affinely independent corrals.
 * Returns the barycentric weights (over all rows).
 */
export function minNormPoint(
  P: Mat,
  {
    tolerance = 1e-10,
    maxIterations = 100 * (P.rows + P.cols),
  }: { tolerance?: number; maxIterations?: number } = {},
): { point: Float64Array; weights: Float64Array; iterations: number } {
  const n = P.rows;
  const d = P.cols;
  let maxNorm2 = 0;
  let start = 0;
  for (let i = 0; i < n; i++) {
    const r2 = dot(row(P, i), row(P, i));
    if (r2 > maxNorm2) maxNorm2 = r2;
    if (r2 < dot(row(P, start), row(P, start))) start = i;
  }
  let S = [start];
  let lambda = [1];
  const x = Float64Array.from(row(P, start));
  const combine = (weights: number[], idx: number[]) => {
    const out = new Float64Array(d);
    idx.forEach((k, j) => {
      const wj = weights[j]!;
      const pk = row(P, k);
      for (let c = 0; c < d; c++) out[c]! += wj * pk[c]!;
    });
    return out;
  };
  const affineMinimizer = (idx: number[]): number[] | null => {
    // min ||sum v_k p_k||^2 s.t. sum v_k = 1: [[G, 1], [1^T, 0]] [v; nu] = [0; 1].
    const m = idx.length;
    const B = zeros(m + 1, m + 1);
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) B.data[a * (m + 1) + b] = dot(row(P, idx[a]!), row(P, idx[b]!));
      B.data[a * (m + 1) + m] = 1;
      B.data[m * (m + 1) + a] = 1;
    }
    const rhs = new Float64Array(m + 1);
    rhs[m] = 1;
    const sol = solve(B, rhs, 1e-15);
    return sol ? Array.from(sol.subarray(0, m)) : null;
  };
  let iterations = 0;
  for (;;) {
    if (++iterations > maxIterations) {
      throw new DlfError(
        'NOT_CONVERGED',
        `minimum-norm point: no convergence after ${maxIterations} iterations`,
        {
          param: 'maxIterations',
        },
      );
    }
    const xx = dot(x, x);
    if (xx <= tolerance * tolerance * maxNorm2) break; // the origin lies in the hull
    let j = 0;
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const v = dot(x, row(P, i));
      if (v < best) {
        best = v;
        j = i;
      }
    }
    if (best >= xx - tolerance * maxNorm2 || S.includes(j)) break;
    S.push(j);
    lambda.push(0);
    for (;;) {
      if (++iterations > maxIterations) {
        throw new DlfError(
          'NOT_CONVERGED',
          `minimum-norm point: no convergence after ${maxIterations} iterations`,
          {
            param: 'maxIterations',
          },
        );
      }
      const v = affineMinimizer(S);
      if (v === null) {
        // Numerically affinely dependent corral: drop the newest point's partner with the smallest weight.
        const k = lambda.indexOf(Math.min(...lambda.slice(0, -1)));
        S = S.filter((_, i) => i !== k);
        lambda = lambda.filter((_, i) => i !== k);
        const s = lambda.reduce((a, b) => a + b, 0);
        lambda = lambda.map((l) => l / s);
        continue;
      }
      if (v.every((vi) => vi > tolerance)) {
        lambda = v;
        x.set(combine(lambda, S));
        break;
      }
      let theta = 1;
      for (let k = 0; k < v.length; k++) {
        if (v[k]! <= tolerance) {
          const den = lambda[k]! - v[k]!;
          if (den > 0) theta = Math.min(theta, lambda[k]! / den);
        }
      }
      lambda = lambda.map((l, k) => theta * v[k]! + (1 - theta) * l);
      const keep = lambda.map((l) => l > tolerance);
      if (keep.every(Boolean)) {
        // Round-off: remove the smallest weight so the minor cycle makes progress.
        keep[lambda.indexOf(Math.min(...lambda))] = false;
      }
      S = S.filter((_, k) => keep[k]);
      lambda = lambda.filter((_, k) => keep[k]);
      const s = lambda.reduce((a, b) => a + b, 0);
      lambda = lambda.map((l) => l / s);
      x.set(combine(lambda, S));
    }
  }
  const weights = new Float64Array(n);
  S.forEach((k, j) => {
    weights[k] = lambda[j]!;
  });
  return { point: x, weights, iterations };
}

/** Reads X (n x d) and labels y in {-1, +1}; returns the rows p_i = y_i x_i. */
export function signedRows(X: MatrixLike, y: VectorLike): { P: Mat; X: Mat; y: Float64Array } {
  const Xm = toMat('X', X);
  const yv = toVec('y', y, Xm.rows);
  for (let i = 0; i < yv.length; i++) {
    if (yv[i] !== 1 && yv[i] !== -1) {
      throw new DlfError('INVALID_DATA', `y must hold labels -1 or +1, received ${yv[i]} at index ${i}`, {
        param: 'y',
      });
    }
  }
  const P = zeros(Xm.rows, Xm.cols);
  for (let i = 0; i < Xm.rows; i++)
    for (let c = 0; c < Xm.cols; c++) P.data[i * Xm.cols + c] = yv[i]! * Xm.data[i * Xm.cols + c]!;
  return { P, X: Xm, y: yv };
}

/**
 * The hard-margin linear SVM without bias: w = argmin 1/2 ||w||^2 subject to y_i w.x_i >= 1.
 * Solved exactly through its geometric dual: with p_i = y_i x_i, the minimum-norm point u* of the
 * convex hull of {p_i} (Wolfe's finite active-set algorithm, in float64) gives
 * w = u* / ||u*||^2, margin ||u*|| and alpha_i = lambda_i / ||u*||^2 from u*'s barycentric
 * weights. The KKT conditions are checked before returning.
 *
 * @param X - n x d inputs (nested arrays or a 2-D tensor).
 * @param y - n labels in {-1, +1}.
 * @param options - `tolerance` (1e-10), `maxIterations`.
 * @returns `{ w, direction, margin, alpha, support, supportVectors, kktResidual }`.
 * @throws `DlfError('INVALID_DATA')` if the data are not linearly separable through the origin.
 * @example
 * ```ts
 * const svm = hardMarginSvm([[2, 1], [1, 3], [-1, -1]], [1, 1, -1]);
 * svm.margin;  // geometric margin
 * svm.support; // indices of the support vectors
 * ```
 */
export function hardMarginSvm(
  X: MatrixLike,
  y: VectorLike,
  options: HardMarginSvmOptions = {},
): HardMarginSvmResult {
  const { tolerance = 1e-10 } = options;
  if (!(tolerance > 0 && tolerance < 1)) {
    throw new DlfError('INVALID_ARGUMENT', `tolerance must be in (0, 1), received ${tolerance}`, {
      param: 'tolerance',
    });
  }
  if (options.maxIterations !== undefined) assertInteger('maxIterations', options.maxIterations, { min: 1 });
  const { P, X: Xm } = signedRows(X, y);
  const { point: u, weights } = minNormPoint(P, options);
  const gamma = norm(u);
  let scale = 0;
  for (let i = 0; i < P.rows; i++) scale = Math.max(scale, norm(row(P, i)));
  if (!(gamma > 1e3 * tolerance * scale)) {
    throw new DlfError(
      'INVALID_DATA',
      `the data are not linearly separable through the origin (the convex hull of y_i x_i contains 0; distance ${gamma.toExponential(2)})`,
      { param: 'X' },
    );
  }
  const g2 = gamma * gamma;
  const w = Array.from(u, (v) => v / g2);
  const alpha = Array.from(weights, (l) => l / g2);
  // KKT: feasibility y_i w.x_i >= 1, complementarity alpha_i (y_i w.x_i - 1) = 0, stationarity by
  // construction, and a zero duality gap sum alpha_i = ||w||^2.
  let residual = 0;
  let sumAlpha = 0;
  for (let i = 0; i < P.rows; i++) {
    const m = dot(row(P, i), w);
    residual = Math.max(residual, 1 - m, alpha[i]! * Math.abs(m - 1) * g2);
    sumAlpha += alpha[i]!;
  }
  residual = Math.max(residual, Math.abs(sumAlpha * g2 - 1));
  if (residual > 1e4 * tolerance) {
    throw new DlfError(
      'NOT_CONVERGED',
      `hard-margin SVM: KKT residual ${residual.toExponential(2)} after Wolfe's algorithm`,
      {
        param: 'tolerance',
      },
    );
  }
  const support: number[] = [];
  alpha.forEach((a, i) => {
    if (a > 0) support.push(i);
  });
  return {
    w,
    direction: w.map((v) => v * gamma),
    margin: gamma,
    alpha,
    support,
    supportVectors: support.map((i) => Array.from(row(Xm, i))),
    kktResidual: residual,
  };
}
