import { assertInteger } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { FlowLayer } from './FlowLayer.js';

/** Options of {@link actNorm}. */
export interface ActNormOptions {
  /** Number of channels (the feature count for vectors). */
  channels: number;
  /** Spatial positions sharing the parameters (HWC order). Default: 1. */
  pixels?: number;
}

/**
 * Activation normalisation (Glow, Kingma and Dhariwal 2018): `y = (x + b) exp(l)` per channel,
 * `log|det| = pixels sum l`. `initialize(x)` sets b = -mean and l = -log std of a batch, so that
 * the outputs start standardised (`flow(...).fit` calls it on the first batch).
 *
 * @param options - `channels` (the feature count for vectors) and `pixels` (spatial positions
 *   sharing the parameters, default 1): dim = pixels * channels, HWC order.
 * @example
 * ```ts
 * const layer = actNorm({ channels: 2 });
 * ```
 */
export function actNorm({ channels, pixels = 1 }: ActNormOptions): FlowLayer {
  assertInteger('channels', channels, { min: 1 });
  assertInteger('pixels', pixels, { min: 1 });
  const dim = channels * pixels;
  const zeros = (): tf.Variable => tf.tidy(() => tf.variable(tf.zeros([channels]), true));
  const bias = zeros();
  const logScale = zeros();
  const perPixel = (x: tf.Tensor2D): tf.Tensor2D => tf.reshape(x, [-1, channels]) as tf.Tensor2D;
  let disposed = false;
  return {
    name: 'actNorm',
    dim,
    variables: [bias, logScale],
    forward(x) {
      return tf.tidy(() => {
        const y = tf.reshape(tf.mul(tf.add(perPixel(x), bias), tf.exp(logScale)), x.shape) as tf.Tensor2D;
        const logDet = tf.mul(tf.ones([x.shape[0]]), tf.mul(pixels, tf.sum(logScale))) as tf.Tensor1D;
        return { y, logDet };
      });
    },
    inverse(y) {
      return tf.tidy(
        () => tf.reshape(tf.sub(tf.mul(perPixel(y), tf.exp(tf.neg(logScale))), bias), y.shape) as tf.Tensor2D,
      );
    },
    initialize(x) {
      tf.tidy(() => {
        const p = perPixel(x);
        const { mean, variance } = tf.moments(p, 0);
        bias.assign(tf.neg(mean));
        logScale.assign(tf.neg(tf.mul(0.5, tf.log(tf.add(variance, 1e-6)))));
      });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      tf.dispose([bias, logScale]);
    },
  };
}
