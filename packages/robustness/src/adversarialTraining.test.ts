import { createRng } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { adversarialTraining } from './adversarialTraining.js';

/**
 * The distribution of Tsipras et al. (2019): y uniform in {-1, +1}; x0 = y with probability p
 * (else -y), a robust but imperfect feature; x1..xm ~ N(eta y, 1), each weakly correlated with y.
 * Against L-inf perturbations of size 2 eta the weak features can be flipped to N(-eta y, 1), so a
 * standard classifier (which leans on them) loses, and the robust classifier uses x0 alone:
 * its robust accuracy is p.
 */
function tsipras(n: number, seed: number, p = 0.85, eta = 0.25, m = 24) {
  const rng = createRng(seed);
  const x = new Float32Array(n * (m + 1));
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = rng.random() < 0.5 ? -1 : 1;
    y[i] = s > 0 ? 1 : 0;
    x[i * (m + 1)] = rng.random() < p ? s : -s;
    for (let j = 1; j <= m; j++) x[i * (m + 1) + j] = rng.normal(eta * s, 1);
  }
  return { x, y, n, shape: [m + 1], numClasses: 2 };
}

function linearClassifier(d: number): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 2, inputShape: [d], kernelInitializer: 'zeros', biasInitializer: 'zeros' }),
    ],
  });
}

beforeAll(async () => {
  await setupTestBackend();
});

describe('adversarialTraining', () => {
  const eps = 0.5; // = 2 eta
  const bounds = [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY] as const;

  it('Madry PGD training beats standard training on robust accuracy (Tsipras et al. distribution)', async () => {
    const train = tsipras(600, 1);
    const test = tsipras(300, 2);
    const common = {
      epochs: 3,
      batchSize: 50,
      learningRate: 0.05,
      bounds,
      validation: test,
      evalEpsilon: eps,
      seed: 3,
    };
    const standard = linearClassifier(25);
    const std = await adversarialTraining(standard, train, { ...common, epsilon: 0 });
    const robust = linearClassifier(25);
    const adv = await adversarialTraining(robust, train, { ...common, epsilon: eps, steps: 4 });
    const s = std.history.at(-1);
    const a = adv.history.at(-1);
    // Standard training uses the 24 weak features: high clean accuracy, robust accuracy collapses.
    expect(s?.cleanAccuracy).toBeGreaterThan(0.9);
    expect(s?.robustAccuracy).toBeLessThan(0.5);
    // The robust model's robust accuracy approaches p = 0.85 (binomial sd on 300 points ~ 0.02).
    expect(a?.robustAccuracy).toBeGreaterThan(0.75);
    // Robust accuracy improves over the epochs.
    expect(a?.robustAccuracy).toBeGreaterThan(adv.history[0]?.robustAccuracy as number);
    expect((a?.robustAccuracy as number) - (s?.robustAccuracy as number)).toBeGreaterThan(0.3);
    // ... and, as the theory predicts, it pays in clean accuracy.
    expect(a?.cleanAccuracy).toBeLessThan(s?.cleanAccuracy as number);
    standard.dispose();
    robust.dispose();
  });

  it('TRADES also yields a robust classifier, and same seed gives the same history', async () => {
    const train = tsipras(600, 4);
    const test = tsipras(300, 5);
    // beta trades clean accuracy for robustness; with beta = 6 the weak features are all but dropped.
    const opts = {
      method: 'trades' as const,
      epsilon: eps,
      steps: 4,
      beta: 6,
      epochs: 3,
      batchSize: 50,
      learningRate: 0.01,
      bounds,
      validation: test,
      seed: 6,
    };
    const m1 = linearClassifier(25);
    const r1 = await adversarialTraining(m1, train, opts);
    const m2 = linearClassifier(25);
    const r2 = await adversarialTraining(m2, train, opts);
    expect(r1.history).toEqual(r2.history);
    expect(r1.history.at(-1)?.robustAccuracy).toBeGreaterThan(0.75);
    m1.dispose();
    m2.dispose();
  });

  it('trains function models through given variables, stops on abort, and leaks no tensors', async () => {
    const train = tsipras(200, 7);
    const w = tf.variable(tf.zeros([25, 2]));
    const b = tf.variable(tf.zeros([2]));
    const f = (x: tf.Tensor) => tf.add(tf.matMul(x as tf.Tensor2D, w), b);
    await expectNoLeaks(() =>
      adversarialTraining(f, train, {
        variables: [w, b],
        epsilon: eps,
        steps: 2,
        epochs: 1,
        bounds,
        batchSize: 100,
      }),
    );
    expect(Math.abs(w.dataSync()[0] as number)).toBeGreaterThan(0);
    const controller = new AbortController();
    const res = await adversarialTraining(f, train, {
      variables: [w, b],
      epsilon: eps,
      epochs: 5,
      bounds,
      batchSize: 50,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.epoch === 1 && p.batch === 0) controller.abort();
      },
    });
    expect(res.stopped).toBe(true);
    expect(res.history.length).toBe(1);
    await expect(adversarialTraining(f, train, { bounds })).rejects.toThrow(/variables must list/);
    w.dispose();
    b.dispose();
  });
});
