import type { VectorLike } from '../linalg.js';
import { ascentDescent, type GameFn, type GameOptions, type GameResult, runGame } from './runGame.js';

/** Options of {@link gda}. */
export interface GdaOptions extends GameOptions {
  /** Update y after x, using the new x (Gauss-Seidel), instead of simultaneously (Jacobi). Default: false. */
  alternating?: boolean;
}

/**
 * Gradient descent-ascent on min_x max_y f(x, y): simultaneous
 * x_{t+1} = P_X(x_t - eta grad_x f(x_t, y_t)), y_{t+1} = P_Y(y_t + eta_y grad_y f(x_t, y_t)),
 * or alternating (y's step uses x_{t+1}). On f = x y simultaneous GDA spirals out, multiplying
 * ||(x, y)||^2 by exactly 1 + eta^2 per step.
 *
 * @param f - the game (x, y) -> scalar; `x0`, `y0` - starting points.
 * @param options - `learningRate` (0.1), `learningRateY`, `steps` (100), `alternating` (false),
 *   `projectX`, `projectY`, `keepIterates` (true), `onProgress`, `signal`.
 * @returns `{ x, y, xs, ys, values, fieldNorms, steps, stoppedBy }`.
 * @example
 * ```ts
 * const run = gda((x, y) => tf.sum(tf.mul(x, y)), [1], [1], { learningRate: 0.1, steps: 50 });
 * ```
 */
export function gda(f: GameFn, x0: VectorLike, y0: VectorLike, options: GdaOptions = {}): GameResult {
  const { alternating = false } = options;
  return runGame(f, x0, y0, options, (oracle, x, y, at, etaX, etaY, project) => {
    if (!alternating) return ascentDescent(x, y, at.gx, at.gy, etaX, etaY);
    const nx = x.map((v, i) => v - etaX * at.gx[i]!);
    const py = Float64Array.from(y);
    project(nx, py);
    const { gy } = oracle(nx, y);
    return { x: nx, y: y.map((v, i) => v + etaY * gy[i]!) };
  });
}
