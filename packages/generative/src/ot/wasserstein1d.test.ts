import { createRng, DlfError } from '@dlf/runtime';
import { describe, expect, it } from 'vitest';
import refs from '../../data/ot-refs.json';
import { wasserstein1d } from './wasserstein1d.js';

/** integral |F(x) - G(x)| dx for two weighted point sets, from the CDFs (a different route from quantiles). */
function cdfL1(u: number[], v: number[], uw?: number[], vw?: number[]): number {
  const wu = uw ?? u.map(() => 1);
  const wv = vw ?? v.map(() => 1);
  const su = wu.reduce((s, x) => s + x, 0);
  const sv = wv.reduce((s, x) => s + x, 0);
  const grid = [...u, ...v].sort((x, y) => x - y);
  const F = (x: number, pts: number[], w: number[], s: number): number =>
    pts.reduce((acc, p, i) => (p <= x ? acc + (w[i] as number) / s : acc), 0);
  let total = 0;
  for (let k = 0; k + 1 < grid.length; k++) {
    const x = grid[k] as number;
    total += Math.abs(F(x, u, wu, su) - F(x, v, wv, sv)) * ((grid[k + 1] as number) - x);
  }
  return total;
}

function normals(seed: number, n: number, mean: number, std: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.normal(mean, std));
}

describe('wasserstein1d', () => {
  it('matches POT wasserstein_1d (W_p^p) and scipy (p = 1), weighted and unweighted, p in {1, 1.5, 2, 3, 4}', () => {
    for (const c of refs.wasserstein1d) {
      const w = wasserstein1d(c.u, c.v, {
        p: c.p,
        ...('uWeights' in c ? { uWeights: c.uWeights, vWeights: c.vWeights } : {}),
      });
      expect(w ** c.p).toBeCloseTo(c.costPowP, 11);
      if ('scipy' in c) expect(w).toBeCloseTo(c.scipy as number, 12);
    }
  });

  it('W1 equals the integral of |F - G| computed from the CDFs', () => {
    const rng = createRng(3);
    for (let t = 0; t < 5; t++) {
      const u = Array.from({ length: 4 + t }, () => rng.normal());
      const v = Array.from({ length: 9 - t }, () => rng.normal(0.5, 2));
      const uw = u.map(() => rng.uniform(0, 1));
      const vw = v.map(() => rng.uniform(0, 1));
      expect(wasserstein1d(u, v)).toBeCloseTo(cdfL1(u, v), 12);
      expect(wasserstein1d(u, v, { uWeights: uw, vWeights: vw })).toBeCloseTo(cdfL1(u, v, uw, vw), 12);
    }
  });

  it('a shift by c costs |c| for every p, including p = Infinity', () => {
    const u = normals(1, 50, 0, 1);
    for (const p of [1, 2, 3.5, Number.POSITIVE_INFINITY]) {
      expect(
        wasserstein1d(
          u,
          u.map((x) => x - 2.5),
          { p },
        ),
      ).toBeCloseTo(2.5, 12);
    }
  });

  it('W2 between samples of two Gaussians approaches sqrt((m1 - m2)^2 + (s1 - s2)^2)', () => {
    // Empirical quantiles of N = 8000 draws are within O(sqrt(log log N / N)) ~ 0.025 in W2.
    const u = normals(11, 8000, 1, 2);
    const v = normals(12, 8000, -0.5, 0.5);
    const exact = Math.sqrt(1.5 ** 2 + 1.5 ** 2);
    expect(Math.abs(wasserstein1d(u, v, { p: 2 }) - exact)).toBeLessThan(0.05);
    // Same means: W1 = |s1 - s2| E|Z| = |s1 - s2| sqrt(2 / pi).
    const w = normals(13, 8000, 1, 0.5);
    expect(Math.abs(wasserstein1d(u, w) - 1.5 * Math.sqrt(2 / Math.PI))).toBeLessThan(0.05);
  });

  it('is symmetric, zero on identical measures, non-decreasing in p and satisfies the triangle inequality', () => {
    const x = normals(21, 30, 0, 1);
    const y = normals(22, 17, 1, 1.5);
    const z = normals(23, 25, -1, 0.7);
    expect(wasserstein1d(x, x)).toBe(0);
    expect(wasserstein1d(x, y, { p: 2 })).toBeCloseTo(wasserstein1d(y, x, { p: 2 }), 12);
    const ps = [1, 1.5, 2, 3, 8, Number.POSITIVE_INFINITY];
    const ws = ps.map((p) => wasserstein1d(x, y, { p }));
    for (let k = 1; k < ws.length; k++)
      expect(ws[k] as number).toBeGreaterThanOrEqual((ws[k - 1] as number) - 1e-12);
    for (const p of [1, 2]) {
      expect(wasserstein1d(x, z, { p })).toBeLessThanOrEqual(
        wasserstein1d(x, y, { p }) + wasserstein1d(y, z, { p }) + 1e-12,
      );
    }
  });

  it('rejects bad input with DlfError codes', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return e instanceof DlfError ? e.code : 'other';
      }
      return undefined;
    };
    expect(code(() => wasserstein1d([1], [2], { p: 0.5 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => wasserstein1d([1, Number.NaN], [2]))).toBe('NON_FINITE');
    expect(code(() => wasserstein1d([], [2]))).toBe('INVALID_SHAPE');
    expect(code(() => wasserstein1d([1, 2], [2], { uWeights: [1] }))).toBe('INVALID_SHAPE');
    expect(code(() => wasserstein1d([1, 2], [2], { uWeights: [1, -1] }))).toBe('INVALID_ARGUMENT');
    expect(code(() => wasserstein1d([1, 2], [2], { vWeights: [0] }))).toBe('INVALID_ARGUMENT');
    expect(code(() => wasserstein1d('ab' as unknown as number[], [2]))).toBe('INVALID_ARGUMENT');
  });
});
