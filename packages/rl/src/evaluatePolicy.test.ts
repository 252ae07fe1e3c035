import { createRng, DlfError } from '@dlf/runtime';
import { describe, expect, it } from 'vitest';
import { bellmanOperator } from './bellmanOperator.js';
import { evaluatePolicy } from './evaluatePolicy.js';
import { FiniteMdp } from './finiteMdp.js';
import { randomMdp } from './randomMdp.js';

// State 0: action 0 stays and pays 1; action 1 pays 0 and moves to state 1 with probability 1/2.
// State 1 is absorbing and pays 2 per step.
const handMdp = new FiniteMdp({
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

describe('evaluatePolicy', () => {
  it('matches the hand-solved values of a 2-state MDP (deterministic and stochastic policies)', () => {
    // V(1) = 2 / (1 - 0.9) = 20.
    // pi = (stay): V(0) = 1 / 0.1 = 10.
    // pi = (move): V(0) = 0.9 (0.5 V(0) + 0.5 * 20)  =>  V(0) = 9 / 0.55.
    // pi = (1/2, 1/2): V(0) = 0.5 (1 + 0.9 V(0)) + 0.5 * 0.9 (0.5 V(0) + 10)  =>  V(0) = 5 / 0.325.
    const cases: [Parameters<typeof evaluatePolicy>[1], number][] = [
      [[0, 0], 10],
      [[1, 0], 9 / 0.55],
      [
        [
          [0.5, 0.5],
          [1, 0],
        ],
        5 / 0.325,
      ],
    ];
    for (const [policy, v0] of cases) {
      for (const method of ['exact', 'iterative'] as const) {
        const { values } = evaluatePolicy(handMdp, policy, { method, tolerance: 1e-12 });
        expect(values[0]).toBeCloseTo(v0, 10);
        expect(values[1]).toBeCloseTo(20, 10);
      }
    }
  });

  it('exact and iterative evaluation agree to 1e-8 on random MDPs, deterministic and stochastic policies', () => {
    const rng = createRng(3);
    for (let trial = 0; trial < 6; trial++) {
      const S = 5 + trial * 7;
      const A = 2 + (trial % 3);
      const mdp = randomMdp({
        numStates: S,
        numActions: A,
        branching: Math.min(S, 4),
        gamma: 0.95,
        seed: rng,
      });
      const deterministic = Array.from({ length: S }, () => rng.int(0, A));
      const stochastic = Array.from({ length: S }, () => {
        const w = Array.from({ length: A }, () => rng.random());
        const t = w.reduce((x, y) => x + y, 0);
        return w.map((x) => x / t);
      });
      for (const policy of [deterministic, stochastic]) {
        const exact = evaluatePolicy(mdp, policy, { method: 'exact' });
        const iter = evaluatePolicy(mdp, policy, { method: 'iterative', tolerance: 1e-10 });
        expect(iter.converged).toBe(true);
        for (let s = 0; s < S; s++) expect(Math.abs(exact.values[s]! - iter.values[s]!)).toBeLessThan(1e-8);
        // The exact solution is the fixed point of T^pi.
        expect(exact.bellmanResidual).toBeLessThan(1e-10);
        const tv = bellmanOperator(mdp, exact.values, { policy });
        for (let s = 0; s < S; s++) expect(Math.abs(tv[s]! - exact.values[s]!)).toBeLessThan(1e-10);
      }
    }
  });

  it('iterative residuals shrink at least by gamma per sweep (T^pi is a gamma-contraction)', () => {
    const mdp = randomMdp({ numStates: 40, numActions: 3, branching: 6, gamma: 0.8, seed: 11 });
    const policy = Array.from({ length: 40 }, (_, s) => s % 3);
    const { residuals, iterations } = evaluatePolicy(mdp, policy, { method: 'iterative', tolerance: 1e-12 });
    expect(iterations).toBe(residuals.length);
    // Allow 1e-13 absolute for float64 rounding of values of size <= 1 / (1 - gamma) = 5.
    for (let k = 1; k < residuals.length; k++) {
      expect(residuals[k]!).toBeLessThanOrEqual(0.8 * residuals[k - 1]! + 1e-13);
    }
    expect(residuals[1]! / residuals[0]!).toBeLessThanOrEqual(0.8 + 1e-12);
    // And the stopping rule's error bound holds against the exact solution.
    const exact = evaluatePolicy(mdp, policy).values;
    const iter = evaluatePolicy(mdp, policy, { method: 'iterative', tolerance: 1e-6 }).values;
    for (let s = 0; s < 40; s++) expect(Math.abs(exact[s]! - iter[s]!)).toBeLessThanOrEqual(1e-6);
  });

  it('reports non-convergence, aborts cleanly and validates policies', () => {
    const r = evaluatePolicy(handMdp, [0, 0], { method: 'iterative', maxIterations: 3 });
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(3);
    const controller = new AbortController();
    controller.abort();
    expect(() => evaluatePolicy(handMdp, [0, 0], { method: 'iterative', signal: controller.signal })).toThrow(
      DlfError,
    );
    expect(() => evaluatePolicy(handMdp, [0, 2])).toThrow(
      /policy\[1\] must be an action index in \[0, 1\], received 2/,
    );
    expect(() => evaluatePolicy(handMdp, [0])).toThrow(/policy must have one entry per state \(2\)/);
    expect(() =>
      evaluatePolicy(handMdp, [
        [0.5, 0.6],
        [1, 0],
      ]),
    ).toThrow(/policy\[0\] must sum to 1/);
    expect(() => evaluatePolicy(handMdp, [0, 0], { method: 'lu' as 'exact' })).toThrow(
      /method must be one of/,
    );
  });
});
