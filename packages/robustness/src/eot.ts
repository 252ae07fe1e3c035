import type { Rng, SeedLike } from '@dlf/runtime';
import { assertInteger, toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { Classifier, LogitsFn } from './classifier.js';
import { toLogitsFn } from './classifier.js';
import { DlfError, describeValue } from './errors.js';

/** A randomised classifier: draws its randomness from `rng` and returns logits. */
export type RandomizedClassifier = (x: tf.Tensor, rng: Rng) => tf.Tensor;

export interface EotOptions {
  /** Draws of the randomness averaged per call. Default 16. */
  samples?: number;
  /** Seed of the stream handed to the randomised model; each call draws fresh values. Default 0. */
  seed?: SeedLike;
}

/**
 * Expectation over transformation (Athalye et al. 2018): turns a randomised classifier into the
 * deterministic-in-expectation classifier with logits log((1/S) sum_s softmax(f_s(x))), the log of
 * the Monte-Carlo expected probabilities. Gradients flow through all S draws, so any attack on the
 * result follows the gradient of the expected prediction instead of one random draw's.
 *
 * @param model - `(x, rng) => logits` (or a plain classifier, which makes EOT a no-op up to a log-softmax).
 * @returns a function x -> logits usable by every attack and by `smooth`.
 * @example
 * ```ts
 * const randomised = (x, rng) => model(tf.add(x, tf.tensor(rng.normalArray(x.size, 0, 0.1), x.shape)));
 * const res = await pgd(eot(randomised, { samples: 32, seed: 1 }), x, y, { eps: 0.1 });
 * ```
 */
export function eot(model: RandomizedClassifier | Classifier, options: EotOptions = {}): LogitsFn {
  const samples = options.samples ?? 16;
  assertInteger('samples', samples, { min: 1 });
  const rng = toRng(options.seed);
  let draw: (x: tf.Tensor) => tf.Tensor;
  if (typeof model === 'function') {
    const fn = model as RandomizedClassifier;
    draw = (x) => {
      const out = fn(x, rng);
      if (!(out instanceof tf.Tensor) || out.rank !== 2) {
        throw new DlfError(
          'INVALID_SHAPE',
          `model must return logits [n, numClasses], received ${describeValue(out)}`,
          {
            param: 'model',
          },
        );
      }
      return out;
    };
  } else {
    draw = toLogitsFn(model);
  }
  return (x) =>
    tf.tidy(() => {
      const logProbs: tf.Tensor[] = [];
      for (let s = 0; s < samples; s++) logProbs.push(tf.logSoftmax(draw(x) as tf.Tensor2D));
      // log mean_s p_s = logsumexp_s log p_s - log S
      return tf.sub(tf.logSumExp(tf.stack(logProbs), 0), Math.log(samples));
    });
}
