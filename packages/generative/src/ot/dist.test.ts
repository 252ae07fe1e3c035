import { DlfError } from '@dlf/runtime';
import { describe, expect, it } from 'vitest';
import { dist } from './dist.js';

describe('dist', () => {
  it('computes squared Euclidean, Euclidean and cityblock costs between point clouds', () => {
    const x = [
      [0, 0],
      [1, 2],
    ];
    const y = [
      [3, 4],
      [1, 0],
      [-1, 2],
    ];
    expect(dist(x, y)).toEqual([
      [25, 1, 5],
      [8, 4, 4],
    ]);
    expect(dist(x, y, { metric: 'euclidean' })).toEqual([
      [5, 1, Math.sqrt(5)],
      [Math.sqrt(8), 2, 2],
    ]);
    expect(dist(x, y, { metric: 'cityblock' })).toEqual([
      [7, 1, 3],
      [4, 2, 2],
    ]);
  });

  it('rejects mismatched dimensions, ragged rows and unknown metrics', () => {
    expect(() => dist([[0, 0]], [[0]])).toThrow(DlfError);
    expect(() => dist([[0, 0], [1]], [[0, 1]])).toThrow(expect.objectContaining({ code: 'INVALID_SHAPE' }));
    expect(() => dist([[0]], [[0]], { metric: 'cosine' as 'euclidean' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
