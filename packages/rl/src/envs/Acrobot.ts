import { EnvBase, type ResetResult } from './Env.js';
import { Box, Discrete } from './spaces.js';

export interface AcrobotOptions {
  /** Episode limit. Default: 500 (Acrobot-v1). */
  maxEpisodeSteps?: number;
}

const DT = 0.2;
const L1 = 1;
const M1 = 1;
const M2 = 1;
const LC1 = 0.5;
const LC2 = 0.5;
const I1 = 1;
const I2 = 1;
const G = 9.8;
const MAX_VEL_1 = 4 * Math.PI;
const MAX_VEL_2 = 9 * Math.PI;
const TORQUES = [-1, 0, 1] as const;

/** Time derivative of (theta1, theta2, dtheta1, dtheta2) under torque `a` (the book's equations). */
function derivatives(s: ArrayLike<number>, a: number): [number, number, number, number] {
  const theta1 = s[0] as number;
  const theta2 = s[1] as number;
  const dtheta1 = s[2] as number;
  const dtheta2 = s[3] as number;
  const d1 = M1 * LC1 ** 2 + M2 * (L1 ** 2 + LC2 ** 2 + 2 * L1 * LC2 * Math.cos(theta2)) + I1 + I2;
  const d2 = M2 * (LC2 ** 2 + L1 * LC2 * Math.cos(theta2)) + I2;
  const phi2 = M2 * LC2 * G * Math.cos(theta1 + theta2 - Math.PI / 2);
  const phi1 =
    -M2 * L1 * LC2 * dtheta2 ** 2 * Math.sin(theta2) -
    2 * M2 * L1 * LC2 * dtheta2 * dtheta1 * Math.sin(theta2) +
    (M1 * LC1 + M2 * L1) * G * Math.cos(theta1 - Math.PI / 2) +
    phi2;
  const ddtheta2 =
    (a + (d2 / d1) * phi1 - M2 * L1 * LC2 * dtheta1 ** 2 * Math.sin(theta2) - phi2) /
    (M2 * LC2 ** 2 + I2 - d2 ** 2 / d1);
  const ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  return [dtheta1, dtheta2, ddtheta1, ddtheta2];
}

/** One classical Runge-Kutta (RK4) step of length `dt`. */
function rk4Step(s: Float64Array, a: number, dt: number): Float64Array {
  const k1 = derivatives(s, a);
  const y2 = s.map((v, i) => v + (dt / 2) * (k1[i] as number));
  const k2 = derivatives(y2, a);
  const y3 = s.map((v, i) => v + (dt / 2) * (k2[i] as number));
  const k3 = derivatives(y3, a);
  const y4 = s.map((v, i) => v + dt * (k3[i] as number));
  const k4 = derivatives(y4, a);
  return s.map(
    (v, i) =>
      v + (dt / 6) * ((k1[i] as number) + 2 * (k2[i] as number) + 2 * (k3[i] as number) + (k4[i] as number)),
  );
}

function wrap(x: number, lo: number, hi: number): number {
  const d = hi - lo;
  let y = x;
  while (y > hi) y -= d;
  while (y < lo) y += d;
  return y;
}

/**
 * gymnasium's Acrobot-v1 (Sutton 1996; Sutton and Barto's book dynamics): a two-link pendulum
 * actuated at the middle joint with torque -1, 0 or +1 (actions 0, 1, 2). One RK4 step of 0.2 s per
 * action; angles wrapped to [-pi, pi], velocities clipped to 4 pi and 9 pi. Terminates when the tip
 * rises above the bar, -cos(theta1) - cos(theta1 + theta2) > 1 (reward 0), else reward -1;
 * truncated after 500 steps. Observation (cos t1, sin t1, cos t2, sin t2, dt1, dt2). The start
 * state is uniform in [-0.1, 0.1]^4, rounded to float32 as gymnasium stores it.
 *
 * @example
 * ```ts
 * const env = new Acrobot();
 * env.reset({ seed: 0 });
 * env.step(2);
 * ```
 */
export class Acrobot extends EnvBase<Float32Array, number> {
  readonly id = 'Acrobot-v1';
  readonly actionSpace = new Discrete(3);
  readonly observationSpace = new Box(
    [-1, -1, -1, -1, -MAX_VEL_1, -MAX_VEL_2],
    [1, 1, 1, 1, MAX_VEL_1, MAX_VEL_2],
  );
  /** The float64 state (theta1, theta2, dtheta1, dtheta2). */
  state: Float64Array = new Float64Array(4);

  constructor(options: AcrobotOptions = {}) {
    super(options.maxEpisodeSteps ?? 500);
  }

  protected resetState(): ResetResult<Float32Array> {
    for (let i = 0; i < 4; i++) this.state[i] = Math.fround(this.rng.uniform(-0.1, 0.1));
    return { observation: this.observe(), info: {} };
  }

  protected transition(action: number) {
    const ns = rk4Step(this.state, TORQUES[action] as number, DT);
    ns[0] = wrap(ns[0] as number, -Math.PI, Math.PI);
    ns[1] = wrap(ns[1] as number, -Math.PI, Math.PI);
    ns[2] = Math.min(Math.max(ns[2] as number, -MAX_VEL_1), MAX_VEL_1);
    ns[3] = Math.min(Math.max(ns[3] as number, -MAX_VEL_2), MAX_VEL_2);
    this.state = ns;
    const terminated = -Math.cos(ns[0] as number) - Math.cos((ns[1] as number) + (ns[0] as number)) > 1;
    return { observation: this.observe(), reward: terminated ? 0 : -1, terminated, info: {} };
  }

  private observe(): Float32Array {
    const s = this.state;
    return Float32Array.of(
      Math.cos(s[0] as number),
      Math.sin(s[0] as number),
      Math.cos(s[1] as number),
      Math.sin(s[1] as number),
      s[2] as number,
      s[3] as number,
    );
  }
}
