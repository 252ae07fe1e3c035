import { EnvBase, type ResetResult } from './Env.js';
import { Box, Discrete } from './spaces.js';

export interface CartPoleOptions {
  /** Episode limit. Default: 500 (CartPole-v1). */
  maxEpisodeSteps?: number;
}

const GRAVITY = 9.8;
const MASS_CART = 1.0;
const MASS_POLE = 0.1;
const TOTAL_MASS = MASS_CART + MASS_POLE;
const HALF_LENGTH = 0.5;
const POLE_MASS_LENGTH = MASS_POLE * HALF_LENGTH;
const FORCE = 10.0;
const TAU = 0.02;
const THETA_LIMIT = (12 * 2 * Math.PI) / 360;
const X_LIMIT = 2.4;
const F32_MAX = 3.4028234663852886e38;

/**
 * gymnasium's CartPole-v1 (Barto, Sutton and Anderson 1983): push a cart left (0) or right (1)
 * with 10 N to balance a pole. State (x, x_dot, theta, theta_dot), explicit Euler steps of 0.02 s of
 * the equations of Florian (2007) as gymnasium integrates them. Reward +1 per step including the
 * last; terminated when |x| > 2.4 or |theta| > 12 degrees; truncated after 500 steps. The start
 * state is uniform in [-0.05, 0.05]^4. Observations are `Float32Array`s (the state is float64).
 *
 * @example
 * ```ts
 * const env = new CartPole();
 * let { observation } = env.reset({ seed: 0 });
 * const { reward, terminated } = env.step(observation[2] > 0 ? 1 : 0);
 * ```
 */
export class CartPole extends EnvBase<Float32Array, number> {
  readonly id = 'CartPole-v1';
  readonly actionSpace = new Discrete(2);
  readonly observationSpace = new Box(
    [-2 * X_LIMIT, -F32_MAX, -2 * THETA_LIMIT, -F32_MAX],
    [2 * X_LIMIT, F32_MAX, 2 * THETA_LIMIT, F32_MAX],
  );
  /** The float64 state (x, x_dot, theta, theta_dot). */
  state: Float64Array = new Float64Array(4);

  constructor(options: CartPoleOptions = {}) {
    super(options.maxEpisodeSteps ?? 500);
  }

  protected resetState(): ResetResult<Float32Array> {
    for (let i = 0; i < 4; i++) this.state[i] = this.rng.uniform(-0.05, 0.05);
    return { observation: Float32Array.from(this.state), info: {} };
  }

  protected transition(action: number) {
    const s = this.state;
    const [x, xDot, theta, thetaDot] = [s[0] as number, s[1] as number, s[2] as number, s[3] as number];
    const force = action === 1 ? FORCE : -FORCE;
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
    const temp = (force + POLE_MASS_LENGTH * thetaDot * thetaDot * sin) / TOTAL_MASS;
    const thetaAcc =
      (GRAVITY * sin - cos * temp) / (HALF_LENGTH * (4 / 3 - (MASS_POLE * cos * cos) / TOTAL_MASS));
    const xAcc = temp - (POLE_MASS_LENGTH * thetaAcc * cos) / TOTAL_MASS;
    s[0] = x + TAU * xDot;
    s[1] = xDot + TAU * xAcc;
    s[2] = theta + TAU * thetaDot;
    s[3] = thetaDot + TAU * thetaAcc;
    const terminated =
      (s[0] as number) < -X_LIMIT ||
      (s[0] as number) > X_LIMIT ||
      (s[2] as number) < -THETA_LIMIT ||
      (s[2] as number) > THETA_LIMIT;
    return { observation: Float32Array.from(s), reward: 1, terminated, info: {} };
  }
}
