import { loadDigits } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { adversarialTraining } from '../adversarialTraining.js';
import { smooth } from './smooth.js';
import { trainWithNoise } from './trainWithNoise.js';

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
});

describe('trainWithNoise', () => {
  it('makes the smoothed digits classifier accurate and certifiable where standard training is not', async () => {
    const { train, test } = await loadDigits();
    const sigma = 0.5;
    const standard = mlp(1);
    await adversarialTraining(standard, train, { epsilon: 0, epochs: 6, learningRate: 0.01, seed: 1 });
    const noisy = mlp(1);
    const { history } = await trainWithNoise(noisy, train, {
      sigma,
      epochs: 6,
      learningRate: 0.01,
      seed: 1,
      validation: test,
    });
    expect(history.at(-1)?.noisyAccuracy).toBeGreaterThan(history[0]?.noisyAccuracy as number);
    const m = 30;
    const x = tf.tensor(test.x.subarray(0, m * 64), [m, 8, 8, 1]);
    const y = test.y.subarray(0, m);
    const certify = async (model: tf.LayersModel) => {
      const certs = await smooth(model, { sigma, seed: 2 }).certify(x, { n0: 50, n: 500, alpha: 0.001 });
      return {
        accuracy: certs.filter((c, i) => c.class === y[i]).length / m,
        meanRadius: certs.reduce((s, c, i) => s + (c.class === y[i] ? c.radius : 0), 0) / m,
      };
    };
    const a = await certify(standard);
    const b = await certify(noisy);
    // Certified accuracy (correct and not abstaining) and mean certified radius both improve.
    expect(b.accuracy).toBeGreaterThan(a.accuracy + 0.1);
    expect(b.meanRadius).toBeGreaterThan(1.3 * a.meanRadius);
    x.dispose();
    standard.dispose();
    noisy.dispose();
  });

  it('supports Laplace noise, is seeded and leaks nothing', async () => {
    const data = {
      x: Float32Array.from({ length: 200 }, (_, i) => Math.sin(i)),
      y: Int32Array.from({ length: 100 }, (_, i) => (Math.sin(2 * i) > 0 ? 1 : 0)),
      n: 100,
      shape: [2],
    };
    const run = async () => {
      const zeros = tf.zeros([2, 2]);
      const w = tf.variable(zeros);
      zeros.dispose();
      const f = (t: tf.Tensor) => tf.matMul(t as tf.Tensor2D, w);
      const r = await trainWithNoise(f, data, {
        sigma: 0.3,
        noise: 'laplace',
        variables: [w],
        epochs: 2,
        seed: 3,
      });
      const weights = Array.from(w.dataSync());
      w.dispose();
      return { r, weights };
    };
    const first = await expectNoLeaks(run);
    const second = await run();
    expect(first.weights).toEqual(second.weights);
    expect(first.r.history).toEqual(second.r.history);
    await expect(trainWithNoise(mlp(0), data, { sigma: -1 })).rejects.toThrow(/sigma must be > 0/);
  });
});
