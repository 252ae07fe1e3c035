import { DlfError, type SeedLike, toRng } from '@dlf/runtime';
import type * as tf from '@tensorflow/tfjs';
import { describeValue } from '../describeValue.js';
import { type Augmentation, assertImages } from './Augmentation.js';

/**
 * Two independently augmented views of each image, the positive pairs of contrastive learning:
 * `view1 = augment(x, rng)`, `view2 = augment(x, rng)` with one generator seeded by `seed`.
 *
 * @returns `{ view1, view2 }`, each shaped like `augment`'s output; the caller disposes them.
 * @example
 * ```ts
 * const { view1, view2 } = twoViews(images, compose(randomResizedCrop(), colorJitter()), 0);
 * const loss = ntXentLoss(encode(view1), encode(view2), { temperature: 0.5 });
 * ```
 */
export function twoViews(
  images: tf.Tensor4D,
  augment: Augmentation,
  seed?: SeedLike,
): { view1: tf.Tensor4D; view2: tf.Tensor4D } {
  assertImages('images', images);
  if (typeof augment !== 'function') {
    throw new DlfError('INVALID_ARGUMENT', `augment must be a function, received ${describeValue(augment)}`, {
      param: 'augment',
    });
  }
  const rng = toRng(seed);
  const view1 = augment(images, rng);
  try {
    return { view1, view2: augment(images, rng) };
  } catch (e) {
    view1.dispose();
    throw e;
  }
}
