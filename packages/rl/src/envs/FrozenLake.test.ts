import { describe, expect, it } from 'vitest';
import { valueIteration } from '../valueIteration.js';
import { FROZEN_LAKE_MAPS, FrozenLake } from './FrozenLake.js';

describe('FrozenLake', () => {
  it('slippery moves: 1/3 intended and 1/3 each perpendicular, equal to its FiniteMdp', () => {
    const env = new FrozenLake();
    const mdp = env.toMdp(0.99);
    // State 5 is a hole, 15 the goal: absorbing in the MDP.
    expect(mdp.transitions(5, 0)).toEqual([{ next: 5, prob: 1 }]);
    // State 6 = (1, 2). Action down (1): down to 10, left to 5 (hole), right to 7 (hole), 1/3 each.
    expect(mdp.transitionProbability(6, 1, 10)).toBeCloseTo(1 / 3, 15);
    expect(mdp.transitionProbability(6, 1, 5)).toBeCloseTo(1 / 3, 15);
    expect(mdp.transitionProbability(6, 1, 7)).toBeCloseTo(1 / 3, 15);
    // State 0, action left: left and up bump (stay, 2/3), down to 4 (1/3).
    expect(mdp.transitionProbability(0, 0, 0)).toBeCloseTo(2 / 3, 15);
    expect(mdp.transitionProbability(0, 0, 4)).toBeCloseTo(1 / 3, 15);
    // Reward 1 only on entering G: from 14 moving right, with probability 1/3.
    expect(mdp.reward[14 * 4 + 2]).toBeCloseTo(1 / 3, 15);
  });

  it('sampled transitions follow the MDP probabilities (chi-square over every state-action pair)', () => {
    const env = new FrozenLake();
    const mdp = env.toMdp();
    const n = 600;
    let chi2 = 0;
    let dof = 0;
    for (let s = 0; s < 16; s++) {
      if (env.terminalStates[s]) continue;
      for (let a = 0; a < 4; a++) {
        const counts = new Map<number, number>();
        for (let i = 0; i < n; i++) {
          env.reset({ seed: s * 10_000 + a * 1000 + i });
          (env as unknown as { state: number }).state = s;
          const { observation } = env.step(a);
          counts.set(observation, (counts.get(observation) ?? 0) + 1);
        }
        const outcomes = new Set(mdp.transitions(s, a).map((t) => t.next));
        for (const next of outcomes) {
          const e = n * mdp.transitionProbability(s, a, next);
          chi2 += ((counts.get(next) ?? 0) - e) ** 2 / e;
          dof++;
        }
        dof--;
        for (const next of counts.keys()) expect(outcomes.has(next)).toBe(true);
      }
    }
    // chi-square with `dof` degrees of freedom: mean dof, sd sqrt(2 dof); 5 sd is far in the tail.
    expect(chi2).toBeLessThan(dof + 5 * Math.sqrt(2 * dof));
  });

  it('has the 8x8 map, deterministic mode, the 100/200 time limits and a solvable optimum', () => {
    expect(new FrozenLake({ mapName: '8x8' }).numStates).toBe(64);
    expect(new FrozenLake({ mapName: '8x8' }).maxEpisodeSteps).toBe(200);
    expect(new FrozenLake().maxEpisodeSteps).toBe(100);
    expect(FROZEN_LAKE_MAPS['4x4']).toEqual(['SFFF', 'FHFH', 'FFFH', 'HFFG']);
    const det = new FrozenLake({ isSlippery: false });
    expect(det.toMdp().transitions(0, 2)).toEqual([{ next: 1, prob: 1 }]);
    // Deterministic 4x4 with gamma = 0.9: the shortest path takes 6 steps, so V*(start) = 0.9^5.
    const { values } = valueIteration(det.toMdp(0.9), { tolerance: 1e-12 });
    expect(values[0]).toBeCloseTo(0.9 ** 5, 10);
    expect(() => new FrozenLake({ desc: ['SX', 'FG'] })).toThrow(
      /desc rows may only use the letters S, F, H, G/,
    );
  });
});
