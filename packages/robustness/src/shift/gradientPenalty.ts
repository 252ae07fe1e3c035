import type { SeedLike } from '@dlf/runtime';
import { toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { DlfError, describeValue } from '../errors.js';

/** A critic: inputs `[n, ...]` -> scores `[n]` or `[n, 1]`. */
export type Critic = (x: tf.Tensor) => tf.Tensor;

/**
 * WGAN-GP's gradient penalty (Gulrajani et al. 2017): mean_i (||grad_x f(x_i^)||_2 - 1)^2 at random
 * interpolates x_i^ = t_i a_i + (1 - t_i) b_i, t_i ~ U(0, 1), which pushes the critic f towards
 * 1-Lipschitz functions where the two samples meet. The input gradient is taken inside the returned
 * graph, so the penalty is differentiable with respect to the critic's parameters (double backprop):
 * build the critic from ReLU/linear layers or the runtime's second-order-safe `ops`, since tfjs drops
 * the second-derivative terms of its own tanh, sigmoid and softmax.
 *
 * @param critic - the critic function (a `tf.LayersModel` works through `(x) => model.apply(x)`).
 * @param a - first batch `[n, ...]`.
 * @param b - second batch of the same shape (the first min(n_a, n_b) rows of each are paired).
 * @param options.seed - seed or generator of the t_i. Default: 0.
 * @returns a scalar tensor (yours to dispose).
 * @example
 * ```ts
 * const loss = () => tf.mean(critic(ht)).sub(tf.mean(critic(hs))).add(gradientPenalty(critic, hs, ht, { seed: step }).mul(10));
 * ```
 */
export function gradientPenalty(
  critic: Critic,
  a: tf.Tensor,
  b: tf.Tensor,
  options: { seed?: SeedLike } = {},
): tf.Scalar {
  if (typeof critic !== 'function') {
    throw new DlfError('INVALID_ARGUMENT', `critic must be a function, received ${describeValue(critic)}`, {
      param: 'critic',
    });
  }
  for (const [name, t] of [
    ['a', a],
    ['b', b],
  ] as const) {
    if (!(t instanceof tf.Tensor) || t.rank < 1 || (t.shape[0] as number) < 1) {
      throw new DlfError('INVALID_SHAPE', `${name} must be a non-empty batch, received ${describeValue(t)}`, {
        param: name,
      });
    }
  }
  if (!tf.util.arraysEqual(a.shape.slice(1), b.shape.slice(1))) {
    throw new DlfError(
      'INVALID_SHAPE',
      `a and b must have the same example shape, received [${a.shape.slice(1)}] and [${b.shape.slice(1)}]`,
      { param: 'b' },
    );
  }
  const n = Math.min(a.shape[0] as number, b.shape[0] as number);
  const t = toRng(options.seed).uniformArray(n);
  return tf.tidy(() => {
    const tShape = [n, ...a.shape.slice(1).map(() => 1)];
    const tt = tf.tensor(t, tShape);
    const first = a.shape[0] === n ? a : a.slice(0, n);
    const second = b.shape[0] === n ? b : b.slice(0, n);
    const mixed = tf.add(tf.mul(tt, first), tf.mul(tf.sub(1, tt), second));
    // Rows are independent, so the gradient of the summed scores is each row's own input gradient.
    const g = tf.grad((x: tf.Tensor) => tf.sum(critic(x)))(mixed);
    const flat = tf.reshape(g, [n, -1]);
    const norm = tf.sqrt(tf.add(tf.sum(tf.square(flat), -1), 1e-12));
    return tf.mean(tf.square(tf.sub(norm, 1))) as tf.Scalar;
  });
}
