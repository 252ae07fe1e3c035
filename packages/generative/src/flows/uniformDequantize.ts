import { assertInteger, DlfError, type SeedLike, toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';

/**
 * Uniform dequantisation (Theis, van den Oord and Bethge 2016): data on `bins` levels scaled to
 * [0, 1] (`k / (bins - 1)`) becomes `(k + u) / bins` with `u ~ U[0, 1)` (seeded), a continuous
 * density whose log-likelihood lower-bounds the discrete one; report it with `flow.bitsPerDim`.
 *
 * @param x - values in [0, 1] (e.g. MNIST pixels / 255), any shape (not disposed).
 * @returns a new tensor of the same shape, values in [0, 1).
 * @example
 * ```ts
 * const xd = uniformDequantize(images, { bins: 256, seed: 0 });
 * ```
 */
export function uniformDequantize(
  x: tf.Tensor,
  { bins = 256, seed }: { bins?: number; seed?: SeedLike } = {},
): tf.Tensor {
  if (!(x instanceof tf.Tensor))
    throw new DlfError('INVALID_ARGUMENT', 'x must be a tf.Tensor', { param: 'x' });
  assertInteger('bins', bins, { min: 2 });
  const u = toRng(seed).uniformArray(x.size);
  return tf.tidy(() => {
    const k = tf.round(tf.mul(tf.clipByValue(x, 0, 1), bins - 1));
    return tf.div(tf.add(k, tf.tensor(u, x.shape)), bins);
  });
}
