import { assertInRange, assertPositive } from '@dlf/runtime';
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

/** Options of {@link rmsprop}. */
export interface RmspropOptions extends OptimizerOptions {
  /** Decay rho of the running mean of g^2, in [0, 1). Default: 0.9. */
  decay?: number;
  /** Momentum mu on the scaled step, in [0, 1). Default: 0. */
  momentum?: number;
  /** epsilon, added inside the square root as tf.train.rmsprop does. Default: 1e-7. */
  epsilon?: number;
}

export function rmspropRule(rho: number, mu: number, eps: number, size: number): UpdateRule {
  const s = new Float64Array(size);
  const m = new Float64Array(size);
  return {
    step(w, g, _t, lr) {
      for (let i = 0; i < w.length; i++) {
        const gi = g[i]!;
        s[i] = rho * s[i]! + (1 - rho) * gi * gi;
        m[i] = mu * m[i]! + (lr * gi) / Math.sqrt(s[i]! + eps);
        w[i]! -= m[i]!;
      }
    },
  };
}

/**
 * RMSProp (Tieleman and Hinton 2012) in the form of `tf.train.rmsprop`:
 * s_{t+1} = rho s_t + (1 - rho) g_t^2, m_{t+1} = mu m_t + eta g_t / sqrt(s_{t+1} + eps),
 * w_{t+1} = w_t - m_{t+1} (elementwise).
 *
 * @param options - `decay` rho (0.9), `momentum` mu (0), `epsilon` (1e-7), `learningRate` (0.001),
 *   `steps` (100) and the common options.
 * @returns as {@link gd}.
 * @example
 * ```ts
 * const run = await rmsprop(loss, w0, { learningRate: 0.01, steps: 200 });
 * ```
 */
export async function rmsprop(
  loss: FlatLoss,
  w0: VectorLike,
  options: RmspropOptions = {},
): Promise<OptimizerResult> {
  const { decay = 0.9, momentum = 0, epsilon = 1e-7 } = options;
  assertInRange('decay', decay, 0, 1, { maxInclusive: false });
  assertInRange('momentum', momentum, 0, 1, { maxInclusive: false });
  assertPositive('epsilon', epsilon);
  const w = readStart(loss, w0);
  return runOptimizer(tfOracle(loss), w, rmspropRule(decay, momentum, epsilon, w.length), options, 0.001);
}
