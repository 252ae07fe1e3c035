import { createRng } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { symmetricEigen } from './linalg.js';
import { ntkTwoLayerRelu } from './ntkTwoLayerRelu.js';

beforeAll(async () => {
  await setupTestBackend();
});

describe('ntkTwoLayerRelu', () => {
  it('matches a Monte Carlo average over m = 20000 random hidden units, entry by entry within 5 standard errors', () => {
    // The empirical NTK of f = (1/sqrt m) sum b_i relu(a_i.x) is the mean over units of
    // relu(a.x) relu(a.x') + b^2 1[a.x > 0] 1[a.x' > 0] x.x', an average of m iid terms.
    const rng = createRng(3);
    const d = 3;
    const X = [
      [1, 0, 0],
      [0.6, 0.8, 0],
      [-1, 0.5, 2],
      [0.2, -0.3, 0.1],
      [-1, 0, 0],
    ];
    const K = ntkTwoLayerRelu(X);
    const m = 20_000;
    const n = X.length;
    const sum = Array.from({ length: n }, () => new Float64Array(n));
    const sum2 = Array.from({ length: n }, () => new Float64Array(n));
    const pre = new Float64Array(n);
    for (let u = 0; u < m; u++) {
      const a = Array.from({ length: d }, () => rng.normal());
      const b = rng.normal();
      for (let i = 0; i < n; i++) pre[i] = X[i]!.reduce((s, v, c) => s + v * a[c]!, 0);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const xx = X[i]!.reduce((s, v, c) => s + v * X[j]![c]!, 0);
          const term =
            Math.max(pre[i]!, 0) * Math.max(pre[j]!, 0) + (pre[i]! > 0 && pre[j]! > 0 ? b * b * xx : 0);
          sum[i]![j]! += term;
          sum2[i]![j]! += term * term;
        }
      }
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const mean = sum[i]![j]! / m;
        const se = Math.sqrt(Math.max(sum2[i]![j]! / m - mean * mean, 0) / m);
        expect(Math.abs(mean - K[i]![j]!)).toBeLessThanOrEqual(5 * se + 1e-12);
      }
    }
  });

  it('has the closed-form values Theta(x, x) = ||x||^2, ||x|| ||x2|| / (2 pi) at right angles, 0 for opposite inputs', () => {
    const K = ntkTwoLayerRelu(
      [
        [3, 4],
        [0, 2],
        [-3, -4],
      ],
      undefined,
    );
    expect(K[0]![0]).toBeCloseTo(25, 12);
    expect(K[0]![2]).toBeCloseTo(0, 12); // theta = pi: no unit is active on both
    const Kp = ntkTwoLayerRelu([[1, 0]], [[0, 2]]);
    expect(Kp[0]![0]).toBeCloseTo(2 / (2 * Math.PI), 12);
    // The two layers' parts add up, each half of ||x||^2 on the diagonal.
    const first = ntkTwoLayerRelu([[3, 4]], undefined, { layers: 'first' });
    const second = ntkTwoLayerRelu([[3, 4]], undefined, { layers: 'second' });
    expect(first[0]![0]).toBeCloseTo(12.5, 12);
    expect(second[0]![0]).toBeCloseTo(12.5, 12);
  });

  it('is symmetric positive semi-definite on random inputs', () => {
    const rng = createRng(4);
    const X = Array.from({ length: 12 }, () => Array.from({ length: 4 }, () => rng.normal()));
    const K = ntkTwoLayerRelu(X);
    const { values } = symmetricEigen({ rows: 12, cols: 12, data: Float64Array.from(K.flat()) });
    expect(values[0]!).toBeGreaterThan(-1e-10);
    K.forEach((r, i) => {
      r.forEach((v, j) => {
        expect(v).toBeCloseTo(K[j]![i]!, 14);
      });
    });
  });

  it('validates input and leaks no tensors', async () => {
    expect(() => ntkTwoLayerRelu([[1, 2]], [[1, 2, 3]])).toThrow(
      expect.objectContaining({ code: 'INVALID_SHAPE' }),
    );
    expect(() => ntkTwoLayerRelu([[1, 2]], undefined, { layers: 'third' as never })).toThrow(
      expect.objectContaining({ param: 'layers' }),
    );
    const Xt = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    await expectNoLeaks(() => ntkTwoLayerRelu(Xt, Xt));
    Xt.dispose();
  });
});
