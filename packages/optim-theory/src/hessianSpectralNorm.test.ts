import { hessian, mlp, ops } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { hessianSpectralNorm } from './hessianSpectralNorm.js';
import { symmetricEigen } from './linalg.js';

beforeAll(async () => {
  await setupTestBackend();
});

describe('hessianSpectralNorm', () => {
  it('equals max |eigenvalue| of the full Hessian of a small tanh network loss', async () => {
    const net = mlp({ sizes: [2, 5, 1], activation: 'tanh', bias: true });
    const w = net.init(2);
    const x = tf.tensor2d([
      [1, 2],
      [-1, 0.5],
      [0.3, -0.7],
    ]);
    const y = tf.tensor2d([[1], [-1], [0.5]]);
    const loss = (v: tf.Tensor1D) => tf.mean(tf.square(tf.sub(net.apply(v, x), y)));
    const res = await hessianSpectralNorm(loss, w, { iterations: net.numParams });
    const H = hessian(loss, w);
    const m = net.numParams;
    const { values } = symmetricEigen({ rows: m, cols: m, data: Float64Array.from(H.dataSync()) });
    H.dispose();
    const ref = Math.max(Math.abs(values[0]!), Math.abs(values[m - 1]!));
    expect(res.spectralNorm).toBeCloseTo(ref, 3);
    expect(Math.abs(res.eigenvalue)).toBe(res.spectralNorm);
    x.dispose();
    y.dispose();
    w.dispose();
  });

  it('two-layer ReLU net: ||Hess_w f(w; x)|| = ||x|| / sqrt(d m) exactly (its Hessian is block 2 x 2 per unit)', async () => {
    // f = (1/sqrt m) sum_i b_i relu(a_i.x / sqrt d): the only non-zero second derivatives are
    // d^2 f / da_i db_i = 1[a_i.x > 0] x / sqrt(d m), so H has eigenvalues +-||x|| / sqrt(d m).
    const d = 3;
    const x = tf.tensor2d([[0.6, -0.8, 1.2]]);
    const nx = Math.hypot(0.6, -0.8, 1.2);
    for (const m of [16, 256]) {
      const net = mlp({ sizes: [d, m, 1], activation: 'relu', parameterization: 'ntk', bias: false });
      const w = net.init(m);
      const res = await hessianSpectralNorm((v) => tf.sum(net.apply(v, x)), w, { iterations: 30, seed: 1 });
      expect(res.spectralNorm).toBeCloseTo(nx / Math.sqrt(d * m), 4);
      w.dispose();
    }
    x.dispose();
  });

  it('two-layer tanh net: equals the largest per-unit 2 x 2 block norm, computed by hand from the weights', async () => {
    // f = (1/sqrt m) sum_i b_i tanh(z_i), z_i = a_i.x / sqrt d. The Hessian is block-diagonal over units;
    // on span{(x, 0), (0, 1)} unit i's block is (1/sqrt m) [[b_i tanh''(z_i) |x|^2 / d, tanh'(z_i) |x| / sqrt d],
    // [tanh'(z_i) |x| / sqrt d, 0]] and it vanishes elsewhere.
    const d = 3;
    const m = 64;
    const xv = [0.6, -0.8, 1.2];
    const nx = Math.hypot(...xv);
    const net = mlp({ sizes: [d, m, 1], activation: 'tanh', parameterization: 'ntk', bias: false });
    const w = net.init(9);
    const wv = w.dataSync();
    let expected = 0;
    for (let i = 0; i < m; i++) {
      // Layout: W1 is [d, m] row-major (h' = h W), then W2 [m, 1].
      let z = 0;
      for (let c = 0; c < d; c++) z += wv[c * m + i]! * xv[c]!;
      z /= Math.sqrt(d);
      const b = wv[d * m + i]!;
      const t = Math.tanh(z);
      const s1 = 1 - t * t;
      const s2 = -2 * t * s1;
      const p = (b * s2 * nx * nx) / d;
      const q = (s1 * nx) / Math.sqrt(d);
      // Eigenvalues of [[p, q], [q, 0]]: (p +- sqrt(p^2 + 4 q^2)) / 2.
      expected = Math.max(expected, (Math.abs(p) + Math.sqrt(p * p + 4 * q * q)) / 2 / Math.sqrt(m));
    }
    const x = tf.tensor2d([xv]);
    const res = await hessianSpectralNorm((v) => tf.sum(net.apply(v, x)), w, { iterations: 60, seed: 2 });
    expect(res.spectralNorm).toBeCloseTo(expected, 4);
    x.dispose();
    w.dispose();
  });

  it('accepts an array, uses ops for exact curvature and leaks no tensors', async () => {
    // f(w) = sum tanh(w)^2 has Hessian diag(2 (1 - 3 t^2)(1 - t^2)) with t = tanh(w).
    const f = (w: tf.Tensor1D) => tf.sum(tf.square(ops.tanh(w)));
    const w = [0.1, 0.9, -1.4];
    const diag = w.map((v) => {
      const t = Math.tanh(v);
      return 2 * (1 - 3 * t * t) * (1 - t * t);
    });
    const res = await expectNoLeaks(() => hessianSpectralNorm(f, w, { iterations: 3 }));
    expect(res.spectralNorm).toBeCloseTo(Math.max(...diag.map(Math.abs)), 4);
  });

  it('stops with ABORTED when its signal has fired', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(
      (async () => hessianSpectralNorm((w) => tf.sum(tf.square(w)), [1, 2], { signal: ac.signal }))(),
    ).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
