import { DlfError, grad, type SeedLike, toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';

/**
 * The WGAN-GP gradient penalty (Gulrajani et al. 2017): `mean_i (||grad_x f(x_hat_i)||_2 - 1)^2` at
 * random interpolates `x_hat_i = t_i real_i + (1 - t_i) fake_i`, `t_i ~ U[0, 1]` (seeded). The inner
 * gradient is taken with the runtime's `grad`, so the penalty is differentiable again with respect
 * to the critic's parameters: build the critic from the runtime's second-order-safe `ops` (e.g. its
 * `mlp`), or the curvature terms of tanh/sigmoid/exp are silently dropped by tfjs.
 *
 * @param critic - `x [n, ...] => [n, 1]` (or `[n]`) scores; differentiable in its parameters.
 * @param real - real examples `[n, ...]`.
 * @param fake - generated examples, same shape.
 * @returns the penalty, a `tf.Scalar` (multiply by lambda, typically 10).
 * @example
 * ```ts
 * const gp = gradientPenalty((x) => critic.apply(w, x), real, fake, { seed: 0 });
 * ```
 */
export function gradientPenalty(
  critic: (x: tf.Tensor) => tf.Tensor,
  real: tf.Tensor,
  fake: tf.Tensor,
  { seed }: { seed?: SeedLike } = {},
): tf.Scalar {
  if (typeof critic !== 'function') {
    throw new DlfError('INVALID_ARGUMENT', 'critic must be a function of a batch', { param: 'critic' });
  }
  if (
    !(real instanceof tf.Tensor) ||
    !(fake instanceof tf.Tensor) ||
    !tf.util.arraysEqual(real.shape, fake.shape)
  ) {
    throw new DlfError(
      'INVALID_SHAPE',
      `real and fake must be tensors of the same shape, received ${real instanceof tf.Tensor ? `[${real.shape.join(', ')}]` : typeof real} and ${fake instanceof tf.Tensor ? `[${fake.shape.join(', ')}]` : typeof fake}`,
      { param: 'fake' },
    );
  }
  const n = real.shape[0] as number;
  const rng = toRng(seed);
  return tf.tidy(() => {
    const tShape = [n, ...real.shape.slice(1).map(() => 1)];
    const t = tf.tensor(rng.uniformArray(n), tShape);
    const xHat = tf.add(tf.mul(t, real), tf.mul(tf.sub(1, t), fake));
    // Each example's score depends only on its own row, so the gradient of the sum gives every row's gradient.
    const g = grad((x: tf.Tensor) => tf.sum(critic(x)), xHat);
    const norms = tf.sqrt(tf.add(tf.sum(tf.square(tf.reshape(g, [n, -1])), 1), 1e-12));
    return tf.mean(tf.square(tf.sub(norms, 1))) as tf.Scalar;
  });
}
