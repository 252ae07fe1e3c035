import { createRng } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gd } from './gd.js';
import { maxRelativeGap, tfjsTrajectory } from './problems.fixture.js';
import type { FlatLoss } from './runOptimizer.js';
import { sgd } from './sgd.js';

beforeAll(async () => {
  await setupTestBackend();
});

const rng = createRng(11);
const n = 30;
const d = 3;
const X = Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()));
const yv = X.map((x) => Math.tanh(x[0]! - 0.5 * x[1]!) + 0.1 * rng.normal());
// Mean squared error of a tanh-linear model on the batch (the full data when batch is undefined).
const regression: FlatLoss = (w, batch) =>
  tf.tidy(() => {
    const idx = batch ?? Int32Array.from({ length: n }, (_, i) => i);
    const Xb = tf.gather(tf.tensor2d(X), idx);
    const yb = tf.gather(tf.tensor1d(yv), idx);
    const pred = tf.tanh(tf.matMul(Xb, tf.reshape(w, [-1, 1])).reshape([-1]));
    return tf.mean(tf.square(tf.sub(pred, yb))) as tf.Scalar;
  });

describe('sgd', () => {
  it('agrees with tf.train.sgd fed the same minibatches', async () => {
    const batches: (Int32Array | undefined)[] = [];
    const recording: FlatLoss = (w, batch) => {
      batches.push(batch);
      return regression(w, batch);
    };
    const steps = 30;
    const run = await sgd(recording, [0.1, 0.2, -0.3], {
      batchSize: 7,
      numExamples: n,
      learningRate: 0.2,
      steps,
      seed: 5,
      keepIterates: true,
    });
    // Batches come from a permutation per epoch: 4 batches of 7 per epoch, all distinct within an epoch.
    const firstEpoch = new Set(batches.slice(0, 4).flatMap((b) => Array.from(b!)));
    expect(firstEpoch.size).toBe(28);
    const ref = tfjsTrajectory(() => tf.train.sgd(0.2), regression, [0.1, 0.2, -0.3], steps, batches);
    expect(maxRelativeGap(run.iterates!, ref)).toBeLessThan(2e-5);
  });

  it('with eta_t = 1/(t+1) and batch size 1 returns the exact sample mean after one epoch (Robbins-Monro)', async () => {
    // L_i(w) = 1/2 (w - a_i)^2: SGD with eta_t = 1/(t+1) makes w_t the running mean of the visited a_i,
    // and one epoch without replacement visits every a_i once.
    const a = Array.from({ length: 12 }, () => rng.normal(3, 2));
    const loss: FlatLoss = (w, batch) =>
      tf.tidy(
        () => tf.mul(0.5, tf.sum(tf.square(tf.sub(w, tf.gather(tf.tensor1d(a), batch!))))) as tf.Scalar,
      );
    const run = await sgd(loss, [-40], {
      batchSize: 1,
      numExamples: a.length,
      learningRate: (t) => 1 / (t + 1),
      steps: a.length,
      seed: 9,
    });
    const mean = a.reduce((s, x) => s + x, 0) / a.length;
    expect(run.w[0]!).toBeCloseTo(mean, 5);
  });

  it('equals full-batch gd when the batch is the whole data set', async () => {
    const full = await sgd(regression, [0.5, 0, 0], {
      batchSize: n,
      numExamples: n,
      learningRate: 0.3,
      steps: 10,
    });
    const ref = await gd(regression, [0.5, 0, 0], { learningRate: 0.3, steps: 10 });
    full.w.forEach((v, i) => {
      expect(v).toBeCloseTo(ref.w[i]!, 5);
    });
    expect(full.steps).toBe(10);
  });

  it('is reproducible from its seed and validates its options', async () => {
    const opts = { batchSize: 5, numExamples: n, learningRate: 0.2, steps: 8 };
    const a = await sgd(regression, [0, 0, 0], { ...opts, seed: 3 });
    const b = await sgd(regression, [0, 0, 0], { ...opts, seed: 3 });
    const c = await sgd(regression, [0, 0, 0], { ...opts, seed: 4 });
    expect(a.w).toEqual(b.w);
    expect(a.w).not.toEqual(c.w);
    await expect(sgd(regression, [0, 0, 0], {} as never)).rejects.toMatchObject({ param: 'batchSize' });
    await expect(sgd(regression, [0, 0, 0], { batchSize: 40, numExamples: n })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      param: 'batchSize',
    });
  });

  it('leaks no tensors', async () => {
    await expectNoLeaks(() => sgd(regression, [0, 0, 0], { batchSize: 4, numExamples: n, steps: 5 }));
  });
});
