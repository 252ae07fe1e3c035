import type { VectorLike } from '../linalg.js';
import { ascentDescent, type GameFn, type GameOptions, type GameResult, runGame } from './runGame.js';

/**
 * The extragradient method (Korpelevich 1976): an exploratory step z_{t+1/2} = P(z_t + eta F(z_t)),
 * then z_{t+1} = P(z_t + eta F(z_{t+1/2})), with F = (-grad_x f, grad_y f). On f = x y it contracts
 * ||z||^2 by exactly 1 - eta^2 + eta^4 per step.
 *
 * @param options - as {@link gda} (without `alternating`).
 * @returns `{ x, y, xs, ys, values, fieldNorms, steps, stoppedBy }` (values at the full steps).
 * @example
 * ```ts
 * const run = extragradient((x, y) => tf.sum(tf.mul(x, y)), [1], [1], { learningRate: 0.5, steps: 100 });
 * ```
 */
export function extragradient(
  f: GameFn,
  x0: VectorLike,
  y0: VectorLike,
  options: GameOptions = {},
): GameResult {
  return runGame(f, x0, y0, options, (oracle, x, y, at, etaX, etaY, project) => {
    const half = ascentDescent(x, y, at.gx, at.gy, etaX, etaY);
    project(half.x, half.y);
    const g = oracle(half.x, half.y);
    return ascentDescent(x, y, g.gx, g.gy, etaX, etaY);
  });
}
