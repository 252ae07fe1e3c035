import { assertPositive } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { DlfError, describeValue } from '../errors.js';

/**
 * Differentiable unbiased MMD^2 between two batches of features with a Gaussian kernel (or a sum of
 * Gaussians, as in DAN's multi-kernel MMD), for MMD-based domain adaptation: add
 * `weight * mmdLoss(sourceFeatures, targetFeatures)` to the training loss. Same estimator as `mmd`,
 * in float32 on the backend; O((m + n)^2) memory.
 *
 * @param x - features `[m, ...]` (m >= 2), flattened per row.
 * @param y - features `[n, ...]` (n >= 2) of the same row size.
 * @param options.bandwidth - sigma or an array of sigmas; k(a, b) = sum exp(-||a - b||^2 / (2 sigma^2)). Default: 1.
 * @returns a scalar tensor (yours to dispose).
 * @example
 * ```ts
 * const loss = () => ce(labels, head(fs)).add(mmdLoss(fs, ft, { bandwidth: [0.5, 1, 2] }).mul(0.5));
 * ```
 */
export function mmdLoss(
  x: tf.Tensor,
  y: tf.Tensor,
  options: { bandwidth?: number | readonly number[] } = {},
): tf.Scalar {
  const bandwidths =
    typeof options.bandwidth === 'number' ? [options.bandwidth] : [...(options.bandwidth ?? [1])];
  if (bandwidths.length === 0) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      'bandwidth must be a positive number or a non-empty array, received []',
      {
        param: 'bandwidth',
      },
    );
  }
  bandwidths.forEach((s, i) => {
    assertPositive(`bandwidth[${i}]`, s);
  });
  for (const [name, t] of [
    ['x', x],
    ['y', y],
  ] as const) {
    if (!(t instanceof tf.Tensor) || t.rank < 1 || (t.shape[0] as number) < 2) {
      throw new DlfError(
        'INVALID_SHAPE',
        `${name} must be a batch of at least 2 rows, received ${describeValue(t)}`,
        {
          param: name,
        },
      );
    }
  }
  const m = x.shape[0] as number;
  const n = y.shape[0] as number;
  if (x.size / m !== y.size / n) {
    throw new DlfError(
      'INVALID_SHAPE',
      `x and y must have rows of the same size, received ${x.size / m} and ${y.size / n}`,
      {
        param: 'y',
      },
    );
  }
  return tf.tidy(() => {
    const a = tf.reshape(x, [m, -1]);
    const b = tf.reshape(y, [n, -1]);
    const kernelSum = (u: tf.Tensor, v: tf.Tensor, dropDiagonal: boolean) => {
      const diff = tf.sub(tf.expandDims(u, 1), tf.expandDims(v, 0));
      const sq = tf.sum(tf.square(diff), -1);
      let k: tf.Tensor = tf.zerosLike(sq);
      for (const s of bandwidths) k = tf.add(k, tf.exp(tf.div(sq, -2 * s * s)));
      const total = tf.sum(k);
      // The diagonal of k(u, u) is exactly the number of kernels (distance 0).
      return dropDiagonal ? tf.sub(total, (u.shape[0] as number) * bandwidths.length) : total;
    };
    const xx = tf.div(kernelSum(a, a, true), m * (m - 1));
    const yy = tf.div(kernelSum(b, b, true), n * (n - 1));
    const xy = tf.div(kernelSum(a, b, false), (m * n) / 2);
    return tf.sub(tf.add(xx, yy), xy) as tf.Scalar;
  });
}
