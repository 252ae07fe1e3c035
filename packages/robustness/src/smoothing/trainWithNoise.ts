import type { SeedLike } from '@dlf/runtime';
import { assertInteger, assertOneOf, assertPositive, toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { cleanForward } from '../attackCore.js';
import type { Classifier } from '../classifier.js';
import type { TrainingData, TrainingOptions } from '../trainingLoop.js';
import { trainingLoop } from '../trainingLoop.js';
import type { SmoothingNoise } from './smooth.js';

export interface TrainWithNoiseOptions extends TrainingOptions {
  /** Noise scale (Gaussian standard deviation or Laplace scale), as in `smooth`. */
  sigma: number;
  /** `'gaussian'` (default) or `'laplace'`. */
  noise?: SmoothingNoise;
  /** Passes over the data. Default 10. */
  epochs?: number;
  /** Examples per update. Default 64. */
  batchSize?: number;
  /** Seed of shuffling and of the noise. Default 0. */
  seed?: SeedLike;
}

export interface NoiseEpoch {
  epoch: number;
  /** Mean training loss on the noisy batches. */
  loss: number;
  /** Accuracy of the base classifier on the clean validation data. */
  cleanAccuracy: number;
  /** Accuracy of the base classifier on one noisy copy of the validation data. */
  noisyAccuracy: number;
}

/**
 * Trains the base classifier of randomised smoothing on noisy copies of its inputs, x + e with e
 * drawn from the smoothing distribution of `smooth` (Cohen et al. 2019, section 4: the smoothed
 * classifier is only as good as the base classifier is under that noise). Weights are updated in place.
 *
 * @returns `{ history: [{ epoch, loss, cleanAccuracy, noisyAccuracy }], stopped }`.
 * @example
 * ```ts
 * await trainWithNoise(model, train, { sigma: 0.25, epochs: 5 });
 * const g = smooth(model, { sigma: 0.25 });
 * ```
 */
export async function trainWithNoise(
  model: Classifier,
  data: TrainingData,
  options: TrainWithNoiseOptions,
): Promise<{ history: NoiseEpoch[]; stopped: boolean }> {
  assertPositive('sigma', options?.sigma);
  const { sigma } = options;
  const noise = options.noise ?? 'gaussian';
  assertOneOf('noise', noise, ['gaussian', 'laplace'] as const);
  const epochs = options.epochs ?? 10;
  assertInteger('epochs', epochs, { min: 1 });
  const batchSize = options.batchSize ?? 64;
  assertInteger('batchSize', batchSize, { min: 1 });
  const rng = toRng(options.seed);
  const draw = (size: number): Float32Array => {
    if (noise === 'gaussian') return rng.normalArray(size, 0, sigma);
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      let u = rng.random() - 0.5;
      while (u === -0.5) u = rng.random() - 0.5;
      out[i] = -sigma * Math.sign(u) * Math.log1p(-2 * Math.abs(u));
    }
    return out;
  };
  const noisy = (x: tf.Tensor) => tf.tidy(() => tf.add(x, tf.tensor(draw(x.size), x.shape)));
  return trainingLoop<{ cleanAccuracy: number; noisyAccuracy: number }>(model, data, {
    ...options,
    bounds: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
    epochs,
    batchSize,
    rng,
    perturb: async (_f, xb) => noisy(xb),
    loss: undefined,
    evaluate: async (evalF, valX, valY) => {
      const accuracy = (x: tf.Tensor) => {
        const { pred } = cleanForward(evalF, x);
        return Array.from(pred).filter((p, i) => p === valY[i]).length / valY.length;
      };
      const xn = noisy(valX);
      const noisyAccuracy = accuracy(xn);
      xn.dispose();
      return { cleanAccuracy: accuracy(valX), noisyAccuracy };
    },
  });
}
