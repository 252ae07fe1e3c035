import { describe, expect, it } from 'vitest';
import { actorCritic } from './actorCritic.js';
import { GridWorld } from './envs/GridWorld.js';
import { evaluatePolicy } from './evaluatePolicy.js';
import { exactPolicyGradient, softmaxPolicy } from './softmaxPolicy.js';
import { valueIteration } from './valueIteration.js';

describe('actorCritic', () => {
  it('learns a near-optimal policy on a small GridWorld and a critic close to its V^pi', () => {
    const env = new GridWorld({ layout: ['S..', '.#G', '..H'], slip: 0.1, stepReward: -0.05 });
    const gamma = 0.95;
    const mdp = env.toMdp(gamma);
    const optimum = valueIteration(mdp, { tolerance: 1e-12 }).values[0]!;
    const initial = exactPolicyGradient(mdp, new Float64Array(mdp.numStates * 4)).value;
    const run = actorCritic(env, {
      episodes: 2000,
      learningRate: 0.5,
      criticLearningRate: 0.1,
      gamma,
      seed: 6,
    });
    const learned = exactPolicyGradient(mdp, run.theta).value;
    expect(learned).toBeGreaterThan(optimum - 0.05 * Math.abs(optimum - initial));
    // The critic tracks the actor's values at the start state (TD(0) with a constant step: ~0.05).
    const vPi = evaluatePolicy(
      mdp,
      Array.from({ length: mdp.numStates }, (_, s) =>
        Array.from(softmaxPolicy(run.theta, 4).subarray(s * 4, s * 4 + 4)),
      ),
    ).values;
    expect(Math.abs(run.values![0]! - vPi[0]!)).toBeLessThan(0.05);
  });

  it('stops on abort with partial results and is seeded', () => {
    const env = new GridWorld();
    const a = actorCritic(env, { episodes: 20, seed: 1 });
    const b = actorCritic(env, { episodes: 20, seed: 1 });
    expect(Array.from(a.theta)).toEqual(Array.from(b.theta));
    const controller = new AbortController();
    controller.abort();
    expect(actorCritic(env, { episodes: 20, signal: controller.signal }).aborted).toBe(true);
  });
});
