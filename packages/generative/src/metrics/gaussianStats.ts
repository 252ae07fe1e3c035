import { DlfError } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { columnsOf, toMatrix } from '../ot/inputs.js';

/** Features: n rows of d numbers, or a `tf.Tensor2D` `[n, d]`. */
export type FeatureMatrix = readonly ArrayLike<number>[] | tf.Tensor2D;

/** @internal Features as a row-major Float64Array with their shape (tensors read with dataSync). */
export function readFeatures(
  param: string,
  features: unknown,
  minRows = 2,
): { data: Float64Array; n: number; d: number } {
  let data: Float64Array;
  let n: number;
  let d: number;
  if (features instanceof tf.Tensor) {
    if (features.rank !== 2) {
      throw new DlfError(
        'INVALID_SHAPE',
        `${param} must be a 2-D tensor [n, d], received shape [${features.shape.join(', ')}]`,
        {
          param,
        },
      );
    }
    [n, d] = features.shape as [number, number];
    data = Float64Array.from(features.dataSync() as Float32Array);
    for (let k = 0; k < data.length; k++) {
      if (!Number.isFinite(data[k] as number)) {
        throw new DlfError(
          'NON_FINITE',
          `${param} contains a non-finite value (${data[k]}) at flat index ${k}`,
          { param },
        );
      }
    }
  } else {
    d = columnsOf(param, features);
    n = (features as unknown[]).length;
    data = toMatrix(param, features, n, d);
  }
  if (n < minRows || d < 1) {
    throw new DlfError(
      'INVALID_SHAPE',
      `${param} must have at least ${minRows} rows and 1 column, received [${n}, ${d}]`,
      {
        param,
      },
    );
  }
  return { data, n, d };
}

/** What {@link gaussianStats} returns. */
export interface GaussianStats {
  /** Feature means (length d). */
  mean: number[];
  /** Unbiased covariance (divides by n - 1, as `numpy.cov`), d rows of d numbers. */
  cov: number[][];
}

/** @internal Mean and unbiased covariance (row-major) of row-major data, in float64 (two passes). */
export function meanAndCov(
  data: Float64Array,
  n: number,
  d: number,
): { mean: Float64Array; cov: Float64Array } {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (data[i * d + j] as number);
  for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) / n;
  const cov = new Float64Array(d * d);
  const centred = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) centred[j] = (data[i * d + j] as number) - (mean[j] as number);
    for (let j = 0; j < d; j++) {
      const cj = centred[j] as number;
      if (cj === 0) continue;
      for (let k = j; k < d; k++) cov[j * d + k] = (cov[j * d + k] as number) + cj * (centred[k] as number);
    }
  }
  for (let j = 0; j < d; j++) {
    for (let k = j; k < d; k++) {
      const c = (cov[j * d + k] as number) / (n - 1);
      cov[j * d + k] = c;
      cov[k * d + j] = c;
    }
  }
  return { mean, cov };
}

/**
 * The Gaussian fitted to a feature set, as FID uses it: the mean and the unbiased covariance
 * `S = (1 / (n - 1)) sum_i (x_i - mean)(x_i - mean)^T`, in float64.
 *
 * @param features - n >= 2 rows of d numbers, or a `tf.Tensor2D` (read synchronously, not disposed).
 * @returns `{ mean, cov }`.
 * @example
 * ```ts
 * const { mean, cov } = gaussianStats([[0, 1], [2, 3]]); // mean [1, 2], cov [[2, 2], [2, 2]]
 * ```
 */
export function gaussianStats(features: FeatureMatrix): GaussianStats {
  const { data, n, d } = readFeatures('features', features);
  const { mean, cov } = meanAndCov(data, n, d);
  const rows: number[][] = [];
  for (let i = 0; i < d; i++) rows.push(Array.from(cov.subarray(i * d, (i + 1) * d)));
  return { mean: Array.from(mean), cov: rows };
}
