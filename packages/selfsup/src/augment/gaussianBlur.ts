import { assertInRange, assertInteger, DlfError, type SeedLike, toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { type Augmentation, assertImages, checkInterval } from './Augmentation.js';

/** Options of {@link gaussianBlur}. */
export interface GaussianBlurOptions {
  /** Interval the blur's standard deviation (pixels) is drawn from, uniformly. Default: [0.1, 2]. */
  sigma?: [number, number];
  /**
   * Odd kernel size in pixels. Default: about a tenth of the image side, odd and at least 3 (SimCLR's
   * choice), capped at `2 * side - 1`.
   */
  kernelSize?: number;
  /** Probability that an image is blurred. Default: 0.5. */
  p?: number;
}

/** @internal The normalised 1-D Gaussian taps `g[-r..r]` of standard deviation sigma. */
export function gaussianTaps(sigma: number, radius: number): Float64Array {
  const g = new Float64Array(2 * radius + 1);
  let s = 0;
  for (let t = -radius; t <= radius; t++) {
    const v = Math.exp(-(t * t) / (2 * sigma * sigma));
    g[t + radius] = v;
    s += v;
  }
  for (let i = 0; i < g.length; i++) g[i] = (g[i] as number) / s;
  return g;
}

/** @internal Index `i` reflected into `0..n-1` without repeating the edge (`-1 -> 1`, `n -> n - 2`). */
export function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  let k = i;
  const period = 2 * (n - 1);
  k = ((k % period) + period) % period;
  return k < n ? k : period - k;
}

/** The `[n, n]` matrix of a 1-D blur with reflect padding: `out = K x`, written into `out` at `offset`. */
function blurMatrix(taps: Float64Array | undefined, n: number, out: Float32Array, offset: number): void {
  if (!taps) {
    for (let i = 0; i < n; i++) out[offset + i * n + i] = 1;
    return;
  }
  const r = (taps.length - 1) / 2;
  for (let i = 0; i < n; i++) {
    for (let t = -r; t <= r; t++) {
      const j = reflectIndex(i + t, n);
      out[offset + i * n + j] = (out[offset + i * n + j] as number) + (taps[t + r] as number);
    }
  }
}

/**
 * Gaussian blur, applied to each image with probability `p`, with `sigma ~ U(sigma)` per image:
 * a separable convolution with the normalised kernel `g(t) ~ exp(-t^2 / (2 sigma^2))`,
 * `|t| <= (kernelSize - 1) / 2`, and reflect padding (`... c b | a b c ... | b a ...`), done as two
 * batched matrix products (rows, then columns).
 *
 * @example
 * ```ts
 * const blurred = gaussianBlur({ sigma: [0.1, 2], p: 0.5 })(images, 0);
 * ```
 */
export function gaussianBlur(options: GaussianBlurOptions = {}): Augmentation {
  const [sLow, sHigh] = checkInterval('sigma', options.sigma ?? [0.1, 2], { min: Number.MIN_VALUE });
  const { p = 0.5 } = options;
  assertInRange('p', p, 0, 1);
  if (options.kernelSize !== undefined) {
    assertInteger('kernelSize', options.kernelSize, { min: 1 });
    if (options.kernelSize % 2 === 0) {
      throw new DlfError('INVALID_ARGUMENT', `kernelSize must be odd, received ${options.kernelSize}`, {
        param: 'kernelSize',
      });
    }
  }
  return (images: tf.Tensor4D, seed?: SeedLike): tf.Tensor4D => {
    assertImages('images', images);
    const rng = toRng(seed);
    const [batch, H, W, C] = images.shape;
    const side = Math.min(H, W);
    let size = options.kernelSize ?? Math.max(3, 2 * Math.floor(Math.round(side / 10) / 2) + 1);
    size = Math.min(size, 2 * side - 1);
    const radius = (size - 1) / 2;
    const kh = new Float32Array(batch * H * H);
    const kw = new Float32Array(batch * W * W);
    for (let b = 0; b < batch; b++) {
      const sigma = rng.uniform(sLow, sHigh);
      const taps = rng.random() < p ? gaussianTaps(sigma, radius) : undefined;
      blurMatrix(taps, H, kh, b * H * H);
      blurMatrix(taps, W, kw, b * W * W);
    }
    return tf.tidy(() => {
      // Rows: [B, H, H] x [B, H, W*C]; columns: the same on the transposed image.
      const rows = tf.matMul(tf.tensor3d(kh, [batch, H, H]), tf.reshape(images, [batch, H, W * C]));
      const t = tf.reshape(tf.transpose(tf.reshape(rows, [batch, H, W, C]), [0, 2, 1, 3]), [batch, W, H * C]);
      const cols = tf.matMul(tf.tensor3d(kw, [batch, W, W]), t);
      return tf.transpose(tf.reshape(cols, [batch, W, H, C]), [0, 2, 1, 3]) as tf.Tensor4D;
    });
  };
}
