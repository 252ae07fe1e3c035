import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradientReversal } from './gradientReversal.js';
import { expectNoLeaks, setupTestBackend } from './testing.js';

describe('gradientReversal', () => {
  beforeAll(async () => {
    await setupTestBackend();
  });

  it('is the identity forward and multiplies the gradient by -scale', async () => {
    const x = tf.tensor1d([1, -2, 3]);
    await expectNoLeaks(() => {
      const y = gradientReversal(x, 0.5);
      expect(Array.from(y.dataSync())).toEqual([1, -2, 3]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.square(gradientReversal(t, 0.5))))(x);
      expect(Array.from(g.dataSync())).toEqual([-1, 2, -3]); // -0.5 * 2x
      tf.dispose([y, g]);
    });
    x.dispose();
  });

  it('keeps second derivatives exact: d2/dx2 sum(r(x)^3) = (-1)^2 6x', async () => {
    const x = tf.tensor1d([0.5, -1.5]);
    await expectNoLeaks(() => {
      const h = tf.grad((t: tf.Tensor) =>
        tf.sum(tf.grad((u: tf.Tensor) => tf.sum(tf.pow(gradientReversal(u), 3)))(t)),
      )(x);
      expect(Array.from(h.dataSync())).toEqual([3, -9]);
      h.dispose();
    });
    x.dispose();
  });

  it('rejects non-tensors and non-finite scales', () => {
    expect(() => gradientReversal([1] as unknown as tf.Tensor)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    const x = tf.scalar(1);
    expect(() => gradientReversal(x, Number.NaN)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    x.dispose();
  });
});
