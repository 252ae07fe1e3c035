import type { VectorLike } from '../linalg.js';
import { type GameFn, type GameOptions, type GameResult, runGame } from './runGame.js';

/**
 * Optimistic gradient descent-ascent (Popov 1980; Daskalakis et al. 2018):
 * z_{t+1} = P(z_t + 2 eta F(z_t) - eta F(z_{t-1})), with F = (-grad_x f, grad_y f) and F(z_{-1}) = F(z_0).
 * Converges linearly on bilinear games where plain GDA diverges.
 *
 * @param options - as {@link gda} (without `alternating`).
 * @returns `{ x, y, xs, ys, values, fieldNorms, steps, stoppedBy }`.
 * @example
 * ```ts
 * const run = ogda((x, y) => tf.sum(tf.mul(x, y)), [1], [1], { learningRate: 0.2, steps: 200 });
 * ```
 */
export function ogda(f: GameFn, x0: VectorLike, y0: VectorLike, options: GameOptions = {}): GameResult {
  let prev: { gx: Float64Array; gy: Float64Array } | undefined;
  return runGame(f, x0, y0, options, (_oracle, x, y, at, etaX, etaY) => {
    const p = prev ?? at;
    prev = { gx: at.gx, gy: at.gy };
    return {
      x: x.map((v, i) => v - etaX * (2 * at.gx[i]! - p.gx[i]!)),
      y: y.map((v, i) => v + etaY * (2 * at.gy[i]! - p.gy[i]!)),
    };
  });
}
