import { describe, expect, it } from 'vitest';
import { valueIteration } from '../valueIteration.js';
import { GridWorld } from './GridWorld.js';

describe('GridWorld', () => {
  it('builds the exact MDP: walls block, slip splits 1 - p / p/2 / p/2, terminal cells absorb', () => {
    const env = new GridWorld({ layout: ['S.#', '..G'], slip: 0.2, stepReward: -0.1, rewards: { G: 5 } });
    const mdp = env.toMdp(0.9);
    // State 1 = (0, 1). Right (2) hits the wall: stays w.p. 0.8; slips up (bump, stay) 0.1, down to 4 0.1.
    expect(mdp.transitionProbability(1, 2, 1)).toBeCloseTo(0.9, 15);
    expect(mdp.transitionProbability(1, 2, 4)).toBeCloseTo(0.1, 15);
    // State 4 = (1, 1), right lands on G (state 5) w.p. 0.8: reward -0.1 + 0.8 * 5.
    expect(mdp.reward[4 * 4 + 2]).toBeCloseTo(-0.1 + 0.8 * 5, 14);
    expect(mdp.transitions(5, 0)).toEqual([{ next: 5, prob: 1 }]);
    expect(mdp.reward[5 * 4]).toBe(0);
    expect(env.cellOf(5)).toBe('G');
  });

  it('deterministic world: V* is the discounted reward of the shortest path', () => {
    const env = new GridWorld({ layout: ['S...', '.##.', '...G'], rewards: { G: 1 } });
    const { values, policy } = valueIteration(env.toMdp(0.9), { tolerance: 1e-12 });
    // 5 moves from S (0, 0) to G (2, 3): reward 1 on the 5th, so V = 0.9^4.
    expect(values[0]).toBeCloseTo(0.9 ** 4, 10);
    // Following the greedy policy reaches G in 5 steps.
    env.reset({ seed: 0 });
    let s = 0;
    let steps = 0;
    let r = { terminated: false, reward: 0 };
    while (!r.terminated) {
      const out = env.step(policy[s]!);
      s = out.observation;
      r = out;
      steps++;
    }
    expect(steps).toBe(5);
    expect(r.reward).toBe(1);
  });

  it('validates layouts and options', () => {
    expect(() => new GridWorld({ layout: ['...'] })).toThrow(/at least one start cell 'S'/);
    expect(() => new GridWorld({ layout: ['S..', '..'] })).toThrow(/layout\[1\] must have 3 characters/);
    expect(() => new GridWorld({ slip: 1.5 })).toThrow(/slip must be in \[0, 1\], received 1.5/);
  });
});
