import { createRng, grad, mlp } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradientPenalty } from './gradientPenalty.js';

describe('gradientPenalty (WGAN-GP)', () => {
  beforeAll(async () => {
    await setupTestBackend();
  });

  it('is (|a| - 1)^2 for a linear critic x -> a . x, whatever the interpolates', () => {
    const real = tf.randomNormal([6, 3], 0, 1, 'float32', 1);
    const fake = tf.randomNormal([6, 3], 0, 1, 'float32', 2);
    const a = tf.tensor2d([[2], [-1], [2]]); // |a| = 3
    const gp = gradientPenalty((x) => tf.matMul(x, a), real, fake, { seed: 0 });
    expect(gp.dataSync()[0]).toBeCloseTo(4, 5);
    tf.dispose([real, fake, a, gp]);
  });

  it("its gradient in the critic's parameters (double backprop) matches central finite differences", async () => {
    const critic = mlp({ sizes: [2, 8, 8, 1], activation: 'tanh' });
    const w = critic.init(3);
    const rng = createRng(4);
    const real = tf.tensor2d(rng.normalArray(16 * 2), [16, 2]);
    const fake = tf.tensor2d(rng.normalArray(16 * 2, 2, 0.5), [16, 2]);
    const penalty = (p: tf.Tensor1D): tf.Scalar =>
      gradientPenalty((x) => critic.apply(p, x), real, fake, { seed: 5 });
    await expectNoLeaks(() => grad(penalty, w));
    const g = grad(penalty, w);
    const h = 1e-2;
    for (let k = 0; k < 4; k++) {
      const v = tf.tensor1d(rng.normalArray(critic.numParams));
      const fd = tf.tidy(() => {
        const plus = penalty(tf.add(w, tf.mul(h, v)) as tf.Tensor1D);
        const minus = penalty(tf.sub(w, tf.mul(h, v)) as tf.Tensor1D);
        return tf.div(tf.sub(plus, minus), 2 * h);
      });
      const analytic = tf.sum(tf.mul(g, v));
      const a = analytic.dataSync()[0]!;
      const f = fd.dataSync()[0]!;
      expect(Math.abs(a - f)).toBeLessThan(2e-3 * Math.max(1, Math.abs(f)));
      tf.dispose([v, fd, analytic]);
    }
    tf.dispose([g, w, real, fake]);
  });

  it("with tfjs's own tf.tanh in the critic the same gradient is wrong (tfjs drops tanh's second derivative)", () => {
    const critic = mlp({ sizes: [2, 8, 1], activation: 'linear' });
    const w = critic.init(3);
    const rng = createRng(4);
    const real = tf.tensor2d(rng.normalArray(16 * 2), [16, 2]);
    const fake = tf.tensor2d(rng.normalArray(16 * 2, 2, 0.5), [16, 2]);
    const tfTanhCritic = (p: tf.Tensor1D, x: tf.Tensor): tf.Tensor => {
      const { weights, biases } = critic.unflatten(p);
      return tf.add(
        tf.matMul(tf.tanh(tf.add(tf.matMul(x, weights[0]!), biases[0]!)), weights[1]!),
        biases[1]!,
      );
    };
    const penalty = (p: tf.Tensor1D): tf.Scalar =>
      gradientPenalty((x) => tfTanhCritic(p, x), real, fake, { seed: 5 });
    const v = tf.tensor1d(rng.normalArray(critic.numParams));
    const [a, f] = tf.tidy(() => {
      const h = 1e-2;
      const fd = tf.div(
        tf.sub(
          penalty(tf.add(w, tf.mul(h, v)) as tf.Tensor1D),
          penalty(tf.sub(w, tf.mul(h, v)) as tf.Tensor1D),
        ),
        2 * h,
      );
      return [tf.sum(tf.mul(grad(penalty, w), v)).dataSync()[0]!, fd.dataSync()[0]!];
    });
    expect(Math.abs(a - f)).toBeGreaterThan(0.1 * Math.abs(f));
    tf.dispose([w, real, fake, v]);
  });

  it('rejects shape mismatches', () => {
    const a = tf.zeros([2, 2]);
    const b = tf.zeros([3, 2]);
    expect(() => gradientPenalty((x) => x, a, b)).toThrow(expect.objectContaining({ code: 'INVALID_SHAPE' }));
    tf.dispose([a, b]);
  });
});
