import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gd } from './gd.js';
import { momentum } from './momentum.js';
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

/** Spectral radius of the 2x2 matrix [[a, b], [c, e]]. */
function radius2(a: number, b: number, c: number, e: number): number {
  const tr = a + e;
  const det = a * e - b * c;
  const disc = tr * tr - 4 * det;
  if (disc < 0) return Math.sqrt(det);
  return Math.max(Math.abs((tr + Math.sqrt(disc)) / 2), Math.abs((tr - Math.sqrt(disc)) / 2));
}

/**
 * On L(w) = 1/2 w^T A w each eigen-direction lambda evolves linearly in the state (w, v):
 * heavy-ball [[1 - eta lambda, -eta beta], [lambda, beta]],
 * Nesterov (tfjs form) [[1 - eta lambda (1 + beta), -eta beta^2], [lambda, beta]].
 * The asymptotic rate of ||w_t|| is the largest spectral radius over the eigenvalues.
 */
function predictedRate(eigs: number[], eta: number, beta: number, nesterov: boolean): number {
  return Math.max(
    ...eigs.map((l) =>
      nesterov
        ? radius2(1 - eta * l * (1 + beta), -eta * beta * beta, l, beta)
        : radius2(1 - eta * l, -eta * beta, l, beta),
    ),
  );
}

describe('momentum', () => {
  it('heavy-ball and Nesterov agree with tf.train.momentum step for step', async () => {
    const { loss, w0 } = logisticProblem(4);
    for (const nesterov of [false, true]) {
      const run = await momentum(loss, w0, {
        learningRate: 0.2,
        momentum: 0.8,
        nesterov,
        steps: 40,
        keepIterates: true,
      });
      const ref = tfjsTrajectory(() => tf.train.momentum(0.2, 0.8, nesterov), loss, w0, 40);
      expect(maxRelativeGap(run.iterates!, ref)).toBeLessThan(5e-5);
    }
  });

  it("heavy-ball with Polyak's parameters converges at (sqrt(k)-1)/(sqrt(k)+1), Nesterov at its predicted rate, both far faster than GD", async () => {
    const eigs = [1, 3, 10, 30, 100];
    const mu = 1;
    const L = 100;
    const { A } = spdMatrix(eigs, 5);
    const loss = quadraticLoss(A);
    const w0 = [1, 1, 1, 1, 1];
    const kappa = L / mu;
    const rhoHb = (Math.sqrt(kappa) - 1) / (Math.sqrt(kappa) + 1);
    const etaHb = 4 / (Math.sqrt(L) + Math.sqrt(mu)) ** 2;
    const hb = await momentum(loss, w0, { learningRate: etaHb, momentum: rhoHb ** 2, steps: 120 });
    expect(predictedRate(eigs, etaHb, rhoHb ** 2, false)).toBeCloseTo(rhoHb, 6);
    const nag = await momentum(loss, w0, {
      learningRate: 1 / L,
      momentum: rhoHb,
      nesterov: true,
      steps: 120,
    });
    const rhoNag = predictedRate(eigs, 1 / L, rhoHb, true);
    expect(rhoNag).toBeLessThan(1 - 1 / Math.sqrt(kappa) + 1e-3);
    const gdRun = await gd(loss, w0, { learningRate: 2 / (L + mu), steps: 120 });
    const ts = Array.from({ length: 61 }, (_, i) => 60 + i);
    const tail = (losses: number[]) =>
      slope(
        ts,
        ts.map((t) => Math.log(losses[t]!)),
      );
    // L(w_t) ~ t^2 rho^{2t} at worst (repeated eigenvalues at the spectrum's ends): slope 2 log rho + O(2/t).
    expect(Math.abs(tail(hb.losses) - 2 * Math.log(rhoHb))).toBeLessThan(0.04);
    expect(Math.abs(tail(nag.losses) - 2 * Math.log(rhoNag))).toBeLessThan(0.04);
    expect(Math.abs(tail(gdRun.losses) - 2 * Math.log((kappa - 1) / (kappa + 1)))).toBeLessThan(2e-3);
    expect(hb.losses[120]!).toBeLessThan(1e-6 * gdRun.losses[120]!);
  });

  it('rejects momentum outside [0, 1) and leaks no tensors', async () => {
    const { loss, w0 } = logisticProblem(5);
    await expect(momentum(loss, w0, { momentum: 1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      param: 'momentum',
    });
    await expectNoLeaks(() => momentum(loss, w0, { steps: 5, nesterov: true }));
  });
});
