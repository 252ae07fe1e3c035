import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureValues } from '../testModels.js';
import { irmPenalty } from './irmPenalty.js';

beforeAll(async () => {
  await setupTestBackend();
});

const n = 4;
const d = 3;
const k = 3;
const xs = fixtureValues(n * d, 91);
const labels = [0, 2, 1, 2];

/** Closed form in float64: g = mean_i sum_c (softmax(z_i)_c - y_ic) z_ic, penalty = g^2, z = x W. */
function penalty64(w: number[]): number {
  let g = 0;
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: k }, (_, c) => {
      let s = 0;
      for (let j = 0; j < d; j++) s += (xs[i * d + j] as number) * (w[j * k + c] as number);
      return s;
    });
    const max = Math.max(...z);
    const e = z.map((v) => Math.exp(v - max));
    const total = e.reduce((a, b) => a + b, 0);
    for (let c = 0; c < k; c++)
      g += ((e[c] as number) / total - (c === labels[i] ? 1 : 0)) * (z[c] as number);
  }
  g /= n;
  return g * g;
}

describe('irmPenalty', () => {
  it('matches the closed form, and its gradient in the weights matches central finite differences', () => {
    const w = fixtureValues(d * k, 92, -1.5, 1.5);
    const x = tf.tensor2d(xs, [n, d]);
    const y = tf.oneHot(labels, k);
    const W = tf.tensor2d(w, [d, k]);
    const value = irmPenalty(tf.matMul(x, W), y);
    expect(value.dataSync()[0]).toBeCloseTo(penalty64(w), 5);
    const grad = tf
      .grad((v: tf.Tensor) => irmPenalty(tf.matMul(x, v), y))(W)
      .dataSync();
    const h = 1e-5;
    for (let q = 0; q < d * k; q++) {
      const up = [...w];
      const down = [...w];
      up[q] = (up[q] as number) + h;
      down[q] = (down[q] as number) - h;
      const fd = (penalty64(up) - penalty64(down)) / (2 * h);
      expect(Math.abs((grad[q] as number) - fd)).toBeLessThan(1e-4 * Math.max(1, Math.abs(fd)));
    }
    tf.dispose([x, y, W, value]);
  });

  it('is 0 for zero logits (g = sum (p - y) z = 0), leaks nothing and checks shapes', async () => {
    const y = tf.oneHot(labels, k);
    const zero = tf.zeros([n, k]);
    expect(irmPenalty(zero, y).dataSync()[0]).toBe(0);
    await expectNoLeaks(() => irmPenalty(zero, y));
    const wrong = tf.zeros([n, 2]);
    expect(() => irmPenalty(zero, wrong)).toThrow(expect.objectContaining({ param: 'labels' }));
    tf.dispose([y, zero, wrong]);
  });
});
