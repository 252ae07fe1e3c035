import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epsilonSweep } from './epsilonSweep.js';
import { fgsm } from './fgsm.js';
import { pgd } from './pgd.js';
import type { LinearModel } from './testModels.js';
import { columnDiff, fixtureValues, linearLogits, linearModel } from './testModels.js';

let binary: LinearModel;
let multi: LinearModel;
const d = 8;

beforeAll(async () => {
  await setupTestBackend();
  binary = linearModel(fixtureValues(d * 2, 61), [0, 0], d, 2);
  multi = linearModel(fixtureValues(d * 3, 62, -2, 2), fixtureValues(3, 63), d, 3);
});
afterAll(() => {
  binary.dispose();
  multi.dispose();
});

describe('epsilonSweep', () => {
  it('matches the closed-form robust accuracy of a binary linear model: margin > eps ||w_y - w_o||_1', async () => {
    const n = 60;
    const xs = Float32Array.from(fixtureValues(n * d, 64, 0.3, 0.7));
    const x = tf.tensor2d(xs, [n, d]);
    const ys = Array.from({ length: n }, (_, i) => (i * 7) % 2);
    const epsilons = [0.1, 0, 0.02, 0.05, 0.2];
    const curve = await epsilonSweep(fgsm, binary.f, x, ys, { epsilons });
    expect(curve.epsilons).toEqual([0, 0.02, 0.05, 0.1, 0.2]);
    curve.epsilons.forEach((eps, e) => {
      let robust = 0;
      for (let i = 0; i < n; i++) {
        const y = ys[i] as number;
        const z = linearLogits(binary, xs.subarray(i * d, (i + 1) * d));
        const l1 = columnDiff(binary, y, 1 - y).reduce((s, v) => s + Math.abs(v), 0);
        if ((z[y] as number) - (z[1 - y] as number) > eps * l1) robust++;
      }
      expect(curve.robustAccuracy[e]).toBe(robust / n);
    });
    expect(curve.robustAccuracy[0]).toBe(curve.cleanAccuracy);
    expect(curve.robustAccuracy[4]).toBeLessThan(curve.robustAccuracy[0] as number);
    x.dispose();
  });

  it('robust accuracy is non-increasing in epsilon and never above a single run at that budget', async () => {
    const n = 30;
    const x = tf.tensor2d(Float32Array.from(fixtureValues(n * d, 65, 0.2, 0.8)), [n, d]);
    const ys = Array.from({ length: n }, (_, i) => i % 3);
    const epsilons = [0, 0.01, 0.03, 0.06, 0.1];
    const curve = await epsilonSweep(pgd, multi.f, x, ys, { epsilons, steps: 5, seed: 1 });
    for (let e = 1; e < epsilons.length; e++) {
      expect(curve.robustAccuracy[e]).toBeLessThanOrEqual(curve.robustAccuracy[e - 1] as number);
      expect(curve.successRate[e]).toBeGreaterThanOrEqual(curve.successRate[e - 1] as number);
    }
    const single = await pgd(multi.f, x, ys, { eps: 0.06, steps: 5, seed: 1 });
    const singleRobust = Array.from(single.predictions).filter((p, i) => p === ys[i]).length / n;
    expect(curve.robustAccuracy[3]).toBeLessThanOrEqual(singleRobust);
    single.adversarial.dispose();
    await expectNoLeaks(() => epsilonSweep(pgd, multi.f, x, ys, { epsilons: [0.01, 0.02], steps: 2 }));
    await expect(epsilonSweep(pgd, multi.f, x, ys, { epsilons: [] })).rejects.toThrow(/epsilons must be/);
    await expect(epsilonSweep(pgd, multi.f, x, ys, { epsilons: [0.1, -1] })).rejects.toThrow(
      /epsilons\[1\] must be >= 0/,
    );
    x.dispose();
  });
});
