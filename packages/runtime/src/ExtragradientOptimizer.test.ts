import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExtragradientOptimizer } from './ExtragradientOptimizer.js';
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

describe('ExtragradientOptimizer', () => {
  beforeAll(async () => {
    await setupTestBackend();
  });

  it('extragradient follows theta <- theta - eta a (theta - eta a theta); extrapolate + applyGradients equals minimize', async () => {
    const eta = 0.2;
    await expectNoLeaks(() => {
      const v = scalarVariable(2);
      const w = scalarVariable(2);
      const opt = new ExtragradientOptimizer({ learningRate: eta });
      const manual = new ExtragradientOptimizer({ learningRate: eta });
      let cur = 2;
      for (let t = 0; t < 8; t++) {
        const cost = opt.minimize(quadratic(v), true, [v]);
        expect(cost?.dataSync()[0]).toBeCloseTo(0.5 * A * cur * cur, 4);
        cost?.dispose();
        const g1 = manual.computeGradients(quadratic(w), [w]);
        manual.extrapolate(g1.grads);
        expect(manual.extrapolated).toBe(true);
        const g2 = manual.computeGradients(quadratic(w), [w]);
        manual.applyGradients(g2.grads);
        tf.dispose([g1.value, g2.value, g1.grads, g2.grads]);
        cur = cur * (1 - eta * A + (eta * A) ** 2);
        expect(v.dataSync()[0]).toBeCloseTo(cur, 5);
        expect(w.dataSync()[0]).toBeCloseTo(cur, 5);
      }
      expect(() => {
        const g = manual.computeGradients(quadratic(w), [w]);
        try {
          manual.extrapolate(g.grads);
          manual.extrapolate(g.grads);
        } finally {
          tf.dispose([g.value, g.grads]);
        }
      }).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      tf.dispose([v, w]);
      opt.dispose();
      manual.dispose();
    });
  });

  it("with preconditioner 'adam' (extra-Adam) both half-steps use Adam's direction, the moments updated twice per step", async () => {
    const eta = 0.05;
    const beta1 = 0.5;
    const beta2 = 0.9;
    await expectNoLeaks(() => {
      const v = scalarVariable(2);
      const opt = new ExtragradientOptimizer({ learningRate: eta, preconditioner: 'adam', beta1, beta2 });
      let cur = 2;
      let m = 0;
      let s = 0;
      let k = 0;
      const direction = (g: number): number => {
        k += 1;
        m = beta1 * m + (1 - beta1) * g;
        s = beta2 * s + (1 - beta2) * g * g;
        return m / (1 - beta1 ** k) / (Math.sqrt(s / (1 - beta2 ** k)) + 1e-8);
      };
      for (let t = 0; t < 5; t++) {
        opt.minimize(quadratic(v), false, [v]);
        const extrapolated = cur - eta * direction(A * cur);
        cur -= eta * direction(A * extrapolated);
        expect(v.dataSync()[0]).toBeCloseTo(cur, 5);
      }
      expect(opt.extrapolated).toBe(false);
      opt.dispose();
      v.dispose();
    });
  });

  it('rejects bad options', () => {
    expect(() => new ExtragradientOptimizer({ learningRate: -1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => new ExtragradientOptimizer({ learningRate: 0.1, preconditioner: 'rms' as 'adam' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => new ExtragradientOptimizer({ learningRate: 0.1, beta1: 1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
