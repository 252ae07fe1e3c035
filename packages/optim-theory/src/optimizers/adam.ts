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

/** Options of {@link adam}. */
export interface AdamOptions extends OptimizerOptions {
  /** Decay of the first-moment average, in [0, 1). Default: 0.9. */
  beta1?: number;
  /** Decay of the second-moment average, in [0, 1). Default: 0.999. */
  beta2?: number;
  /** epsilon added to sqrt(v_hat). Default: 1e-7 (tfjs and Keras; PyTorch uses 1e-8). */
  epsilon?: number;
}

export function adamRule(beta1: number, beta2: number, eps: number, size: number): UpdateRule {
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  let steps = 0;
  return {
    step(w, g, t, lr) {
      steps = t + 1;
      const c1 = 1 - beta1 ** (t + 1);
      const c2 = 1 - beta2 ** (t + 1);
      for (let i = 0; i < w.length; i++) {
        const gi = g[i]!;
        m[i] = beta1 * m[i]! + (1 - beta1) * gi;
        v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi;
        w[i]! -= (lr * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + eps);
      }
    },
    preconditioner: () => v.map((vi) => 1 / (Math.sqrt(steps === 0 ? 0 : vi / (1 - beta2 ** steps)) + eps)),
  };
}

/**
 * Adam (Kingma and Ba 2015), as `tf.train.adam`: m_{t+1} = b1 m_t + (1 - b1) g_t,
 * v_{t+1} = b2 v_t + (1 - b2) g_t^2, w_{t+1} = w_t - eta m_hat / (sqrt(v_hat) + eps) with the bias
 * corrections m_hat = m_{t+1} / (1 - b1^{t+1}), v_hat = v_{t+1} / (1 - b2^{t+1}).
 *
 * @param options - `beta1` (0.9), `beta2` (0.999), `epsilon` (1e-7), `learningRate` (0.001),
 *   `steps` (100) and the common options.
 * @returns as {@link gd}.
 * @example
 * ```ts
 * const run = await adam(loss, w0, { learningRate: 0.01, steps: 500 });
 * ```
 */
export async function adam(
  loss: FlatLoss,
  w0: VectorLike,
  options: AdamOptions = {},
): Promise<OptimizerResult> {
  const { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7 } = options;
  assertInRange('beta1', beta1, 0, 1, { maxInclusive: false });
  assertInRange('beta2', beta2, 0, 1, { maxInclusive: false });
  assertPositive('epsilon', epsilon);
  const w = readStart(loss, w0);
  return runOptimizer(tfOracle(loss), w, adamRule(beta1, beta2, epsilon, w.length), options, 0.001);
}
