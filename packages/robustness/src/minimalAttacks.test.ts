import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cw } from './cw.js';
import { deepfool } from './deepfool.js';
import type { LinearModel } from './testModels.js';
import { columnDiff, fixtureValues, linearLogits, linearModel } from './testModels.js';

let binary: LinearModel;
let multi: LinearModel;
const d = 10;
const k = 4;

beforeAll(async () => {
  await setupTestBackend();
  binary = linearModel(fixtureValues(d * 2, 51), [0.3, -0.3], d, 2);
  multi = linearModel(fixtureValues(d * k, 52, -2, 2), fixtureValues(k, 53), d, k);
});
afterAll(() => {
  binary.dispose();
  multi.dispose();
});

function inputs(n: number, seed: number): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(fixtureValues(n * d, seed, 0.35, 0.65)), [n, d]);
}

/** Exact minimal L2 distance out of class y's region of an affine classifier: min_k |z_k - z_y| / ||w_k - w_y||. */
function minimalDistance(m: LinearModel, x: ArrayLike<number>, y: number): number {
  const z = linearLogits(m, x);
  let best = Number.POSITIVE_INFINITY;
  for (let c = 0; c < m.k; c++) {
    if (c === y) continue;
    best = Math.min(best, Math.abs((z[c] as number) - (z[y] as number)) / Math.hypot(...columnDiff(m, c, y)));
  }
  return best;
}

/** Labels = the model's own clean predictions, so every example starts correctly classified. */
function predicted(m: LinearModel, xs: Float32Array, n: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    const z = linearLogits(m, xs.subarray(i * d, (i + 1) * d));
    return z.indexOf(Math.max(...z));
  });
}

describe('deepfool', () => {
  it('finds the exact minimal perturbation -f(x) w / ||w||^2 of a binary linear classifier (overshoot 0)', async () => {
    const n = 6;
    const x = inputs(n, 54);
    const xs = x.dataSync() as Float32Array;
    const ys = predicted(binary, xs, n);
    const res = await deepfool(binary.f, x, ys, { overshoot: 0, steps: 3 });
    const adv = res.adversarial.dataSync();
    for (let i = 0; i < n; i++) {
      const y = ys[i] as number;
      const w = columnDiff(binary, 1 - y, y);
      const z = linearLogits(binary, xs.subarray(i * d, (i + 1) * d));
      const f = (z[1 - y] as number) - (z[y] as number); // < 0 inside class y
      const wsq = w.reduce((s, v) => s + v * v, 0);
      for (let j = 0; j < d; j++) {
        const expected = (xs[i * d + j] as number) - (f / wsq) * (w[j] as number);
        expect(Math.abs((adv[i * d + j] as number) - expected)).toBeLessThan(2e-6);
      }
      expect((res.norms[i] as number) / (Math.abs(f) / Math.sqrt(wsq))).toBeCloseTo(1, 4);
    }
    x.dispose();
    res.adversarial.dispose();
  });

  it('on a multi-class affine classifier returns (1 + overshoot) times the exact minimal distance and flips every label', async () => {
    const n = 8;
    const x = inputs(n, 55);
    const xs = x.dataSync() as Float32Array;
    const ys = predicted(multi, xs, n);
    const res = await deepfool(multi.f, x, ys, { bounds: [-10, 10] });
    expect(res.successRate).toBe(1);
    for (let i = 0; i < n; i++) {
      const dMin = minimalDistance(multi, xs.subarray(i * d, (i + 1) * d), ys[i] as number);
      expect((res.norms[i] as number) / dMin).toBeCloseTo(1.02, 4);
    }
    const targeted = await deepfool(multi.f, x, ys, { bounds: [-10, 10], target: 'least-likely' });
    expect(Array.from(targeted.predictions)).toEqual(Array.from(targeted.targets ?? []));
    x.dispose();
    res.adversarial.dispose();
    targeted.adversarial.dispose();
  });

  it('leaks no tensors', async () => {
    const x = inputs(3, 56);
    await expectNoLeaks(() => deepfool(multi.f, x, [0, 1, 2], { steps: 5 }));
    x.dispose();
  });
});

describe('cw', () => {
  it('finds a perturbation no smaller than the exact minimum and within 1% of it (binary linear)', async () => {
    const n = 6;
    const x = inputs(n, 57);
    const xs = x.dataSync() as Float32Array;
    const ys = predicted(binary, xs, n);
    const res = await cw(binary.f, x, ys, { steps: 100, binarySearchSteps: 4, learningRate: 0.005 });
    expect(res.successRate).toBe(1);
    for (let i = 0; i < n; i++) {
      const dMin = minimalDistance(binary, xs.subarray(i * d, (i + 1) * d), ys[i] as number);
      expect(res.norms[i] as number).toBeGreaterThanOrEqual(dMin * (1 - 1e-5));
      expect(res.norms[i] as number).toBeLessThanOrEqual(dMin * 1.01);
    }
    x.dispose();
    res.adversarial.dispose();
  });

  it('on a multi-class affine classifier is bounded below by the exact minimum; targeted hits the target', async () => {
    const n = 5;
    const x = inputs(n, 58);
    const xs = x.dataSync() as Float32Array;
    const ys = predicted(multi, xs, n);
    const res = await cw(multi.f, x, ys, { steps: 100, binarySearchSteps: 4, learningRate: 0.005 });
    expect(res.successRate).toBe(1);
    for (let i = 0; i < n; i++) {
      const dMin = minimalDistance(multi, xs.subarray(i * d, (i + 1) * d), ys[i] as number);
      expect(res.norms[i] as number).toBeGreaterThanOrEqual(dMin * (1 - 1e-5));
      // Adam's last steps (lr 0.005 in tanh space, x moves <= lr/2 per entry) leave an absolute slack.
      expect(res.norms[i] as number).toBeLessThanOrEqual(dMin * 1.02 + 0.0025);
    }
    const t = await cw(multi.f, x, ys, {
      steps: 50,
      binarySearchSteps: 3,
      target: 'random',
      seed: 2,
      kappa: 0.1,
    });
    for (let i = 0; i < n; i++) {
      if (!t.success[i]) continue;
      const z = linearLogits(multi, t.adversarial.dataSync().subarray(i * d, (i + 1) * d));
      const tgt = t.targets?.[i] as number;
      const other = Math.max(...z.filter((_, c) => c !== tgt));
      expect((z[tgt] as number) - other).toBeGreaterThanOrEqual(0.1 - 1e-4);
    }
    expect(t.successRate).toBeGreaterThan(0.5);
    x.dispose();
    res.adversarial.dispose();
    t.adversarial.dispose();
  });

  it('leaks no tensors', async () => {
    const x = inputs(3, 59);
    await expectNoLeaks(() => cw(multi.f, x, [0, 1, 2], { steps: 5, binarySearchSteps: 2 }));
    x.dispose();
  });
});
