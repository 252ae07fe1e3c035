import { describe, expect, it } from 'vitest';
import { createRng } from './createRng.js';
import { DlfError } from './DlfError.js';

describe('createRng', () => {
  it('gives the same stream for the same seed and different streams for different seeds', () => {
    const a = createRng(123);
    const b = createRng(123);
    const c = createRng(124);
    const xa = Array.from({ length: 100 }, () => a.random());
    const xb = Array.from({ length: 100 }, () => b.random());
    const xc = Array.from({ length: 100 }, () => c.random());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it('uniform draws have mean 1/2 and variance 1/12 within 5 standard errors', () => {
    const rng = createRng(1);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.random();
      if (!(u >= 0 && u < 1)) outside++;
      s += u;
      s2 += u * u;
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    expect(outside).toBe(0);
    // SE of the mean: sqrt(1/12 / n); SE of the variance of U(0,1): sqrt((1/80 - 1/144) / n).
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(5 * Math.sqrt((1 / 80 - 1 / 144) / n));
  });

  it('normal draws match N(mu, sigma^2) moments and the 1.96 two-sided tail mass', () => {
    const rng = createRng(2);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let tail = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal(3, 2);
      s += z;
      s2 += z * z;
      if (Math.abs((z - 3) / 2) > 1.959964) tail++;
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    expect(Math.abs(mean - 3)).toBeLessThan(5 * Math.sqrt(4 / n));
    // Var of sample variance for normal: 2 sigma^4 / n.
    expect(Math.abs(variance - 4)).toBeLessThan(5 * Math.sqrt((2 * 16) / n));
    const p = tail / n;
    expect(Math.abs(p - 0.05)).toBeLessThan(5 * Math.sqrt((0.05 * 0.95) / n));
  });

  it('int is unbiased over a range that does not divide 2^32', () => {
    const rng = createRng(3);
    const counts = new Array(7).fill(0);
    const n = 70_000;
    for (let i = 0; i < n; i++) counts[rng.int(0, 7)]++;
    // Chi-square with 6 dof: 99.9th percentile is 22.46.
    const chi2 = counts.reduce((acc, c) => acc + (c - n / 7) ** 2 / (n / 7), 0);
    expect(chi2).toBeLessThan(22.46);
  });

  it('permutation is a permutation, and choice follows its weights', () => {
    const rng = createRng(4);
    const p = rng.permutation(50);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const n = 40_000;
    let hits = 0;
    for (let i = 0; i < n; i++) if (rng.choice(['a', 'b'], [1, 3]) === 'b') hits++;
    expect(Math.abs(hits / n - 0.75)).toBeLessThan(5 * Math.sqrt((0.75 * 0.25) / n));
  });

  it('fork gives reproducible independent streams', () => {
    const a = createRng(9).fork();
    const b = createRng(9).fork();
    expect(a.normalArray(5)).toEqual(b.normalArray(5));
  });

  it('rejects a non-finite seed and bad arguments with DlfError', () => {
    expect(() => createRng(Number.NaN)).toThrow(DlfError);
    expect(() => createRng(Number.NaN)).toThrow(/seed must be a finite number/);
    const rng = createRng(0);
    expect(() => rng.int(3, 3)).toThrow(DlfError);
    expect(() => rng.choice([])).toThrow(/items must be non-empty/);
    expect(() => rng.choice([1, 2], [1])).toThrow(/weights must have one entry per item/);
  });
});
