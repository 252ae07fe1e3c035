import { ops } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { DlfError, describeValue } from '../errors.js';

/**
 * IRMv1's penalty (Arjovsky et al. 2019) for one environment: the squared gradient of the risk with
 * respect to a dummy scale s on the logits, at s = 1,
 * penalty = (d/ds mean_i CE(y_i, s z_i) |_{s=1})^2.
 * The inner gradient is taken with `tf.grad` through the runtime's second-order-safe
 * `ops.softmaxCrossEntropy`, so the penalty can itself be differentiated with respect to the model's
 * parameters (double backprop); call it inside your loss and add `lambda * penalty` to the risk.
 *
 * @param logits - `[n, numClasses]` logits of the environment's batch (a function of the parameters).
 * @param labels - one-hot (or probability) labels of the same shape.
 * @returns a scalar tensor (yours to dispose).
 * @example
 * ```ts
 * const loss = () => {
 *   const logits = f(env.x);
 *   return ops.softmaxCrossEntropy(env.y, logits).add(irmPenalty(logits, env.y).mul(100)) as tf.Scalar;
 * };
 * optimizer.minimize(loss);
 * ```
 */
export function irmPenalty(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  if (!(logits instanceof tf.Tensor) || logits.rank !== 2) {
    throw new DlfError(
      'INVALID_SHAPE',
      `logits must be a tensor [n, numClasses], received ${describeValue(logits)}`,
      {
        param: 'logits',
      },
    );
  }
  if (!(labels instanceof tf.Tensor) || !tf.util.arraysEqual(labels.shape, logits.shape)) {
    throw new DlfError(
      'INVALID_SHAPE',
      `labels must be one-hot of the logits' shape [${logits.shape}], received ${describeValue(labels)}`,
      { param: 'labels' },
    );
  }
  return tf.tidy(() => {
    const scale = tf.scalar(1);
    const g = tf.grad((s: tf.Tensor) => ops.softmaxCrossEntropy(labels, tf.mul(logits, s)))(scale);
    return tf.square(g) as tf.Scalar;
  });
}
