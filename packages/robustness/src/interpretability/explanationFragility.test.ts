import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinearModel } from '../testModels.js';
import { fixtureValues, linearModel } from '../testModels.js';
import { explanationFragility, topKIntersection } from './explanationFragility.js';
import { powerModel } from './testPolynomials.js';

const d = 20;
let m: LinearModel;
beforeAll(async () => {
  await setupTestBackend();
  m = linearModel(fixtureValues(d * 2, 101), [0, 0], d, 2);
});
afterAll(() => m.dispose());

describe('explanationFragility', () => {
  it('topKIntersection compares the sets of largest magnitudes', () => {
    expect(topKIntersection([5, -4, 1, 0], [0.1, 3, -9, 2], 2)).toBe(0.5); // {0, 1} vs {2, 1}
    expect(topKIntersection([5, -4, 1, 0], [0.1, 3, -9, 2], 4)).toBe(1);
    expect(topKIntersection([1, 2, 3], [3, 2, 1], 1)).toBe(0);
    expect(() => topKIntersection([1, 2], [1, 2], 3)).toThrow(expect.objectContaining({ param: 'k' }));
  });

  it('a linear model has a perfectly stable saliency map', async () => {
    const x = tf.tensor2d(fixtureValues(2 * d, 102, 0, 1), [2, d]);
    const res = await explanationFragility(m.f, x, {
      epsilon: 0.05,
      samples: 3,
      topK: 4,
      seed: 1,
      target: 0,
    });
    expect(res.used).toBe(6);
    expect(res.topKIntersection).toBe(1);
    expect(res.rankCorrelation).toBeCloseTo(1, 12);
    x.dispose();
  });

  it('on sum x^2 (map 2|x|): stable when the gaps exceed 2 eps, random (k/d overlap) when the entries tie', async () => {
    const gapped = tf.tensor2d([Array.from({ length: d }, (_, j) => 1 + j * 0.1)]);
    const stable = await explanationFragility(powerModel, gapped, {
      epsilon: 0.04,
      samples: 5,
      topK: 5,
      seed: 2,
      target: 0,
    });
    expect(stable.topKIntersection).toBe(1);
    const tied = tf.tensor2d([Array.from({ length: d }, (_, j) => 1 + j * 1e-6)]);
    const samples = 200;
    const k = 5;
    const res = await explanationFragility(powerModel, tied, {
      epsilon: 0.1,
      samples,
      topK: k,
      seed: 3,
      target: 0,
    });
    // The perturbed top-k is a uniform k-subset: overlap ~ hypergeometric, mean k/d, sd of the
    // fraction sqrt((k/d)(1-k/d)(d-k)/(d-1)/k) = 0.17; allow 4 standard errors.
    const sd = Math.sqrt(((k / d) * (1 - k / d) * (d - k)) / (d - 1) / k);
    expect(res.used).toBeGreaterThan(100); // perturbations that flip the (near-tied) prediction are skipped
    expect(Math.abs(res.topKIntersection - k / d)).toBeLessThan((4 * sd) / Math.sqrt(res.used));
    await expectNoLeaks(() => explanationFragility(powerModel, tied, { samples: 2, seed: 4 }));
    await expect(explanationFragility(powerModel, tied, { epsilon: 0 })).rejects.toMatchObject({
      param: 'epsilon',
    });
    tf.dispose([gapped, tied]);
  });
});
