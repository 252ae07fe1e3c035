import { createRng, DlfError } from '@dlf/runtime';
import { describe, expect, it } from 'vitest';
import refs from '../../data/metric-refs.json';
import { frechetDistance } from './frechetDistance.js';
import { symmetricEigen } from './symmetricEigen.js';

describe('frechetDistance', () => {
  it('matches scipy.linalg.sqrtm (pytorch-fid formula) on regular covariances, d in {3, 8, 16}', () => {
    for (const c of refs.frechet.filter((r) => r.kind === 'regular')) {
      const value = frechetDistance(c.mu1, c.sigma1, c.mu2, c.sigma2);
      expect(Math.abs(value - c.scipy) / c.scipy).toBeLessThan(1e-11);
    }
  });

  it('stays real and accurate for singular covariances (rank 5 of 10, rank 1 of 6)', () => {
    // tr sqrt(C) is not Lipschitz at zero eigenvalues: rounding noise of size eps ||C|| in the null
    // space moves it by sqrt(eps ||C||) ~ 1e-8 relative in numpy eigh and scipy sqrtm, which keep
    // that noise; so the comparison with them is to 1e-7. The exact rank-1 closed form is met to 1e-12.
    const c = refs.frechet.find((r) => r.kind === 'singular')!;
    const value = frechetDistance(c.mu1, c.sigma1, c.mu2, c.sigma2);
    expect(Math.abs(value - c.eigh) / c.eigh).toBeLessThan(1e-7);
    expect(Math.abs(value - c.scipy) / c.scipy).toBeLessThan(1e-7);
    // Rank-1 covariances a u u^T and b u u^T along a unit vector u: d^2 = (sqrt(a) - sqrt(b))^2.
    const u = [1, -2, 0.5, 3, 1, -1].map((x) => x / Math.sqrt(16.25));
    const outer = (s: number): number[][] => u.map((ui) => u.map((uj) => s * ui * uj));
    const zero = new Array(6).fill(0);
    const rank1 = frechetDistance(zero, outer(4), zero, outer(9));
    expect(Number.isFinite(rank1)).toBe(true);
    expect(Math.abs(rank1 - 1)).toBeLessThan(1e-12);
  });

  it('equals the closed forms: (m1 - m2)^2 + (s1 - s2)^2 in 1-D, sum (sqrt(a_i) - sqrt(b_i))^2 for diagonal covariances', () => {
    expect(frechetDistance([1.5], [[4]], [-0.5], [[0.25]])).toBeCloseTo(2 ** 2 + 1.5 ** 2, 14);
    const a = [1, 4, 0.5, 9];
    const b = [2, 1, 0.5, 0];
    const diag = (v: number[]): number[][] => v.map((x, i) => v.map((_, j) => (i === j ? x : 0)));
    const expected = a.reduce((s, ai, i) => s + (Math.sqrt(ai) - Math.sqrt(b[i] as number)) ** 2, 0) + 1;
    expect(frechetDistance([0, 0, 0, 1], diag(a), [0, 0, 0, 0], diag(b))).toBeCloseTo(expected, 13);
  });

  it('is 0 for identical Gaussians and invariant under a common rotation', () => {
    const c = refs.frechet[1]!;
    expect(frechetDistance(c.mu1, c.sigma1, c.mu1, c.sigma1)).toBeLessThan(1e-10);
    // Rotate both Gaussians by the same orthogonal Q (eigenvectors of a random symmetric matrix).
    const d = c.mu1.length;
    const rng = createRng(1);
    const sym = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) sym[i * d + j] = sym[j * d + i] = rng.normal();
    const Q = symmetricEigen(sym, d).vectors;
    const rot = (mu: number[]): number[] =>
      mu.map((_, i) => mu.reduce((s, x, k) => s + Q[i * d + k]! * x, 0));
    const rotCov = (S: number[][]): number[][] =>
      S.map((_, i) =>
        S.map((__, j) => {
          let s = 0;
          for (let k = 0; k < d; k++)
            for (let l = 0; l < d; l++) s += Q[i * d + k]! * S[k]![l]! * Q[j * d + l]!;
          return s;
        }),
      );
    const base = frechetDistance(c.mu1, c.sigma1, c.mu2, c.sigma2);
    const rotated = frechetDistance(rot(c.mu1), rotCov(c.sigma1), rot(c.mu2), rotCov(c.sigma2));
    expect(Math.abs(rotated - base) / base).toBeLessThan(1e-11);
  });

  it('rejects non-PSD covariances, mismatched sizes and non-finite entries', () => {
    expect(() =>
      frechetDistance(
        [0, 0],
        [
          [1, 2],
          [2, 1],
        ],
        [0, 0],
        [
          [1, 0],
          [0, 1],
        ],
      ),
    ).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', param: 'sigma1' }));
    expect(() =>
      frechetDistance(
        [0, 0],
        [
          [1, 0],
          [0, 1],
        ],
        [0],
        [[1]],
      ),
    ).toThrow(expect.objectContaining({ code: 'INVALID_SHAPE' }));
    expect(() => frechetDistance([0], [[Number.NaN]], [0], [[1]])).toThrow(DlfError);
  });
});

describe('symmetricEigen', () => {
  it('reconstructs A = V diag(lambda) V^T with orthonormal V, eigenvalues ascending', () => {
    const d = 12;
    const rng = createRng(4);
    const A = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) A[i * d + j] = A[j * d + i] = rng.normal();
    const { values, vectors: V } = symmetricEigen(A, d);
    let maxErr = 0;
    let orthErr = 0;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let s = 0;
        let o = 0;
        for (let k = 0; k < d; k++) {
          s += V[i * d + k]! * values[k]! * V[j * d + k]!;
          o += V[k * d + i]! * V[k * d + j]!;
        }
        maxErr = Math.max(maxErr, Math.abs(s - A[i * d + j]!));
        orthErr = Math.max(orthErr, Math.abs(o - (i === j ? 1 : 0)));
      }
    }
    expect(maxErr).toBeLessThan(1e-12);
    expect(orthErr).toBeLessThan(1e-13);
    for (let k = 1; k < d; k++) expect(values[k]!).toBeGreaterThanOrEqual(values[k - 1]!);
  });
});
