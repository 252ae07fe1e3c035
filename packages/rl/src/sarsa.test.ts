import { describe, expect, it } from 'vitest';
import { CliffWalking } from './envs/CliffWalking.js';
import { GridWorld } from './envs/GridWorld.js';
import type { FiniteMdp } from './finiteMdp.js';
import { qLearning } from './qLearning.js';
import { sarsa } from './sarsa.js';
import { valueIteration } from './valueIteration.js';

/**
 * Independent reference: the optimal epsilon-greedy action values, the fixed point of
 * Q(s,a) = R(s,a) + gamma sum_s' P(s'|s,a) [(1 - eps) max Q(s', .) + eps mean Q(s', .)]
 * (a gamma-contraction), by plain fixed-point iteration on the MDP.
 */
function epsilonGreedyQ(mdp: FiniteMdp, epsilon: number): Float64Array {
  const { numStates: S, numActions: A, rowStart, nextState, probability, reward, gamma } = mdp;
  let q = new Float64Array(S * A);
  for (let it = 0; it < 5000; it++) {
    const v = new Float64Array(S);
    for (let s = 0; s < S; s++) {
      let max = Number.NEGATIVE_INFINITY;
      let mean = 0;
      for (let a = 0; a < A; a++) {
        max = Math.max(max, q[s * A + a]!);
        mean += q[s * A + a]! / A;
      }
      v[s] = (1 - epsilon) * max + epsilon * mean;
    }
    const next = new Float64Array(S * A);
    for (let sa = 0; sa < S * A; sa++) {
      let acc = 0;
      for (let k = rowStart[sa]!; k < rowStart[sa + 1]!; k++) acc += probability[k]! * v[nextState[k]!]!;
      next[sa] = reward[sa]! + gamma * acc;
    }
    q = next;
  }
  return q;
}

function greedyPathLength(env: CliffWalking, policy: Int32Array): number {
  let s = env.reset({ seed: 0 }).observation;
  for (let steps = 1; steps <= 100; steps++) {
    const r = env.step(policy[s]!);
    if (r.terminated) return steps;
    s = r.observation;
  }
  return Number.POSITIVE_INFINITY;
}

describe('sarsa', () => {
  it('with fixed epsilon converges to the optimal epsilon-greedy Q (not Q*), plain and expected', () => {
    const env = new GridWorld({ layout: ['...G', '.#.H', 'S...'], slip: 0.2, stepReward: -0.04 });
    const mdp = env.toMdp(0.9);
    const epsilon = 0.3;
    const reference = epsilonGreedyQ(mdp, epsilon);
    for (const expected of [false, true]) {
      const { q, visits } = sarsa(env, {
        episodes: 8000,
        gamma: 0.9,
        epsilon,
        alpha: (n) => 1 / n ** 0.8,
        expected,
        seed: 3,
      });
      // Only pairs the epsilon-greedy behaviour visits often are learned well: check those with
      // >= 1000 updates (all pairs on and near the greedy path).
      let err = 0;
      let checked = 0;
      for (let sa = 0; sa < q.length; sa++) {
        if (visits[sa]! < 1000) continue;
        checked++;
        err = Math.max(err, Math.abs(q[sa]! - reference[sa]!));
      }
      expect(checked).toBeGreaterThan(10);
      expect(err).toBeLessThan(0.05);
      // The reference differs from Q* by far more than the tolerance, so the check has teeth.
      const qStar = valueIteration(mdp, { tolerance: 1e-12 }).q;
      let gap = 0;
      for (let sa = 0; sa < q.length; sa++)
        if (visits[sa]! >= 1000) gap = Math.max(gap, Math.abs(qStar[sa]! - reference[sa]!));
      expect(gap).toBeGreaterThan(0.1);
    }
  });

  it('CliffWalking (Sutton and Barto, Example 6.6): SARSA learns the safe path, Q-learning the edge', () => {
    const env = new CliffWalking();
    const options = { episodes: 500, gamma: 1, epsilon: 0.1, alpha: 0.5, seed: 4 };
    const q = qLearning(env, options);
    const s = sarsa(env, options);
    expect(greedyPathLength(env, q.policy)).toBe(13);
    expect(greedyPathLength(env, s.policy)).toBeGreaterThan(13);
    expect(greedyPathLength(env, s.policy)).toBeLessThan(30);
    // And SARSA earns more online while exploring (the last 100 episodes).
    const mean = (x: number[]) => x.slice(-100).reduce((a, b) => a + b, 0) / 100;
    expect(mean(s.episodeReturns)).toBeGreaterThan(mean(q.episodeReturns));
  });
});
