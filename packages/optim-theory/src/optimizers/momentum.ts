import { assertInRange } from '@dlf/runtime';
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

/** Options of {@link momentum}. */
export interface MomentumOptions extends OptimizerOptions {
  /** Momentum coefficient beta in [0, 1). Default: 0.9. */
  momentum?: number;
  /** Nesterov's look-ahead variant instead of heavy-ball. Default: false. */
  nesterov?: boolean;
}

export function momentumRule(beta: number, nesterov: boolean, size: number): UpdateRule {
  const v = new Float64Array(size);
  return {
    step(w, g, _t, lr) {
      for (let i = 0; i < w.length; i++) {
        const vi = beta * v[i]! + g[i]!;
        v[i] = vi;
        w[i]! -= nesterov ? lr * (g[i]! + beta * vi) : lr * vi;
      }
    },
  };
}

/**
 * Gradient descent with momentum, in the form of `tf.train.momentum` (and PyTorch):
 * v_{t+1} = beta v_t + g_t, then heavy-ball w_{t+1} = w_t - eta v_{t+1} (equivalently
 * w_{t+1} = w_t - eta g_t + beta (w_t - w_{t-1}), Polyak 1964) or Nesterov
 * w_{t+1} = w_t - eta (g_t + beta v_{t+1}) (Sutskever et al. 2013's form of Nesterov 1983).
 *
 * @param options - `momentum` beta (default 0.9), `nesterov` (default false), `learningRate`
 *   (default 0.01), `steps` (100) and the common options.
 * @returns as {@link gd}.
 * @example
 * ```ts
 * const run = await momentum(loss, w0, { learningRate: 0.1, momentum: 0.5, nesterov: true, steps: 100 });
 * console.log(run.losses.at(-1));
 * ```
 */
export async function momentum(
  loss: FlatLoss,
  w0: VectorLike,
  options: MomentumOptions = {},
): Promise<OptimizerResult> {
  const { momentum: beta = 0.9, nesterov = false } = options;
  assertInRange('momentum', beta, 0, 1, { maxInclusive: false });
  const w = readStart(loss, w0);
  return runOptimizer(tfOracle(loss), w, momentumRule(beta, nesterov, w.length), options, 0.01);
}
