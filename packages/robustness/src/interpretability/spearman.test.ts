import { describe, expect, it } from 'vitest';
import { averageRanks, spearman } from './spearman.js';

describe('spearman', () => {
  it('matches a hand computation with ties: ranks [1, 2.5, 2.5, 4, 5] and [2, 1, 4.5, 4.5, 3] give 3.75 / 9.5', () => {
    expect(Array.from(averageRanks([1, 2, 2, 3, 5]))).toEqual([1, 2.5, 2.5, 4, 5]);
    expect(Array.from(averageRanks([2, 1, 4, 4, 3]))).toEqual([2, 1, 4.5, 4.5, 3]);
    // Centred ranks (mean 3): [-2, -0.5, -0.5, 1, 2] and [-1, -2, 1.5, 1.5, 0]: sum of products 3.75,
    // sums of squares 9.5 and 9.5 (scipy.stats.spearmanr gives 0.39473684210526316).
    expect(spearman([1, 2, 2, 3, 5], [2, 1, 4, 4, 3])).toBeCloseTo(3.75 / 9.5, 14);
  });

  it('is 1 for any increasing transform, -1 for a decreasing one, NaN for a constant input', () => {
    const a = [0.3, -2, 5, 1.5, 0, 7];
    expect(
      spearman(
        a,
        a.map((v) => Math.exp(v)),
      ),
    ).toBeCloseTo(1, 14);
    expect(
      spearman(
        a,
        a.map((v) => -(v ** 3)),
      ),
    ).toBeCloseTo(-1, 14);
    expect(spearman(a, [1, 1, 1, 1, 1, 1])).toBeNaN();
  });

  it('rejects arrays of different lengths and non-finite values', () => {
    expect(() => spearman([1, 2], [1, 2, 3])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => spearman([1, Number.NaN], [1, 2])).toThrow(expect.objectContaining({ code: 'NON_FINITE' }));
  });
});
