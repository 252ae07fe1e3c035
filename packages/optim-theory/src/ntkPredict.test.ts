import { createRng, mlp } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { empiricalNtk } from './empiricalNtk.js';
import { solve } from './linalg.js';
import { ntkPredict } from './ntkPredict.js';
import { ntkTwoLayerRelu } from './ntkTwoLayerRelu.js';
import { gd } from './optimizers/gd.js';

beforeAll(async () => {
  await setupTestBackend();
});

const rng = createRng(8);
const unit = () => {
  const v = [rng.normal(), rng.normal(), rng.normal()];
  const n = Math.hypot(...v);
  return v.map((e) => e / n);
};
const Xtr = Array.from({ length: 6 }, unit);
const Xte = Array.from({ length: 3 }, unit);
const y = [1, -1, 0.5, -0.5, 1, 0];

describe('ntkPredict', () => {
  it('solves du/dt = -K (u - y), du_test/dt = -K_test,train (u - y): agrees with a fine Euler integration', () => {
    const K = ntkTwoLayerRelu(Xtr);
    const Kt = ntkTwoLayerRelu(Xte, Xtr);
    const u0 = [0.1, 0.2, -0.3, 0, 0.4, -0.1];
    const testU0 = [0.05, -0.2, 0.3];
    const T = 3;
    const res = ntkPredict(K, Kt, y, [0, T], { u0, testU0 });
    const u = [...u0];
    const ut = [...testU0];
    const h = 1e-4;
    for (let s = 0; s < T / h; s++) {
      const r = u.map((v, i) => v - y[i]!);
      const du = K.map((row) => -row.reduce((a, k, j) => a + k * r[j]!, 0));
      const dut = Kt.map((row) => -row.reduce((a, k, j) => a + k * r[j]!, 0));
      u.forEach((_, i) => {
        u[i]! += h * du[i]!;
      });
      ut.forEach((_, i) => {
        ut[i]! += h * dut[i]!;
      });
    }
    expect(res.train[0]).toEqual(u0.map((v) => expect.closeTo(v, 12)));
    res.train[1]!.forEach((v, i) => {
      expect(v).toBeCloseTo(u[i]!, 3);
    });
    res.test[1]!.forEach((v, i) => {
      expect(v).toBeCloseTo(ut[i]!, 3);
    });
  });

  it('at t = infinity interpolates the training targets and predicts with kernel regression K_test K^{-1} y', () => {
    const K = ntkTwoLayerRelu(Xtr);
    const Kt = ntkTwoLayerRelu(Xte, Xtr);
    const res = ntkPredict(K, Kt, y, 1e6);
    res.train[0]!.forEach((v, i) => {
      expect(v).toBeCloseTo(y[i]!, 6);
    });
    const alpha = solve({ rows: 6, cols: 6, data: Float64Array.from(K.flat()) }, y)!;
    Kt.forEach((row, a) => {
      expect(res.test[0]![a]!).toBeCloseTo(
        row.reduce((s, k, j) => s + k * alpha[j]!, 0),
        6,
      );
    });
  });

  it('predicts what gradient descent on a wide network actually does (lazy regime, m = 4096)', async () => {
    const net = mlp({ sizes: [3, 4096, 1], activation: 'relu', parameterization: 'ntk', bias: false });
    const w0 = net.init(1);
    const xt = tf.tensor2d(Xtr);
    const xe = tf.tensor2d(Xte);
    const yt = tf.tensor2d(y, [6, 1]);
    const u0 = Array.from(net.apply(w0, xt).dataSync());
    const testU0 = Array.from(net.apply(w0, xe).dataSync());
    const K = empiricalNtk(net, w0, Xtr);
    const Kt = empiricalNtk(net, w0, Xte, Xtr);
    const eta = 0.2;
    const steps = 60;
    const loss = (w: tf.Tensor1D) => tf.mul(0.5, tf.sum(tf.square(tf.sub(net.apply(w, xt), yt))));
    const run = await gd(loss, w0, { learningRate: eta, steps });
    const wT = tf.tensor1d(run.w);
    const netTrain = Array.from(net.apply(wT, xt).dataSync());
    const netTest = Array.from(net.apply(wT, xe).dataSync());
    // Small steps: GD with eta follows the flow up to O(eta) per unit time; use the discrete-time
    // kernel recursion's flow time t = eta T, and allow for both the width (O(1/sqrt m)) and step errors.
    const pred = ntkPredict(K, Kt, y, eta * steps, { u0, testU0 });
    const scale = Math.max(...y.map((v, i) => Math.abs(v - u0[i]!)));
    netTrain.forEach((v, i) => {
      expect(Math.abs(v - pred.train[0]![i]!)).toBeLessThan(0.1 * scale);
    });
    netTest.forEach((v, i) => {
      expect(Math.abs(v - pred.test[0]![i]!)).toBeLessThan(0.1 * scale);
    });
    for (const t of [w0, wT, xt, xe, yt]) t.dispose();
  });

  it('validates shapes and times', () => {
    expect(() => ntkPredict([[1, 0]], undefined, [1], 1)).toThrow(
      expect.objectContaining({ param: 'kTrain' }),
    );
    expect(() => ntkPredict([[1]], [[1, 2]], [1], 1)).toThrow(
      expect.objectContaining({ param: 'kTestTrain' }),
    );
    expect(() => ntkPredict([[1]], undefined, [1], [-1])).toThrow(expect.objectContaining({ param: 't[0]' }));
  });

  it('reads tensor kernels without leaking', async () => {
    const K = tf.tensor2d(ntkTwoLayerRelu(Xtr));
    const res = await expectNoLeaks(() => ntkPredict(K, undefined, y, 1));
    expect(res.train[0]).toHaveLength(6);
    K.dispose();
  });
});
