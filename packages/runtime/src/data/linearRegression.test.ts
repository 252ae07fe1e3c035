import { describe, expect, it } from 'vitest';
import { DlfError } from '../DlfError.js';
import { linearRegression } from './linearRegression.js';

/** Solves the symmetric system A z = b (Gaussian elimination with partial pivoting, float64). */
function solve(a: number[][], b: number[]): number[] {
  const m = b.length;
  const aug = a.map((row, i) => [...row, b[i] as number]);
  for (let c = 0; c < m; c++) {
    let p = c;
    for (let r = c + 1; r < m; r++)
      if (Math.abs(aug[r]?.[c] as number) > Math.abs(aug[p]?.[c] as number)) p = r;
    [aug[c], aug[p]] = [aug[p] as number[], aug[c] as number[]];
    for (let r = c + 1; r < m; r++) {
      const f = (aug[r]?.[c] as number) / (aug[c]?.[c] as number);
      for (let k = c; k <= m; k++)
        (aug[r] as number[])[k] = (aug[r]?.[k] as number) - f * (aug[c]?.[k] as number);
    }
  }
  const z = new Array(m).fill(0);
  for (let r = m - 1; r >= 0; r--) {
    let s = aug[r]?.[m] as number;
    for (let k = r + 1; k < m; k++) s -= (aug[r]?.[k] as number) * z[k];
    z[r] = s / (aug[r]?.[r] as number);
  }
  return z;
}

describe('linearRegression', () => {
  it('OLS on the data recovers (w, b): (theta_hat - theta)^T X^T X (theta_hat - theta) / noise^2 ~ chi^2(dim + 1)', () => {
    const n = 2000;
    const dim = 5;
    const noise = 0.3;
    const bias = 0.7;
    const data = linearRegression({ n, dim, noise, bias, seed: 0 });
    expect(data.shape).toEqual([dim]);
    expect(data.y).toBeInstanceOf(Float32Array);
    // Design with an intercept column; normal equations in float64.
    const p = dim + 1;
    const gram = new Float64Array(p * p); // X^T X, row-major
    const xty = new Array(p).fill(0);
    for (let i = 0; i < n; i++) {
      const row = [...Array.from(data.x.subarray(i * dim, (i + 1) * dim)), 1];
      for (let a = 0; a < p; a++) {
        xty[a] += (row[a] as number) * (data.y[i] as number);
        for (let b = 0; b < p; b++)
          gram[a * p + b] = (gram[a * p + b] as number) + (row[a] as number) * (row[b] as number);
      }
    }
    const thetaHat = solve(
      Array.from({ length: p }, (_, a) => Array.from(gram.subarray(a * p, (a + 1) * p))),
      xty,
    );
    const theta = [...Array.from(data.weights), bias];
    const err = thetaHat.map((v, a) => v - (theta[a] as number));
    let q = 0;
    for (let a = 0; a < p; a++)
      for (let b = 0; b < p; b++) q += (err[a] as number) * (gram[a * p + b] as number) * (err[b] as number);
    // chi^2 with 6 degrees of freedom: P(> 27.9) = 1e-4.
    expect(q / noise ** 2).toBeLessThan(27.9);
    expect(q / noise ** 2).toBeGreaterThan(0.05); // and not suspiciously exact (P(< 0.05) < 1e-5)
  });

  it('residuals y - <w, x> - b have variance noise^2 and the inputs are standard normal', () => {
    const n = 20_000;
    const data = linearRegression({ n, dim: 2, noise: 0.5, weights: [2, -1], bias: 3, seed: 1 });
    expect(Array.from(data.weights)).toEqual([2, -1]);
    let r2 = 0;
    let x2 = 0;
    for (let i = 0; i < n; i++) {
      const x0 = data.x[2 * i] as number;
      const x1 = data.x[2 * i + 1] as number;
      r2 += ((data.y[i] as number) - (2 * x0 - x1 + 3)) ** 2;
      x2 += x0 * x0 + x1 * x1;
    }
    expect(Math.abs(r2 / n / 0.25 - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(x2 / (2 * n) - 1)).toBeLessThan(5 * Math.sqrt(2 / (2 * n)));
  });

  it('same seed gives identical arrays; different seeds differ', () => {
    const a = linearRegression({ n: 50, dim: 3, seed: 2 });
    const b = linearRegression({ n: 50, dim: 3, seed: 2 });
    expect(a.x).toEqual(b.x);
    expect(a.y).toEqual(b.y);
    expect(a.weights).toEqual(b.weights);
    expect(a.y).not.toEqual(linearRegression({ n: 50, dim: 3, seed: 3 }).y);
  });

  it('rejects bad options with INVALID_ARGUMENT / NON_FINITE', () => {
    expect(() => linearRegression({ n: 10, weights: [1, 2], dim: 3 })).toThrow(
      /dim is 3 but weights has length 2/,
    );
    expect(() => linearRegression({ n: 10, weights: [] })).toThrow(DlfError);
    expect(() => linearRegression({ n: 10, weights: [1, Number.NaN] })).toThrow(
      /weights contains a non-finite/,
    );
    expect(() => linearRegression({ n: 10, noise: -1 })).toThrow(/noise must be >= 0/);
  });
});
