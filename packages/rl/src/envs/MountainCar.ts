import { EnvBase, type ResetResult } from './Env.js';
import { Box, Discrete } from './spaces.js';

export interface MountainCarOptions {
  /** Episode limit. Default: 200 (MountainCar-v0). */
  maxEpisodeSteps?: number;
}

const MIN_POSITION = -1.2;
const MAX_POSITION = 0.6;
const MAX_SPEED = 0.07;
const GOAL_POSITION = 0.5;
const FORCE = 0.001;
const GRAVITY = 0.0025;

/**
 * gymnasium's MountainCar-v0 (Moore 1990): an under-powered car in a valley must rock back and forth
 * to reach the flag at x >= 0.5. Actions 0, 1, 2 push left, not at all, right. Dynamics:
 * v' = clip(v + (a - 1) 0.001 - 0.0025 cos(3x), -0.07, 0.07), x' = clip(x + v', -1.2, 0.6), with v' = 0
 * when the car hits the left wall. Reward -1 per step; truncated after 200 steps. Start: x uniform
 * in [-0.6, -0.4], v = 0.
 *
 * @example
 * ```ts
 * const env = new MountainCar();
 * env.reset({ seed: 0 });
 * env.step(2);
 * ```
 */
export class MountainCar extends EnvBase<Float32Array, number> {
  readonly id = 'MountainCar-v0';
  readonly actionSpace = new Discrete(3);
  readonly observationSpace = new Box([MIN_POSITION, -MAX_SPEED], [MAX_POSITION, MAX_SPEED]);
  /** The float64 state (position, velocity). */
  state: Float64Array = new Float64Array(2);

  constructor(options: MountainCarOptions = {}) {
    super(options.maxEpisodeSteps ?? 200);
  }

  protected resetState(): ResetResult<Float32Array> {
    this.state[0] = this.rng.uniform(-0.6, -0.4);
    this.state[1] = 0;
    return { observation: Float32Array.from(this.state), info: {} };
  }

  protected transition(action: number) {
    let position = this.state[0] as number;
    let velocity = this.state[1] as number;
    velocity += (action - 1) * FORCE + Math.cos(3 * position) * -GRAVITY;
    velocity = Math.min(Math.max(velocity, -MAX_SPEED), MAX_SPEED);
    position += velocity;
    position = Math.min(Math.max(position, MIN_POSITION), MAX_POSITION);
    if (position === MIN_POSITION && velocity < 0) velocity = 0;
    this.state[0] = position;
    this.state[1] = velocity;
    const terminated = position >= GOAL_POSITION && velocity >= 0;
    return { observation: Float32Array.from(this.state), reward: -1, terminated, info: {} };
  }
}
