import { assertNonNegative, type SeedLike, toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { type Augmentation, assertImages } from './Augmentation.js';

/** Options of {@link colorJitter}. */
export interface ColorJitterOptions {
  /** Brightness factor drawn from `U(max(0, 1 - brightness), 1 + brightness)`. Default: 0.4. */
  brightness?: number;
  /** Contrast factor drawn from `U(max(0, 1 - contrast), 1 + contrast)`. Default: 0.4. */
  contrast?: number;
}

/**
 * Brightness and contrast jitter: per image, `x <- b x` (brightness factor b), then
 * `x <- c (x - mean) + mean` with `mean` the image's mean over all pixels and channels (contrast
 * factor c), then clipped to [0, 1]. `brightness: 0, contrast: 0` is the identity.
 *
 * @example
 * ```ts
 * const jittered = colorJitter({ brightness: 0.4, contrast: 0.4 })(images, 0);
 * ```
 */
export function colorJitter(options: ColorJitterOptions = {}): Augmentation {
  const { brightness = 0.4, contrast = 0.4 } = options;
  assertNonNegative('brightness', brightness);
  assertNonNegative('contrast', contrast);
  return (images: tf.Tensor4D, seed?: SeedLike): tf.Tensor4D => {
    assertImages('images', images);
    const rng = toRng(seed);
    const batch = images.shape[0];
    const b = new Float32Array(batch);
    const c = new Float32Array(batch);
    for (let i = 0; i < batch; i++) {
      b[i] = rng.uniform(Math.max(0, 1 - brightness), 1 + brightness);
      c[i] = rng.uniform(Math.max(0, 1 - contrast), 1 + contrast);
    }
    return tf.tidy(() => {
      const bright = tf.mul(images, tf.tensor4d(b, [batch, 1, 1, 1]));
      const mean = tf.mean(bright, [1, 2, 3], true);
      const out = tf.add(tf.mul(tf.sub(bright, mean), tf.tensor4d(c, [batch, 1, 1, 1])), mean);
      return tf.clipByValue(out, 0, 1) as tf.Tensor4D;
    });
  };
}
