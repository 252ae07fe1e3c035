import { assertInteger, assertPositive, DlfError, type SeedLike, toRng } from '@dlf/runtime';
import { dot, type MatrixLike, norm, row, toMat } from './linalg.js';

/**
 * A function class restricted to a sample x_1..x_n, as {@link rademacherComplexity} takes it:
 * - `{ type: 'finite', vectors }`: a finite set A of vectors in R^n, one row per function f
 *   holding (f(x_1), ..., f(x_n));
 * - `{ type: 'linear', X, normBound }`: the linear class {x -> w.x : ||w||_2 <= B} on the rows of X.
 */
export type RademacherClass =
  | { type: 'finite'; vectors: MatrixLike }
  | { type: 'linear'; X: MatrixLike; normBound: number };

/** Options of {@link rademacherComplexity}. */
export interface RademacherOptions {
  /** Number of Monte Carlo sign vectors sigma. Default: 2000. */
  samples?: number;
  /** Seed of the sign vectors. Default: 0. */
  seed?: SeedLike;
  /** Also compute the exact expectation by enumerating all 2^n sign vectors (n <= 24). Default: false. */
  exact?: boolean;
}

/** What {@link rademacherComplexity} returns. */
export interface RademacherResult {
  /** Monte Carlo estimate of R_hat = E_sigma sup_f (1/n) sum_i sigma_i f(x_i). */
  estimate: number;
  /** Standard error of the estimate (sample standard deviation / sqrt(samples)). */
  standardError: number;
  /** The exact expectation over all 2^n sign vectors, when `exact` was requested. */
  exact?: number;
  /**
   * The classical upper bound: Massart's lemma max_a ||a||_2 sqrt(2 ln N) / n for a finite set of N
   * vectors; B max_i ||x_i||_2 / sqrt(n) for the linear class.
   */
  bound: number;
  /** Which bound `bound` is. */
  boundName: 'massart' | 'linear';
  /** n, the sample size. */
  n: number;
  /** Number of Monte Carlo samples used. */
  samples: number;
}

/**
 * The empirical Rademacher complexity R_hat(F) = E_sigma [ sup_{f in F} (1/n) sum_i sigma_i f(x_i) ]
 * (sigma_i independent uniform signs), estimated by Monte Carlo, with its classical bound. For the
 * linear class the supremum has the closed form (B / n) ||sum_i sigma_i x_i||_2 (Cauchy-Schwarz).
 *
 * @param cls - the class on the sample (see {@link RademacherClass}).
 * @param options - `samples` (2000), `seed` (0), `exact` (false; n <= 24).
 * @returns `{ estimate, standardError, exact?, bound, boundName, n, samples }`.
 * @example
 * ```ts
 * const r = rademacherComplexity({ type: 'linear', X: [[1, 0], [0, 1], [1, 1]], normBound: 1 }, { seed: 1 });
 * r.estimate <= r.bound; // true up to Monte Carlo error
 * ```
 */
export function rademacherComplexity(
  cls: RademacherClass,
  options: RademacherOptions = {},
): RademacherResult {
  const { samples = 2000, seed, exact = false } = options;
  assertInteger('samples', samples, { min: 2 });
  if (cls == null || (cls.type !== 'finite' && cls.type !== 'linear')) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `cls.type must be 'finite' or 'linear', received ${cls == null ? String(cls) : JSON.stringify((cls as { type?: unknown }).type)}`,
      { param: 'cls' },
    );
  }
  let n: number;
  let sup: (sigma: Float64Array) => number;
  let bound: number;
  if (cls.type === 'finite') {
    const A = toMat('cls.vectors', cls.vectors);
    n = A.cols;
    let maxNorm = 0;
    for (let k = 0; k < A.rows; k++) maxNorm = Math.max(maxNorm, norm(row(A, k)));
    bound = (maxNorm * Math.sqrt(2 * Math.log(A.rows))) / n;
    sup = (sigma) => {
      let best = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < A.rows; k++) best = Math.max(best, dot(row(A, k), sigma));
      return best / n;
    };
  } else {
    const X = toMat('cls.X', cls.X);
    assertPositive('cls.normBound', cls.normBound);
    const B = cls.normBound;
    n = X.rows;
    let maxNorm = 0;
    for (let i = 0; i < n; i++) maxNorm = Math.max(maxNorm, norm(row(X, i)));
    bound = (B * maxNorm) / Math.sqrt(n);
    const s = new Float64Array(X.cols);
    sup = (sigma) => {
      s.fill(0);
      for (let i = 0; i < n; i++) {
        const xi = row(X, i);
        const si = sigma[i]!;
        for (let c = 0; c < X.cols; c++) s[c]! += si * xi[c]!;
      }
      return (B * norm(s)) / n;
    };
  }
  const rng = toRng(seed);
  const sigma = new Float64Array(n);
  let mean = 0;
  let m2 = 0;
  for (let k = 0; k < samples; k++) {
    for (let i = 0; i < n; i++) sigma[i] = rng.random() < 0.5 ? -1 : 1;
    const v = sup(sigma);
    const delta = v - mean;
    mean += delta / (k + 1);
    m2 += delta * (v - mean);
  }
  const result: RademacherResult = {
    estimate: mean,
    standardError: Math.sqrt(m2 / (samples - 1) / samples),
    bound,
    boundName: cls.type === 'finite' ? 'massart' : 'linear',
    n,
    samples,
  };
  if (exact) {
    if (n > 24) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `exact enumeration needs n <= 24 (2^n sign vectors), received n = ${n}`,
        {
          param: 'exact',
        },
      );
    }
    let total = 0;
    const count = 2 ** n;
    for (let mask = 0; mask < count; mask++) {
      for (let i = 0; i < n; i++) sigma[i] = (mask >>> i) & 1 ? 1 : -1;
      total += sup(sigma);
    }
    result.exact = total / count;
  }
  return result;
}
