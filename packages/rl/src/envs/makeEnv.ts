import { DlfError } from '@dlf/runtime';
import { Acrobot } from './Acrobot.js';
import { CartPole } from './CartPole.js';
import { CliffWalking } from './CliffWalking.js';
import type { Env } from './Env.js';
import { FrozenLake } from './FrozenLake.js';
import { MountainCar } from './MountainCar.js';
import { Pendulum } from './Pendulum.js';

/** The gymnasium ids `makeEnv` knows. */
export const ENV_IDS = [
  'CartPole-v1',
  'MountainCar-v0',
  'Acrobot-v1',
  'Pendulum-v1',
  'FrozenLake-v1',
  'FrozenLake8x8-v1',
  'CliffWalking-v0',
] as const;

export type EnvId = (typeof ENV_IDS)[number];

/**
 * Creates an environment by its gymnasium id, with gymnasium's registered time limit, as
 * `gymnasium.make(id)`. `options.isSlippery` is passed to FrozenLake.
 *
 * @example
 * ```ts
 * const env = makeEnv('CartPole-v1');
 * const { observation } = env.reset({ seed: 42 });
 * ```
 */
export function makeEnv(id: 'CartPole-v1'): CartPole;
export function makeEnv(id: 'MountainCar-v0'): MountainCar;
export function makeEnv(id: 'Acrobot-v1'): Acrobot;
export function makeEnv(id: 'Pendulum-v1'): Pendulum;
export function makeEnv(
  id: 'FrozenLake-v1' | 'FrozenLake8x8-v1',
  options?: { isSlippery?: boolean },
): FrozenLake;
export function makeEnv(id: 'CliffWalking-v0'): CliffWalking;
export function makeEnv(id: EnvId, options?: { isSlippery?: boolean }): Env;
export function makeEnv(id: EnvId, options: { isSlippery?: boolean } = {}): Env {
  switch (id) {
    case 'CartPole-v1':
      return new CartPole();
    case 'MountainCar-v0':
      return new MountainCar();
    case 'Acrobot-v1':
      return new Acrobot();
    case 'Pendulum-v1':
      return new Pendulum();
    case 'FrozenLake-v1':
      return new FrozenLake({ mapName: '4x4', ...options });
    case 'FrozenLake8x8-v1':
      return new FrozenLake({ mapName: '8x8', ...options });
    case 'CliffWalking-v0':
      return new CliffWalking();
    default:
      throw new DlfError(
        'INVALID_ARGUMENT',
        `id must be one of ${ENV_IDS.map((e) => `'${e}'`).join(', ')}, received ${JSON.stringify(id)}`,
        { param: 'id' },
      );
  }
}
