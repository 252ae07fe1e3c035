import { DlfError, type SeedLike } from '@dlf/runtime';
import type * as tf from '@tensorflow/tfjs';
import { describeValue } from '../describeValue.js';

/**
 * A seeded image augmentation: `(images, seed) => augmented`, with `images` a float32 batch
 * `[batch, height, width, channels]` of values in [0, 1]. Each image gets its own random
 * parameters, all drawn from `seed` (a number or an `Rng`, whose stream is consumed): same seed,
 * same output. The input is not disposed; the caller owns the result.
 */
export type Augmentation = (images: tf.Tensor4D, seed?: SeedLike) => tf.Tensor4D;

/** @internal Throws unless `x` is a rank-4 float32 image batch. */
export function assertImages(param: string, x: unknown): asserts x is tf.Tensor4D {
  const t = x as tf.Tensor;
  if (t === null || typeof t !== 'object' || !Array.isArray(t.shape) || t.rank !== 4) {
    throw new DlfError(
      'INVALID_SHAPE',
      `${param} must be a batch of images [batch, height, width, channels], received ${describeValue(x)}`,
      { param },
    );
  }
  if (t.dtype !== 'float32') {
    throw new DlfError('INVALID_ARGUMENT', `${param} must have dtype float32, received ${t.dtype}`, {
      param,
    });
  }
}

/** @internal Checks a `[low, high]` interval option. */
export function checkInterval(
  param: string,
  value: unknown,
  { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY } = {},
): [number, number] {
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !value.every((v) => typeof v === 'number' && Number.isFinite(v)) ||
    (value[0] as number) > (value[1] as number) ||
    (value[0] as number) < min ||
    (value[1] as number) > max
  ) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${param} must be an interval [low, high] with ${min} <= low <= high <= ${max}, received ${Array.isArray(value) ? `[${value.join(', ')}]` : describeValue(value)}`,
      { param },
    );
  }
  return [value[0] as number, value[1] as number];
}
