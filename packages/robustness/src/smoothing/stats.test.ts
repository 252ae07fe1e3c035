import { describe, expect, it } from 'vitest';
import refs from '../../scripts/refs/stats.json' with { type: 'json' };
import {
  betaQuantile,
  binomialTestHalf,
  clopperPearson,
  logBeta,
  logGamma,
  normalCdf,
  normalQuantile,
  regularizedBeta,
} from './stats.js';

/** |got - want| <= rel * |want| + abs. */
function close(got: number, want: number, rel: number, abs = 0): void {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.abs(want) + abs);
}

describe('special functions against SciPy (scripts/make-refs.py)', () => {
  it('normalCdf matches scipy.stats.norm.cdf to 1e-13 relative, deep into the tails', () => {
    for (const [x, want] of refs.normalCdf as number[][])
      close(normalCdf(x as number), want as number, 1e-13);
  });

  it('normalQuantile matches scipy.stats.norm.ppf to 1e-13 relative', () => {
    for (const [p, want] of refs.normalQuantile as number[][])
      close(normalQuantile(p as number), want as number, 1e-13, 1e-15);
  });

  it('logGamma and logBeta match scipy.special.gammaln / betaln', () => {
    for (const [x, want] of refs.logGamma as number[][])
      close(logGamma(x as number), want as number, 1e-14, 1e-14);
    for (const [a, b, want] of refs.logBeta as number[][])
      close(logBeta(a as number, b as number), want as number, 1e-13, 1e-12);
  });

  it('regularizedBeta matches scipy.special.betainc', () => {
    for (const [x, a, b, want] of refs.regularizedBeta as number[][]) {
      close(regularizedBeta(x as number, a as number, b as number), want as number, 1e-11, 1e-15);
    }
  });

  it('betaQuantile matches scipy.stats.beta.ppf, including n = 1e5 trials', () => {
    for (const [p, a, b, want] of refs.betaQuantile as number[][]) {
      close(betaQuantile(p as number, a as number, b as number), want as number, 1e-10, 1e-300);
    }
  });
});

describe('binomial statistics against SciPy', () => {
  it('clopperPearson equals the Beta quantiles scipy computes', () => {
    for (const [k, n, alpha, lower, upper] of refs.clopperPearson as number[][]) {
      const got = clopperPearson(k as number, n as number, alpha as number);
      close(got.lower, lower as number, 1e-10);
      close(got.upper, upper as number, 1e-10);
    }
  });

  it('clopperPearson covers: the bound is exact at the Beta tail (I_lower(k, n-k+1) = alpha)', () => {
    const { lower } = clopperPearson(37, 50, 0.01);
    // P(Bin(50, lower) >= 37) = I_lower(37, 14) = alpha by the beta-binomial identity.
    let tail = 0;
    for (let j = 37; j <= 50; j++)
      tail += Math.exp(logBinom(50, j) + j * Math.log(lower) + (50 - j) * Math.log1p(-lower));
    close(tail, 0.01, 1e-9);
  });

  it('binomialTestHalf matches scipy.stats.binomtest(k, n, 0.5).pvalue', () => {
    for (const [k, n, want] of refs.binomialTestHalf as number[][])
      close(binomialTestHalf(k as number, n as number), want as number, 1e-10, 1e-300);
  });

  it('rejects invalid counts with DlfError', () => {
    expect(() => clopperPearson(11, 10, 0.05)).toThrow(/k must be an integer in \[0, 10\], received 11/);
    expect(() => clopperPearson(1, 10, 0)).toThrow(/alpha must be in \(0, 1\)/);
    expect(() => betaQuantile(0.5, -1, 2)).toThrow(/a must be > 0/);
  });
});

function logBinom(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}
