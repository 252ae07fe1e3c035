import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { hvp64, makeProblem, relativeError } from '../test/float64Mlp.js';
import { DlfError } from './DlfError.js';
import { hvp } from './hvp.js';
import { losses } from './losses.js';
import { mlp } from './mlp.js';
import { expectNoLeaks, setupTestBackend } from './testing.js';

beforeAll(async () => {
  await setupTestBackend();
});

describe('hvp', () => {
  it('agrees with a float64 finite-difference reference to 1e-4 on a tanh/sigmoid/softplus MLP with softmax cross-entropy', () => {
    const { net64, sizes, xs, ys } = makeProblem();
    const net = mlp({ sizes, activation: ['tanh', 'sigmoid', 'softplus'], biasScale: 0.3, initScale: 1.5 });
    const w = net.init(2);
    const wv = Float64Array.from(w.dataSync());
    const x = tf.tensor2d(xs);
    const y = tf.tensor2d(ys);
    const loss = (v: tf.Tensor1D) => losses.softmaxCrossEntropy(y, net.apply(v, x));
    for (const seed of [3, 4]) {
      const v = tf.randomNormal([net.numParams], 0, 1, 'float32', seed) as tf.Tensor1D;
      const ref = hvp64(net64, wv, v.dataSync(), xs, ys);
      const ours = hvp(loss, w, v);
      const got = ours.dataSync();
      expect(relativeError(got, ref)).toBeLessThan(1e-4);
      // Entry by entry, relative to the largest entry.
      const scale = Math.max(...Array.from(ref, Math.abs));
      for (let i = 0; i < ref.length; i++)
        expect(Math.abs((got[i] as number) - (ref[i] as number))).toBeLessThan(1e-4 * scale);
      // Negative control: the same network with plain tf.tanh / tf.sigmoid loses curvature terms.
      const plain = (p: tf.Tensor1D) => {
        const { weights, biases } = net.unflatten(p);
        const acts = [tf.tanh, tf.sigmoid, tf.softplus, (t: tf.Tensor) => t];
        let h: tf.Tensor = x;
        acts.forEach((act, l) => {
          h = act(tf.add(tf.matMul(h as tf.Tensor2D, weights[l] as tf.Tensor2D), biases[l] as tf.Tensor1D));
        });
        return losses.softmaxCrossEntropy(y, h);
      };
      const lossy = hvp(plain, w, v);
      expect(relativeError(lossy.dataSync(), ref)).toBeGreaterThan(1e-2);
      tf.dispose([v, ours, lossy]);
    }
    tf.dispose([w, x, y]);
  });

  it('is exact for a quadratic: H v = A v for L = w^T A w / 2 + b^T w, and linear in v', () => {
    tf.tidy(() => {
      const A = tf.tensor2d([
        [4, 1, 0],
        [1, 3, -1],
        [0, -1, 2],
      ]);
      const b = tf.tensor1d([1, -2, 0.5]);
      const loss = (w: tf.Tensor1D) =>
        tf.add(
          tf.mul(0.5, tf.sum(tf.mul(w, tf.squeeze(tf.matMul(A, tf.reshape(w, [3, 1])))))),
          tf.sum(tf.mul(b, w)),
        );
      const w = tf.tensor1d([0.3, -0.7, 1.1]);
      const v = tf.tensor1d([1, 2, -1]);
      expect(Array.from(hvp(loss, w, v).dataSync())).toEqual([6, 8, -4]);
      const u = tf.tensor1d([0.5, 0, 2]);
      const lin = hvp(loss, w, tf.add(tf.mul(2, v), u) as tf.Tensor1D).dataSync();
      const sep = tf.add(tf.mul(2, hvp(loss, w, v)), hvp(loss, w, u)).dataSync();
      expect(Array.from(lin)).toEqual(Array.from(sep));
      // A linear loss has a zero Hessian (no error although the gradient does not depend on w).
      expect(Array.from(hvp((p) => tf.sum(tf.mul(b, p)), w, v).dataSync())).toEqual([0, 0, 0]);
    });
  });

  it('rejects shape mismatches with DlfError INVALID_SHAPE', () => {
    const w = tf.zeros([4]) as tf.Tensor1D;
    const v = tf.zeros([3]) as tf.Tensor1D;
    const loss = (p: tf.Tensor1D) => tf.sum(tf.square(p));
    try {
      hvp(loss, w, v);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DlfError);
      expect((e as DlfError).code).toBe('INVALID_SHAPE');
      expect((e as DlfError).message).toMatch(
        /v must be a parameter vector of shape \[4\], received shape \[3\]/,
      );
    }
    const w2 = tf.zeros([2, 2]) as unknown as tf.Tensor1D;
    expect(() => hvp(loss, w2, w2)).toThrow(/w must be a parameter vector of shape \[m\]/);
    const w4 = tf.ones([4]) as tf.Tensor1D;
    expect(() => hvp((p) => tf.square(p), w4, w4)).toThrow(
      /loss must return a scalar, received a tensor of shape \[4\]/,
    );
    tf.dispose([w, v, w2, w4]);
  });

  it('leaves no tensors behind', async () => {
    const net = mlp({ sizes: [3, 4, 2], activation: 'sigmoid' });
    const w = net.init(0);
    const x = tf.randomNormal([5, 3], 0, 1, 'float32', 1);
    const y = tf.oneHot(tf.tensor1d([0, 1, 1, 0, 1], 'int32'), 2);
    const v = tf.randomNormal([net.numParams], 0, 1, 'float32', 2) as tf.Tensor1D;
    await expectNoLeaks(() => hvp((p) => losses.softmaxCrossEntropy(y, net.apply(p, x)), w, v));
    tf.dispose([w, x, y, v]);
  });
});
