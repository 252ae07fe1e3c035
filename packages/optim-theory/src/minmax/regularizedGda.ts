import { assertNonNegative, hvp } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { VectorLike } from '../linalg.js';
import { type GameFn, type GameOptions, type GameResult, runGame } from './runGame.js';

/** Options of {@link regularizedGda}. */
export interface RegularizedGdaOptions extends GameOptions {
  /** gamma, the weight of the correction -gamma H^T F. Default: 0.1. */
  gamma?: number;
}

/**
 * Regularised GDA (consensus optimisation, Mescheder, Nowozin and Geiger 2017): with the GDA field
 * F = (-grad_x f, grad_y f) and its Jacobian H (the game Jacobian), z_{t+1} = P(z_t + eta R F(z_t))
 * with R = I - gamma H^T. Since H^T F = grad_z (1/2) ||F||^2 = Hess f . grad f, the correction is one
 * exact Hessian-vector product (double backprop through the runtime's `hvp`). On f = x y it contracts
 * ||z||^2 by exactly (1 - eta gamma)^2 + eta^2 per step.
 *
 * @param options - `gamma` (0.1) and the options of {@link gda} (without `alternating`).
 * @returns `{ x, y, xs, ys, values, fieldNorms, steps, stoppedBy }`.
 * @example
 * ```ts
 * const run = regularizedGda((x, y) => tf.sum(tf.mul(x, y)), [1], [1], { learningRate: 0.1, gamma: 1 });
 * ```
 */
export function regularizedGda(
  f: GameFn,
  x0: VectorLike,
  y0: VectorLike,
  options: RegularizedGdaOptions = {},
): GameResult {
  const { gamma = 0.1 } = options;
  assertNonNegative('gamma', gamma);
  return runGame(f, x0, y0, options, (_oracle, x, y, at, etaX, etaY) => {
    const nx = x.length;
    const g = Float64Array.from([...at.gx, ...at.gy]);
    const Hg = tf.tidy(() => {
      const z = tf.tensor1d(Float32Array.from([...x, ...y]));
      const v = tf.tensor1d(Float32Array.from(g));
      const fz = (w: tf.Tensor1D) => f(tf.slice(w, 0, nx), tf.slice(w, nx)) as tf.Scalar;
      return hvp(fz, z, v);
    });
    const hg = Hg.dataSync();
    Hg.dispose();
    return {
      x: x.map((v, i) => v - etaX * (at.gx[i]! + gamma * hg[i]!)),
      y: y.map((v, i) => v + etaY * (at.gy[i]! - gamma * hg[nx + i]!)),
    };
  });
}
