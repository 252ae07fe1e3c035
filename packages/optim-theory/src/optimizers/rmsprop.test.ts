import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { logisticProblem, maxRelativeGap, quadraticLoss, tfjsTrajectory } from './problems.fixture.js';
import { rmsprop } from './rmsprop.js';

beforeAll(async () => {
  await setupTestBackend();
});

describe('rmsprop', () => {
  it('agrees with tf.train.rmsprop step for step, with and without momentum', async () => {
    const { loss, w0 } = logisticProblem(6);
    for (const mom of [0, 0.5]) {
      const run = await rmsprop(loss, w0, {
        learningRate: 0.02,
        decay: 0.9,
        momentum: mom,
        steps: 40,
        keepIterates: true,
      });
      const ref = tfjsTrajectory(() => tf.train.rmsprop(0.02, 0.9, mom, 1e-7), loss, w0, 40);
      expect(maxRelativeGap(run.iterates!, ref)).toBeLessThan(5e-5);
    }
  });

  it('makes a first step of eta / sqrt(1 - rho) against the sign of the gradient, whatever its scale', async () => {
    // s_1 = (1 - rho) g^2, so the first step is eta g / sqrt((1 - rho) g^2 + eps) ~ eta sign(g) / sqrt(1 - rho).
    const A = [
      [1000, 0],
      [0, 0.001],
    ];
    const run = await rmsprop(quadraticLoss(A), [1, -1], {
      learningRate: 0.01,
      decay: 0.75,
      steps: 1,
      keepIterates: true,
    });
    const step = run.iterates![1]!.map((v, i) => v - [1, -1][i]!);
    expect(step[0]).toBeCloseTo(-0.01 / Math.sqrt(0.25), 6);
    // g = -0.001: (1 - rho) g^2 = 2.5e-7 is comparable to eps = 1e-7, so the step is eta g / sqrt(2.5e-7 + 1e-7).
    expect(step[1]).toBeCloseTo((0.01 * 0.001) / Math.sqrt(2.5e-7 + 1e-7), 6);
  });

  it('rejects a decay outside [0, 1) and leaks no tensors', async () => {
    const { loss, w0 } = logisticProblem(7);
    await expect(rmsprop(loss, w0, { decay: 1.5 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      param: 'decay',
    });
    await expectNoLeaks(() => rmsprop(loss, w0, { steps: 5 }));
  });
});
