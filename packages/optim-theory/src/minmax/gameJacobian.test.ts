import { ops } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { eigenvalues, gdaStableStepSize, spectralRadius } from './eigenvalues.js';
import { gameJacobian } from './gameJacobian.js';
import { gda } from './gda.js';

beforeAll(async () => {
  await setupTestBackend();
});

describe('gameJacobian', () => {
  it('is [[0, -1], [1, 0]] for f = x y, with eigenvalues +-i: no GDA step size is stable', () => {
    const H = gameJacobian((x, y) => tf.sum(tf.mul(x, y)), [0.3], [-0.2]);
    expect(H.flat()).toEqual([0, -1, 1, 0].map((v) => expect.closeTo(v, 6)));
    expect(gdaStableStepSize(eigenvalues(H))).toBe(0);
    // The GDA iteration matrix I + eta H has spectral radius sqrt(1 + eta^2) > 1.
    expect(
      spectralRadius([
        [1, -0.1],
        [0.1, 1],
      ]),
    ).toBeCloseTo(Math.sqrt(1.01), 12);
  });

  it('matches the analytic second derivatives of a tanh game and predicts GDA stability at its saddle', () => {
    // f(x, y) = a x^2 / 2 + tanh(x) y - a y^2 / 2 + b x y has a saddle at 0 with
    // H = [[-a, -(1 + b)], [1 + b, -a]]: eigenvalues -a +- i (1 + b).
    const a = 0.4;
    const b = 0.5;
    const f = (x: tf.Tensor1D, y: tf.Tensor1D) =>
      tf.sum(
        tf.add(
          tf.add(tf.mul(a / 2, tf.square(x)), tf.mul(ops.tanh(x), y)),
          tf.sub(tf.mul(b, tf.mul(x, y)), tf.mul(a / 2, tf.square(y))),
        ),
      );
    // Away from 0: f_xx = a - 2 tanh(x) sech^2(x) y, f_xy = sech^2(x) + b, f_yy = -a.
    const [x0, y0] = [0.6, -0.8];
    const s2 = 1 / Math.cosh(x0) ** 2;
    const H = gameJacobian(f, [x0], [y0]);
    const expected = [-(a - 2 * Math.tanh(x0) * s2 * y0), -(s2 + b), s2 + b, -a];
    H.flat().forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i]!, 4);
    });
    const H0 = gameJacobian(f, [0], [0]);
    const etaStar = gdaStableStepSize(eigenvalues(H0));
    expect(etaStar).toBeCloseTo((2 * a) / (a * a + (1 + b) ** 2), 5);
    // Locally: GDA from near the saddle converges just below eta*, escapes just above.
    const near = (eta: number) => {
      const run = gda(f, [0.01], [0.01], { learningRate: eta, steps: 150, keepIterates: false });
      return Math.hypot(run.x[0]!, run.y[0]!);
    };
    // Below eta*, ||z|| shrinks by the linearised factor |1 + eta lambda| per step (up to O(||z||^2) terms).
    const eta = 0.8 * etaStar;
    const factor = Math.sqrt((1 - eta * a) ** 2 + (eta * (1 + b)) ** 2);
    const start = Math.hypot(0.01, 0.01);
    expect(Math.abs(Math.log(near(eta) / start) - 150 * Math.log(factor))).toBeLessThan(0.2);
    expect(near(1.2 * etaStar)).toBeGreaterThan(10 * start);
  });

  it('leaks no tensors', async () => {
    await expectNoLeaks(() => gameJacobian((x, y) => tf.sum(tf.mul(tf.square(x), y)), [1, 2], [3]));
  });
});
