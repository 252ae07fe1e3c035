import { DlfError } from '@dlf/runtime';
import type { VectorLike } from '../linalg.js';
import { gdRule } from './gd.js';
import {
  type FlatLoss,
  type OptimizerOptions,
  type OptimizerResult,
  readStart,
  runOptimizer,
  tfOracle,
} from './runOptimizer.js';

/** Options of {@link sgd}: `batchSize` and `numExamples` are required. */
export interface SgdOptions extends OptimizerOptions {
  batchSize: number;
  numExamples: number;
}

/**
 * Minibatch stochastic gradient descent: w_{t+1} = w_t - eta_t grad L_{B_t}(w_t), where the batches
 * B_t sweep a seeded random permutation of 0..numExamples-1 each epoch (sampling without
 * replacement; the last incomplete batch of an epoch is dropped).
 *
 * @param loss - (w, batch) -> minibatch loss; `batch` holds int32 example indices.
 * @param w0 - the starting point.
 * @param options - `batchSize`, `numExamples` (required), `seed` (default 0), `learningRate`
 *   (default 0.01; a schedule t -> eta_t such as `t => 0.5 / (t + 1)` is allowed), `steps` (100), ...
 * @returns as {@link gd}; `losses[t]` and `gradNorms[t]` are those of the batch used at step t.
 * @example
 * ```ts
 * const loss = (w: tf.Tensor1D, batch?: Int32Array) =>
 *   tf.tidy(() => tf.losses.meanSquaredError(tf.gather(y, batch!), tf.dot(tf.gather(X, batch!), w)) as tf.Scalar);
 * const run = await sgd(loss, [0, 0], { batchSize: 8, numExamples: 64, steps: 200, seed: 1 });
 * ```
 */
export async function sgd(loss: FlatLoss, w0: VectorLike, options: SgdOptions): Promise<OptimizerResult> {
  if (options == null || options.batchSize === undefined) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      'sgd needs options.batchSize (and numExamples), received undefined',
      {
        param: 'batchSize',
      },
    );
  }
  const w = readStart(loss, w0);
  return runOptimizer(tfOracle(loss), w, gdRule(), options, 0.01);
}
