import {
  assertInRange,
  assertInteger,
  assertPositive,
  DlfError,
  type Rng,
  type SeedLike,
  toRng,
} from '@dlf/runtime';
import type { Env } from './envs/Env.js';
import { sampleAction, softmaxPolicy } from './softmaxPolicy.js';
import type { EpisodeProgress } from './tdControl.js';

/** One episode: states s_0..s_{T-1}, actions a_0..a_{T-1}, rewards r_0..r_{T-1}. */
export interface Trajectory {
  states: number[];
  actions: number[];
  rewards: number[];
  /** Whether it ended in a terminal state (false: truncated). */
  terminated: boolean;
}

export interface ReinforceGradientOptions {
  /** Discount gamma in [0, 1]. Default: 0.99. */
  gamma?: number;
  /** Weight each score by the discounted reward-to-go gamma^t G_t instead of the whole return G_0. Default: true. */
  rewardToGo?: boolean;
  /** State-value baseline b(s) (length numStates), subtracted as gamma^t b(s_t). Default: none. */
  baseline?: ArrayLike<number>;
}

/**
 * The REINFORCE estimate (Williams 1992) of the policy gradient of a tabular softmax policy from
 * sampled episodes, averaged over them:
 * `g = mean_i sum_t grad log pi(a_t|s_t) (R_t - gamma^t b(s_t))`, with R_t = G_0 (vanilla) or
 * gamma^t G_t (reward-to-go), and grad_theta[s,.] log pi(a|s) = e_a - pi(.|s). Unbiased for
 * dJ/dtheta for every choice of options (episodes must end in terminal states).
 *
 * @example
 * ```ts
 * const g = reinforceGradient(trajectories, theta, 4, { rewardToGo: true, baseline: values });
 * ```
 */
export function reinforceGradient(
  trajectories: readonly Trajectory[],
  theta: ArrayLike<number>,
  numActions: number,
  options: ReinforceGradientOptions = {},
): Float64Array {
  const { gamma = 0.99, rewardToGo = true, baseline } = options;
  assertInRange('gamma', gamma, 0, 1);
  if (trajectories.length === 0) {
    throw new DlfError('INVALID_ARGUMENT', 'trajectories must hold at least one episode, received none', {
      param: 'trajectories',
    });
  }
  const pi = softmaxPolicy(theta, numActions);
  const g = new Float64Array(theta.length);
  for (const tr of trajectories)
    accumulateEpisode(g, tr, pi, numActions, gamma, rewardToGo, baseline, 1 / trajectories.length);
  return g;
}

/** @internal Adds scale * (one episode's estimate) to g. */
export function accumulateEpisode(
  g: Float64Array,
  tr: Trajectory,
  pi: Float64Array,
  A: number,
  gamma: number,
  rewardToGo: boolean,
  baseline: ArrayLike<number> | undefined,
  scale: number,
): void {
  const T = tr.rewards.length;
  const togo = discountedReturnsToGo(tr.rewards, gamma);
  const g0 = togo[0] ?? 0;
  let discount = 1;
  for (let t = 0; t < T; t++) {
    const s = tr.states[t] as number;
    const a = tr.actions[t] as number;
    const weight =
      (rewardToGo ? discount * (togo[t] as number) : g0) -
      (baseline ? discount * (baseline[s] as number) : 0);
    const w = scale * weight;
    for (let b = 0; b < A; b++) g[s * A + b] = (g[s * A + b] as number) - w * (pi[s * A + b] as number);
    g[s * A + a] = (g[s * A + a] as number) + w;
    discount *= gamma;
  }
}

/** @internal G_t = sum_{k >= t} gamma^{k - t} r_k. */
export function discountedReturnsToGo(rewards: readonly number[], gamma: number): Float64Array {
  const out = new Float64Array(rewards.length);
  let acc = 0;
  for (let t = rewards.length - 1; t >= 0; t--) {
    acc = (rewards[t] as number) + gamma * acc;
    out[t] = acc;
  }
  return out;
}

/** @internal Runs one episode of a tabular policy table. */
export function collectEpisode(
  env: Env<number, number>,
  pi: Float64Array,
  A: number,
  rng: Rng,
  maxSteps: number,
): Trajectory {
  const tr: Trajectory = { states: [], actions: [], rewards: [], terminated: false };
  let s = env.reset({ seed: rng.nextSeed() }).observation;
  for (let t = 0; t < maxSteps; t++) {
    const a = sampleAction(pi, s, A, rng);
    const r = env.step(a);
    tr.states.push(s);
    tr.actions.push(a);
    tr.rewards.push(r.reward);
    s = r.observation;
    if (r.terminated || r.truncated) {
      tr.terminated = r.terminated;
      break;
    }
  }
  return tr;
}

/**
 * @internal Runs `count` episodes of the policy table `pi`, reporting each to `onProgress`
 * (episodes numbered from `firstEpisode + 1`).
 */
export function collectBatch(
  env: Env<number, number>,
  pi: Float64Array,
  A: number,
  rng: Rng,
  maxSteps: number,
  count: number,
  firstEpisode: number,
  onProgress: ((progress: EpisodeProgress) => void) | undefined,
): Trajectory[] {
  const batch: Trajectory[] = [];
  for (let i = 0; i < count; i++) {
    const tr = collectEpisode(env, pi, A, rng, maxSteps);
    batch.push(tr);
    const episodeReturn = tr.rewards.reduce((x, y) => x + y, 0);
    onProgress?.({ episode: firstEpisode + i + 1, episodeReturn, length: tr.rewards.length });
  }
  return batch;
}

