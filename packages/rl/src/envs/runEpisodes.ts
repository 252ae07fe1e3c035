import { assertInteger, type Rng, type SeedLike, throwIfAborted, toRng } from '@dlf/runtime';
import type { Env } from './Env.js';

/** A policy for an environment: observation -> action (may use the generator for randomness). */
export type EnvPolicy<Obs, Act> = (observation: Obs, rng: Rng) => Act;

export interface RunEpisodesOptions {
  /** Number of episodes. Default: 10. */
  episodes?: number;
  /** Seeds the episodes' resets (episode i uses a seed drawn from this stream) and the policy's rng. */
  seed?: SeedLike;
  /** Safety cap on steps per episode for environments without a time limit. Default: 100000. */
  maxSteps?: number;
  signal?: AbortSignal;
}

export interface RunEpisodesResult {
  /** Undiscounted return of each episode. */
  returns: number[];
  /** Steps of each episode. */
  lengths: number[];
  meanReturn: number;
  /** Standard deviation of the returns (population). */
  stdReturn: number;
}

/**
 * Runs a policy for whole episodes and reports the undiscounted returns (as Stable-Baselines3's
 * `evaluate_policy`). Episodes end on `terminated` or `truncated`.
 *
 * @example
 * ```ts
 * const { meanReturn } = runEpisodes(makeEnv('CartPole-v1'), (obs) => (obs[2] > 0 ? 1 : 0), { episodes: 100 });
 * ```
 */
export function runEpisodes<Obs, Act>(
  env: Env<Obs, Act>,
  policy: EnvPolicy<Obs, Act>,
  options: RunEpisodesOptions = {},
): RunEpisodesResult {
  const { episodes = 10, maxSteps = 100_000, signal } = options;
  assertInteger('episodes', episodes, { min: 1 });
  assertInteger('maxSteps', maxSteps, { min: 1 });
  const rng = toRng(options.seed);
  const returns: number[] = [];
  const lengths: number[] = [];
  for (let e = 0; e < episodes; e++) {
    throwIfAborted(signal, 'runEpisodes');
    let { observation } = env.reset({ seed: rng.nextSeed() });
    let total = 0;
    let steps = 0;
    while (steps < maxSteps) {
      const step = env.step(policy(observation, rng));
      total += step.reward;
      steps++;
      observation = step.observation;
      if (step.terminated || step.truncated) break;
    }
    returns.push(total);
    lengths.push(steps);
  }
  const meanReturn = returns.reduce((a, b) => a + b, 0) / episodes;
  const stdReturn = Math.sqrt(returns.reduce((a, b) => a + (b - meanReturn) ** 2, 0) / episodes);
  return { returns, lengths, meanReturn, stdReturn };
}
