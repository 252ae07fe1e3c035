import { assertPositive } from '@dlf/runtime';
import { EnvBase, type ResetResult } from './Env.js';
import { Box } from './spaces.js';

export interface PendulumOptions {
  /** Gravity in m/s^2. Default: 10. */
  g?: number;
  /** Episode limit. Default: 200 (Pendulum-v1). */
  maxEpisodeSteps?: number;
}

const MAX_SPEED = 8;
const MAX_TORQUE = 2;
const DT = 0.05;
const M = 1;
const L = 1;

/** Angle wrapped to [-pi, pi), as gymnasium's `angle_normalize`. */
export function angleNormalize(x: number): number {
  const twoPi = 2 * Math.PI;
  return ((((x + Math.PI) % twoPi) + twoPi) % twoPi) - Math.PI;
}

/**
 * gymnasium's Pendulum-v1: swing a pendulum up and hold it with a torque u in [-2, 2] (clipped).
 * Dynamics (semi-implicit Euler, dt = 0.05): theta_dot' = clip(theta_dot + (3g/(2l) sin(theta) +
 * 3/(m l^2) u) dt, -8, 8), theta' = theta + theta_dot' dt. Reward -(angle^2 + 0.1 theta_dot^2 +
 * 0.001 u^2) with the angle wrapped to [-pi, pi); never terminates, truncated after 200 steps.
 * Observation (cos theta, sin theta, theta_dot); start theta ~ U[-pi, pi], theta_dot ~ U[-1, 1].
 *
 * @example
 * ```ts
 * const env = new Pendulum();
 * env.reset({ seed: 0 });
 * env.step([1.5]); // or env.step(1.5)
 * ```
 */
export class Pendulum extends EnvBase<Float32Array, number | ArrayLike<number>> {
  readonly id = 'Pendulum-v1';
  readonly actionSpace = new Box([-MAX_TORQUE], [MAX_TORQUE]);
  readonly observationSpace = new Box([-1, -1, -MAX_SPEED], [1, 1, MAX_SPEED]);
  readonly g: number;
  /** The float64 state (theta, theta_dot). */
  state: Float64Array = new Float64Array(2);

  constructor(options: PendulumOptions = {}) {
    super(options.maxEpisodeSteps ?? 200);
    this.g = options.g ?? 10;
    assertPositive('g', this.g);
  }

  protected resetState(): ResetResult<Float32Array> {
    this.state[0] = this.rng.uniform(-Math.PI, Math.PI);
    this.state[1] = this.rng.uniform(-1, 1);
    return { observation: this.observe(), info: {} };
  }

  protected transition(action: number | ArrayLike<number>) {
    const raw = typeof action === 'number' ? action : (action[0] as number);
    const u = Math.min(Math.max(raw, -MAX_TORQUE), MAX_TORQUE);
    const th = this.state[0] as number;
    const thDot = this.state[1] as number;
    const a = angleNormalize(th);
    const cost = a * a + 0.1 * thDot * thDot + 0.001 * u * u;
    let newThDot = thDot + (((3 * this.g) / (2 * L)) * Math.sin(th) + (3 / (M * L * L)) * u) * DT;
    newThDot = Math.min(Math.max(newThDot, -MAX_SPEED), MAX_SPEED);
    this.state[0] = th + newThDot * DT;
    this.state[1] = newThDot;
    return { observation: this.observe(), reward: -cost, terminated: false, info: {} };
  }

  private observe(): Float32Array {
    const th = this.state[0] as number;
    return Float32Array.of(Math.cos(th), Math.sin(th), this.state[1] as number);
  }
}
