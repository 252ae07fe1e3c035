import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { OptimisticOptimizer } from './OptimisticOptimizer.js';
import { expectNoLeaks, setupTestBackend } from './testing.js';

// f(theta) = a theta^2 / 2, gradient a theta: the recurrences are explicit.
const A = 1.5;
const quadratic = (v: tf.Variable) => (): tf.Scalar => tf.mul(0.5 * A, tf.sum(tf.square(v))) as tf.Scalar;

function scalarVariable(x: number): tf.Variable {
  const t = tf.scalar(x);
  const v = tf.variable(t);
  t.dispose();
  return v;
}

describe('OptimisticOptimizer', () => {
  beforeAll(async () => {
    await setupTestBackend();
  });

  it('OGDA follows theta_{t+1} = theta_t - eta (2 g_t - g_{t-1}), the first step plain', async () => {
    const eta = 0.1;
    await expectNoLeaks(() => {
      const v = scalarVariable(2);
      const opt = new OptimisticOptimizer({ learningRate: eta });
      let prev = 2;
      let cur = 2;
      let gPrev = A * 2;
      for (let t = 0; t < 10; t++) {
        opt.minimize(quadratic(v), false, [v]);
        const g = A * cur;
        const next = cur - eta * (2 * g - gPrev);
        gPrev = g;
        prev = cur;
        cur = next;
        expect(v.dataSync()[0]).toBeCloseTo(cur, 5);
      }
      expect(prev).not.toBe(cur);
      expect(opt.iterations).toBe(10);
      opt.dispose();
      v.dispose();
    });
  });

  it("with preconditioner 'adam' the step direction is Adam's m_hat / (sqrt(v_hat) + eps)", async () => {
    const eta = 0.05;
    const beta1 = 0.5;
    const beta2 = 0.9;
    await expectNoLeaks(() => {
      const v = scalarVariable(2);
      const opt = new OptimisticOptimizer({ learningRate: eta, preconditioner: 'adam', beta1, beta2 });
      let cur = 2;
      let m = 0;
      let s = 0;
      let dPrev: number | undefined;
      for (let t = 1; t <= 6; t++) {
        opt.minimize(quadratic(v), false, [v]);
        const g = A * cur;
        m = beta1 * m + (1 - beta1) * g;
        s = beta2 * s + (1 - beta2) * g * g;
        const d = m / (1 - beta1 ** t) / (Math.sqrt(s / (1 - beta2 ** t)) + 1e-8);
        cur -= eta * (2 * d - (dPrev ?? d));
        dPrev = d;
        expect(v.dataSync()[0]).toBeCloseTo(cur, 5);
      }
      expect(opt.getConfig()).toEqual({
        learningRate: eta,
        preconditioner: 'adam',
        beta1,
        beta2,
        epsilon: 1e-8,
      });
      opt.dispose();
      v.dispose();
    });
  });

  it('rejects bad options', () => {
    expect(() => new OptimisticOptimizer({ learningRate: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => new OptimisticOptimizer({ learningRate: 0.1, beta2: -0.1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
