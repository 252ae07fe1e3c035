import { createRng, jacobian, twoMoons } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { actNorm } from './actNorm.js';
import { affineCoupling } from './affineCoupling.js';
import type { FlowLayer } from './FlowLayer.js';
import { flow } from './flow.js';
import { invertibleLinear } from './invertibleLinear.js';
import { alternatingMask, channelMask, checkerboardMask } from './masks.js';
import { permutation } from './permutation.js';
import { uniformDequantize } from './uniformDequantize.js';

/** Gives every variable of a layer random values of the given scale (so no layer is the identity). */
function randomize(layer: FlowLayer, seed: number, scale = 0.3): FlowLayer {
  const rng = createRng(seed);
  for (const v of layer.variables) {
    const t = tf.tensor(rng.normalArray(v.size, 0, scale), v.shape);
    v.assign(t);
    t.dispose();
  }
  return layer;
}

/** log |det A| of a square row-major matrix by LU with partial pivoting, float64. */
function logAbsDet(a: number[][]): number {
  const m = a.map((r) => [...r]);
  const n = m.length;
  let s = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    s += Math.log(Math.abs(m[c]![c]!));
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k < n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return s;
}

/** Checks inverse(forward(x)) = x and logDet = log|det J| (autodiff Jacobian) on a few inputs. */
async function checkLayer(layer: FlowLayer, seed: number): Promise<void> {
  const D = layer.dim;
  const rng = createRng(seed);
  const x = tf.tensor2d(rng.normalArray(3 * D), [3, D]);
  await expectNoLeaks(() => {
    const { y, logDet } = layer.forward(x);
    const back = layer.inverse(y);
    const err = tf.tidy(() => tf.max(tf.abs(tf.sub(back, x))));
    expect(err.dataSync()[0]).toBeLessThan(1e-4);
    const ld = logDet.dataSync();
    for (let i = 0; i < 3; i++) {
      const xi = tf.tensor1d(x.arraySync()[i]!);
      const J = tf.tidy(() =>
        jacobian((v: tf.Tensor1D) => layer.forward(tf.reshape(v, [1, D]) as tf.Tensor2D).y, xi),
      );
      expect(Math.abs(ld[i]! - logAbsDet(J.arraySync() as number[][]))).toBeLessThan(1e-3);
      tf.dispose([xi, J]);
    }
    tf.dispose([y, logDet, back, err]);
  });
  x.dispose();
}

