import { DlfError } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fgsm } from './fgsm.js';
import type { LinearModel } from './testModels.js';
import { columnDiff, fixtureValues, linearLogits, linearModel } from './testModels.js';

let binary: LinearModel;
let multi: LinearModel;
const d = 12;

beforeAll(async () => {
  await setupTestBackend();
  // Dyadic weights and inputs: every float32 operation below is exact.
  binary = linearModel(
    fixtureValues(d * 2, 1).map((v) => Math.round(v * 64) / 64 || 1 / 64),
    [0.25, -0.25],
    d,
    2,
  );
  multi = linearModel(fixtureValues(d * 4, 2), fixtureValues(4, 3), d, 4);
});
afterAll(() => {
  binary.dispose();
  multi.dispose();
});

function dyadicInputs(n: number, seed: number): Float32Array {
  return Float32Array.from(fixtureValues(n * d, seed, 0.25, 0.75).map((v) => Math.round(v * 1024) / 1024));
}

describe('fgsm', () => {
  it('equals the closed-form optimum x - eps * sign(w_y - w_other) on a binary linear model', async () => {
    const n = 6;
    const xs = dyadicInputs(n, 4);
    const ys = [0, 1, 0, 1, 1, 0];
    const eps = 0.125;
    const x = tf.tensor2d(xs, [n, d]);
    const res = await fgsm(binary.f, x, ys, { eps });
    const adv = res.adversarial.dataSync();
    for (let i = 0; i < n; i++) {
      const y = ys[i] as number;
      const diff = columnDiff(binary, y, 1 - y);
      for (let j = 0; j < d; j++) {
        expect(adv[i * d + j]).toBe((xs[i * d + j] as number) - eps * Math.sign(diff[j] as number));
      }
      // The optimum decreases the margin by exactly eps * ||w_y - w_other||_1.
      const m0 = linearLogits(binary, xs.subarray(i * d, (i + 1) * d));
      const m1 = linearLogits(binary, adv.subarray(i * d, (i + 1) * d));
      const l1 = diff.reduce((s, v) => s + Math.abs(v), 0);
      expect(
        (m0[y] as number) - (m0[1 - y] as number) - ((m1[y] as number) - (m1[1 - y] as number)),
      ).toBeCloseTo(eps * l1, 5);
    }
    expect(Array.from(res.norms)).toEqual(new Array(n).fill(eps));
    x.dispose();
    res.adversarial.dispose();
  });

  it('follows the sign of the analytic gradient W (softmax(z) - e_y) on a multi-class linear model', async () => {
    const n = 5;
    const xs = Float32Array.from(fixtureValues(n * d, 9, 0.2, 0.8));
    const ys = [0, 1, 2, 3, 1];
    const eps = 0.05;
    const x = tf.tensor2d(xs, [n, d]);
    const res = await fgsm(multi.f, x, ys, { eps });
    const adv = res.adversarial.dataSync();
    for (let i = 0; i < n; i++) {
      const z = linearLogits(multi, xs.subarray(i * d, (i + 1) * d));
      const max = Math.max(...z);
      const e = z.map((v) => Math.exp(v - max));
      const sum = e.reduce((a, b) => a + b, 0);
      for (let j = 0; j < d; j++) {
        let g = 0;
        for (let c = 0; c < 4; c++)
          g += (multi.w[j * 4 + c] as number) * ((e[c] as number) / sum - (c === ys[i] ? 1 : 0));
        const expected = Math.fround((xs[i * d + j] as number) + eps * Math.sign(g));
        expect(Math.abs((adv[i * d + j] as number) - expected)).toBeLessThanOrEqual(1e-7);
      }
    }
    x.dispose();
    res.adversarial.dispose();
  });

  it('targeted FGSM descends the target loss and the l2 variant takes a step of norm eps', async () => {
    const n = 4;
    const xs = Float32Array.from(fixtureValues(n * d, 11, 0.3, 0.7));
    const x = tf.tensor2d(xs, [n, d]);
    const res = await fgsm(multi.f, x, [0, 0, 0, 0], { eps: 0.05, target: 2 });
    const adv = res.adversarial.dataSync();
    for (let i = 0; i < n; i++) {
      const before = linearLogits(multi, xs.subarray(i * d, (i + 1) * d));
      const after = linearLogits(multi, adv.subarray(i * d, (i + 1) * d));
      const lseB = Math.log(before.reduce((s, v) => s + Math.exp(v), 0));
      const lseA = Math.log(after.reduce((s, v) => s + Math.exp(v), 0));
      expect(lseA - (after[2] as number)).toBeLessThan(lseB - (before[2] as number));
    }
    expect(Array.from(res.targets ?? [])).toEqual([2, 2, 2, 2]);
    const l2 = await fgsm(multi.f, x, [0, 1, 2, 3], { eps: 0.2, norm: 'l2' });
    for (const v of l2.norms) expect(v).toBeCloseTo(0.2, 5);
    for (const v of l2.norms) expect(v).toBeLessThanOrEqual(0.2);
    x.dispose();
    res.adversarial.dispose();
    l2.adversarial.dispose();
  });

  it('clips to the input range', async () => {
    const x = tf.tensor2d([[0, 1, 0.5, 0.01, 0.99, 0, 1, 0, 1, 0, 1, 0.5]]);
    const res = await fgsm(binary.f, x, [0], { eps: 0.3 });
    for (const v of res.adversarial.dataSync()) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    x.dispose();
    res.adversarial.dispose();
  });

  it('rejects bad arguments with DlfError', async () => {
    const x = tf.tensor2d([[0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]]);
    await expect(fgsm(binary.f, x, [0], { eps: -1 })).rejects.toThrow(/eps must be >= 0, received -1/);
    await expect(fgsm(binary.f, x, [2])).rejects.toThrow(/y must hold class indices in \[0, 1\], received 2/);
    await expect(fgsm(binary.f, x, [0, 1])).rejects.toThrow(DlfError);
    await expect(fgsm(binary.f, tf.mul(x, 3), [0])).rejects.toThrow(/inside bounds/);
    await expect(fgsm(binary.f, x, [0], { norm: 'l3' as never })).rejects.toThrow(/norm must be/);
    await expect(fgsm(binary.f, x, [0], { target: 5 })).rejects.toThrow(/target must be a class index/);
    x.dispose();
  });

  it('leaks no tensors', async () => {
    const x = tf.tensor2d(dyadicInputs(3, 5), [3, d]);
    await expectNoLeaks(() => fgsm(binary.f, x, [0, 1, 0], { eps: 0.1, target: 'least-likely' }));
    x.dispose();
  });
});
