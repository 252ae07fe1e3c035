import { ops } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { assertPairedEmbeddings } from './ntXentLoss.js';

/**
 * The pair-contrastive (logistic) loss of Arora et al. (2019) and of the "adjacent vs random
 * pairs" pretext tasks: for anchors `f(x)`, positives `f(x+)` (adjacent patches, nearby frames,
 * two views) and negatives `f(x-)` (random examples),
 *
 * `L = mean_i log(1 + exp(f(x_i) . f(x-_i) - f(x_i) . f(x+_i)))`,
 *
 * computed as a stable softplus (finite for any inner products) and differentiable to all orders.
 *
 * @param anchor - `[n, d]`; `positive`, `negative` - `[n, d]`, row i pairs with row i.
 * @example
 * ```ts
 * const loss = pairContrastiveLoss(encode(x), encode(xNeighbour), encode(xRandom));
 * ```
 */
export function pairContrastiveLoss(
  anchor: tf.Tensor2D,
  positive: tf.Tensor2D,
  negative: tf.Tensor2D,
): tf.Scalar {
  assertPairedEmbeddings(['anchor', 'positive'], anchor, positive);
  assertPairedEmbeddings(['anchor', 'negative'], anchor, negative);
  return tf.tidy(() => {
    const margin = tf.sub(tf.sum(tf.mul(anchor, negative), 1), tf.sum(tf.mul(anchor, positive), 1));
    return tf.mean(ops.softplus(margin)) as tf.Scalar;
  });
}
