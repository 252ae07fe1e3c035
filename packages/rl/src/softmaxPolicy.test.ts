import { createRng } from '@dlf/runtime';
import { describe, expect, it } from 'vitest';
import { randomMdp } from './randomMdp.js';
import { exactPolicyGradient, softmaxPolicy } from './softmaxPolicy.js';

describe('softmaxPolicy and exactPolicyGradient', () => {
  it('softmax rows sum to 1 and are shift-invariant', () => {
    const p = softmaxPolicy([0, Math.log(3), 1000, 1000 + Math.log(3)], 2);
    for (const [i, want] of [0.25, 0.75, 0.25, 0.75].entries()) expect(p[i]).toBeCloseTo(want, 12);
    expect(() => softmaxPolicy([1, 2, 3], 2)).toThrow(/theta must have numStates \* numActions entries/);
  });

  it('the policy gradient theorem matches central finite differences of J(theta) = mu^T V^pi', () => {
    const mdp = randomMdp({ numStates: 6, numActions: 3, branching: 3, gamma: 0.9, seed: 4 });
    const rng = createRng(5);
    const theta = Float64Array.from({ length: 18 }, () => rng.normal());
    const { gradient, value, visitation } = exactPolicyGradient(mdp, theta);
    const h = 1e-5;
    for (let i = 0; i < theta.length; i++) {
      const plus = Float64Array.from(theta);
      const minus = Float64Array.from(theta);
      plus[i]! += h;
      minus[i]! -= h;
      const fd = (exactPolicyGradient(mdp, plus).value - exactPolicyGradient(mdp, minus).value) / (2 * h);
      expect(Math.abs(fd - gradient[i]!)).toBeLessThan(1e-7);
    }
    // The discounted visitation sums to 1 / (1 - gamma), and J is finite.
    expect(visitation.reduce((a, b) => a + b, 0)).toBeCloseTo(10, 10);
    expect(Number.isFinite(value)).toBe(true);
  });
});
