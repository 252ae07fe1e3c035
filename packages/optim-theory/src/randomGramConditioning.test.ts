import { describe, expect, it } from 'vitest';
import { randomGramConditioning } from './randomGramConditioning.js';

describe('randomGramConditioning', () => {
  it('log kappa falls as m grows past n and tracks log(m / (|m - n| + 1)) linearly', () => {
    const n = 20;
    const r = randomGramConditioning({ n, ms: [20, 22, 25, 30, 40, 60, 100, 200], trials: 20, seed: 1 });
    for (let k = 1; k < r.m.length; k++) {
      // Strictly decreasing beyond the noise of either mean.
      expect(r.meanLogKappa[k]!).toBeLessThan(r.meanLogKappa[k - 1]! - 2 * r.standardError[k - 1]!);
    }
    // Linear fit of E[log kappa] on the predictor explains the curve (correlation > 0.99).
    const xs = r.logRatio;
    const ys = r.meanLogKappa;
    const mx = xs.reduce((s, v) => s + v, 0) / xs.length;
    const my = ys.reduce((s, v) => s + v, 0) / ys.length;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    xs.forEach((x, k) => {
      sxy += (x - mx) * (ys[k]! - my);
      sxx += (x - mx) ** 2;
      syy += (ys[k]! - my) ** 2;
    });
    expect(sxy / Math.sqrt(sxx * syy)).toBeGreaterThan(0.99);
  });

  it('approaches the Marchenko-Pastur edge prediction from below, closer for larger n at the same ratio', () => {
    // Edge fluctuations (Tracy-Widom, mean below the upper edge and above the lower one) shrink kappa by a
    // relative amount of order n^{-2/3}; so measured / predicted < 1 and tends to 1 as n grows.
    const gaps = [10, 40].map((n) => {
      const r = randomGramConditioning({ n, ms: [10 * n], trials: 20, seed: 2 });
      const ratio = r.meanLogKappa[0]! / r.marchenkoPastur[0]!;
      expect(ratio).toBeLessThan(1);
      expect(ratio).toBeGreaterThan(0.75);
      return 1 - ratio;
    });
    expect(gaps[1]!).toBeLessThan(gaps[0]!);
  });

  it('reports singular Gram matrices (m < n) as infinite and validates input', () => {
    const r = randomGramConditioning({ n: 6, ms: [3], trials: 2 });
    expect(r.meanLogKappa[0]).toBe(Number.POSITIVE_INFINITY);
    expect(r.marchenkoPastur[0]).toBeNaN();
    expect(() => randomGramConditioning({ n: 0, ms: [3] })).toThrow(expect.objectContaining({ param: 'n' }));
    expect(() => randomGramConditioning({ n: 3, ms: [2.5] })).toThrow(
      expect.objectContaining({ param: 'ms[0]' }),
    );
  });

  it('stops with ABORTED when its signal has fired', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(
      (async () => randomGramConditioning({ n: 5, ms: [10], signal: ac.signal }))(),
    ).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
