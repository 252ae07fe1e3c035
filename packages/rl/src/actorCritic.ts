import { assertInRange, assertInteger, assertPositive, toRng } from '@dlf/runtime';
import type { Env } from './envs/Env.js';
import {
  finishPolicyGradient,
  type PolicyGradientOptions,
  type PolicyGradientResult,
  tabularSizes,
} from './reinforce.js';
import { sampleAction, softmaxPolicy } from './softmaxPolicy.js';

export interface ActorCriticOptions extends Omit<PolicyGradientOptions, 'batchSize'> {
  /** Step size of the critic V(s) += criticLearningRate * delta. Default: 0.1. */
  criticLearningRate?: number;
}

/**
 * One-step actor-critic for a tabular softmax policy (Sutton and Barto 2018, section 13.5): the
 * critic learns V by TD(0), and its TD error delta = r + gamma V(s') - V(s) (an estimate of the
 * advantage) drives the actor: theta[s,.] += learningRate * gamma^t * delta * (e_a - pi(.|s)).
 *
 * @example
 * ```ts
 * const { probabilities, values } = actorCritic(new GridWorld(), { episodes: 2000, seed: 0 });
 * ```
 */
export function actorCritic(
  env: Env<number, number>,
  options: ActorCriticOptions = {},
): PolicyGradientResult {
  const {
    episodes = 1000,
    learningRate = 0.1,
    criticLearningRate = 0.1,
    gamma = 0.99,
    maxStepsPerEpisode = 10_000,
    onProgress,
    signal,
  } = options;
  const { S, A } = tabularSizes(env, 'actorCritic');
  assertInteger('episodes', episodes, { min: 1 });
  assertPositive('learningRate', learningRate);
  assertInRange('criticLearningRate', criticLearningRate, 0, 1);
  assertInRange('gamma', gamma, 0, 1);
  assertInteger('maxStepsPerEpisode', maxStepsPerEpisode, { min: 1 });
  const rng = toRng(options.seed);
  const theta = new Float64Array(S * A);
  const values = new Float64Array(S);
  const episodeReturns: number[] = [];
  const row = new Float64Array(A);
  let steps = 0;
  let aborted = false;
  for (let e = 0; e < episodes; e++) {
    if (signal?.aborted) {
      aborted = true;
      break;
    }
    let s = env.reset({ seed: rng.nextSeed() }).observation;
    let discount = 1;
    let total = 0;
    let length = 0;
    for (;;) {
      const probs = softmaxPolicy(theta.subarray(s * A, s * A + A), A);
      row.set(probs);
      const a = sampleAction(row, 0, A, rng);
      const r = env.step(a);
      const next = r.observation;
      const target = r.reward + (r.terminated ? 0 : gamma * (values[next] as number));
      const delta = target - (values[s] as number);
      values[s] = (values[s] as number) + criticLearningRate * delta;
      const w = learningRate * discount * delta;
      for (let b = 0; b < A; b++) theta[s * A + b] = (theta[s * A + b] as number) - w * (row[b] as number);
      theta[s * A + a] = (theta[s * A + a] as number) + w;
      total += r.reward;
      length++;
      steps++;
      discount *= gamma;
      if (r.terminated || r.truncated || length >= maxStepsPerEpisode) break;
      s = next;
    }
    episodeReturns.push(total);
    onProgress?.({ episode: e + 1, episodeReturn: total, length });
  }
  return finishPolicyGradient(theta, A, values, episodeReturns, steps, aborted);
}
