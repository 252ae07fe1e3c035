import { DlfError } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gd } from './gd.js';
import {
  logisticProblem,
  maxRelativeGap,
  quadraticLoss,
  slope,
  spdMatrix,
  tfjsTrajectory,
} from './problems.fixture.js';

beforeAll(async () => {
  await setupTestBackend();
});

describe('gd', () => {
  it('agrees with tf.train.sgd step for step on a non-quadratic problem', async () => {
    const { loss, w0 } = logisticProblem(1);
    const steps = 40;
    const ours = await gd(loss, w0, { learningRate: 0.3, steps, keepIterates: true });
    const ref = tfjsTrajectory(() => tf.train.sgd(0.3), loss, w0, steps);
    expect(ours.iterates).toHaveLength(steps + 1);
    // float32 (tfjs) against float64 (ours) updates: agreement to float32 round-off accumulated over 40 steps.
    expect(maxRelativeGap(ours.iterates!, ref)).toBeLessThan(2e-5);
    expect(ours.losses[steps]!).toBeLessThan(ours.losses[0]!);
  });

  it('matches the closed form L(w_t) = 1/2 sum_i lambda_i (1 - eta lambda_i)^{2t} c_i^2 on a quadratic', async () => {
    const eigs = [1, 2, 3.5, 6, 10];
    const { A, Q } = spdMatrix(eigs, 7);
    const w0 = [1, -2, 0.5, 1.5, -1];
    const eta = 1 / 10;
    const steps = 60;
    const run = await gd(quadraticLoss(A), w0, { learningRate: eta, steps });
    const c = Q.map((q) => q.reduce((s, qi, i) => s + qi * w0[i]!, 0));
    for (let t = 0; t <= steps; t++) {
      const exact = 0.5 * eigs.reduce((s, l, i) => s + l * (1 - eta * l) ** (2 * t) * c[i]! ** 2, 0);
      expect(Math.abs(run.losses[t]! - exact) / exact).toBeLessThan(1e-5);
    }
  });

  it('attains the linear rate (1 - mu/L)^{2t} on a strongly convex quadratic with eta = 1/L', async () => {
    const mu = 1;
    const L = 10;
    const { A } = spdMatrix([mu, 2, 5, L], 3);
    const run = await gd(quadraticLoss(A), [1, 1, 1, 1], { learningRate: 1 / L, steps: 120 });
    const rate = (1 - mu / L) ** 2;
    // The bound L(w_t) <= (1 - mu/L)^{2t} L(w_0) holds at every step ...
    run.losses.forEach((l, t) => {
      expect(l).toBeLessThanOrEqual(rate ** t * run.losses[0]! * (1 + 1e-5));
    });
    // ... and is tight: the slowest eigen-direction decays at exactly that rate, so the fitted
    // slope of log L(w_t) over the tail equals log((1 - mu/L)^2) (other directions are < 0.8^{2t} smaller).
    const ts = Array.from({ length: 61 }, (_, i) => 60 + i);
    const fitted = slope(
      ts,
      ts.map((t) => Math.log(run.losses[t]!)),
    );
    expect(Math.abs(fitted - Math.log(rate))).toBeLessThan(1e-3);
  });

  it('stops at the gradient tolerance, reports divergence, and accepts a schedule', async () => {
    const { A } = spdMatrix([1, 4], 2);
    const loss = quadraticLoss(A);
    const tol = await gd(loss, [1, 1], { learningRate: 0.25, steps: 1000, gradTolerance: 1e-3 });
    expect(tol.stoppedBy).toBe('gradTolerance');
    expect(tol.gradNorms.at(-1)!).toBeLessThanOrEqual(1e-3);
    expect(tol.steps).toBeLessThan(1000);
    // eta > 2/L makes GD diverge along the top eigenvector: |1 - eta L| = 1.4 > 1.
    const div = await gd(loss, [1, 1], { learningRate: 0.6, steps: 2000 });
    expect(div.stoppedBy).toBe('diverged');
    const sched = await gd(loss, [1, 1], {
      learningRate: (t) => 0.2 / (1 + t),
      steps: 5,
      keepIterates: true,
    });
    // With eta_0 = 0.2: w_1 = (I - 0.2 A) w_0 exactly.
    const g0 = A.map((r) => r[0]! + r[1]!);
    expect(sched.iterates![1]![0]).toBeCloseTo(1 - 0.2 * g0[0]!, 5);
  });

  it('rejects bad input with DlfError and honours abort signals', async () => {
    const { loss } = logisticProblem(2);
    await expect(gd(loss, [1, 2, 3, 4, 5], { learningRate: -1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      param: 'learningRate',
    });
    await expect(gd(loss, [1, 2, 3, 4, 5], { steps: 2.5 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(gd(loss, [1, Number.NaN, 3, 4, 5])).rejects.toMatchObject({
      code: 'NON_FINITE',
      param: 'w0',
    });
    await expect(gd('loss' as never, [1])).rejects.toThrow(DlfError);
    const ac = new AbortController();
    ac.abort();
    await expect(gd(loss, [1, 2, 3, 4, 5], { signal: ac.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('leaks no tensors', async () => {
    const { loss, w0 } = logisticProblem(3);
    await expectNoLeaks(() => gd(loss, w0, { steps: 5 }));
    const start = tf.tensor1d(w0);
    await expectNoLeaks(() => gd(loss, start, { steps: 5 }));
    start.dispose();
  });
});
