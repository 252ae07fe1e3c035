import { assertNonNegative, DlfError, type SeedLike, toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { describeValue } from '../describeValue.js';
import { type Augmentation, assertImages } from './Augmentation.js';

/** Options of {@link gaussianNoise}. */
export interface GaussianNoiseOptions {
  /** Standard deviation of the noise. Default: 0.05. */
  std?: number;
  /** Clip the result to [0, 1]. Default: true. */
  clip?: boolean;
}

/**
 * Additive Gaussian noise: `x + std * N(0, 1)` independently per pixel (drawn from the seed on the
 * CPU, so identical on every backend), clipped to [0, 1] by default.
 *
 * @example
 * ```ts
 * const noisy = gaussianNoise({ std: 0.1 })(images, 0);
 * ```
 */
export function gaussianNoise(options: GaussianNoiseOptions = {}): Augmentation {
  const { std = 0.05, clip = true } = options;
  assertNonNegative('std', std);
  if (typeof clip !== 'boolean') {
    throw new DlfError('INVALID_ARGUMENT', `clip must be a boolean, received ${describeValue(clip)}`, {
      param: 'clip',
    });
  }
  return (images: tf.Tensor4D, seed?: SeedLike): tf.Tensor4D => {
    assertImages('images', images);
    const rng = toRng(seed);
    const noise = rng.normalArray(images.size, 0, std);
    return tf.tidy(() => {
      const out = tf.add(images, tf.tensor(noise, images.shape, 'float32'));
      return (clip ? tf.clipByValue(out, 0, 1) : out) as tf.Tensor4D;
    });
  };
}
