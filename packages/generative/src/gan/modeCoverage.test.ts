import { createRng } from '@dlf/runtime';
import { describe, expect, it } from 'vitest';
import { gaussianMixture2d } from './gaussianMixture2d.js';
import { modeCoverage } from './modeCoverage.js';

describe('gaussianMixture2d and modeCoverage', () => {
  it('a sample of the true mixture covers all 8 modes with ~98.9% high-quality samples (chi-square, 2 dof, radius 3)', () => {
    const ring = gaussianMixture2d({ modes: 8, radius: 2, std: 0.02 });
    const n = 4000;
    const res = modeCoverage(ring.sample(n, 0), ring.centers, { std: ring.std });
    expect(res.modesCovered).toBe(8);
    // P(|N(0, I_2)| <= 3) = 1 - exp(-9 / 2) = 0.98889; binomial standard error sqrt(p (1 - p) / n) = 0.0017.
    expect(Math.abs(res.highQualityFraction - (1 - Math.exp(-4.5)))).toBeLessThan(4 * 0.0017);
    expect(res.klToUniform).toBeLessThan(0.01);
    expect(res.counts.reduce((a, b) => a + b, 0)).toBe(Math.round(res.highQualityFraction * n));
  });

  it('a collapsed generator (all samples near 2 modes) covers 2, and KL to uniform is log(K / 2)', () => {
    const grid = gaussianMixture2d({ modes: 25, layout: 'grid', radius: 2, std: 0.05 });
    const rng = createRng(1);
    const c0 = grid.centers[0]!;
    const c7 = grid.centers[7]!;
    const samples = Array.from({ length: 1000 }, (_, i) => {
      const c = i % 2 === 0 ? c0 : c7;
      return [c[0]! + 0.05 * rng.normal(), c[1]! + 0.05 * rng.normal()];
    });
    const res = modeCoverage(samples, grid.centers, { std: grid.std });
    expect(res.modesCovered).toBe(2);
    expect(res.klToUniform).toBeCloseTo(Math.log(25 / 2), 2);
    // Samples far from every centre are low quality.
    const off = modeCoverage(
      [
        [1, 1],
        [-1, 1],
      ],
      grid.centers,
      { std: grid.std },
    );
    expect(off.highQualityFraction).toBe(0);
    expect(off.modesCovered).toBe(0);
  });

  it('logDensity is the exact mixture density (normalised: integrates to 1 on a fine grid)', () => {
    const mix = gaussianMixture2d({ modes: 3, radius: 1, std: 0.3 });
    const h = 0.02;
    const pts: number[][] = [];
    for (let x = -3; x <= 3; x += h) for (let y = -3; y <= 3; y += h) pts.push([x, y]);
    const total = mix.logDensity(pts).reduce((s, l) => s + Math.exp(l), 0) * h * h;
    expect(total).toBeCloseTo(1, 3);
  });

  it('rejects bad options', () => {
    expect(() => gaussianMixture2d({ modes: 8, layout: 'grid' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => modeCoverage([[0, 0]], [[0, 0]], { std: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => modeCoverage([[0, 0]], [[0, 0, 0]], { std: 1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_SHAPE' }),
    );
  });
});
