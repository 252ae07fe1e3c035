import type { SeedLike } from '@dlf/runtime';
import { assertInteger, assertNonNegative, throwIfAborted, toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../classifier.js';
import type { AttributionOptions, AttributionProgress } from './attributionCore.js';
import { prepareAttribution, targetGradient } from './attributionCore.js';

export interface SmoothGradOptions extends AttributionOptions {
  /** Noise samples per example (captum's `nt_samples`). Default: 50. */
  samples?: number;
  /**
   * Noise standard deviation as a fraction of each example's input range, sigma = noiseLevel *
   * (max x - min x) (Smilkov et al. 2017 recommend 0.1-0.2). Default: 0.15.
   */
  noiseLevel?: number;
  /** Absolute noise standard deviation in input units; overrides `noiseLevel` when set. */
  stdev?: number;
  /** Average grad^2 instead of grad (SmoothGrad-squared). Default: false. */
  squared?: boolean;
  /** Multiply each noisy gradient by its noisy input (SmoothGrad on gradient x input). Default: false. */
  multiplyByInputs?: boolean;
  /** Noisy inputs per forward/backward pass. Default: 64. */
  batchSize?: number;
  /** Seed or generator of the noise. Default: 0. */
  seed?: SeedLike;
  /** Called after each batch with samples done / total (over all examples). */
  onProgress?: (progress: AttributionProgress) => void;
  /** Aborts between batches with `DlfError('ABORTED')`. */
  signal?: AbortSignal;
}

/**
 * SmoothGrad (Smilkov et al. 2017): the input gradient of the target logit averaged over Gaussian
 * perturbations of the input, (1/N) sum_k grad z_t(x + e_k), e_k ~ N(0, sigma^2 I), with sigma a
 * fraction of the input range. For a linear model it equals the weights W[:, t] for every draw.
 *
 * @param model - a LayersModel or a function x -> logits.
 * @param x - inputs `[n, ...shape]`.
 * @returns attributions shaped like `x` (yours to dispose).
 * @example
 * ```ts
 * const map = await smoothGrad(model, x, { samples: 50, noiseLevel: 0.15, seed: 0 });
 * map.dispose();
 * ```
 */
export async function smoothGrad(
  model: Classifier,
  x: tf.Tensor,
  options: SmoothGradOptions = {},
): Promise<tf.Tensor> {
  const {
    samples = 50,
    noiseLevel = 0.15,
    stdev,
    squared = false,
    multiplyByInputs = false,
    batchSize = 64,
    onProgress,
    signal,
  } = options;
  assertInteger('samples', samples, { min: 1 });
  assertNonNegative('noiseLevel', noiseLevel);
  if (stdev !== undefined) assertNonNegative('stdev', stdev);
  assertInteger('batchSize', batchSize, { min: 1 });
  const p = prepareAttribution(model, x, options.target);
  const rng = toRng(options.seed);
  const xs = x.dataSync() as Float32Array;
  const sigmas = new Float64Array(p.n);
  for (let i = 0; i < p.n; i++) {
    if (stdev !== undefined) sigmas[i] = stdev;
    else {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < p.d; j++) {
        const v = xs[i * p.d + j] as number;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      sigmas[i] = noiseLevel * (hi - lo);
    }
  }
  const total = new Float64Array(p.n * p.d);
  const totalSamples = p.n * samples;
  // Work items: (example i, sample k), in example-major order, batched.
  for (let start = 0; start < totalSamples; start += batchSize) {
    throwIfAborted(signal, 'smoothGrad');
    const count = Math.min(batchSize, totalSamples - start);
    const noisy = new Float32Array(count * p.d);
    const rowTargets = new Int32Array(count);
    for (let r = 0; r < count; r++) {
      const i = Math.floor((start + r) / samples);
      rowTargets[r] = p.targets[i] as number;
      const sigma = sigmas[i] as number;
      for (let j = 0; j < p.d; j++) noisy[r * p.d + j] = (xs[i * p.d + j] as number) + rng.normal(0, sigma);
    }
    const g = tf.tidy(() => {
      const input = tf.tensor(noisy, [count, ...p.exampleShape]);
      let grad = targetGradient(p.f, input, rowTargets);
      if (multiplyByInputs) grad = tf.mul(grad, input);
      if (squared) grad = tf.square(grad);
      return grad.dataSync();
    });
    for (let r = 0; r < count; r++) {
      const i = Math.floor((start + r) / samples);
      for (let j = 0; j < p.d; j++)
        total[i * p.d + j] = (total[i * p.d + j] as number) + (g[r * p.d + j] as number);
    }
    onProgress?.({ done: start + count, total: totalSamples });
  }
  const out = new Float32Array(p.n * p.d);
  for (let k = 0; k < out.length; k++) out[k] = (total[k] as number) / samples;
  return tf.tensor(out, x.shape);
}
