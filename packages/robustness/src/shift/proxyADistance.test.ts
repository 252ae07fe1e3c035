import { createRng } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalCdf } from '../smoothing/stats.js';
import { proxyADistance } from './proxyADistance.js';

beforeAll(async () => {
  await setupTestBackend();
});

function gaussian(n: number, shift: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => [rng.normal() + shift, rng.normal()]);
}

describe('proxyADistance', () => {
  it('reaches the Bayes error Phi(-delta/2) between N(0, I) and N((delta, 0), I)', () => {
    const n = 1000;
    const delta = 1;
    const res = proxyADistance(gaussian(n, 0, 1), gaussian(n, delta, 2), { seed: 0 });
    const bayes = normalCdf(-delta / 2); // 0.3085
    const se = Math.sqrt((bayes * (1 - bayes)) / res.testSize);
    expect(res.testSize).toBe(n);
    // The error is at least near Bayes (sampling) and a linear rule is optimal here (small excess risk).
    expect(Math.abs(res.error - bayes)).toBeLessThan(4 * se + 0.01);
    expect(res.distance).toBeCloseTo(2 * (1 - 2 * res.error), 14);
  });

  it('is near 0 for identical distributions and near 2 for separated ones', () => {
    const same = proxyADistance(gaussian(400, 0, 3), gaussian(400, 0, 4), { seed: 1 });
    expect(Math.abs(same.error - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / same.testSize));
    const far = proxyADistance(gaussian(200, 0, 5), gaussian(200, 10, 6), { seed: 1 });
    expect(far.distance).toBe(2);
  });

  it('takes tensors without leaking, is seeded and validates its input', async () => {
    const a = tf.tensor2d(gaussian(40, 0, 7));
    const b = tf.tensor2d(gaussian(40, 1, 8));
    const r1 = await expectNoLeaks(() => proxyADistance(a, b, { seed: 2, iterations: 50 }));
    expect(proxyADistance(a, b, { seed: 2, iterations: 50 })).toEqual(r1);
    expect(() => proxyADistance(a, [[1, 2, 3]])).toThrow(expect.objectContaining({ code: 'INVALID_SHAPE' }));
    expect(() => proxyADistance(a, b, { testFraction: 1 })).toThrow(
      expect.objectContaining({ param: 'testFraction' }),
    );
    a.dispose();
    b.dispose();
  });
});
