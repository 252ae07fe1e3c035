import { assertInteger, DlfError } from '@dlf/runtime';
import { type FeatureMatrix, readFeatures } from './gaussianStats.js';

/** Options of {@link inceptionScore}. */
export interface InceptionScoreOptions {
  /**
   * Number of consecutive splits the score is computed on (split i holds rows
   * `floor(i n / splits)` to `floor((i + 1) n / splits) - 1`); the result is their mean and
   * standard deviation, as in Salimans et al.'s code (which uses 10).
   * Default: 1.
   */
  splits?: number;
  /** Tolerance on each row summing to 1. Default: 1e-3 (float32 softmax outputs). */
  rowSumTolerance?: number;
}

/** What {@link inceptionScore} returns. */
export interface InceptionScoreResult {
  /** Mean of the per-split scores. */
  mean: number;
  /** Population standard deviation of the per-split scores (0 for one split). */
  std: number;
  /** The score of each split. */
  scores: number[];
}

/**
 * The Inception Score of class probabilities (Salimans et al. 2016):
 * `IS = exp(E_x KL(p(y|x) || p(y)))` with `p(y)` the mean of the rows, equivalently
 * `exp(H(p(y)) - E_x H(p(y|x)))`, between 1 (every row the same) and K (confident, balanced over
 * K classes). Float64, `0 log 0 = 0`. With this package's MNIST classifier it is "MNIST-IS".
 *
 * @param probabilities - n rows of K class probabilities (each row non-negative, summing to 1), or a
 *   `tf.Tensor2D` (read synchronously, not disposed).
 * @returns `{ mean, std, scores }`.
 * @example
 * ```ts
 * inceptionScore([[1, 0], [0, 1]]).mean; // 2
 * ```
 */
export function inceptionScore(
  probabilities: FeatureMatrix,
  { splits = 1, rowSumTolerance = 1e-3 }: InceptionScoreOptions = {},
): InceptionScoreResult {
  const { data, n, d: K } = readFeatures('probabilities', probabilities, 1);
  assertInteger('splits', splits, { min: 1, max: n });
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < K; k++) {
      const p = data[i * K + k] as number;
      if (p < 0) {
        throw new DlfError('INVALID_ARGUMENT', `probabilities[${i}][${k}] must be >= 0, received ${p}`, {
          param: 'probabilities',
        });
      }
      s += p;
    }
    if (Math.abs(s - 1) > rowSumTolerance) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `probabilities[${i}] must sum to 1, received a row summing to ${s}`,
        {
          param: 'probabilities',
        },
      );
    }
  }
  const scores: number[] = [];
  for (let s = 0; s < splits; s++) {
    const start = Math.floor((s * n) / splits);
    const end = Math.floor(((s + 1) * n) / splits);
    const marginal = new Float64Array(K);
    for (let i = start; i < end; i++)
      for (let k = 0; k < K; k++) marginal[k] = (marginal[k] as number) + (data[i * K + k] as number);
    for (let k = 0; k < K; k++) marginal[k] = (marginal[k] as number) / (end - start);
    let kl = 0;
    for (let i = start; i < end; i++) {
      for (let k = 0; k < K; k++) {
        const p = data[i * K + k] as number;
        if (p > 0) kl += p * (Math.log(p) - Math.log(marginal[k] as number));
      }
    }
    scores.push(Math.exp(kl / (end - start)));
  }
  const mean = scores.reduce((a, b) => a + b, 0) / splits;
  const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / splits);
  return { mean, std, scores };
}
