import { createRng } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradientPenalty } from './gradientPenalty.js';
import { wassersteinDistance } from './wassersteinDistance.js';

beforeAll(async () => {
  await setupTestBackend();
});

function gaussianRows(n: number, mean: number[], seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => mean.map((m) => m + rng.normal()));
}

describe('gradientPenalty', () => {
  it('is (|w| - 1)^2 for a linear critic, and its parameter gradient matches the closed form', () => {
    const w = tf.variable(tf.tensor2d([0.6, 1.2], [2, 1]));
    const critic = (x: tf.Tensor) => tf.matMul(x as tf.Tensor2D, w);
    const a = tf.tensor2d([0, 0, 1, 1, 2, -1], [3, 2]);
    const b = tf.tensor2d([3, 3, -1, 0, 0, 5], [3, 2]);
    const norm = Math.hypot(0.6, 1.2);
    const value = tf.tidy(() => gradientPenalty(critic, a, b, { seed: 1 }).dataSync()[0] as number);
    expect(value).toBeCloseTo((norm - 1) ** 2, 6);
    // d/dw (|w| - 1)^2 = 2 (|w| - 1) w / |w|: needs the input gradient differentiated again.
    const { value: v, grads } = tf.variableGrads(() => gradientPenalty(critic, a, b, { seed: 1 }), [w]);
    const g = (grads[w.name] as tf.Tensor).dataSync();
    expect(g[0]).toBeCloseTo((2 * (norm - 1) * 0.6) / norm, 5);
    expect(g[1]).toBeCloseTo((2 * (norm - 1) * 1.2) / norm, 5);
    tf.dispose([v, ...Object.values(grads), w, a, b]);
  });
});

describe('wassersteinDistance', () => {
  it('matches the exact empirical W1 in 1-D and approaches |mu1 - mu2| in 2-D', async () => {
    // In 1-D the W1 distance between two samples of equal size is exact: the mean gap between
    // sorted values. The penalised critic's slope settles at 1 + D / (2 lambda) (maximise
    // s D - lambda (s - 1)^2), so the estimate may exceed it by D^2 / (2 lambda) = 0.02 here.
    const sortedW1 = (a: number[][], b: number[][]) => {
      const u = a.map((r) => r[0] as number).sort((p, q) => p - q);
      const v = b.map((r) => r[0] as number).sort((p, q) => p - q);
      return u.reduce((s, x, i) => s + Math.abs(x - (v[i] as number)), 0) / u.length;
    };
    const options = { steps: 80, learningRate: 3e-2, hidden: [8], gradientPenalty: 100 };
    for (const [shift, seed] of [
      [2, 1],
      [0, 3],
    ] as const) {
      const a = gaussianRows(200, [0], seed);
      const b = gaussianRows(200, [shift], seed + 1);
      const exact = sortedW1(a, b);
      const { distance } = await expectNoLeaks(() => wassersteinDistance(b, a, { ...options, seed }));
      expect(distance).toBeGreaterThan(exact - 0.08);
      expect(distance).toBeLessThan(exact + 0.02 + 0.08);
    }
    // 2-D, shifted means: W1 = |mu1 - mu2| = 1.80; the dual objective of the ideal linear critic has
    // standard error sqrt(2 / 200) = 0.1 on these samples, so allow 3 of those.
    const two = await wassersteinDistance(gaussianRows(200, [1, -1.5], 5), gaussianRows(200, [0, 0], 6), {
      ...options,
      seed: 7,
    });
    expect(Math.abs(two.distance - Math.hypot(1, 1.5))).toBeLessThan(0.3);
  });

  it('validates input and stops on abort', async () => {
    await expect(wassersteinDistance([[1, 2]], [[1]])).rejects.toMatchObject({ param: 'y' });
    await expect(wassersteinDistance([[1]], [[1]], { steps: 0 })).rejects.toMatchObject({ param: 'steps' });
    const controller = new AbortController();
    controller.abort();
    const r = await wassersteinDistance([[0], [1]], [[2], [3]], { signal: controller.signal });
    expect(r.steps).toBe(0);
  });
});
