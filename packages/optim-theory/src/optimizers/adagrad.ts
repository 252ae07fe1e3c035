import { assertNonNegative, assertPositive } from '@dlf/runtime';
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

/** Options of {@link adagrad}. */
export interface AdagradOptions extends OptimizerOptions {
  /** G_0, the starting value of the accumulated squared gradients. Default: 0.1 (as tf.train.adagrad). */
  initialAccumulatorValue?: number;
  /** epsilon, added inside the square root as tf.train.adagrad does. Default: 1e-7. */
  epsilon?: number;
}

export function adagradRule(g0: number, eps: number, size: number): UpdateRule {
  const G = new Float64Array(size).fill(g0);
  return {
    step(w, g, _t, lr) {
      for (let i = 0; i < w.length; i++) {
        const gi = g[i]!;
        G[i]! += gi * gi;
        w[i]! -= (lr * gi) / Math.sqrt(G[i]! + eps);
      }
    },
    preconditioner: () => G.map((v) => 1 / Math.sqrt(v + eps)),
  };
}

/**
 * AdaGrad (Duchi, Hazan and Singer 2011), diagonal, as `tf.train.adagrad`:
 * G_{t+1} = G_t + g_t^2, w_{t+1} = w_t - eta g_t / sqrt(G_{t+1} + eps) (elementwise).
 *
 * @param options - `initialAccumulatorValue` (0.1), `epsilon` (1e-7), `learningRate` (0.01),
 *   `steps` (100) and the common options.
 * @returns as {@link gd}.
 * @example
 * ```ts
 * const run = await adagrad(loss, w0, { learningRate: 0.1, steps: 200 });
 * ```
 */
export async function adagrad(
  loss: FlatLoss,
  w0: VectorLike,
  options: AdagradOptions = {},
): Promise<OptimizerResult> {
  const { initialAccumulatorValue = 0.1, epsilon = 1e-7 } = options;
  assertNonNegative('initialAccumulatorValue', initialAccumulatorValue);
  assertPositive('epsilon', epsilon);
  const w = readStart(loss, w0);
  return runOptimizer(
    tfOracle(loss),
    w,
    adagradRule(initialAccumulatorValue, epsilon, w.length),
    options,
    0.01,
  );
}
