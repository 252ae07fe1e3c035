import { assertInteger, type SeedLike, throwIfAborted, toRng } from '@dlf/runtime';
import { matmulT, symmetricEigen, zeros } from './linalg.js';

/** Options of {@link randomGramConditioning}. */
export interface RandomGramConditioningOptions {
  /** Number of rows n of A (the size of K = A A^T). */
  n: number;
  /** The numbers of columns m to try (m >= 1). */
  ms: readonly number[];
  /** Random matrices per m. Default: 20. */
  trials?: number;
  /** Seed. Default: 0. */
  seed?: SeedLike;
  /** Aborts between matrices: throws `DlfError('ABORTED')`. */
  signal?: AbortSignal;
}

/** One row per m of {@link randomGramConditioning}. */
export interface RandomGramConditioningResult {
  m: number[];
  /** Mean of log kappa(A A^T) over the trials (Infinity when some K was singular, m < n). */
  meanLogKappa: number[];
  /** Standard error of that mean. */
  standardError: number[];
  /** The predictor log(m / (|m - n| + 1)). */
  logRatio: number[];
  /**
   * The Marchenko-Pastur edge prediction 2 log((1 + sqrt(r)) / (1 - sqrt(r))) with r = n / m for
   * m > n (the limit of log kappa as n, m -> infinity at fixed ratio), NaN for m <= n.
   */
  marchenkoPastur: number[];
}

/**
 * The conditioning of random Gram matrices K = A A^T, A with iid N(0, 1) entries of shape n x m:
 * over-parameterisation (m >> n) makes K well conditioned, m near n makes it ill conditioned. Returns
 * E[log kappa(K)] per m with the predictor log(m / (|m - n| + 1)) and, for m > n, the
 * Marchenko-Pastur edge value 2 log((1 + sqrt(n/m)) / (1 - sqrt(n/m))).
 *
 * @param options - `n`, `ms` (required), `trials` (20), `seed` (0), `signal`.
 * @returns `{ m, meanLogKappa, standardError, logRatio, marchenkoPastur }`.
 * @example
 * ```ts
 * const r = randomGramConditioning({ n: 20, ms: [20, 40, 80, 320], trials: 10, seed: 1 });
 * r.meanLogKappa; // falls as m grows past n
 * ```
 */
export function randomGramConditioning(options: RandomGramConditioningOptions): RandomGramConditioningResult {
  const { n, ms, trials = 20, seed, signal } = options;
  assertInteger('n', n, { min: 1 });
  assertInteger('trials', trials, { min: 2 });
  ms.forEach((m, i) => {
    assertInteger(`ms[${i}]`, m, { min: 1 });
  });
  const rng = toRng(seed);
  const out: RandomGramConditioningResult = {
    m: [],
    meanLogKappa: [],
    standardError: [],
    logRatio: [],
    marchenkoPastur: [],
  };
  for (const m of ms) {
    let mean = 0;
    let m2 = 0;
    let singular = false;
    for (let k = 0; k < trials; k++) {
      throwIfAborted(signal, 'randomGramConditioning');
      const A = zeros(n, m);
      for (let i = 0; i < A.data.length; i++) A.data[i] = rng.normal();
      const { values } = symmetricEigen(matmulT(A, A));
      const lo = values[0]!;
      const hi = values[n - 1]!;
      // Eigenvalues at round-off level (below 1e-12 lambda_max) count as zero.
      if (!(lo > 1e-12 * hi)) {
        singular = true;
        continue;
      }
      const v = Math.log(hi / lo);
      const delta = v - mean;
      mean += delta / (k + 1);
      m2 += delta * (v - mean);
    }
    if (singular) mean = Number.POSITIVE_INFINITY;
    const r = n / m;
    out.m.push(m);
    out.meanLogKappa.push(mean);
    out.standardError.push(Number.isFinite(mean) ? Math.sqrt(m2 / (trials - 1) / trials) : Number.NaN);
    out.logRatio.push(Math.log(m / (Math.abs(m - n) + 1)));
    out.marchenkoPastur.push(m > n ? 2 * Math.log((1 + Math.sqrt(r)) / (1 - Math.sqrt(r))) : Number.NaN);
  }
  return out;
}
