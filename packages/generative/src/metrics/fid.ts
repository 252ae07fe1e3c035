import { DlfError } from '@dlf/runtime';
import { frechetFromFlat } from './frechetDistance.js';
import { type FeatureMatrix, meanAndCov, readFeatures } from './gaussianStats.js';

/**
 * The Fréchet distance between the Gaussians fitted to two feature sets (Heusel et al. 2017):
 * `FID = ||mu_A - mu_B||^2 + tr(S_A + S_B - 2 (S_A^1/2 S_B S_A^1/2)^1/2)`, means and unbiased
 * covariances in float64 (see {@link frechetDistance}). FID is only comparable between numbers
 * computed with the same feature extractor and similar sample sizes (it is biased upwards for small
 * n); with this package's MNIST classifier it is "MNIST-FID", not comparable with Inception FIDs.
 *
 * @param featuresA - n >= 2 rows of d features (e.g. of real images), or a `tf.Tensor2D` (not disposed).
 * @param featuresB - m >= 2 rows of the same d features (e.g. of generated images).
 * @returns FID >= 0 (0 for identical sets).
 * @example
 * ```ts
 * const real = classifier.features(realImages); // tf.Tensor2D [n, 64]
 * const fake = classifier.features(fakeImages);
 * const score = fid(real, fake);
 * ```
 */
export function fid(featuresA: FeatureMatrix, featuresB: FeatureMatrix): number {
  const A = readFeatures('featuresA', featuresA);
  const B = readFeatures('featuresB', featuresB);
  if (A.d !== B.d) {
    throw new DlfError(
      'INVALID_SHAPE',
      `featuresB must have ${A.d} features per row (as featuresA), received ${B.d}`,
      { param: 'featuresB' },
    );
  }
  const sa = meanAndCov(A.data, A.n, A.d);
  const sb = meanAndCov(B.data, B.n, B.d);
  return frechetFromFlat(sa.mean, sa.cov, sb.mean, sb.cov, A.d);
}
