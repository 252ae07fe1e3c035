import type { Env } from './envs/Env.js';
import { maxQ, runTdControl, type TabularControlOptions, type TabularControlResult } from './tdControl.js';

/**
 * Tabular Q-learning (Watkins 1989): after each step,
 * `Q(s,a) += alpha (r + gamma max_a' Q(s',a') - Q(s,a))` (no bootstrap past a terminal state),
 * acting epsilon-greedily. Off-policy: with every pair visited infinitely often and Robbins-Monro
 * step sizes it converges to Q* (Watkins and Dayan 1992).
 *
 * @example
 * ```ts
 * const env = new GridWorld({ slip: 0.1 });
 * const { q, policy } = qLearning(env, { episodes: 2000, gamma: 0.9, alpha: (n) => 1 / n ** 0.7, seed: 0 });
 * ```
 */
export function qLearning(
  env: Env<number, number>,
  options: TabularControlOptions = {},
): TabularControlResult {
  return runTdControl(
    env,
    options,
    ({ q, reward, next, terminated, gamma, numActions }) =>
      terminated ? reward : reward + gamma * maxQ(q, next, numActions),
    'qLearning',
  );
}
