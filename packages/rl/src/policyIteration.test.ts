import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from './evaluatePolicy.js';
import { greedyPolicy } from './greedyPolicy.js';
import { policyIteration } from './policyIteration.js';
import { randomMdp } from './randomMdp.js';
import { valueIteration } from './valueIteration.js';

describe('policyIteration', () => {
  it('reaches the same optimal values and policy as value iteration, in no more iterations', () => {
    for (let seed = 0; seed < 8; seed++) {
      const S = 10 + 5 * seed;
      const mdp = randomMdp({ numStates: S, numActions: 3, branching: 4, gamma: 0.9 + 0.01 * seed, seed });
      const tolerance = 1e-9;
      const vi = valueIteration(mdp, { tolerance });
      const pi = policyIteration(mdp);
      expect(pi.converged).toBe(true);
      expect(pi.policyChanges.at(-1)).toBe(0);
      expect(pi.residuals.at(-1)).toBeLessThan(1e-9);
      for (let s = 0; s < S; s++)
        expect(Math.abs(vi.values[s]! - pi.values[s]!)).toBeLessThanOrEqual(tolerance);
      expect(Array.from(greedyPolicy(mdp, vi.values, { tolerance: 1e-7 }))).toEqual(
        Array.from(greedyPolicy(mdp, pi.values, { tolerance: 1e-7 })),
      );
      expect(pi.iterations).toBeLessThanOrEqual(vi.iterations);
    }
  });

  it('improves monotonically: each policy is at least as good as the last in every state', () => {
    const mdp = randomMdp({ numStates: 50, numActions: 4, branching: 3, gamma: 0.95, seed: 21 });
    const policies: Int32Array[] = [];
    let current: Int32Array = new Int32Array(50);
    for (let k = 0; k < 10; k++) {
      const run = policyIteration(mdp, { initialPolicy: current, maxIterations: 1 });
      policies.push(current);
      current = run.policy;
      if (run.converged) break;
    }
    for (let k = 1; k < policies.length; k++) {
      const before = evaluatePolicy(mdp, policies[k - 1]!).values;
      const after = evaluatePolicy(mdp, policies[k]!).values;
      for (let s = 0; s < 50; s++) expect(after[s]!).toBeGreaterThanOrEqual(before[s]! - 1e-10);
    }
  });

  it('with iterative evaluation reaches the same optimum', () => {
    const mdp = randomMdp({ numStates: 25, numActions: 3, branching: 5, gamma: 0.9, seed: 2 });
    const a = policyIteration(mdp, { evaluation: 'exact' });
    const b = policyIteration(mdp, { evaluation: 'iterative', tolerance: 1e-11 });
    expect(Array.from(b.policy)).toEqual(Array.from(a.policy));
    for (let s = 0; s < 25; s++) expect(Math.abs(a.values[s]! - b.values[s]!)).toBeLessThan(1e-9);
  });

  it('validates options', () => {
    const mdp = randomMdp({ numStates: 3, numActions: 2, seed: 0 });
    expect(() => policyIteration(mdp, { initialPolicy: [0, 5, 0] })).toThrow(
      /initialPolicy\[1\] must be an action index/,
    );
    expect(() => policyIteration(mdp, { evaluation: 'lu' as 'exact' })).toThrow(/evaluation must be one of/);
  });
});
