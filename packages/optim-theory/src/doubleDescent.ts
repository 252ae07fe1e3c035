import {
  assertInteger,
  assertNonNegative,
  assertOneOf,
  DlfError,
  type SeedLike,
  throwIfAborted,
  toRng,
} from '@dlf/runtime';
import { minNormLeastSquares, toVec, type VectorLike, zeros } from './linalg.js';

/** Options of {@link doubleDescent}. */
export interface DoubleDescentOptions {
  /** Number of training examples n. */
  n: number;
  /** Total number of features D (x ~ N(0, I_D)). */
  numFeatures: number;
  /** The model sizes p (1 <= p <= D) to evaluate. Default: 1..D. */
  ps?: readonly number[];
  /**
   * The true coefficients beta (length D), or a profile: 'harmonic' beta_j^2 proportional to 1/j^2
   * (default) or 'flat' beta_j^2 = 1/D. Profiles are scaled to ||beta|| = 1.
   */
  beta?: VectorLike | 'harmonic' | 'flat';
  /**
   * Which p features the learner uses: 'prescient' the p with the largest |beta_j| (ties by index),
   * 'random' a uniformly random subset of size p (redrawn each trial). Default: 'prescient'.
   */
  ordering?: 'prescient' | 'random';
  /** Standard deviation sigma of the label noise y = x.beta + sigma eps. Default: 0. */
  noise?: number;
  /** Number of simulated training sets per p; 0 for theory only. Default: 100. */
  trials?: number;
  /** Seed of the simulation. Default: 0. */
  seed?: SeedLike;
  /** Called after each p with its index. */
  onProgress?: (progress: { index: number; total: number; p: number }) => void;
  /** Aborts the simulation: throws `DlfError('ABORTED')`. */
  signal?: AbortSignal;
}

/** The risk curve of {@link doubleDescent}, one entry per p. */
export interface DoubleDescentResult {
  p: number[];
  /** Closed-form expected test risk E[(y - x.beta_hat)^2] (Infinity for n - 1 <= p <= n + 1). */
  theory: number[];
  /** Mean simulated test risk over the trials (exact risk of each fitted beta_hat, no test sampling). */
  simulated: number[];
  /** Standard error of each simulated mean. */
  standardError: number[];
  /** The coefficients used (||beta|| = 1 for the profiles). */
  beta: number[];
}

function profile(kind: 'harmonic' | 'flat', D: number): Float64Array {
  const b = Float64Array.from({ length: D }, (_, j) => (kind === 'harmonic' ? 1 / (j + 1) : 1));
  const s = Math.sqrt(b.reduce((a, v) => a + v * v, 0));
  return b.map((v) => v / s);
}

/**
 * The closed-form risk of Belkin, Hsu and Xu (2019, Thm. 1) for min-norm least squares on p of the
 * features, with inTrain = ||beta_T||^2 and outside = ||beta_{T^c}||^2 + sigma^2:
 * p <= n - 2: outside (1 + p / (n - p - 1)); p >= n + 2: inTrain (1 - n/p) + outside (1 + n / (p - n - 1));
 * infinite in between.
 */
export function minNormRisk(n: number, p: number, inTrain: number, outside: number): number {
  if (p <= n - 2) return outside * (1 + p / (n - p - 1));
  if (p >= n + 2) return inTrain * (1 - n / p) + outside * (1 + n / (p - n - 1));
  return Number.POSITIVE_INFINITY;
}

/**
 * Double descent of the minimum-norm least-squares fit on the first p of D Gaussian features
 * (Belkin, Hsu and Xu 2019): x ~ N(0, I_D), y = x.beta + sigma eps, the learner regresses y on the
 * p selected coordinates with the minimum-norm solution, and its test risk E[(y - x_T.beta_hat)^2]
 * = ||beta - beta_hat||^2 + sigma^2 is given in closed form (infinite at the interpolation
 * threshold n - 1 <= p <= n + 1) and simulated with seeded Gaussian data.
 *
 * @param options - `n`, `numFeatures` (required); `ps` (1..D), `beta` ('harmonic'), `ordering`
 *   ('prescient'), `noise` (0), `trials` (100), `seed` (0), `onProgress`, `signal`.
 * @returns `{ p, theory, simulated, standardError, beta }` (simulated values are NaN where the
 *   least-squares system is singular, i.e. in the infinite band).
 * @example
 * ```ts
 * const dd = doubleDescent({ n: 40, numFeatures: 120, ps: [10, 30, 50, 80, 120], noise: 0.2, trials: 50 });
 * dd.theory;    // falls, blows up near p = n, falls again
 * dd.simulated; // agrees within a few standard errors
 * ```
 */
