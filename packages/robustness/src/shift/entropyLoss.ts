import { ops } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { DlfError, describeValue } from '../errors.js';

/**
 * Mean prediction entropy of a batch of logits, mean_i -sum_c p_ic log p_ic with p = softmax(z), in
 * nats: 0 for confident predictions, log(numClasses) for uniform ones. Adding
 * `weight * entropyLoss(targetLogits)` to an adaptation loss is entropy minimisation on the
 * unlabelled target domain (Grandvalet and Bengio 2005; used with DANN/MMD as in Long et al. 2016),
 * which pushes the decision boundary away from dense target regions. Built from the runtime's
 * second-order-safe `ops.logSoftmax`, so it can itself be differentiated twice.
 *
 * @param logits - `[n, numClasses]` logits.
 * @returns a scalar tensor (yours to dispose).
 * @example
 * ```ts
 * const loss = () => ce(ys, head(features(xs))).add(entropyLoss(head(features(xt))).mul(0.1));
 * ```
 */
export function entropyLoss(logits: tf.Tensor): tf.Scalar {
  if (!(logits instanceof tf.Tensor) || logits.rank !== 2 || (logits.shape[0] as number) < 1) {
    throw new DlfError(
      'INVALID_SHAPE',
      `logits must be a tensor [n, numClasses] with n >= 1, received ${describeValue(logits)}`,
      { param: 'logits' },
    );
  }
  return tf.tidy(() => {
    const logP = ops.logSoftmax(logits, -1);
    const p = ops.exp(logP);
    return tf.neg(tf.mean(tf.sum(tf.mul(p, logP), -1))) as tf.Scalar;
  });
}
