import { mlp } from '@dlf/runtime';
import { setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { symmetricEigen } from './linalg.js';
import { tangentKernel } from './tangentKernel.js';

beforeAll(async () => {
  await setupTestBackend();
});

const X = [
  [1, 0, 0],
  [0.6, 0.8, 0],
  [-0.3, 0.2, 0.9],
  [0.5, -0.5, 0.5],
  [-1, 0.4, -0.2],
];

describe('tangentKernel', () => {
  it('tangentKernel K = J J^T drives the outputs: u(w - eta grad L) - u(w) = -eta K (u - y) + O(eta^2)', () => {
    const net = mlp({ sizes: [3, 16, 1], activation: 'tanh', bias: true });
    const w = net.init(5);
    const y = [0.5, -1, 0.25, 1, 0];
    const K = tangentKernel(net, w, X);
    const { u0, u1 } = tf.tidy(() => {
      const xt = tf.tensor2d(X);
      const yt = tf.tensor2d(y, [5, 1]);
      const L = (v: tf.Tensor1D) => tf.mul(0.5, tf.sum(tf.square(tf.sub(net.apply(v, xt), yt)))) as tf.Scalar;
      const g = tf.grad((v: tf.Tensor) => L(v as tf.Tensor1D))(w);
      const eta = 1e-3;
      return {
        u0: Array.from(net.apply(w, xt).dataSync()),
        u1: Array.from(net.apply(tf.sub(w, tf.mul(eta, g)) as tf.Tensor1D, xt).dataSync()),
      };
    });
    const predicted = u0.map((u, i) => u - 1e-3 * K[i]!.reduce((s, k, j) => s + k * (u0[j]! - y[j]!), 0));
    const change = Math.hypot(...u1.map((v, i) => v - u0[i]!));
    const err = Math.hypot(...u1.map((v, i) => v - predicted[i]!));
    expect(err).toBeLessThan(0.02 * change);
    w.dispose();
  });

  it('is symmetric positive semi-definite', () => {
    const net = mlp({ sizes: [3, 6, 2], activation: 'tanh' });
    const w = net.init(2);
    const K = tangentKernel(net, w, X);
    const n = K.length;
    const { values } = symmetricEigen({ rows: n, cols: n, data: Float64Array.from(K.flat()) });
    expect(values[0]!).toBeGreaterThan(-1e-4 * values[n - 1]!);
    K.forEach((r, i) => {
      r.forEach((v, j) => {
        expect(v).toBeCloseTo(K[j]![i]!, 4);
      });
    });
    w.dispose();
  });
});
