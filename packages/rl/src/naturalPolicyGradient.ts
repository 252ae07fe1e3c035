import {
  assertInRange,
  assertInteger,
  assertNonNegative,
  assertPositive,
  type Rng,
  toRng,
} from '@dlf/runtime';
import type { Env } from './envs/Env.js';
import { solveLinearSystem } from './linearSolve.js';
import {
  accumulateEpisode,
  collectBatch,
  finishPolicyGradient,
  type PolicyGradientOptions,
  type PolicyGradientResult,
  type Trajectory,
  tabularSizes,
  updateBaseline,
} from './reinforce.js';
import { softmaxPolicy } from './softmaxPolicy.js';

export interface NaturalGradientEstimate {
  /** The vanilla gradient estimate g (reward-to-go, with the given baseline), flat. */
  gradient: Float64Array;
  /** The natural gradient w = (F + damping I)^{-1} g, flat; per state it is A^pi(s, .) up to a constant. */
  naturalGradient: Float64Array;
  /** The sampled Fisher matrix's diagonal blocks F_s (A x A each, row-major), concatenated. */
  fisherBlocks: Float64Array;
}

/**
 * Sample estimate of the natural policy gradient (Kakade 2001) of a tabular softmax policy:
 * Fisher `F = mean_i sum_t gamma^t psi_t psi_t^T` with psi_t = grad log pi(a_t|s_t) (block
 * diagonal by state, solved block by block), gradient g as in `reinforceGradient` (reward-to-go),
 * and `w = (F + damping I)^{-1} g`. For softmax policies w(s, .) -> A^pi(s, .) (plus a per-state
 * constant): the natural gradient does not depend on how often a state is visited.
 *
 * @example
 * ```ts
 * const { naturalGradient } = estimateNaturalGradient(trajectories, theta, 4, { gamma: 0.9 });
 * ```
 */
export function estimateNaturalGradient(
  trajectories: readonly Trajectory[],
  theta: ArrayLike<number>,
  numActions: number,
  options: { gamma?: number; damping?: number; baseline?: ArrayLike<number> } = {},
): NaturalGradientEstimate {
  const { gamma = 0.99, damping = 1e-3, baseline } = options;
  assertInRange('gamma', gamma, 0, 1);
  assertNonNegative('damping', damping);
  const A = numActions;
  const pi = softmaxPolicy(theta, A);
  const S = theta.length / A;
  const gradient = new Float64Array(theta.length);
  const fisherBlocks = new Float64Array(S * A * A);
  const scale = 1 / Math.max(trajectories.length, 1);
  for (const tr of trajectories) {
    accumulateEpisode(gradient, tr, pi, A, gamma, true, baseline, scale);
    let discount = 1;
    for (let t = 0; t < tr.states.length; t++) {
      const s = tr.states[t] as number;
      const a = tr.actions[t] as number;
      const base = s * A * A;
      for (let i = 0; i < A; i++) {
        const psiI = (i === a ? 1 : 0) - (pi[s * A + i] as number);
        for (let j = 0; j < A; j++) {
          const psiJ = (j === a ? 1 : 0) - (pi[s * A + j] as number);
          fisherBlocks[base + i * A + j] =
            (fisherBlocks[base + i * A + j] as number) + scale * discount * psiI * psiJ;
        }
      }
      discount *= gamma;
    }
  }
  const naturalGradient = new Float64Array(theta.length);
  const block = new Float64Array(A * A);
  for (let s = 0; s < S; s++) {
    let visited = false;
    for (let i = 0; i < A * A; i++) {
      const f = fisherBlocks[s * A * A + i] as number;
      block[i] = f;
      if (f !== 0) visited = true;
    }
    if (!visited) continue;
    for (let i = 0; i < A; i++) block[i * A + i] = (block[i * A + i] as number) + damping;
    const w = solveLinearSystem(block, gradient.subarray(s * A, s * A + A), A);
    naturalGradient.set(w, s * A);
  }
  return { gradient, naturalGradient, fisherBlocks };
}

export interface NaturalPolicyGradientOptions extends PolicyGradientOptions {
  /** Tikhonov damping added to each Fisher block. Default: 1e-3. */
  damping?: number;
  /** Step size of the state-value baseline. Default: 0.1. */
  baselineLearningRate?: number;
}

/**
 * Natural policy gradient (Kakade 2001) for a tabular softmax policy: batches of episodes, the
 * sampled-Fisher natural gradient of `estimateNaturalGradient` (reward-to-go with a learned
 * state-value baseline), and ascent `theta += learningRate * w`.
 *
 * @example
 * ```ts
 * const { probabilities } = naturalPolicyGradient(new GridWorld(), { episodes: 1000, learningRate: 0.2, seed: 0 });
 * ```
 */
export function naturalPolicyGradient(
  env: Env<number, number>,
  options: NaturalPolicyGradientOptions = {},
): PolicyGradientResult {
  const {
    episodes = 1000,
    batchSize = 10,
    learningRate = 0.1,
    gamma = 0.99,
    damping = 1e-3,
    baselineLearningRate = 0.1,
    maxStepsPerEpisode = 10_000,
    onProgress,
    signal,
  } = options;
  const { S, A } = tabularSizes(env, 'naturalPolicyGradient');
  assertInteger('episodes', episodes, { min: 1 });
  assertInteger('batchSize', batchSize, { min: 1 });
  assertPositive('learningRate', learningRate);
  assertInRange('gamma', gamma, 0, 1);
  assertInRange('baselineLearningRate', baselineLearningRate, 0, 1);
  assertInteger('maxStepsPerEpisode', maxStepsPerEpisode, { min: 1 });
  const rng: Rng = toRng(options.seed);
  const theta = new Float64Array(S * A);
  const values = new Float64Array(S);
  const episodeReturns: number[] = [];
  let steps = 0;
  let done = 0;
  let aborted = false;
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
    const { naturalGradient } = estimateNaturalGradient(batch, theta, A, {
      gamma,
      damping,
      baseline: values,
    });
    for (let i = 0; i < theta.length; i++)
      theta[i] = (theta[i] as number) + learningRate * (naturalGradient[i] as number);
    updateBaseline(values, batch, gamma, baselineLearningRate);
  }
  return finishPolicyGradient(theta, A, values, episodeReturns, steps, aborted);
}
