import { createRng } from '@dlf/runtime';
import { describe, expect, it } from 'vitest';
import { solveLinearSystem } from './linearSolve.js';

describe('solveLinearSystem', () => {
  it('needs pivoting on a zero diagonal and solves it exactly', () => {
    const x = solveLinearSystem(Float64Array.of(0, 1, 1, 0), Float64Array.of(2, 3), 2);
    expect(Array.from(x)).toEqual([3, 2]);
  });

  it('recovers a known solution of random 60 x 60 systems to 1e-10 (residual check)', () => {
    const rng = createRng(7);
    const n = 60;
    const a = new Float64Array(n * n).map(() => rng.normal());
    const xTrue = new Float64Array(n).map(() => rng.normal());
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i] = b[i]! + a[i * n + j]! * xTrue[j]!;
    const x = solveLinearSystem(a, b, n);
    for (let i = 0; i < n; i++) expect(Math.abs(x[i]! - xTrue[i]!)).toBeLessThan(1e-10);
  });

  it('reports a singular matrix as NOT_CONVERGED', () => {
    expect(() => solveLinearSystem(Float64Array.of(1, 2, 2, 4), Float64Array.of(1, 1), 2)).toThrow(
      /singular/,
    );
  });
});
