import { createRng, losses, mlp } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { quadraticLoss, spdMatrix } from './optimizers/problems.fixture.js';
import { plConvergenceCheck } from './plConvergenceCheck.js';

beforeAll(async () => {
  await setupTestBackend();
});

describe('plConvergenceCheck', () => {
  it('on a quadratic finds eta = 1/lambda_max, mu = lambda_min and losses under (1 - mu/L)^t L(w0)', async () => {
    const { A } = spdMatrix([1, 3, 10], 6);
    const check = await plConvergenceCheck(quadraticLoss(A), [1, -1, 1], { steps: 60, seed: 1 });
    expect(check.smoothness).toBeCloseTo(10, 3);
    expect(check.learningRate).toBeCloseTo(0.1, 4);
    expect(check.mu).toBeGreaterThanOrEqual(1 - 1e-3);
    expect(check.mu).toBeLessThan(1.05);
    expect(check.holds).toBe(true);
    expect(check.descentFailures).toEqual([]);
    check.losses.forEach((l, t) => {
      expect(l).toBeLessThanOrEqual(check.bound[t]! * (1 + 1e-4));
    });
  });

  it('holds for a wide two-layer network fitting a few points (the over-parameterised PL regime)', async () => {
    const rng = createRng(7);
    const X = tf.tensor2d(Array.from({ length: 6 }, () => [rng.normal(), rng.normal()]));
    const y = tf.tensor2d(Array.from({ length: 6 }, () => [rng.normal()]));
    const net = mlp({ sizes: [2, 512, 1], activation: 'tanh', parameterization: 'ntk', bias: false });
    const w0 = net.init(1);
    const loss = (w: tf.Tensor1D) => losses.quadratic(y, net.apply(w, X));
    const check = await plConvergenceCheck(loss, w0, { steps: 150, seed: 2 });
    expect(check.mu).toBeGreaterThan(0);
    expect(check.holds).toBe(true);
    expect(check.descentFailures).toEqual([]);
    // The bound is not vacuous: (1 - eta mu)^150 < 1 and the measured loss fell below it.
    expect(check.bound.at(-1)!).toBeLessThan(0.8 * check.losses[0]!);
    expect(check.losses.at(-1)!).toBeLessThan(check.bound.at(-1)!);
    X.dispose();
    y.dispose();
    w0.dispose();
  });

  it('rejects a loss with no positive curvature and leaks no tensors', async () => {
    const neg = (w: tf.Tensor1D) => tf.neg(tf.sum(tf.square(w)));
    await expect(plConvergenceCheck(neg, [1, 1], { steps: 2 })).rejects.toMatchObject({
      code: 'INVALID_DATA',
    });
    const { A } = spdMatrix([1, 2], 1);
    await expectNoLeaks(() => plConvergenceCheck(quadraticLoss(A), [1, 1], { steps: 3 }));
  });

  it('stops with ABORTED when its signal has fired', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(
      (async () => plConvergenceCheck(quadraticLoss([[1]]), [1], { signal: ac.signal }))(),
    ).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
