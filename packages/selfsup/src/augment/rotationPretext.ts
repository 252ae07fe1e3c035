import { DlfError } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { assertImages } from './Augmentation.js';

/**
 * Turns square images by `k` quarter turns counter-clockwise, exactly (transposes and reversals,
 * no interpolation): `out[i][j] = in[j][n-1-i]` for one turn.
 *
 * @example
 * ```ts
 * const upsideDown = rot90(images, 2);
 * ```
 */
export function rot90(images: tf.Tensor4D, k: number): tf.Tensor4D {
  assertImages('images', images);
  if (!Number.isInteger(k)) {
    throw new DlfError('INVALID_ARGUMENT', `k must be an integer, received ${k}`, { param: 'k' });
  }
  const turns = ((k % 4) + 4) % 4;
  if (turns % 2 === 1 && images.shape[1] !== images.shape[2]) {
    throw new DlfError(
      'UNSUPPORTED',
      `quarter turns need square images, received ${images.shape[1]} x ${images.shape[2]}`,
      { param: 'images' },
    );
  }
  return tf.tidy(() => {
    switch (turns) {
      case 0:
        return images.clone();
      case 1:
        return tf.reverse(tf.transpose(images, [0, 2, 1, 3]), 1) as tf.Tensor4D;
      case 2:
        return tf.reverse(images, [1, 2]) as tf.Tensor4D;
      default:
        return tf.reverse(tf.transpose(images, [0, 2, 1, 3]), 2) as tf.Tensor4D;
    }
  });
}

/**
 * The rotation-prediction pretext task (Gidaris, Singh and Komodakis 2018): each image turned by
 * 0, 90, 180 and 270 degrees counter-clockwise, labelled 0, 1, 2, 3. The batch is laid out by
 * rotation: rows `r * batch .. (r + 1) * batch - 1` hold every image turned `r` times.
 *
 * @returns `{ images: [4 * batch, n, n, channels], labels: Int32Array(4 * batch) }`; the caller
 * disposes `images`.
 * @example
 * ```ts
 * const { images: rotated, labels } = rotationPretext(batch);
 * // train a 4-way classifier on (rotated, labels)
 * ```
 */
export function rotationPretext(images: tf.Tensor4D): { images: tf.Tensor4D; labels: Int32Array } {
  assertImages('images', images);
  if (images.shape[1] !== images.shape[2]) {
    throw new DlfError(
      'UNSUPPORTED',
      `rotation prediction needs square images, received ${images.shape[1]} x ${images.shape[2]}`,
      { param: 'images' },
    );
  }
  const batch = images.shape[0];
  const rotated = tf.tidy(() => tf.concat([0, 1, 2, 3].map((k) => rot90(images, k))) as tf.Tensor4D);
  const labels = new Int32Array(4 * batch);
  for (let r = 0; r < 4; r++) labels.fill(r, r * batch, (r + 1) * batch);
  return { images: rotated, labels };
}