export function doubleDescent(options: DoubleDescentOptions): DoubleDescentResult {
  if (options == null) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      'doubleDescent needs options { n, numFeatures }, received undefined',
      {
        param: 'options',
      },
    );
  }
  const {
    n,
    numFeatures: D,
    ordering = 'prescient',
    noise = 0,
    trials = 100,
    seed,
    onProgress,
    signal,
  } = options;
  assertInteger('n', n, { min: 1 });
  assertInteger('numFeatures', D, { min: 1 });
  assertOneOf('ordering', ordering, ['prescient', 'random']);
  assertNonNegative('noise', noise);
  assertInteger('trials', trials, { min: 0 });
  const ps = options.ps ?? Array.from({ length: D }, (_, i) => i + 1);
  ps.forEach((p, i) => {
    assertInteger(`ps[${i}]`, p, { min: 1, max: D });
  });
  const betaOpt = options.beta ?? 'harmonic';
  const beta =
    betaOpt === 'harmonic' || betaOpt === 'flat'
      ? profile(betaOpt, D)
      : typeof betaOpt === 'string'
        ? (() => {
            throw new DlfError(
              'INVALID_ARGUMENT',
              `beta must be 'harmonic', 'flat' or an array, received "${betaOpt}"`,
              {
                param: 'beta',
              },
            );
          })()
        : toVec('beta', betaOpt, D);
  const norm2 = beta.reduce((a, v) => a + v * v, 0);
  // Prescient order: indices by decreasing |beta_j|.
  const order = Array.from({ length: D }, (_, j) => j).sort(
    (a, b) => Math.abs(beta[b]!) - Math.abs(beta[a]!) || a - b,
  );
  const prefix = new Float64Array(D + 1);
  for (let k = 0; k < D; k++) prefix[k + 1] = prefix[k]! + beta[order[k]!]! ** 2;

  const rng = toRng(seed);
  const result: DoubleDescentResult = {
    p: [],
    theory: [],
    simulated: [],
    standardError: [],
    beta: Array.from(beta),
  };
  ps.forEach((p, index) => {
    throwIfAborted(signal, 'doubleDescent');
    const inTrain = ordering === 'prescient' ? prefix[p]! : (p / D) * norm2;
    result.p.push(p);
    result.theory.push(minNormRisk(n, p, inTrain, norm2 - inTrain + noise * noise));
    if (trials === 0 || Math.abs(p - n) <= 1) {
      result.simulated.push(Number.NaN);
      result.standardError.push(Number.NaN);
    } else {
      let mean = 0;
      let m2 = 0;
      for (let k = 0; k < trials; k++) {
        const T = ordering === 'prescient' ? order.slice(0, p) : rng.permutation(D).slice(0, p);
        const X = zeros(n, p);
        const y = new Float64Array(n);
        const inT = new Uint8Array(D);
        for (const j of T) inT[j] = 1;
        for (let i = 0; i < n; i++) {
          let yi = 0;
          // Draw the whole row x_i in R^D in index order so the data do not depend on T.
          let col = 0;
          const rowT = new Float64Array(D);
          for (let j = 0; j < D; j++) {
            const x = rng.normal();
            rowT[j] = x;
            yi += x * beta[j]!;
          }
          for (const j of T) X.data[i * p + col++] = rowT[j]!;
          y[i] = yi + noise * rng.normal();
        }
        let risk = noise * noise;
        try {
          const bh = minNormLeastSquares(X, y);
          for (let j = 0; j < D; j++) if (!inT[j]) risk += beta[j]! ** 2;
          T.forEach((j, c) => {
            risk += (beta[j]! - bh[c]!) ** 2;
          });
        } catch {
          risk = Number.POSITIVE_INFINITY;
        }
        const delta = risk - mean;
        mean += delta / (k + 1);
        m2 += delta * (risk - mean);
      }
      result.simulated.push(mean);
      result.standardError.push(trials > 1 ? Math.sqrt(m2 / (trials - 1) / trials) : Number.NaN);
    }
    onProgress?.({ index, total: ps.length, p });
  });
  return result;
}
