import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { grad64, loss64, makeProblem, relativeError } from '../test/float64Mlp.js';
import { DlfError } from './DlfError.js';
import { grad, valueAndGrad } from './grad.js';
import { losses } from './losses.js';
import { mlp } from './mlp.js';
import { ops } from './ops.js';
import { expectNoLeaks, setupTestBackend } from './testing.js';

beforeAll(async () => {
  await setupTestBackend();
});

describe('grad and valueAndGrad', () => {
  it('match a float64 backprop reference (itself checked by finite differences) on an MLP', () => {
    const { net64, sizes, xs, ys } = makeProblem();
    const net = mlp({ sizes, activation: ['tanh', 'sigmoid', 'softplus'], biasScale: 0.3, initScale: 1.5 });
    const w = net.init(2);
    const wv = Float64Array.from(w.dataSync());
    const x = tf.tensor2d(xs);
    const y = tf.tensor2d(ys);
    const { value, grad: g } = valueAndGrad((v) => losses.softmaxCrossEntropy(y, net.apply(v, x)), w);

    const ref = grad64(net64, wv, xs, ys);
    // The reference gradient against central differences of the float64 loss.
    const h = 1e-6;
    const fd = Array.from(wv, (_, j) => {
      const p = Float64Array.from(wv);
      const q = Float64Array.from(wv);
      p[j] = (p[j] as number) + h;
      q[j] = (q[j] as number) - h;
      return (loss64(net64, p, xs, ys) - loss64(net64, q, xs, ys)) / (2 * h);
    });
    expect(relativeError(ref, fd)).toBeLessThan(1e-7);

    expect(value.dataSync()[0]).toBeCloseTo(loss64(net64, wv, xs, ys), 5);
    expect(g.shape).toEqual([net.numParams]);
    expect(relativeError(g.dataSync(), ref)).toBeLessThan(1e-5);
    tf.dispose([w, x, y, value, g]);
  });

  it('works for any tensor shape, nests to second derivatives, and gives zeros when f ignores w', () => {
    tf.tidy(() => {
      const w = tf.tensor2d([
        [1, 2],
        [3, -1],
      ]);
      // f = sum(w^3) / 3: grad = w^2; d/dw sum(grad * w) = 3 w^2.
      const f = (v: tf.Tensor) => tf.div(tf.sum(tf.pow(v, 3)), 3);
      const g = grad(f, w);
      expect(g.shape).toEqual([2, 2]);
      expect(Array.from(g.dataSync())).toEqual([1, 4, 9, 1]);
      const gg = grad((v: tf.Tensor) => tf.sum(tf.mul(grad(f, v), v)), w);
      expect(Array.from(gg.dataSync())).toEqual([3, 12, 27, 3]);
      // Through ops: d^2/dx^2 tanh at 0.5 via nested grad.
      const x = tf.scalar(0.5);
      const d2 = grad((u: tf.Scalar) => grad((v: tf.Scalar) => ops.tanh(v), u) as tf.Scalar, x);
      const t = Math.tanh(0.5);
      expect(d2.dataSync()[0]).toBeCloseTo(-2 * t * (1 - t * t), 6);
      const zero = grad(() => tf.scalar(3), w);
      expect(Array.from(zero.dataSync())).toEqual([0, 0, 0, 0]);
    });
  });

  it('rejects non-scalar results, non-tensors and integer inputs with DlfError, without leaking', async () => {
    const w = tf.tensor1d([1, 2]);
    await expectNoLeaks(() => {
      try {
        grad((v) => tf.mul(v, 2), w);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(DlfError);
        expect((e as DlfError).code).toBe('INVALID_SHAPE');
        expect((e as DlfError).message).toMatch(/f must return a scalar, received a tensor of shape \[2\]/);
      }
    });
    expect(() => grad((() => 3) as never, w)).toThrow(/must return a tf.Tensor/);
    expect(() => grad(3 as never, w)).toThrow(/f must be a function/);
    expect(() => grad((v) => tf.sum(v), [1, 2] as never)).toThrow(/w must be a tf.Tensor/);
    const wi = tf.tensor1d([1, 2], 'int32');
    expect(() => grad((v) => tf.sum(v), wi)).toThrow(/dtype float32/);
    tf.dispose([w, wi]);
  });

  it('leaves no tensors behind', async () => {
    const w = tf.tensor1d([0.5, -1, 2]);
    const f = (v: tf.Tensor1D) => tf.sum(ops.softplus(tf.mul(v, v)));
    await expectNoLeaks(() => grad(f, w));
    await expectNoLeaks(() => valueAndGrad(f, w));
    await expectNoLeaks(() => grad((v: tf.Tensor1D) => tf.sum(tf.mul(grad(f, v), v)), w));
    w.dispose();
  });
});
