import { createRng } from '@dlf/runtime';
import { describe, expect, it } from 'vitest';
import { bellmanOperator } from './bellmanOperator.js';
import { greedyPolicy } from './greedyPolicy.js';
import { qFromV } from './qFromV.js';
import { randomMdp } from './randomMdp.js';
import { valueIteration } from './valueIteration.js';

function sup(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('bellmanOperator', () => {
  it('is a gamma-contraction in the sup norm: measured ||TU - TV|| / ||U - V|| <= gamma', () => {
    const rng = createRng(4);
    for (const gamma of [0.3, 0.9, 0.99]) {
      const mdp = randomMdp({ numStates: 25, numActions: 3, branching: 5, gamma, seed: rng });
      const policy = Array.from({ length: 25 }, () => rng.int(0, 3));
      let worstT = 0;
      let worstTpi = 0;
      for (let trial = 0; trial < 200; trial++) {
        const u = Array.from({ length: 25 }, () => rng.normal(0, 10));
        const v = Array.from({ length: 25 }, () => rng.normal(0, 10));
        const d = sup(u, v);
        worstT = Math.max(worstT, sup(bellmanOperator(mdp, u), bellmanOperator(mdp, v)) / d);
        worstTpi = Math.max(
          worstTpi,
          sup(bellmanOperator(mdp, u, { policy }), bellmanOperator(mdp, v, { policy })) / d,
        );
      }
      expect(worstT).toBeLessThanOrEqual(gamma + 1e-12);
      expect(worstTpi).toBeLessThanOrEqual(gamma + 1e-12);
      // The factor is attained by constant shifts: T(V + c) = TV + gamma c.
      const v = Array.from({ length: 25 }, () => rng.normal());
      const shifted = bellmanOperator(
        mdp,
        v.map((x) => x + 1),
      );
      const base = bellmanOperator(mdp, v);
      for (let s = 0; s < 25; s++) expect(shifted[s]! - base[s]!).toBeCloseTo(gamma, 12);
    }
  });

  it('V* is its fixed point, and T V = max_a Q(s, a) with Q from qFromV', () => {
    const mdp = randomMdp({ numStates: 12, numActions: 4, gamma: 0.9, seed: 8 });
    const { values } = valueIteration(mdp, { tolerance: 1e-12 });
    expect(sup(bellmanOperator(mdp, values), values)).toBeLessThan(1e-11);
    const v = Array.from({ length: 12 }, (_, i) => i);
    const q = qFromV(mdp, v);
    const tv = bellmanOperator(mdp, v);
    const pi = greedyPolicy(mdp, q);
    for (let s = 0; s < 12; s++) {
      expect(tv[s]).toBe(Math.max(...Array.from(q.subarray(s * 4, s * 4 + 4))));
      expect(q[s * 4 + pi[s]!]).toBe(tv[s]);
    }
  });

  it('rejects value vectors of the wrong length or with NaN', () => {
    const mdp = randomMdp({ numStates: 3, numActions: 2, seed: 0 });
    expect(() => bellmanOperator(mdp, [1, 2])).toThrow(/values must have one entry per state \(3\)/);
    expect(() => bellmanOperator(mdp, [1, Number.NaN, 2])).toThrow(/values\[1\] must be finite/);
    expect(() => greedyPolicy(mdp, [1, 2, 3, 4])).toThrow(
      /valuesOrQ must be V \(length 3\) or flat Q \(length 6\)/,
    );
  });
});
