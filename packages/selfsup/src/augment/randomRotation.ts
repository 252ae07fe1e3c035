import { assertFiniteNumber, type SeedLike, toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { type Augmentation, assertImages, checkInterval } from './Augmentation.js';

/** Options of {@link randomRotation}. */
export interface RandomRotationOptions {
  /** Angle interval in degrees (counter-clockwise), or `d` for `[-d, d]`. Default: 15. */
  degrees?: number | [number, number];
  /** Value of pixels rotated in from outside the image. Default: 0. */
  fill?: number;
}

/**
 * Random rotation about the image centre by an angle drawn uniformly from `degrees`
 * (counter-clockwise as displayed, rows downwards), bilinear, filling uncovered pixels with `fill`.
 * A rotation by 90 degrees of a square image equals the exact quarter turn of `rotationPretext`.
 *
 * @example
 * ```ts
 * const rotated = randomRotation({ degrees: 20 })(images, 0);
 * ```
 */
export function randomRotation(options: RandomRotationOptions = {}): Augmentation {
  const { degrees = 15, fill = 0 } = options;
  if (typeof degrees === 'number') assertFiniteNumber('degrees', degrees);
  const [low, high] =
    typeof degrees === 'number' ? [-Math.abs(degrees), Math.abs(degrees)] : checkInterval('degrees', degrees);
  assertFiniteNumber('fill', fill);
  return (images: tf.Tensor4D, seed?: SeedLike): tf.Tensor4D => {
    assertImages('images', images);
    const rng = toRng(seed);
    const [batch, H, W] = images.shape;
    const cx = (W - 1) / 2;
    const cy = (H - 1) / 2;
    const transforms = new Float32Array(batch * 8);
    for (let b = 0; b < batch; b++) {
      const t = (rng.uniform(low, high) * Math.PI) / 180;
      const c = Math.cos(t);
      const s = Math.sin(t);
      // Output pixel (x, y) samples the input at R(-t)-rotated coordinates about the centre; with
      // rows pointing down, this turns the picture counter-clockwise by t.
      transforms.set([c, -s, cx - c * cx + s * cy, s, c, cy - s * cx - c * cy, 0, 0], b * 8);
    }
    return tf.tidy(() =>
      tf.image.transform(images, tf.tensor2d(transforms, [batch, 8]), 'bilinear', 'constant', fill),
    );
  };
}
