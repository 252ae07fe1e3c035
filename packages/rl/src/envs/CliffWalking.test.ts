import { describe, expect, it } from 'vitest';
import { valueIteration } from '../valueIteration.js';
import { CliffWalking } from './CliffWalking.js';

describe('CliffWalking', () => {
  it('steps cost -1, the cliff costs -100 and sends the agent back to the start', () => {
    const env = new CliffWalking();
    expect(env.reset({ seed: 0 }).observation).toBe(36);
    const right = env.step(1);
    expect(right).toMatchObject({ observation: 36, reward: -100, terminated: false });
    const up = env.step(0);
    expect(up).toMatchObject({ observation: 24, reward: -1, terminated: false });
  });

  it('the optimal path walks along the cliff edge: 13 steps, return -13', () => {
    const env = new CliffWalking();
    const { policy, values } = valueIteration(env.toMdp(0.9), { tolerance: 1e-12 });
    let s = env.reset().observation;
    let total = 0;
    let steps = 0;
    for (;;) {
      const r = env.step(policy[s]!);
      total += r.reward;
      steps++;
      s = r.observation;
      if (r.terminated) break;
    }
    expect(steps).toBe(13);
    expect(total).toBe(-13);
    // Discounted return of 13 steps of -1: -(1 - 0.9^13) / (1 - 0.9).
    expect(values[36]).toBeCloseTo(-(1 - 0.9 ** 13) / 0.1, 10);
  });
});
