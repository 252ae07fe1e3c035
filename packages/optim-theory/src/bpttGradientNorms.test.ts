import { createRng } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bpttGradientNorms } from './bpttGradientNorms.js';
import { singularValues } from './linalg.js';
import { spdMatrix } from './optimizers/problems.fixture.js';

beforeAll(async () => {
  await setupTestBackend();
});

describe('bpttGradientNorms', () => {
  it('with h = 0 and no input the Jacobians are W^k: norms s^k for W = s Q, vanishing below 1, exploding above', () => {
    const { Q } = spdMatrix([1, 1, 1, 1], 2); // Q: orthonormal rows
    for (const s of [0.8, 1.25]) {
      const W = Q.map((r) => r.map((v) => s * v));
      const { norms, sigmaMax } = bpttGradientNorms(W, 25);
      expect(sigmaMax).toBeCloseTo(s, 12);
      norms.forEach((v, k) => {
        expect(v).toBeCloseTo(s ** k, 9);
      });
    }
  });

  it('stays below sigma_max(W)^k with inputs, and matches tfjs autodiff of h_T with respect to h_{T-k}', () => {
    const rng = createRng(6);
    const d = 5;
    const T = 12;
    const W = Array.from({ length: d }, () => Array.from({ length: d }, () => rng.normal(0, 0.7)));
    const U = Array.from({ length: d }, () => [rng.normal(), rng.normal()]);
    const inputs = Array.from({ length: T }, () => [rng.normal(), rng.normal()]);
    const h0 = Array.from({ length: d }, () => rng.normal(0, 0.5));
    const r = bpttGradientNorms(W, T, { U, inputs, h0 });
    r.norms.forEach((v, k) => {
      expect(v).toBeLessThanOrEqual(r.bound[k]! * (1 + 1e-12));
    });
    // Independent check: the Jacobian of the last k steps by tfjs reverse mode, one row per output.
    for (const k of [1, 4, 9]) {
      const J = tf.tidy(() => {
        const start = tf.tensor1d(r.hidden[T - k]!);
        const rows: tf.Tensor[] = [];
        for (let i = 0; i < d; i++) {
          const g = tf.grad((h: tf.Tensor) => {
            let s = h;
            for (let t = T - k + 1; t <= T; t++) {
              const pre = tf.add(
                tf.matMul(tf.tensor2d(W), s.reshape([d, 1])),
                tf.matMul(tf.tensor2d(U), tf.tensor2d([inputs[t - 1]!]).transpose()),
              );
              s = tf.tanh(pre).reshape([d]);
            }
            return tf.slice(s, i, 1).sum();
          })(start);
          rows.push(g);
        }
        return tf.stack(rows).arraySync() as number[][];
      });
      const sigma = singularValues({ rows: d, cols: d, data: Float64Array.from(J.flat()) })[0]!;
      expect(Math.abs(sigma - r.norms[k]!) / r.norms[k]!).toBeLessThan(1e-4);
    }
  });

  it('validates input and leaks no tensors', async () => {
    expect(() => bpttGradientNorms([[1, 2]], 3)).toThrow(
      expect.objectContaining({ code: 'INVALID_SHAPE', param: 'W' }),
    );
    expect(() => bpttGradientNorms([[1]], -1)).toThrow(expect.objectContaining({ param: 'T' }));
    expect(() => bpttGradientNorms([[1]], 2, { U: [[1]] })).toThrow(
      expect.objectContaining({ param: 'inputs' }),
    );
    const W = tf.tensor2d([[0.5]]);
    await expectNoLeaks(() => bpttGradientNorms(W, 3));
    W.dispose();
  });
});
