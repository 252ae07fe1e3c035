import type { VectorLike } from '../linalg.js';
import {
  type FlatLoss,
  type OptimizerOptions,
  type OptimizerResult,
  readStart,
  runOptimizer,
  tfOracle,
  type UpdateRule,
} from './runOptimizer.js';

/** The gradient-descent update w <- w - eta g. */
export function gdRule(): UpdateRule {
  return {
    step(w, g, _t, lr) {
      for (let i = 0; i < w.length; i++) w[i]! -= lr * g[i]!;
    },
  };
}

/**
 * Full-batch gradient descent on a flat parameter vector: w_{t+1} = w_t - eta_t grad L(w_t).
 * Records the whole trajectory; the update is the one of `tf.train.sgd`.
 *
 * @param loss - w -> L(w), a tfjs scalar (gradients by tfjs autodiff).
 * @param w0 - the starting point (array or 1-D tensor; not modified).
 * @param options - `learningRate` (default 0.01), `steps` (default 100), `keepIterates`,
 *   `gradTolerance`, `onProgress`, `signal` (see {@link OptimizerOptions}).
 * @returns `{ w, losses, gradNorms, iterates?, steps, stoppedBy }` with losses[t] = L(w_t).
 * @example
 * ```ts
 * const A = tf.tensor2d([[3, 0], [0, 1]]);
 * const loss = (w: tf.Tensor1D) => tf.tidy(() => tf.mul(0.5, tf.dot(w, tf.dot(A, w))) as tf.Scalar);
 * const { losses } = await gd(loss, [1, 1], { learningRate: 1 / 3, steps: 50 });
 * ```
 */
export async function gd(
  loss: FlatLoss,
  w0: VectorLike,
  options: OptimizerOptions = {},
): Promise<OptimizerResult> {
  const w = readStart(loss, w0);
  return runOptimizer(tfOracle(loss), w, gdRule(), options, 0.01);
}
