import { assertInRange, assertInteger, DlfError, type Rng, type SeedLike, toRng } from '@dlf/runtime';
import type { Env } from './envs/Env.js';
import { argmaxRows } from './greedyPolicy.js';
import { type Schedule, scheduleValue } from './schedules.js';

/** Per-episode progress of a learner. */
export interface EpisodeProgress {
  /** Episodes finished (1-based). */
  episode: number;
  /** Undiscounted return of the episode. */
  episodeReturn: number;
  /** Steps in the episode. */
  length: number;
  /** Exploration rate used in the episode (epsilon-greedy learners). */
  epsilon?: number;
  /** Mean loss over the episode's updates (deep learners). */
  loss?: number;
}

export interface TabularControlOptions {
  /** Episodes to run. Default: 500. */
  episodes?: number;
  /** Discount factor in [0, 1]. Default: 0.99. */
  gamma?: number;
  /**
   * Step size: a constant, or a function of n, the number of updates of the pair (s, a) so far
   * including this one (e.g. `(n) => 1 / n ** 0.7`, which meets the Robbins-Monro conditions).
   * Default: 0.1.
   */
  alpha?: Schedule;
  /** Exploration rate of the epsilon-greedy behaviour policy, constant or a function of the episode index (0-based). Default: 0.1. */
  epsilon?: Schedule;
  /** Initial value of every Q(s, a). Default: 0. */
  initialQ?: number;
  /** Step cap per episode for environments without a time limit. Default: 10000. */
  maxStepsPerEpisode?: number;
  seed?: SeedLike;
  onProgress?: (progress: EpisodeProgress) => void;
  /** Stops after the current episode; the result is returned with `aborted: true`. */
  signal?: AbortSignal;
}

export interface TabularControlResult {
  /** Learned Q(s, a), flat at `s * numActions + a`. */
  q: Float64Array;
  /** Greedy policy of `q` (one action per state). */
  policy: Int32Array;
  /** Undiscounted return of every episode. */
  episodeReturns: number[];
  episodeLengths: number[];
  /** Environment steps taken. */
  steps: number;
  /** Updates of each pair (s, a), flat. */
  visits: Int32Array;
  aborted: boolean;
}

/** @internal The rule that turns (r, s', a', done) into a TD target. */
export type TdTarget = (args: {
  q: Float64Array;
  reward: number;
  next: number;
  nextAction: number;
  terminated: boolean;
  gamma: number;
  epsilon: number;
  numActions: number;
}) => number;

/** @internal Epsilon-greedy action with uniform tie-breaking among greedy actions. */
export function epsilonGreedy(q: Float64Array, s: number, A: number, epsilon: number, rng: Rng): number {
  if (rng.random() < epsilon) return rng.int(0, A);
  let best = Number.NEGATIVE_INFINITY;
  let count = 0;
  let choice = 0;
  for (let a = 0; a < A; a++) {
    const v = q[s * A + a] as number;
    if (v > best) {
      best = v;
      count = 1;
      choice = a;
    } else if (v === best) {
      count++;
      if (rng.int(0, count) === 0) choice = a;
    }
  }
  return choice;
}

/** @internal Shared loop of Q-learning, SARSA and expected SARSA. */
export function runTdControl(
  env: Env<number, number>,
  options: TabularControlOptions,
  target: TdTarget,
  name: string,
): TabularControlResult {
  const {
    episodes = 500,
    gamma = 0.99,
    alpha = 0.1,
    epsilon = 0.1,
    initialQ = 0,
    maxStepsPerEpisode = 10_000,
    onProgress,
    signal,
  } = options;
  if (env?.observationSpace?.type !== 'discrete' || env.actionSpace?.type !== 'discrete') {
    throw new DlfError(
      'UNSUPPORTED',
      `${name} needs an environment with discrete observations and actions (a tabular env), received ${env?.id ?? String(env)}`,
      { param: 'env' },
    );
  }
  assertInteger('episodes', episodes, { min: 1 });
  assertInRange('gamma', gamma, 0, 1);
  assertInRange('initialQ', initialQ, -Number.MAX_VALUE, Number.MAX_VALUE);
  assertInteger('maxStepsPerEpisode', maxStepsPerEpisode, { min: 1 });
  const rng = toRng(options.seed);
  const S = env.observationSpace.n;
  const A = env.actionSpace.n;
  const q = new Float64Array(S * A).fill(initialQ);
  const visits = new Int32Array(S * A);
  const episodeReturns: number[] = [];
  const episodeLengths: number[] = [];
  let steps = 0;
  let aborted = false;
  for (let e = 0; e < episodes; e++) {
    if (signal?.aborted) {
      aborted = true;
      break;
    }
    const eps = scheduleValue('epsilon', epsilon, e, 0, 1);
    let s = env.reset({ seed: rng.nextSeed() }).observation;
    let a = epsilonGreedy(q, s, A, eps, rng);
    let total = 0;
    let length = 0;
    for (;;) {
      const { observation: next, reward, terminated, truncated } = env.step(a);
      const nextAction = epsilonGreedy(q, next, A, eps, rng);
      const sa = s * A + a;
      const n = ++visits[sa]!;
      const lr = scheduleValue('alpha', alpha, n, 0, 1);
      const y = target({ q, reward, next, nextAction, terminated, gamma, epsilon: eps, numActions: A });
      q[sa] = (q[sa] as number) + lr * (y - (q[sa] as number));
      total += reward;
      length++;
      steps++;
      if (terminated || truncated || length >= maxStepsPerEpisode) break;
      s = next;
      a = nextAction;
    }
    episodeReturns.push(total);
    episodeLengths.push(length);
    onProgress?.({ episode: e + 1, episodeReturn: total, length, epsilon: eps });
  }
  return { q, policy: argmaxRows(q, S, A), episodeReturns, episodeLengths, steps, visits, aborted };
}

/** @internal max_a Q(s, a). */
export function maxQ(q: Float64Array, s: number, A: number): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let a = 0; a < A; a++) m = Math.max(m, q[s * A + a] as number);
  return m;
}
