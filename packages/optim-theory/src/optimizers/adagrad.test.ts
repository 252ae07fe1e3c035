import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { adagrad } from './adagrad.js';
import { logisticProblem, maxRelativeGap, tfjsTrajectory } from './problems.fixture.js';
import type { FlatLoss } from './runOptimizer.js';

beforeAll(async () => {
  await setupTestBackend();
});

describe('adagrad', () => {
  it('agrees with tf.train.adagrad step for step', async () => {
    const { loss, w0 } = logisticProblem(10);
    const run = await adagrad(loss, w0, { learningRate: 0.3, steps: 40, keepIterates: true });
    const ref = tfjsTrajectory(() => tf.train.adagrad(0.3), loss, w0, 40);
    expect(maxRelativeGap(run.iterates!, ref)).toBeLessThan(5e-5);
  });

  it('on a linear loss with constant gradient g moves exactly eta g sum_t 1/sqrt(G_0 + t g^2)', async () => {
    // L(w) = c.w has gradient c at every step, so G_t = G_0 + t c^2 in closed form.
    const c = [2, -0.5];
    const loss: FlatLoss = (w) => tf.tidy(() => tf.sum(tf.mul(tf.tensor1d(c), w)) as tf.Scalar);
    const T = 50;
    const run = await adagrad(loss, [0, 0], {
      learningRate: 0.1,
      steps: T,
      initialAccumulatorValue: 0.2,
      epsilon: 1e-7,
    });
    c.forEach((ci, i) => {
      let move = 0;
      for (let t = 1; t <= T; t++) move += (0.1 * ci) / Math.sqrt(0.2 + t * ci * ci + 1e-7);
      expect(run.w[i]!).toBeCloseTo(-move, 4);
    });
  });

  it('rejects a negative accumulator and leaks no tensors', async () => {
    const { loss, w0 } = logisticProblem(11);
    await expect(adagrad(loss, w0, { initialAccumulatorValue: -1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      param: 'initialAccumulatorValue',
    });
    await expectNoLeaks(() => adagrad(loss, w0, { steps: 5 }));
  });
});
