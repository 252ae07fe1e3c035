/**
 * Attacks on a real trained network: an MLP trained on the 8x8 digits of the runtime (standard
 * training through `adversarialTraining` with epsilon 0).
 */
import { loadDigits } from '@dlf/runtime';
import { setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adversarialTraining } from './adversarialTraining.js';
import { cw } from './cw.js';
import { deepfool } from './deepfool.js';
import { epsilonSweep } from './epsilonSweep.js';
import { fgsm } from './fgsm.js';
import { mifgsm } from './mifgsm.js';
import { pgd } from './pgd.js';

let model: tf.LayersModel;
let x: tf.Tensor;
let y: Int32Array;

function mlp(seed: number): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [8, 8, 1] }),
      tf.layers.dense({
        units: 32,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      }),
      tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}

beforeAll(async () => {
  await setupTestBackend();
  const { train, test } = await loadDigits();
  model = mlp(1);
  await adversarialTraining(model, train, {
    epsilon: 0,
    epochs: 8,
    batchSize: 64,
    learningRate: 0.01,
    seed: 1,
  });
  const m = 80;
  x = tf.tensor(test.x.subarray(0, m * 64), [m, 8, 8, 1]);
  y = Int32Array.from(test.y.subarray(0, m));
});
afterAll(() => {
  model.dispose();
  x.dispose();
});

describe('attacks on a trained digits MLP', () => {
  it('the model is accurate, and PGD and MI-FGSM are at least as strong as FGSM', async () => {
    const eps = 0.1;
    const clean = tf.tidy(
      () =>
        tf
          .equal(tf.argMax(model.predict(x) as tf.Tensor, 1), tf.tensor1d(y, 'int32'))
          .mean()
          .dataSync()[0],
    );
    expect(clean).toBeGreaterThan(0.9);
    const one = await fgsm(model, x, y, { eps });
    const iter = await pgd(model, x, y, { eps, steps: 20, seed: 0 });
    const mom = await mifgsm(model, x, y, { eps, steps: 20 });
    expect(iter.successRate).toBeGreaterThanOrEqual(one.successRate);
    expect(mom.successRate).toBeGreaterThanOrEqual(one.successRate);
    expect(iter.successRate).toBeGreaterThan(1 - (clean as number));
    for (const r of [one, iter, mom]) {
      for (const v of r.norms) expect(v).toBeLessThanOrEqual(eps);
      r.adversarial.dispose();
    }
  });

  it('robust accuracy falls with epsilon, and DeepFool fools every example, C&W nearly every one', async () => {
    const curve = await epsilonSweep(pgd, model, x, y, { epsilons: [0, 0.05, 0.1, 0.2, 0.3], steps: 10 });
    for (let e = 1; e < 5; e++) {
      expect(curve.robustAccuracy[e]).toBeLessThanOrEqual(curve.robustAccuracy[e - 1] as number);
    }
    expect(curve.robustAccuracy[4]).toBeLessThan(0.2);
    const sub = x.slice(0, 20);
    const df = await deepfool(model, sub, y.subarray(0, 20));
    const sub10 = x.slice(0, 10);
    const c = await cw(model, sub10, y.subarray(0, 10), {
      steps: 50,
      binarySearchSteps: 4,
      learningRate: 0.02,
    });
    sub10.dispose();
    expect(df.successRate).toBe(1);
    // C&W's tanh change of variables all but freezes pixels sitting exactly at 0 or 1 (most of a
    // digit), so it needs other pixels and can fail where DeepFool (which moves them) does not.
    expect(c.successRate).toBeGreaterThanOrEqual(0.8);
    df.adversarial.dispose();
    c.adversarial.dispose();
    sub.dispose();
  });
});
