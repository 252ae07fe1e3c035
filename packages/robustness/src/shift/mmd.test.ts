import { createRng } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mmd } from './mmd.js';

beforeAll(async () => {
  await setupTestBackend();
});

function gaussianRows(n: number, d: number, seed: number, shift = 0): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal() + shift));
}

/** Direct definition, float64: mean over i != j of k(x_i, x_j) etc., one Gaussian bandwidth at a time. */
function referenceMmd2(x: number[][], y: number[][], sigmas: number[]): number {
  const k = (a: number[], b: number[]) =>
    sigmas.reduce(
      (s, sg) => s + Math.exp(-a.reduce((t, v, j) => t + (v - (b[j] as number)) ** 2, 0) / (2 * sg * sg)),
      0,
    );
  let xx = 0;
  for (const [i, a] of x.entries()) for (const [j, b] of x.entries()) if (i !== j) xx += k(a, b);
  let yy = 0;
  for (const [i, a] of y.entries()) for (const [j, b] of y.entries()) if (i !== j) yy += k(a, b);
  let xy = 0;
  for (const a of x) for (const b of y) xy += k(a, b);
  return (
    xx / (x.length * (x.length - 1)) + yy / (y.length * (y.length - 1)) - (2 * xy) / (x.length * y.length)
  );
}

describe('mmd', () => {
  it('equals the direct O(n^2) definition for one and several bandwidths and the median heuristic', () => {
    const x = gaussianRows(9, 3, 1);
    const y = gaussianRows(13, 3, 2, 0.5);
    expect(mmd(x, y, { bandwidth: 0.8, permutations: 0 }).mmd2).toBeCloseTo(referenceMmd2(x, y, [0.8]), 12);
    expect(mmd(x, y, { bandwidth: [0.5, 1, 2], permutations: 0 }).mmd2).toBeCloseTo(
      referenceMmd2(x, y, [0.5, 1, 2]),
      12,
    );
    const pooled = [...x, ...y];
    const dists: number[] = [];
    for (let i = 0; i < pooled.length; i++) {
      for (let j = i + 1; j < pooled.length; j++) {
        dists.push(Math.hypot(...(pooled[i] as number[]).map((v, k) => v - (pooled[j] as number[])[k]!)));
      }
    }
    dists.sort((a, b) => a - b);
    expect(dists.length).toBe(231); // 22 points: odd count, the median is the middle distance
    const res = mmd(x, y, { permutations: 0 });
    expect(res.bandwidths[0]).toBeCloseTo(dists[115] as number, 12);
    expect(res.mmd2).toBeCloseTo(referenceMmd2(x, y, res.bandwidths), 12);
    expect(res.pValue).toBeNaN();
  });

  it('is zero in expectation and its permutation test is calibrated when the distributions agree', () => {
    const runs = 200;
    const values: number[] = [];
    let rejections = 0;
    for (let s = 0; s < runs; s++) {
      const res = mmd(gaussianRows(8, 2, 1000 + s), gaussianRows(8, 2, 5000 + s), {
        bandwidth: 1,
        permutations: 99,
        seed: s,
      });
      values.push(res.mmd2);
      if (res.pValue <= 0.05) rejections++;
    }
    const mean = values.reduce((a, b) => a + b, 0) / runs;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (runs - 1));
    expect(Math.abs(mean)).toBeLessThan((4 * sd) / Math.sqrt(runs));
    // With 99 permutations P(p <= 0.05) = 5/100 exactly under H0: rejections ~ Binomial(200, 0.05),
    // mean 10, sd 3.08; accept within about 3 sd.
    expect(rejections).toBeGreaterThanOrEqual(1);
    expect(rejections).toBeLessThanOrEqual(20);
  });

  it('detects a mean shift, is reproducible per seed and takes tensors without leaking', async () => {
    const x = gaussianRows(20, 2, 7);
    const y = gaussianRows(20, 2, 8, 1.5);
    const res = mmd(x, y, { permutations: 200, seed: 3 });
    expect(res.mmd2).toBeGreaterThan(0);
    expect(res.pValue).toBeLessThan(0.01);
    expect(mmd(x, y, { permutations: 50, seed: 9 }).pValue).toBe(
      mmd(x, y, { permutations: 50, seed: 9 }).pValue,
    );
    const tx = tf.tensor2d(x);
    const ty = tf.tensor2d(y);
    const fromTensors = await expectNoLeaks(() => mmd(tx, ty, { permutations: 0, bandwidth: 1 }));
    expect(fromTensors.mmd2).toBeCloseTo(
      referenceMmd2(
        x.map((r) => r.map(Math.fround)),
        y.map((r) => r.map(Math.fround)),
        [1],
      ),
      12,
    );
    expect(() => mmd(x, [[1, 2, 3]])).toThrow(expect.objectContaining({ code: 'INVALID_SHAPE' }));
    expect(() => mmd(x, y, { bandwidth: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => mmd(x, [[1, 2]])).toThrow(expect.objectContaining({ code: 'INVALID_SHAPE', param: 'y' }));
    tx.dispose();
    ty.dispose();
  });
});
