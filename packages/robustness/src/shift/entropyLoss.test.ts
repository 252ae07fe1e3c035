import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureValues } from '../testModels.js';
import { entropyLoss } from './entropyLoss.js';

beforeAll(async () => {
  await setupTestBackend();
});

/** Mean entropy of softmax rows in float64. */
function entropy64(z: number[], n: number, k: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const row = z.slice(i * k, (i + 1) * k);
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    for (const v of row) total -= Math.exp(v - lse) * (v - lse);
  }
  return total / n;
}

describe('entropyLoss', () => {
  it('is log k for uniform predictions, near 0 for confident ones, and the float64 entropy otherwise', async () => {
    const value = (z: number[], n: number, k: number) =>
      tf.tidy(() => entropyLoss(tf.tensor2d(z, [n, k])).dataSync()[0] as number);
    expect(value([0, 0, 0, 2, 2, 2], 2, 3)).toBeCloseTo(Math.log(3), 6);
    expect(value([40, 0, 0], 1, 3)).toBeLessThan(1e-12 + 1e-6);
    const z = fixtureValues(12, 7, -3, 3);
    expect(value(z, 4, 3)).toBeCloseTo(entropy64(z, 4, 3), 6);
    const zeros = tf.zeros([2, 2]);
    await expectNoLeaks(() => entropyLoss(zeros));
    zeros.dispose();
  });

  it('its gradient matches central differences and it can be differentiated twice', () => {
    const z = fixtureValues(6, 8, -2, 2);
    const g = tf.tidy(() =>
      Array.from(
        tf
          .grad((t: tf.Tensor) => entropyLoss(t))(tf.tensor2d(z, [2, 3]))
          .dataSync(),
      ),
    );
    const h = 1e-6;
    z.forEach((_, q) => {
      const up = [...z];
      const down = [...z];
      up[q] = (up[q] as number) + h;
      down[q] = (down[q] as number) - h;
      expect(g[q]).toBeCloseTo((entropy64(up, 2, 3) - entropy64(down, 2, 3)) / (2 * h), 5);
    });
    // d/dz_0 of the first gradient entry, against central differences of the float64 gradient.
    const second = tf.tidy(
      () =>
        tf
          .grad((t: tf.Tensor) =>
            tf
              .grad((u: tf.Tensor) => entropyLoss(u))(t)
              .slice([0, 0], [1, 1])
              .sum(),
          )(tf.tensor2d(z, [2, 3]))
          .dataSync()[0] as number,
    );
    const grad0 = (w: number[]) => {
      const up = [...w];
      const down = [...w];
      up[0] = (up[0] as number) + h;
      down[0] = (down[0] as number) - h;
      return (entropy64(up, 2, 3) - entropy64(down, 2, 3)) / (2 * h);
    };
    const h2 = 1e-3;
    const zUp = [...z];
    const zDown = [...z];
    zUp[0] = (zUp[0] as number) + h2;
    zDown[0] = (zDown[0] as number) - h2;
    expect(second).toBeCloseTo((grad0(zUp) - grad0(zDown)) / (2 * h2), 3);
    expect(() => entropyLoss(tf.tidy(() => tf.zeros([3])))).toThrow(
      expect.objectContaining({ param: 'logits' }),
    );
  });
});
