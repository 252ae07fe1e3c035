import { assertInteger, DlfError, type SeedLike, toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { describeValue } from '../describeValue.js';
import { type Augmentation, assertImages, checkInterval } from './Augmentation.js';

/** Options of {@link randomResizedCrop}. */
export interface RandomResizedCropOptions {
  /** Interval of the crop's area as a fraction of the image's. Default: [0.08, 1]. */
  scale?: [number, number];
  /** Interval of the crop's aspect ratio width / height (drawn log-uniformly). Default: [3/4, 4/3]. */
  ratio?: [number, number];
  /** Output `[height, width]`. Default: the input's. */
  size?: [number, number];
}

/**
 * Random resized crop (the SimCLR / Inception crop): for each image, draw an area fraction
 * `s ~ U(scale)` and an aspect ratio `r` log-uniform in `ratio`, take the `round(sqrt(s H W r))`
 * wide and `round(sqrt(s H W / r))` high window at a uniform position (up to 10 tries for it to fit,
 * then a central crop of the image clamped to `ratio`), and resize it bilinearly to `size`.
 * `scale: [1, 1], ratio: [1, 1]` on a square image is the identity.
 *
 * @example
 * ```ts
 * const crop = randomResizedCrop({ scale: [0.3, 1] });
 * const views = crop(images, 0); // same shape as images
 * ```
 */
export function randomResizedCrop(options: RandomResizedCropOptions = {}): Augmentation {
  const [sLow, sHigh] = checkInterval('scale', options.scale ?? [0.08, 1], { min: 0, max: 1 });
  const [rLow, rHigh] = checkInterval('ratio', options.ratio ?? [3 / 4, 4 / 3], { min: Number.MIN_VALUE });
  if (sHigh <= 0) checkInterval('scale', options.scale, { min: Number.MIN_VALUE });
  if (options.size !== undefined) {
    if (!Array.isArray(options.size) || options.size.length !== 2) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `size must be [height, width], received ${describeValue(options.size)}`,
        {
          param: 'size',
        },
      );
    }
    assertInteger('size[0]', options.size[0], { min: 1 });
    assertInteger('size[1]', options.size[1], { min: 1 });
  }
  return (images: tf.Tensor4D, seed?: SeedLike): tf.Tensor4D => {
    assertImages('images', images);
    const rng = toRng(seed);
    const [batch, H, W] = images.shape;
    const size = options.size ?? [H, W];
    const boxes = new Float32Array(batch * 4);
    for (let b = 0; b < batch; b++) {
      let h = H;
      let w = W;
      let top = 0;
      let left = 0;
      let found = false;
      for (let attempt = 0; attempt < 10 && !found; attempt++) {
        const area = rng.uniform(sLow, sHigh) * H * W;
        const r = Math.exp(rng.uniform(Math.log(rLow), Math.log(rHigh)));
        const cw = Math.round(Math.sqrt(area * r));
        const ch = Math.round(Math.sqrt(area / r));
        if (cw >= 1 && ch >= 1 && cw <= W && ch <= H) {
          w = cw;
          h = ch;
          top = rng.int(0, H - h + 1);
          left = rng.int(0, W - w + 1);
          found = true;
        }
      }
      if (!found) {
        // Central crop of the whole image, with its aspect ratio clamped to `ratio`.
        const inRatio = W / H;
        if (inRatio < rLow) {
          w = W;
          h = Math.min(H, Math.round(W / rLow));
        } else if (inRatio > rHigh) {
          h = H;
          w = Math.min(W, Math.round(H * rHigh));
        }
        top = Math.floor((H - h) / 2);
        left = Math.floor((W - w) / 2);
      }
      // cropAndResize maps normalised box corners to pixel centres 0..H-1.
      boxes[b * 4] = H > 1 ? top / (H - 1) : 0;
      boxes[b * 4 + 1] = W > 1 ? left / (W - 1) : 0;
      boxes[b * 4 + 2] = H > 1 ? (top + h - 1) / (H - 1) : 0;
      boxes[b * 4 + 3] = W > 1 ? (left + w - 1) / (W - 1) : 0;
    }
    return tf.tidy(() =>
      tf.image.cropAndResize(
        images,
        tf.tensor2d(boxes, [batch, 4]),
        tf.tensor1d(
          Int32Array.from({ length: batch }, (_, i) => i),
          'int32',
        ),
        size,
        'bilinear',
      ),
    );
  };
}
