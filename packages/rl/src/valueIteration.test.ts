import { describe, expect, it } from 'vitest';
import { FiniteMdp } from './finiteMdp.js';
import { policyIteration } from './policyIteration.js';
import { randomMdp } from './randomMdp.js';
import { valueIteration } from './valueIteration.js';

describe('valueIteration', () => {
  it('solves a 2-state MDP by hand: V* = (9 / 0.55, 20) with the "move" action in state 0', () => {
    // State 0: stay (reward 1) or try to move (reward 0, succeeds w.p. 1/2); state 1 pays 2 forever.
    // Staying is worth 10, moving 9 / 0.55 = 16.36..., so V*(0) = 16.36... and pi*(0) = 1.
    const mdp = new FiniteMdp({
      transitions: [
        [
          [1, 0],
          [0.5, 0.5],
        ],
        [
          [0, 1],
          [0, 1],
        ],
      ],
      rewards: [
        [1, 0],
        [2, 2],
      ],
      gamma: 0.9,
    });
    const { values, policy, q, converged } = valueIteration(mdp, { tolerance: 1e-12 });
    expect(converged).toBe(true);
    expect(values[0]).toBeCloseTo(9 / 0.55, 10);
    expect(values[1]).toBeCloseTo(20, 10);
    expect(policy[0]).toBe(1);
    expect(q[0]).toBeCloseTo(1 + 0.9 * (9 / 0.55), 9);
  });

  it('residuals contract by at most gamma per sweep and the error bound holds against policy iteration', () => {
    for (const gamma of [0.5, 0.9, 0.97]) {
      const mdp = randomMdp({ numStates: 30, numActions: 4, branching: 5, gamma, seed: 5 });
      const tolerance = 1e-7;
      const vi = valueIteration(mdp, { tolerance });
      const pi = policyIteration(mdp);
      // 1e-12 absolute slack covers float64 rounding of values of size <= 1 / (1 - gamma) <= 34.
      for (let k = 1; k < vi.residuals.length; k++) {
        expect(vi.residuals[k]!).toBeLessThanOrEqual(gamma * vi.residuals[k - 1]! + 1e-12);
      }
      for (let s = 0; s < 30; s++)
        expect(Math.abs(vi.values[s]! - pi.values[s]!)).toBeLessThanOrEqual(tolerance);
    }
  });

  it('needs about log(tol (1-gamma)/(gamma r_1)) / log(gamma) sweeps, as the contraction bound predicts', () => {
    const gamma = 0.9;
    const mdp = randomMdp({ numStates: 20, numActions: 3, gamma, seed: 9 });
    const tolerance = 1e-8;
    const { iterations, residuals } = valueIteration(mdp, { tolerance });
    const bound =
      Math.ceil(Math.log((tolerance * (1 - gamma)) / (gamma * residuals[0]!)) / Math.log(gamma)) + 1;
    expect(iterations).toBeLessThanOrEqual(bound);
  });

  it('reports progress, stops on abort and validates options', () => {
    const mdp = randomMdp({ numStates: 5, numActions: 2, gamma: 0.9, seed: 1 });
    const seen: number[] = [];
    valueIteration(mdp, { maxIterations: 4, tolerance: 0, onProgress: (p) => seen.push(p.iteration) });
    expect(seen).toEqual([1, 2, 3, 4]);
    const controller = new AbortController();
    controller.abort();
    expect(() => valueIteration(mdp, { signal: controller.signal })).toThrow(/valueIteration was aborted/);
    expect(() => valueIteration(mdp, { tolerance: -1 })).toThrow(/tolerance must be >= 0, received -1/);
    expect(() => valueIteration(mdp, { initialValues: [1, 2] })).toThrow(
      /initialValues must have one entry per state/,
    );
  });
});
