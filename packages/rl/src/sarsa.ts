import type { Env } from './envs/Env.js';
import { maxQ, runTdControl, type TabularControlOptions, type TabularControlResult } from './tdControl.js';

export interface SarsaOptions extends TabularControlOptions {
  /**
   * Expected SARSA (van Seijen et al. 2009): bootstrap on the expectation of Q(s', .) under the
   * epsilon-greedy policy instead of the sampled next action. Default: false.
   */
  expected?: boolean;
}

/**
 * Tabular SARSA (Rummery and Niranjan 1994): `Q(s,a) += alpha (r + gamma Q(s',a') - Q(s,a))` with a'
 * the action actually taken next (epsilon-greedy). On-policy: with a fixed epsilon it converges to
 * the optimal epsilon-greedy action values, the fixed point of
 * `Q = R + gamma P [(1 - eps) max_a' Q + eps mean_a' Q]`; with epsilon -> 0 (GLIE), to Q*.
 *
 * @example
 * ```ts
 * const { policy } = sarsa(new CliffWalking(), { episodes: 500, epsilon: 0.1, alpha: 0.5, seed: 0 });
 * ```
 */
export function sarsa(env: Env<number, number>, options: SarsaOptions = {}): TabularControlResult {
  const expected = options.expected ?? false;
  return runTdControl(
    env,
    options,
    ({ q, reward, next, nextAction, terminated, gamma, epsilon, numActions }) => {
      if (terminated) return reward;
      if (!expected) return reward + gamma * (q[next * numActions + nextAction] as number);
      let mean = 0;
      for (let a = 0; a < numActions; a++) mean += q[next * numActions + a] as number;
      mean /= numActions;
      return reward + gamma * ((1 - epsilon) * maxQ(q, next, numActions) + epsilon * mean);
    },
    expected ? 'expectedSarsa' : 'sarsa',
  );
}
