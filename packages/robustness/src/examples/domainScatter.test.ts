import { describe, expect, it } from 'vitest';
import { boundsOf, gridPoints, pca2 } from './domainScatter.js';

describe('domainScatter helpers of the dannMoons example', () => {
  it('pca2 projects on the principal axes: variances are the top two eigenvalues, coordinates uncorrelated', () => {
    // Points a * e1 + b * e2 + c * e3 in an orthonormal basis of R^4 with known spreads 3 > 2 > 0.5:
    // the projection's variances must be 9 and 4 (the sample's, computed exactly below) and the
    // coordinates must reproduce the a and b columns up to sign.
    const s = Math.SQRT1_2;
    const e1 = [s, s, 0, 0];
    const e2 = [0, 0, s, -s];
    const e3 = [s, -s, 0, 0];
    const n = 400;
    const rows = new Float32Array(n * 4);
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < n; i++) {
      // Deterministic, centred, uncorrelated columns: cosines and sines at different frequencies.
      const t = (2 * Math.PI * i) / n;
      a.push(3 * Math.SQRT2 * Math.cos(t));
      b.push(2 * Math.SQRT2 * Math.sin(2 * t));
      const c = 0.5 * Math.SQRT2 * Math.cos(3 * t);
      for (let j = 0; j < 4; j++) {
        rows[i * 4 + j] =
          1 +
          (a[i] as number) * (e1[j] as number) +
          (b[i] as number) * (e2[j] as number) +
          c * (e3[j] as number);
      }
    }
    const p = pca2(rows, n, 4);
    let varU = 0;
    let varV = 0;
    let cov = 0;
    let dotA = 0;
    let dotB = 0;
    for (let i = 0; i < n; i++) {
      const u = p[2 * i] as number;
      const v = p[2 * i + 1] as number;
      varU += (u * u) / n;
      varV += (v * v) / n;
      cov += (u * v) / n;
      dotA += (u * (a[i] as number)) / n;
      dotB += (v * (b[i] as number)) / n;
    }
    expect(varU).toBeCloseTo(9, 3);
    expect(varV).toBeCloseTo(4, 3);
    expect(Math.abs(cov)).toBeLessThan(1e-4);
    expect(Math.abs(dotA)).toBeCloseTo(9, 3);
    expect(Math.abs(dotB)).toBeCloseTo(4, 3);
  });

  it('boundsOf pads the bounding box and gridPoints covers it with cell centres, top row first', () => {
    const bounds = boundsOf([Float32Array.from([0, 0, 2, 1]), Float32Array.from([1, -1])], 0.1);
    expect(bounds[0]).toBeCloseTo(-0.2, 6);
    expect(bounds[1]).toBeCloseTo(2.2, 6);
    expect(bounds[2]).toBeCloseTo(-1.2, 6);
    expect(bounds[3]).toBeCloseTo(1.2, 6);
    const grid = gridPoints([0, 4, 0, 2], 4, 2);
    expect(Array.from(grid)).toEqual([
      0.5, 1.5, 1.5, 1.5, 2.5, 1.5, 3.5, 1.5, 0.5, 0.5, 1.5, 0.5, 2.5, 0.5, 3.5, 0.5,
    ]);
  });
});
