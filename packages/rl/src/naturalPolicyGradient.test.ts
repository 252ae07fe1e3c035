import { createRng } from '@dlf/runtime';
import { describe, expect, it } from 'vitest';
import { GridWorld } from './envs/GridWorld.js';
import { estimateNaturalGradient, naturalPolicyGradient } from './naturalPolicyGradient.js';
import { collectEpisode } from './reinforce.js';
import { exactPolicyGradient, softmaxPolicy } from './softmaxPolicy.js';
import { valueIteration } from './valueIteration.js';

describe('estimateNaturalGradient', () => {
  it('for a softmax policy the sampled natural gradient approaches the advantages A^pi(s, .) (Kakade 2001)', () => {
    const env = new GridWorld({
      layout: ['S..', '.#G', '..H'],
      slip: 0.2,
      stepReward: -0.1,
      maxEpisodeSteps: 1000,
    });
    const gamma = 0.9;
    const mdp = env.toMdp(gamma);
    const rng = createRng(31);
    const theta = Float64Array.from({ length: mdp.numStates * 4 }, () => rng.normal(0, 0.3));
    const exact = exactPolicyGradient(mdp, theta);
    const pi = softmaxPolicy(theta, 4);
    const trajectories = Array.from({ length: 6000 }, () => collectEpisode(env, pi, 4, rng, 1000));
    const { naturalGradient, gradient } = estimateNaturalGradient(trajectories, theta, 4, {
      gamma,
      damping: 1e-6,
      baseline: exact.values,
    });
    // Compare per state after removing the per-state constant (the Fisher's null direction).
    let worst = 0;
    let scale = 0;
    for (let s = 0; s < mdp.numStates; s++) {
      if (exact.visitation[s]! < 0.5 || env.terminalStates[s] || env.cellOf(s) === '#') continue;
      const adv = [0, 1, 2, 3].map((a) => exact.q[s * 4 + a]! - exact.values[s]!);
      const w = Array.from(naturalGradient.subarray(s * 4, s * 4 + 4));
      // Center both with the policy weights (sum_a pi(a|s) A(s,a) = 0).
      const wBar = w.reduce((acc, x, a) => acc + pi[s * 4 + a]! * x, 0);
      for (let a = 0; a < 4; a++) {
        worst = Math.max(worst, Math.abs(w[a]! - wBar - adv[a]!));
        scale = Math.max(scale, Math.abs(adv[a]!));
      }
    }
    expect(worst).toBeLessThan(0.1 * scale);
    // The vanilla gradient is d(s)-weighted, so it is NOT the advantage: the natural one differs from it.
    let differs = 0;
    for (let i = 0; i < gradient.length; i++)
      differs = Math.max(differs, Math.abs(gradient[i]! - naturalGradient[i]!));
    expect(differs).toBeGreaterThan(0.1 * scale);
  });
});

describe('naturalPolicyGradient', () => {
  it('learns a near-optimal policy on a small GridWorld', () => {
    const env = new GridWorld({ layout: ['S..', '.#G', '..H'], slip: 0.1, stepReward: -0.05 });
    const gamma = 0.95;
    const mdp = env.toMdp(gamma);
    const optimum = valueIteration(mdp, { tolerance: 1e-12 }).values[0]!;
    const initial = exactPolicyGradient(mdp, new Float64Array(mdp.numStates * 4)).value;
    const run = naturalPolicyGradient(env, {
      episodes: 1500,
      batchSize: 10,
      learningRate: 0.3,
      gamma,
      seed: 8,
    });
    const learned = exactPolicyGradient(mdp, run.theta).value;
    expect(learned).toBeGreaterThan(optimum - 0.05 * Math.abs(optimum - initial));
  });
});
