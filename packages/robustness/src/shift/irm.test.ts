import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureValues } from '../testModels.js';
import { irm } from './irm.js';

beforeAll(async () => {
  await setupTestBackend();
});

const d = 3;
const k = 2;
const envs = [0, 1].map((e) => ({
  x: Float32Array.from(fixtureValues(4 * d, 120 + e)),
  y: Int32Array.from([0, 1, 1, e]),
  n: 4,
  shape: [d],
  numClasses: k,
}));

/** mean_e [CE_e + w * g_e^2] / max(w, 1) in float64 for logits x W, g_e = mean_i sum_c (p - y) z. */
function objective64(wFlat: number[], weight: number): number {
  let total = 0;
  for (const env of envs) {
    let risk = 0;
    let g = 0;
    for (let i = 0; i < env.n; i++) {
      const z = Array.from({ length: k }, (_, c) => {
        let s = 0;
        for (let j = 0; j < d; j++) s += (env.x[i * d + j] as number) * (wFlat[j * k + c] as number);
        return s;
      });
      const max = Math.max(...z);
      const lse = max + Math.log(z.reduce((s, v) => s + Math.exp(v - max), 0));
      const y = env.y[i] as number;
      risk += lse - (z[y] as number);
      for (let c = 0; c < k; c++)
        g += (Math.exp((z[c] as number) - lse) - (c === y ? 1 : 0)) * (z[c] as number);
    }
    risk /= env.n;
    g /= env.n;
    total += risk + weight * g * g;
  }
  return total / envs.length / Math.max(weight, 1);
}

describe('irm', () => {
  it('one SGD step follows the finite-difference gradient of mean risk + w * mean penalty (divided by w)', async () => {
    const w0 = fixtureValues(d * k, 125, -1, 1);
    for (const [weight, anneal] of [
      [1, 5],
      [50, 0],
    ] as const) {
      const W = tf.variable(tf.tensor2d(w0, [d, k]));
      const model = (x: tf.Tensor) => tf.matMul(x, W);
      const lr = 0.05;
      const { history } = await irm(model, envs, {
        steps: 1,
        penaltyWeight: weight,
        penaltyAnnealSteps: anneal,
        optimizer: tf.train.sgd(lr),
        variables: [W],
      });
      expect(history[0]?.weight).toBe(anneal > 0 ? 1 : weight);
      const after = W.dataSync();
      const h = 1e-6;
      for (let q = 0; q < d * k; q++) {
        const up = [...w0];
        const down = [...w0];
        up[q] = (up[q] as number) + h;
        down[q] = (down[q] as number) - h;
        const fd = (objective64(up, weight) - objective64(down, weight)) / (2 * h);
        expect(after[q]).toBeCloseTo((w0[q] as number) - lr * fd, 5);
      }
      W.dispose();
    }
  });

  it('reports risk and penalty, leaks nothing and validates its input', async () => {
    const W = tf.variable(tf.tensor2d(fixtureValues(d * k, 126), [d, k]));
    const model = (x: tf.Tensor) => tf.matMul(x, W);
    const { history } = await expectNoLeaks(() =>
      irm(model, envs, { steps: 3, variables: [W], penaltyAnnealSteps: 1 }),
    );
    expect(history.map((s) => s.weight)).toEqual([1, 1e4, 1e4]);
    expect(history[0]?.penalty).toBeGreaterThan(0);
    await expect(irm(model, envs)).rejects.toMatchObject({ param: 'variables' });
    await expect(irm(model, [], { variables: [W] })).rejects.toMatchObject({ param: 'environments' });
    W.dispose();
  });
});
