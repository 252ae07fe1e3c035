/** Polynomial models with closed-form attributions, shared by the interpretability tests (not published). */
import * as tf from '@tensorflow/tfjs';

/** Logits [sum_j x_j^2, sum_j x_j^3] over the flattened input. */
export function powerModel(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const flat = tf.reshape(x, [x.shape[0] as number, -1]);
    return tf.stack([tf.sum(tf.square(flat), 1), tf.sum(tf.mul(tf.square(flat), flat), 1)], 1);
  });
}
