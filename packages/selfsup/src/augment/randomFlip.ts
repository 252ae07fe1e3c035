import { assertInRange, assertOneOf, type SeedLike, toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { type Augmentation, assertImages } from './Augmentation.js';

/** Options of {@link randomFlip}. */
export interface RandomFlipOptions {
  /** Probability that an image is flipped. Default: 0.5. */
  p?: number;
  /** 'horizontal' mirrors left-right, 'vertical' top-bottom. Default: 'horizontal'. */
  direction?: 'horizontal' | 'vertical';
}

/**
 * Random flip: each image is mirrored (left-right by default) with probability `p`, independently.
 *
 * @example
 * ```ts
 * const flipped = randomFlip({ p: 0.5 })(images, 0);
 * ```
 */
export function randomFlip(options: RandomFlipOptions = {}): Augmentation {
  const { p = 0.5, direction = 'horizontal' } = options;
  assertInRange('p', p, 0, 1);
  assertOneOf('direction', direction, ['horizontal', 'vertical'] as const);
  return (images: tf.Tensor4D, seed?: SeedLike): tf.Tensor4D => {
    assertImages('images', images);
    const rng = toRng(seed);
    const batch = images.shape[0];
    const mask = new Float32Array(batch);
    for (let b = 0; b < batch; b++) mask[b] = rng.random() < p ? 1 : 0;
    return tf.tidy(() => {
      const flipped = tf.reverse(images, direction === 'horizontal' ? 2 : 1);
      const m = tf.tensor4d(mask, [batch, 1, 1, 1]);
      // m and 1 - m are exactly 0 or 1, so each output pixel is exactly one of the two inputs.
      return tf.add(tf.mul(flipped, m), tf.mul(images, tf.sub(1, m)));
    });
  };
}
