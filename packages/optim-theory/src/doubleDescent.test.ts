import { describe, expect, it } from 'vitest';
import { doubleDescent, minNormRisk } from './doubleDescent.js';

describe('doubleDescent', () => {
  it('the seeded simulation agrees with the Belkin-Hsu-Xu closed form on both sides of p = n (prescient ordering)', () => {
    const dd = doubleDescent({
      n: 30,
      numFeatures: 80,
      ps: [5, 15, 22, 38, 45, 60, 80],
      noise: 0.3,
      trials: 200,
      seed: 1,
    });
    dd.p.forEach((p, k) => {
      const z = Math.abs(dd.simulated[k]! - dd.theory[k]!) / dd.standardError[k]!;
      // 7 comparisons at 4.5 standard errors: a false alarm has probability < 7 * 7e-6.
      expect(z, `p = ${p}`).toBeLessThan(4.5);
      expect(dd.standardError[k]!).toBeLessThan(0.1 * dd.theory[k]!);
    });
  });

  it('random ordering matches the closed form averaged over the feature subset (E||beta_T||^2 = p/D)', () => {
    const dd = doubleDescent({
      n: 20,
      numFeatures: 50,
      ps: [4, 12, 28, 50],
      ordering: 'random',
      beta: 'harmonic',
      noise: 0.1,
      trials: 250,
      seed: 2,
    });
    dd.p.forEach((p, k) => {
      expect(Math.abs(dd.simulated[k]! - dd.theory[k]!) / dd.standardError[k]!, `p = ${p}`).toBeLessThan(4.5);
    });
  });

  it('is infinite at the interpolation threshold and shows the double-descent shape', () => {
    const n = 40;
    const dd = doubleDescent({ n, numFeatures: 200, noise: 0.5, trials: 0 });
    expect(dd.theory.slice(n - 2, n + 1).every((r) => r === Number.POSITIVE_INFINITY)).toBe(true);
    expect(Number.isFinite(dd.theory[n - 3]!)).toBe(true); // p = n - 2
    expect(Number.isFinite(dd.theory[n + 1]!)).toBe(true); // p = n + 2
    const under = dd.theory.slice(0, n - 2);
    const over = dd.theory.slice(n + 1);
    const minUnder = Math.min(...under);
    // Descent then ascent below n (the risk at p = n - 2 is several times its minimum), descent again above n.
    expect(under.indexOf(minUnder)).toBeGreaterThan(0);
    expect(under.at(-1)!).toBeGreaterThan(minUnder * 3);
    expect(over[0]!).toBeGreaterThan(3 * Math.min(...over));
    expect(over.indexOf(Math.min(...over))).toBeGreaterThan(0);
    // The closed form itself: at p = 0 the risk is ||beta||^2 + sigma^2; at p = D with no noise it is
    // ||beta||^2 (1 - n/D).
    expect(minNormRisk(n, 0, 0, 1.25)).toBeCloseTo(1.25, 12);
    expect(minNormRisk(40, 200, 1, 0)).toBeCloseTo(0.8, 12);
    expect(dd.simulated.every(Number.isNaN)).toBe(true);
  });

  it('is reproducible, accepts an explicit beta and validates input', () => {
    const opts = { n: 10, numFeatures: 20, ps: [3, 15], trials: 20, seed: 5 };
    expect(doubleDescent(opts)).toEqual(doubleDescent(opts));
    const explicit = doubleDescent({ ...opts, beta: Array.from({ length: 20 }, (_, j) => (j < 3 ? 1 : 0)) });
    // With beta supported on the first 3 prescient coordinates and no noise, p = 3 < n fits exactly.
    expect(explicit.theory[0]).toBe(0);
    expect(explicit.simulated[0]).toBeLessThan(1e-20);
    expect(() => doubleDescent({ n: 10, numFeatures: 20, ps: [21] })).toThrow(
      expect.objectContaining({ param: 'ps[0]' }),
    );
    expect(() => doubleDescent({ n: 10, numFeatures: 20, beta: [1, 2] })).toThrow(
      expect.objectContaining({ code: 'INVALID_SHAPE', param: 'beta' }),
    );
    expect(() => doubleDescent({ n: 10, numFeatures: 20, ordering: 'sorted' as never })).toThrow(
      expect.objectContaining({ param: 'ordering' }),
    );
    expect(() => doubleDescent(undefined as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('stops with ABORTED when its signal has fired', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(
      (async () => doubleDescent({ n: 10, numFeatures: 20, signal: ac.signal }))(),
    ).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
