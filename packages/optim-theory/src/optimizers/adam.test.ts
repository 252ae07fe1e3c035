import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { adam } from './adam.js';
import { logisticProblem, maxRelativeGap, quadraticLoss, tfjsTrajectory } from './problems.fixture.js';

beforeAll(async () => {
  await setupTestBackend();
});

describe('adam', () => {
  it('agrees with tf.train.adam step for step', async () => {
    const { loss, w0 } = logisticProblem(8);
    const run = await adam(loss, w0, {
      learningRate: 0.05,
      beta1: 0.8,
      beta2: 0.99,
      steps: 40,
      keepIterates: true,
    });
    const ref = tfjsTrajectory(() => tf.train.adam(0.05, 0.8, 0.99, 1e-7), loss, w0, 40);
    expect(maxRelativeGap(run.iterates!, ref)).toBeLessThan(5e-5);
  });

  it('makes a first step of exactly eta against the sign of each gradient coordinate (bias correction)', async () => {
    // m_hat_1 = g, v_hat_1 = g^2, so the first update is eta g / (|g| + eps) = eta sign(g) up to eps / |g|.
    const A = [
      [500, 0, 0],
      [0, 1, 0],
      [0, 0, 0.01],
    ];
    const w0 = [1, -2, 3];
    const run = await adam(quadraticLoss(A), w0, { learningRate: 0.1, steps: 1, keepIterates: true });
    const step = run.iterates![1]!.map((v, i) => v - w0[i]!);
    expect(step[0]).toBeCloseTo(-0.1, 6);
    expect(step[1]).toBeCloseTo(0.1, 6);
    expect(step[2]).toBeCloseTo(-0.1, 5);
  });

  it('rejects bad betas and leaks no tensors', async () => {
    const { loss, w0 } = logisticProblem(9);
    await expect(adam(loss, w0, { beta2: -0.1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      param: 'beta2',
    });
    await expectNoLeaks(() => adam(loss, w0, { steps: 5 }));
  });
});
