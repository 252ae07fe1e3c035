import { assertInRange, assertPositive, DlfError } from '@dlf/runtime';
import { type FeatureMatrix, readFeatures } from '../metrics/gaussianStats.js';
import { toMatrix } from '../ot/inputs.js';

/** Options of {@link modeCoverage}. */
export interface ModeCoverageOptions {
  /** The components' standard deviation (distances are measured in units of it). Required. */
  std: number;
  /** A sample is high-quality when it lies within `threshold * std` of its nearest centre. Default: 3. */
  threshold?: number;
  /**
   * A mode counts as covered when it receives at least `minShare * n / K` high-quality samples
   * (a `minShare` fraction of what it gets under the true mixture). Default: 0.25.
   */
  minShare?: number;
}

/** What {@link modeCoverage} returns. */
export interface ModeCoverageResult {
  /** Number of covered modes (0..K). */
  modesCovered: number;
  /** Share of samples within `threshold * std` of some centre. */
  highQualityFraction: number;
  /** High-quality samples per mode. */
  counts: number[];
  /**
   * `KL(q || uniform)` of the distribution q of high-quality samples over the modes, in nats
   * (0 when balanced, log K when all in one mode; Infinity-free: empty modes contribute 0).
   */
  klToUniform: number;
}

/**
 * Mode-collapse measurement on a known mixture (Metz et al. 2017; Srivastava et al. 2017): assigns
 * each sample to its nearest centre, keeps it as high-quality when within `threshold` standard
 * deviations, and counts the modes that receive a fair share.
 *
 * @param samples - n rows of d coordinates (or a `tf.Tensor2D`, read synchronously, not disposed).
 * @param centers - K rows of d coordinates.
 * @returns `{ modesCovered, highQualityFraction, counts, klToUniform }`.
 * @example
 * ```ts
 * const ring = gaussianMixture2d();
 * const { modesCovered } = modeCoverage(gan.sample(2000).arraySync(), ring.centers, { std: ring.std });
 * ```
 */
export function modeCoverage(
  samples: FeatureMatrix,
  centers: readonly ArrayLike<number>[],
  options: ModeCoverageOptions,
): ModeCoverageResult {
  const { std, threshold = 3, minShare = 0.25 } = options ?? ({} as ModeCoverageOptions);
  assertPositive('std', std);
  assertPositive('threshold', threshold);
  assertInRange('minShare', minShare, 0, 1);
  const { data, n, d } = readFeatures('samples', samples, 1);
  if (!Array.isArray(centers) || centers.length === 0) {
    throw new DlfError('INVALID_ARGUMENT', 'centers must be a non-empty array of points', {
      param: 'centers',
    });
  }
  const K = centers.length;
  const C = toMatrix('centers', centers, K, d);
  const counts = new Array<number>(K).fill(0);
  const limit = (threshold * std) ** 2;
  let good = 0;
  for (let i = 0; i < n; i++) {
    let best = Number.POSITIVE_INFINITY;
    let arg = 0;
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += ((data[i * d + j] as number) - (C[k * d + j] as number)) ** 2;
      if (s < best) {
        best = s;
        arg = k;
      }
    }
    if (best <= limit) {
      counts[arg] = (counts[arg] as number) + 1;
      good++;
    }
  }
  const need = Math.max(1, (minShare * n) / K);
  let kl = 0;
  for (const c of counts) if (c > 0) kl += (c / good) * Math.log((c / good) * K);
  return {
    modesCovered: counts.filter((c) => c >= need).length,
    highQualityFraction: good / n,
    counts,
    klToUniform: good > 0 ? kl : 0,
  };
}
