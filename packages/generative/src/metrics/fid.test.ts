import { createRng } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import refs from '../../data/metric-refs.json';
import { fid } from './fid.js';
import { gaussianStats } from './gaussianStats.js';

describe('fid', () => {
  beforeAll(async () => {
    await setupTestBackend();
  });

  it('matches numpy (np.cov) + scipy sqrtm on stored feature sets', () => {
    for (const c of refs.fid) expect(Math.abs(fid(c.a, c.b) - c.fid) / c.fid).toBeLessThan(1e-10);
  });

  it('is 0 for identical sets, reads tf.Tensor2D inputs without leaking, and equals the Gaussian closed form in the limit', async () => {
    const c = refs.fid[1]!;
    expect(fid(c.a, c.a)).toBeLessThan(1e-9);
    const value = await expectNoLeaks(() => {
      const a = tf.tensor2d(c.a);
      const b = tf.tensor2d(c.b);
      const v = fid(a, b);
      a.dispose();
      b.dispose();
      return v;
    });
    // float32 storage of the features changes the result only at float32 precision.
    expect(Math.abs(value - c.fid) / c.fid).toBeLessThan(1e-5);
    // Samples of N(0, I_2) and N((1, 0), 4 I_2): FID -> 1 + 2 (2 - 1)^2 = 3, error O(1 / sqrt(n)).
    const rng = createRng(0);
    const n = 20_000;
    const x = Array.from({ length: n }, () => [rng.normal(), rng.normal()]);
    const y = Array.from({ length: n }, () => [rng.normal(1, 2), rng.normal(0, 2)]);
    expect(Math.abs(fid(x, y) - 3)).toBeLessThan(0.1);
  });

  it('gaussianStats gives the mean and unbiased covariance; fid rejects mismatched widths', () => {
    const { mean, cov } = gaussianStats([
      [0, 1],
      [2, 3],
      [4, 8],
    ]);
    expect(mean).toEqual([2, 4]);
    expect(cov[0]![0]).toBeCloseTo(4, 14);
    expect(cov[0]![1]).toBeCloseTo(7, 14);
    expect(cov[1]![1]).toBeCloseTo(13, 14);
    expect(() =>
      fid(
        [
          [0, 1],
          [1, 2],
        ],
        [[0], [1]],
      ),
    ).toThrow(expect.objectContaining({ code: 'INVALID_SHAPE' }));
    expect(() =>
      fid(
        [[0, 1]],
        [
          [0, 1],
          [1, 2],
        ],
      ),
    ).toThrow(expect.objectContaining({ code: 'INVALID_SHAPE' }));
  });
});