describe('normalizing flows', () => {
  beforeAll(async () => {
    await setupTestBackend();
  });

  it('every layer inverts exactly and its log-det equals the autodiff Jacobian log-determinant', async () => {
    const layers: FlowLayer[] = [
      randomize(affineCoupling({ mask: alternatingMask(4, 0), hidden: [8], activation: 'tanh', seed: 1 }), 2),
      randomize(affineCoupling({ mask: checkerboardMask(2, 2, 2, 1), hidden: [8], seed: 3 }), 4),
      randomize(affineCoupling({ mask: channelMask(2, 2, 2, 0), hidden: [8], seed: 5 }), 6),
      randomize(actNorm({ channels: 3 }), 7),
      randomize(actNorm({ channels: 2, pixels: 3 }), 8),
      randomize(invertibleLinear({ channels: 4, seed: 1 }), 9),
      randomize(invertibleLinear({ channels: 2, pixels: 3, seed: 2 }), 10), // a 1x1 convolution on 3 pixels
      permutation(5, [2, 0, 4, 1, 3]),
    ];
    for (const [k, layer] of layers.entries()) await checkLayer(layer, 100 + k);
    for (const l of layers) l.dispose();
  });

  it('composes: the log-dets add up and exp(logProb) integrates to 1 over the plane', async () => {
    const f = flow([
      randomize(actNorm({ channels: 2 }), 1),
      randomize(affineCoupling({ mask: alternatingMask(2, 0), hidden: [8], activation: 'tanh', seed: 1 }), 2),
      randomize(invertibleLinear({ channels: 2, seed: 3 }), 3),
      randomize(affineCoupling({ mask: alternatingMask(2, 1), hidden: [8], activation: 'tanh', seed: 4 }), 5),
    ]);
    const h = 0.05;
    const pts: number[] = [];
    for (let a = -8; a < 8; a += h) for (let b = -8; b < 8; b += h) pts.push(a + h / 2, b + h / 2);
    const grid = tf.tensor2d(pts, [pts.length / 2, 2]);
    const total = await expectNoLeaks(() => {
      const lp = f.logProb(grid);
      const sum = tf.tidy(() => tf.sum(tf.exp(lp)));
      const s = sum.dataSync()[0]! * h * h;
      tf.dispose([lp, sum]);
      return s;
    });
    expect(Math.abs(total - 1)).toBeLessThan(2e-3);
    const x = tf.tensor2d(createRng(0).normalArray(8), [4, 2]);
    const { z, logDet } = f.forward(x);
    let manual = tf.zeros([4]);
    let hdn: tf.Tensor2D = x;
    for (const layer of f.layers) {
      const out = layer.forward(hdn);
      manual = tf.add(manual, out.logDet);
      hdn = out.y;
    }
    expect(Math.max(...Array.from(tf.sub(manual, logDet).dataSync(), Math.abs))).toBeLessThan(1e-5);
    const back = f.inverse(z);
    expect(Math.max(...Array.from(tf.sub(back, x).dataSync(), Math.abs))).toBeLessThan(1e-4);
    grid.dispose();
    f.dispose();
  });

  it('trained on two moons, a RealNVP beats the best Gaussian in log-likelihood; samples invert to their noise', async () => {
    const data = twoMoons({ n: 512, noise: 0.05, seed: 0 });
    const x = tf.tensor2d(data.x, [512, 2]);
    // The best Gaussian's NLL per example: (D log 2 pi + log det S + D) / 2, S the MLE covariance.
    const mean = [0, 1].map((j) => data.x.filter((_, i) => i % 2 === j).reduce((s, v) => s + v, 0) / 512);
    const S = [0, 1].map((a) =>
      [0, 1].map((b) => {
        let s = 0;
        for (let i = 0; i < 512; i++) s += (data.x[2 * i + a]! - mean[a]!) * (data.x[2 * i + b]! - mean[b]!);
        return s / 512;
      }),
    );
    const gaussNll = 0.5 * (2 * Math.log(2 * Math.PI) + Math.log(S[0]![0]! * S[1]![1]! - S[0]![1]! ** 2) + 2);
    const layers: FlowLayer[] = [actNorm({ channels: 2 })];
    for (let k = 0; k < 4; k++) {
      layers.push(affineCoupling({ mask: alternatingMask(2, (k % 2) as 0 | 1), hidden: [24], seed: k }));
    }
    const f = flow(layers);
    const { history } = await expectNoLeaks(() =>
      f.fit(x, { epochs: 15, batchSize: 128, learningRate: 1e-2, seed: 0 }),
    );
    const lp = f.logProb(x);
    const nll = -tf.mean(lp).dataSync()[0]!;
    lp.dispose();
    expect(history[0]!).toBeGreaterThan(nll);
    expect(nll).toBeLessThan(gaussNll - 0.25); // 1.54 vs 1.89 nats

    // sample(n, seed) is inverse(z) for z drawn from the same seed: forward(sample) gives z back.
    const s = f.sample(5, { seed: 3 });
    const { z } = f.forward(s);
    const z0 = createRng(3).normalArray(10);
    expect(Math.max(...Array.from(z.dataSync(), (v, i) => Math.abs(v - z0[i]!)))).toBeLessThan(1e-3);
    tf.dispose([x, s, z]);
    f.dispose();
  });

  it('bitsPerDim is (-mean log p + D log bins) / (D log 2); uniformDequantize spreads each level over its bin', async () => {
    const f = flow([actNorm({ channels: 3 })]); // the identity before initialisation: log p = log N(x; 0, I)
    const x = tf.tensor2d([
      [0.1, 0.5, 0.9],
      [0.2, 0.4, 0.6],
    ]);
    const logN = (v: number[]): number => v.reduce((s, t) => s - 0.5 * (t * t + Math.log(2 * Math.PI)), 0);
    const expected =
      (-(logN([0.1, 0.5, 0.9]) + logN([0.2, 0.4, 0.6])) / 2 + 3 * Math.log(256)) / (3 * Math.LN2);
    expect(f.bitsPerDim(x)).toBeCloseTo(expected, 4);
    const levels = tf.tensor1d([0, 1 / 255, 128 / 255, 1]);
    const d = await expectNoLeaks(() => {
      const t = uniformDequantize(levels, { bins: 256, seed: 1 });
      const v = Array.from(t.dataSync());
      t.dispose();
      return v;
    });
    [0, 1, 128, 255].forEach((k, i) => {
      expect(d[i]!).toBeGreaterThanOrEqual(k / 256);
      expect(d[i]!).toBeLessThan((k + 1) / 256);
    });
    tf.dispose([x, levels]);
    f.dispose();
  });
});
