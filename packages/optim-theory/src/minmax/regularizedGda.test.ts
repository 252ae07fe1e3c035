import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gda } from './gda.js';
import { regularizedGda } from './regularizedGda.js';

beforeAll(async () => {
  await setupTestBackend();
});

const bilinear = (x: tf.Tensor1D, y: tf.Tensor1D) => tf.sum(tf.mul(x, y));
const norm2 = (x: number[], y: number[]) => [...x, ...y].reduce((s, v) => s + v * v, 0);

describe('regularizedGda', () => {
  it('on f = x y contracts ||z||^2 by exactly (1 - eta gamma)^2 + eta^2 per step, where GDA expands it', () => {
    const eta = 0.2;
    const gamma = 1;
    const run = regularizedGda(bilinear, [1, 0.5], [-1, 2], { learningRate: eta, gamma, steps: 20 });
    for (let t = 1; t <= 20; t++) {
      const ratio = norm2(run.xs![t]!, run.ys![t]!) / norm2(run.xs![t - 1]!, run.ys![t - 1]!);
      expect(ratio).toBeCloseTo((1 - eta * gamma) ** 2 + eta ** 2, 5);
    }
    // gamma = 0 is plain simultaneous GDA.
    const plain = regularizedGda(bilinear, [1], [1], { learningRate: eta, gamma: 0, steps: 10 });
    const ref = gda(bilinear, [1], [1], { learningRate: eta, steps: 10 });
    expect(plain.x[0]).toBeCloseTo(ref.x[0]!, 6);
    expect(plain.y[0]).toBeCloseTo(ref.y[0]!, 6);
  });

  it('uses exact second derivatives: on a non-quadratic game the correction equals Hess f . grad f by finite differences', () => {
    // f(x, y) = x^2 y / 2 + y^3 / 3 - x y^2 (polynomial: tfjs double backprop is exact for mul/pow).
    const f = (x: tf.Tensor1D, y: tf.Tensor1D) =>
      tf.tidy(() =>
        tf.sum(
          tf.add(
            tf.sub(tf.mul(0.5, tf.mul(tf.square(x), y)), tf.mul(x, tf.square(y))),
            tf.div(tf.pow(y, 3), 3),
          ),
        ),
      );
    const grad = (x: number, y: number) => [x * y - y * y, 0.5 * x * x + y * y - 2 * x * y];
    const x0 = 0.7;
    const y0 = -0.4;
    const eta = 0.1;
    const gamma = 0.5;
    const run = regularizedGda(f, [x0], [y0], { learningRate: eta, gamma, steps: 1 });
    const g = grad(x0, y0);
    // Hess f . g by central differences of the analytic gradient.
    const h = 1e-5;
    const gp = grad(x0 + h * g[0]!, y0 + h * g[1]!);
    const gm = grad(x0 - h * g[0]!, y0 - h * g[1]!);
    const Hg = [(gp[0]! - gm[0]!) / (2 * h), (gp[1]! - gm[1]!) / (2 * h)];
    expect(run.x[0]).toBeCloseTo(x0 - eta * (g[0]! + gamma * Hg[0]!), 5);
    expect(run.y[0]).toBeCloseTo(y0 + eta * (g[1]! - gamma * Hg[1]!), 5);
  });

  it('rejects a negative gamma and leaks no tensors', async () => {
    expect(() => regularizedGda(bilinear, [1], [1], { gamma: -1 })).toThrow(
      expect.objectContaining({ param: 'gamma' }),
    );
    await expectNoLeaks(() => regularizedGda(bilinear, [1], [1], { steps: 3 }));
  });
});