/** @internal Moves the state values toward the observed discounted returns-to-go (Monte Carlo baseline). */
export function updateBaseline(
  values: Float64Array,
  batch: readonly Trajectory[],
  gamma: number,
  learningRate: number,
): void {
  for (const tr of batch) {
    const togo = discountedReturnsToGo(tr.rewards, gamma);
    for (let t = 0; t < tr.states.length; t++) {
      const s = tr.states[t] as number;
      values[s] = (values[s] as number) + learningRate * ((togo[t] as number) - (values[s] as number));
    }
  }
}

/** @internal Checks a tabular env and returns its sizes. */
export function tabularSizes(env: Env<number, number>, name: string): { S: number; A: number } {
  if (env?.observationSpace?.type !== 'discrete' || env.actionSpace?.type !== 'discrete') {
    throw new DlfError(
      'UNSUPPORTED',
      `${name} (tabular softmax) needs discrete observations and actions, received ${env?.id ?? String(env)}`,
      { param: 'env' },
    );
  }
  return { S: env.observationSpace.n, A: env.actionSpace.n };
}

export interface PolicyGradientOptions {
  /** Episodes to run in total. Default: 1000. */
  episodes?: number;
  /** Episodes per gradient step. Default: 10. */
  batchSize?: number;
  /** Step size of gradient ascent on theta. Default: 0.1. */
  learningRate?: number;
  /** Discount. Default: 0.99. */
  gamma?: number;
  /** Step cap per episode for environments without a time limit. Default: 10000. */
  maxStepsPerEpisode?: number;
  seed?: SeedLike;
  onProgress?: (progress: EpisodeProgress) => void;
  /** Stops after the current batch; the result comes back with `aborted: true`. */
  signal?: AbortSignal;
}

export interface ReinforceOptions extends PolicyGradientOptions {
  /** Use reward-to-go weights. Default: true. */
  rewardToGo?: boolean;
  /** Subtract a learned state-value baseline (Monte Carlo regression on returns-to-go). Default: true. */
  baseline?: boolean;
  /** Step size of the baseline's update V(s) += lr (G_t - V(s)). Default: 0.1. */
  baselineLearningRate?: number;
}

export interface PolicyGradientResult {
  /** Final softmax parameters theta, flat (numStates * numActions). */
  theta: Float64Array;
  /** The policy pi(a|s) = softmax(theta[s]), flat. */
  probabilities: Float64Array;
  /** Greedy actions of the policy (its mode in each state). */
  policy: Int32Array;
  /** Learned state values (baseline or critic), when the method has them. */
  values?: Float64Array;
  episodeReturns: number[];
  steps: number;
  aborted: boolean;
}

/**
 * REINFORCE (Williams 1992) for a tabular softmax policy: batches of episodes, gradient ascent
 * `theta += learningRate * g` with the estimate of `reinforceGradient` (optionally reward-to-go and
 * a learned state-value baseline: the four classic variants).
 *
 * @example
 * ```ts
 * const { probabilities, episodeReturns } = reinforce(new GridWorld(), { episodes: 2000, seed: 0 });
 * ```
 */
export function reinforce(env: Env<number, number>, options: ReinforceOptions = {}): PolicyGradientResult {
  const {
    episodes = 1000,
    batchSize = 10,
    learningRate = 0.1,
    gamma = 0.99,
    maxStepsPerEpisode = 10_000,
    rewardToGo = true,
    baseline = true,
    baselineLearningRate = 0.1,
    onProgress,
    signal,
  } = options;
  const { S, A } = tabularSizes(env, 'reinforce');
  assertInteger('episodes', episodes, { min: 1 });
  assertInteger('batchSize', batchSize, { min: 1 });
  assertPositive('learningRate', learningRate);
  assertInRange('gamma', gamma, 0, 1);
  assertInRange('baselineLearningRate', baselineLearningRate, 0, 1);
  assertInteger('maxStepsPerEpisode', maxStepsPerEpisode, { min: 1 });
  const rng = toRng(options.seed);
  const theta = new Float64Array(S * A);
  const values = new Float64Array(S);
  const episodeReturns: number[] = [];
  let steps = 0;
  let aborted = false;
  let done = 0;
  while (done < episodes) {
    if (signal?.aborted) {
      aborted = true;
      break;
    }
    const pi = softmaxPolicy(theta, A);
    const batch = collectBatch(
      env,
      pi,
      A,
      rng,
      maxStepsPerEpisode,
      Math.min(batchSize, episodes - done),
      done,
      onProgress,
    );
    done += batch.length;
    for (const tr of batch) {
      episodeReturns.push(tr.rewards.reduce((x, y) => x + y, 0));
      steps += tr.rewards.length;
    }
    const g = new Float64Array(S * A);
    for (const tr of batch)
      accumulateEpisode(g, tr, pi, A, gamma, rewardToGo, baseline ? values : undefined, 1 / batch.length);
    for (let i = 0; i < theta.length; i++) theta[i] = (theta[i] as number) + learningRate * (g[i] as number);
    if (baseline) updateBaseline(values, batch, gamma, baselineLearningRate);
  }
  return finishPolicyGradient(theta, A, baseline ? values : undefined, episodeReturns, steps, aborted);
}

/** @internal Packs a tabular policy-gradient result. */
export function finishPolicyGradient(
  theta: Float64Array,
  A: number,
  values: Float64Array | undefined,
  episodeReturns: number[],
  steps: number,
  aborted: boolean,
): PolicyGradientResult {
  const probabilities = softmaxPolicy(theta, A);
  const S = theta.length / A;
  const policy = new Int32Array(S);
  for (let s = 0; s < S; s++) {
    let best = 0;
    for (let a = 1; a < A; a++)
      if ((probabilities[s * A + a] as number) > (probabilities[s * A + best] as number)) best = a;
    policy[s] = best;
  }
  return { theta, probabilities, policy, ...(values ? { values } : {}), episodeReturns, steps, aborted };
}
