import { DlfError, type SeedLike, toRng } from '@dlf/runtime';
import type * as tf from '@tensorflow/tfjs';
import { describeValue } from '../describeValue.js';
import type { Augmentation } from './Augmentation.js';

/**
 * Chains augmentations left to right, all drawing from one generator seeded by `seed`
 * (torchvision's `Compose`). Intermediate tensors are disposed.
 *
 * @example
 * ```ts
 * const augment = compose(randomResizedCrop({ scale: [0.3, 1] }), colorJitter(), gaussianNoise({ std: 0.05 }));
 * const view = augment(images, 42);
 * ```
 */
export function compose(...augmentations: Augmentation[]): Augmentation {
  augmentations.forEach((a, i) => {
    if (typeof a !== 'function') {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `augmentations[${i}] must be a function, received ${describeValue(a)}`,
        {
          param: `augmentations[${i}]`,
        },
      );
    }
  });
  return (images: tf.Tensor4D, seed?: SeedLike): tf.Tensor4D => {
    const rng = toRng(seed);
    let x = images;
    for (const a of augmentations) {
      const next = a(x, rng);
      if (x !== images) x.dispose();
      x = next;
    }
    return x === images ? (images.clone() as tf.Tensor4D) : x;
  };
}
