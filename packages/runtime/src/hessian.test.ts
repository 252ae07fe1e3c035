import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { hvp64, type Mlp64, relativeError } from '../test/float64Mlp.js';
import { createRng } from './createRng.js';
import { DlfError } from './DlfError.js';
import { hessian } from './hessian.js';
import { losses } from './losses.js';
import { mlp } from './mlp.js';
import { ops } from './ops.js';
import { expectNoLeaks, setupTestBackend } from './testing.js';

beforeAll(async () => {
  await setupTestBackend();
});

describe('hessian', () => {
  it('is the closed form (B + B^T) / 2 for L = w^T B w / 2 + b^T w, for any B', () => {
    const rng = createRng(3);
    const m = 6;
    const B = Array.from({ length: m }, () =>
      Array.from({ length: m }, () => Math.round(rng.normal() * 8) / 4),
    );
    tf.tidy(() => {
      const Bt = tf.tensor2d(B);
      const b = tf.tensor1d(rng.normalArray(m));
      const loss = (w: tf.Tensor1D) =>
        tf.add(
          tf.mul(0.5, tf.sum(tf.mul(w, tf.squeeze(tf.matMul(Bt, tf.reshape(w, [m, 1])))))),
          tf.sum(tf.mul(b, w)),
        );
      const H = hessian(loss, tf.tensor1d(rng.normalArray(m)));
      expect(H.shape).toEqual([m, m]);
      const expected = B.map((row, i) => row.map((bij, j) => (bij + (B[j]?.[i] as number)) / 2));
      // Entries are multiples of 1/8: exact in float32.
      expect(H.arraySync()).toEqual(expected);
    });
  });

  it('is symmetric without symmetrising and matches a float64 finite-difference reference on an MLP', () => {
    const sizes = [3, 4, 3];
    const net64: Mlp64 = { sizes, acts: ['tanh', 'linear'] };
    const net = mlp({ sizes, activation: 'tanh', biasScale: 0.4, initScale: 1.5 });
    const rng = createRng(9);
    const xs = Array.from({ length: 5 }, () => Array.from(rng.normalArray(3)));
    const ys = Array.from({ length: 5 }, (_, i) => [0, 1, 2].map((c) => (c === i % 3 ? 1 : 0)));
    tf.tidy(() => {
      const w = net.init(4);
      const x = tf.tensor2d(xs);
      const y = tf.tensor2d(ys);
      const loss = (p: tf.Tensor1D) => losses.softmaxCrossEntropy(y, net.apply(p, x));
      const raw = hessian(loss, w, { symmetrize: false }).arraySync();
      const m = net.numParams;
      const scale = Math.max(...raw.flat().map(Math.abs));
      let asym = 0;
      for (let i = 0; i < m; i++)
        for (let j = 0; j < m; j++)
          asym = Math.max(asym, Math.abs((raw[i]?.[j] as number) - (raw[j]?.[i] as number)));
      expect(asym).toBeLessThan(1e-5 * scale);
      const wv = Float64Array.from(w.dataSync());
      const ref = Array.from({ length: m }, (_, i) =>
        Array.from(
          hvp64(
            net64,
            wv,
            Float64Array.from({ length: m }, (_, j) => (j === i ? 1 : 0)),
            xs,
            ys,
          ),
        ),
      );
      expect(relativeError(raw.flat(), ref.flat())).toBeLessThan(1e-4);
    });
  });

  it("symmetrises exactly by default, and H matches the closed form A^T diag(sigmoid'(A w)) A for sum(softplus(A w))", () => {
    tf.tidy(() => {
      const A = tf.randomNormal([7, 5], 0, 1, 'float32', 3);
      const w = tf.randomNormal([5], 0, 1, 'float32', 4) as tf.Tensor1D;
      const f = (p: tf.Tensor1D) => tf.sum(ops.softplus(tf.squeeze(tf.matMul(A, tf.reshape(p, [5, 1])))));
      const H = hessian(f, w).arraySync();
      for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) expect(H[i]?.[j]).toBe(H[j]?.[i]);
      const s = tf.sigmoid(tf.squeeze(tf.matMul(A, tf.reshape(w, [5, 1]))));
      const d = tf.mul(s, tf.sub(1, s));
      const exact = tf.matMul(tf.transpose(A), tf.mul(tf.reshape(d, [7, 1]), A)).dataSync();
      expect(relativeError(H.flat(), exact)).toBeLessThan(1e-5);
    });
  });

  it('rejects wrong shapes and too many parameters with DlfError, and leaves no tensors behind', async () => {
    const loss = (w: tf.Tensor1D) => tf.sum(tf.square(w));
    const w = tf.tensor1d([1, 2, 3]);
    try {
      hessian(loss, w, { maxParams: 2 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DlfError);
      expect((e as DlfError).code).toBe('INVALID_ARGUMENT');
      expect((e as DlfError).message).toMatch(/w has 3 entries, more than maxParams \(2\)/);
    }
    const w2 = tf.ones([2, 2]);
    expect(() => hessian(loss, w2 as unknown as tf.Tensor1D)).toThrow(/w must be a parameter vector/);
    expect(() => hessian((p) => p, w)).toThrow(/loss must return a scalar/);
    await expectNoLeaks(() => hessian(loss, w));
    await expectNoLeaks(() => hessian(loss, w, { symmetrize: false }));
    await expectNoLeaks(() => {
      expect(() => hessian((p) => p, w)).toThrow(DlfError);
    });
    tf.dispose([w, w2]);
  });
});
