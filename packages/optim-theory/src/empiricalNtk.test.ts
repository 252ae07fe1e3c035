import { jacobian, mlp } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { empiricalNtk } from './empiricalNtk.js';
import { ntkTwoLayerRelu } from './ntkTwoLayerRelu.js';
import { slope } from './optimizers/problems.fixture.js';
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

describe('empiricalNtk', () => {
  it('converges to the analytic two-layer ReLU NTK with relative error falling like 1/sqrt(m)', () => {
    // mlp in NTK parameterisation computes (1/sqrt m) sum b_i relu(a_i.x / sqrt d): its limit kernel is
    // ntkTwoLayerRelu(X / sqrt d).
    const d = 3;
    const limit = ntkTwoLayerRelu(X.map((x) => x.map((v) => v / Math.sqrt(d))));
    const widths = [64, 256, 1024, 4096];
    const errors = widths.map((m) => {
      const net = mlp({ sizes: [d, m, 1], activation: 'relu', parameterization: 'ntk', bias: false });
      let mean = 0;
      const seeds = 4;
      for (let s = 0; s < seeds; s++) {
        const w = net.init(100 * m + s);
        const K = empiricalNtk(net, w, X);
        w.dispose();
        let num = 0;
        let den = 0;
        K.forEach((r, i) => {
          r.forEach((v, j) => {
            num += (v - limit[i]![j]!) ** 2;
            den += limit[i]![j]! ** 2;
          });
        });
        mean += Math.sqrt(num / den) / seeds;
      }
      return mean;
    });
    // The empirical kernel is an average of m iid terms: fluctuations of order 1/sqrt(m), so the
    // log-log slope is -1/2; averaging 4 draws per width leaves a sampling error of about +-0.1 on it.
    const s = slope(widths.map(Math.log), errors.map(Math.log));
    expect(Math.abs(s + 0.5)).toBeLessThan(0.15);
    expect(errors.at(-1)!).toBeLessThan(0.05);
  });

  it('equals J(X1) J(X2)^T from the runtime jacobian, with example-major rows for several outputs', () => {
    const net = mlp({ sizes: [3, 7, 2], activation: 'tanh', bias: true });
    const w = net.init(3);
    const X2 = [
      [0.1, 0.2, 0.3],
      [1, -1, 0],
    ];
    const K = empiricalNtk(net, w, X, X2);
    expect(K).toHaveLength(X.length * 2);
    expect(K[0]).toHaveLength(X2.length * 2);
    const ref = tf.tidy(() => {
      const J1 = jacobian((v) => net.apply(v, tf.tensor2d(X)), w, { mode: 'rows' });
      const J2 = jacobian((v) => net.apply(v, tf.tensor2d(X2)), w, { mode: 'rows' });
      return tf.matMul(J1, J2, false, true).arraySync() as number[][];
    });
    K.forEach((r, i) => {
      r.forEach((v, j) => {
        expect(v).toBeCloseTo(ref[i]![j]!, 4);
      });
    });
    w.dispose();
  });

  it('accepts tensors and arrays alike, validates the model and leaks no tensors', async () => {
    const net = mlp({ sizes: [3, 4, 1], activation: 'tanh' });
    const w = net.init(1);
    const xt = tf.tensor2d(X);
    await expectNoLeaks(() => empiricalNtk(net, w, xt, X));
    await expectNoLeaks(() => tangentKernel(net, Array.from(w.dataSync()), X));
    expect(() => empiricalNtk({} as never, w, X)).toThrow(expect.objectContaining({ param: 'model' }));
    expect(() => empiricalNtk(net, [1, 2], X)).toThrow(expect.objectContaining({ code: 'INVALID_SHAPE' }));
    xt.dispose();
    w.dispose();
  });
});
