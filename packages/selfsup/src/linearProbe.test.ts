import { blobs, createRng, DlfError, mlp } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { embed } from './embed.js';
import { linearProbe } from './linearProbe.js';
import { logisticRegression } from './logisticRegression.js';

beforeAll(async () => {
  await setupTestBackend();
});

/** Independent float64 objective (1/n) sum CE + (l2/2)|W|^2 and its gradient, from W [d][C] and b [C]. */
function objective(W: number[][], b: number[], x: Float32Array, y: Int32Array, l2: number) {
  const n = y.length;
  const d = W.length;
  const C = b.length;
  const gW = W.map((r) => r.map(() => 0));
  const gb = b.map(() => 0);
  let f = 0;
  for (let i = 0; i < n; i++) {
    const s = b.map((bc, c) => bc + W.reduce((t, row, j) => t + row[c]! * x[i * d + j]!, 0));
    const m = Math.max(...s);
    const z = s.reduce((t, v) => t + Math.exp(v - m), 0);
    f += m + Math.log(z) - s[y[i]!]!;
    for (let c = 0; c < C; c++) {
      const r = (Math.exp(s[c]! - m) / z - (c === y[i] ? 1 : 0)) / n;
      gb[c]! += r;
      for (let j = 0; j < d; j++) gW[j]![c]! += r * x[i * d + j]!;
    }
  }
  f /= n;
  W.forEach((row, j) => {
    row.forEach((w, c) => {
      f += 0.5 * l2 * w * w;
      gW[j]![c]! += l2 * w;
    });
  });
  return { f, gW, gb };
}

describe('logisticRegression', () => {
  const data = blobs({
    n: 300,
    centers: [
      [0, 0, 0, 0],
      [1.5, 0, 1, 0],
      [0, 1.5, -1, 1],
    ],
    std: 1,
    seed: 0,
  });

  it('reaches the unique optimum: the gradient of the penalised objective vanishes (KKT) and no direction improves it', () => {
    const l2 = 0.01;
    const clf = logisticRegression(data, { l2, tolerance: 1e-8 });
    expect(clf.converged).toBe(true);
    const W = Array.from({ length: 4 }, (_, j) =>
      Array.from({ length: 3 }, (_, c) => clf.weights[j * 3 + c]!),
    );
    const b = Array.from(clf.bias);
    const { f, gW, gb } = objective(W, b, data.x, data.y, l2);
    expect(f).toBeCloseTo(clf.loss, 10);
    expect(Math.max(...gW.flat().map(Math.abs), ...gb.map(Math.abs))).toBeLessThan(1e-7);
    const rng = createRng(1);
    for (let t = 0; t < 5; t++) {
      const W2 = W.map((r) => r.map((v) => v + 0.01 * rng.normal()));
      const b2 = b.map((v) => v + 0.01 * rng.normal());
      expect(objective(W2, b2, data.x, data.y, l2).f).toBeGreaterThan(f);
    }
  });

  it('separates separable data and predicts by argmax of x W + b', () => {
    const sep = blobs({
      n: 120,
      centers: [
        [-5, 0],
        [5, 0],
        [0, 6],
      ],
      std: 0.5,
      seed: 2,
    });
    const clf = logisticRegression(sep, { l2: 1e-3 });
    const pred = clf.predict(sep.x);
    expect(Array.from(pred)).toEqual(Array.from(sep.y));
    expect(() => logisticRegression({ ...sep, y: new Float32Array(120) })).toThrow(
      expect.objectContaining({ code: 'INVALID_DATA' }),
    );
    expect(() => logisticRegression(sep, { l2: -1 })).toThrow(/l2 must be >= 0/);
  });
});

describe('embed and linearProbe', () => {
  it('embed applies the frozen encoder batch by batch and keeps the labels', async () => {
    const data = blobs({
      n: 10,
      centers: [
        [0, 0],
        [3, 3],
      ],
      seed: 3,
    });
    const model = mlp({ sizes: [2, 3], activation: 'linear' });
    const w = model.init(0);
    const e = embed(model, w, data, { batchSize: 3 });
    const whole = model.apply(w, tf.tensor2d(data.x, [10, 2]));
    Array.from(await whole.data()).forEach((v, i) => {
      expect(e.x[i]).toBeCloseTo(v, 6);
    });
    expect(e.shape).toEqual([3]);
    expect(Array.from(e.y)).toEqual(Array.from(data.y));
    await expectNoLeaks(() => embed(model, w, data));
    expect(() => embed(model, w, blobs({ n: 4, centers: [[0, 0, 0]], seed: 0 }))).toThrow(DlfError);
    tf.dispose([w, whole]);
  });

  it('standardises with training statistics, then fits and scores the probe', () => {
    const all = blobs({
      n: 400,
      centers: [
        [0, 0, 0],
        [2, 0, 0],
        [0, 2, 0],
      ],
      std: 0.8,
      seed: 4,
    });
    // Scale the features wildly: standardisation makes the probe invariant to it.
    const scaled = { ...all, x: all.x.map((v, i) => (i % 3 === 0 ? 1000 * v : v + 50)) };
    const split = (d: typeof all, a: number, b: number) => ({
      ...d,
      x: d.x.slice(a * 3, b * 3),
      y: d.y.slice(a, b),
      n: b - a,
    });
    const plain = linearProbe(split(all, 0, 300), split(all, 300, 400), { l2: 1e-3 });
    const probe = linearProbe(split(scaled, 0, 300), split(scaled, 300, 400), { l2: 1e-3 });
    expect(probe.testAccuracy).toBeCloseTo(plain.testAccuracy, 12);
    expect(probe.trainAccuracy).toBeCloseTo(plain.trainAccuracy, 12);
    expect(probe.testAccuracy).toBeGreaterThan(0.75);
    expect(probe.mean[1]).toBeCloseTo(50 + plain.mean[1]!, 4);
    expect(probe.std[0]).toBeCloseTo(1000 * plain.std[0]!, 1);
  });
});
