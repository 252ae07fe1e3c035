import { createRng } from '@dlf/runtime';
import { describe, expect, it } from 'vitest';
import { GridWorld } from './envs/GridWorld.js';
import { collectEpisode, reinforce, reinforceGradient } from './reinforce.js';
import { exactPolicyGradient, softmaxPolicy } from './softmaxPolicy.js';
import { valueIteration } from './valueIteration.js';

describe('reinforceGradient', () => {
  it('all four variants are unbiased for the exact policy gradient; baseline + reward-to-go has far lower variance', () => {
    const env = new GridWorld({
      layout: ['S..', '.#G', '..H'],
      slip: 0.2,
      stepReward: -0.1,
      maxEpisodeSteps: 1000,
    });
    const gamma = 0.9;
    const mdp = env.toMdp(gamma);
    const A = 4;
    const rng = createRng(12);
    const theta = Float64Array.from({ length: mdp.numStates * A }, () => rng.normal(0, 0.5));
    const exact = exactPolicyGradient(mdp, theta);
    const pi = softmaxPolicy(theta, A);
    const variants = {
      vanilla: { rewardToGo: false },
      baseline: { rewardToGo: false, baseline: exact.values },
      rewardToGo: { rewardToGo: true },
      both: { rewardToGo: true, baseline: exact.values },
    } as const;
    const n = 4000;
    const sums = Object.fromEntries(Object.keys(variants).map((k) => [k, new Float64Array(theta.length)]));
    const squares = Object.fromEntries(Object.keys(variants).map((k) => [k, new Float64Array(theta.length)]));
    for (let i = 0; i < n; i++) {
      // One episode per seed, shared by the four estimators.
      const tr = collectEpisode(env, pi, A, rng, 1000);
      for (const [name, opts] of Object.entries(variants)) {
        const g = reinforceGradient([tr], theta, A, { gamma, ...opts });
        for (let j = 0; j < g.length; j++) {
          sums[name]![j]! += g[j]!;
          squares[name]![j]! += g[j]! ** 2;
        }
      }
    }
    const totalVariance: Record<string, number> = {};
    for (const name of Object.keys(variants)) {
      let tv = 0;
      for (let j = 0; j < theta.length; j++) {
        const mean = sums[name]![j]! / n;
        const variance = squares[name]![j]! / n - mean * mean;
        tv += variance;
        // Same mean: within 5 standard errors of the policy gradient theorem's value.
        expect(Math.abs(mean - exact.gradient[j]!)).toBeLessThanOrEqual(5 * Math.sqrt(variance / n) + 1e-12);
      }
      totalVariance[name] = tv;
    }
    expect(totalVariance.both!).toBeLessThan(0.5 * totalVariance.vanilla!);
    expect(totalVariance.rewardToGo!).toBeLessThan(totalVariance.vanilla!);
    expect(totalVariance.baseline!).toBeLessThan(totalVariance.vanilla!);
  });
});

describe('reinforce', () => {
  it('learns a near-optimal policy on a small GridWorld (exact J within 5% of J*)', () => {
    const env = new GridWorld({ layout: ['S..', '.#G', '..H'], slip: 0.1, stepReward: -0.05 });
    const gamma = 0.95;
    const mdp = env.toMdp(gamma);
    const star = valueIteration(mdp, { tolerance: 1e-12 });
    const optimum = star.values[0]!;
    const initial = exactPolicyGradient(mdp, new Float64Array(mdp.numStates * 4)).value;
    const run = reinforce(env, { episodes: 3000, batchSize: 10, learningRate: 0.5, gamma, seed: 5 });
    const learned = exactPolicyGradient(mdp, run.theta).value;
    expect(learned).toBeGreaterThan(optimum - 0.05 * Math.abs(optimum - initial));
    expect(run.episodeReturns).toHaveLength(3000);
  });
});
