import { createRng } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureValues } from '../testModels.js';
import { perceptualDistance, perceptualFeatures } from './perceptualDistance.js';

beforeAll(async () => {
  await setupTestBackend();
});

const d = 5;
function classifier(seed: number): tf.LayersModel {
  const init = (s: number) => tf.initializers.glorotNormal({ seed: seed + s });
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [d], units: 6, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.dropout({ rate: 0.5 }),
      tf.layers.dense({ units: 4, activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.dense({ units: 3, kernelInitializer: init(3) }),
    ],
  });
}

const unit = (v: number[]) => {
  const norm = Math.sqrt(v.reduce((s, t) => s + t * t, 0) + 1e-10);
  return v.map((t) => t / norm);
};

describe('perceptualDistance', () => {
  it('equals the float64 distance of unit-normalised hidden activations (dropout skipped, logits excluded)', () => {
    const model = classifier(1);
    const [w1, b1, w2, b2] = model.getWeights().map((w) => Array.from(w.dataSync()));
    const layer = (x: number[], w: number[], b: number[], out: number) =>
      Array.from({ length: out }, (_, c) =>
        Math.max(
          0,
          x.reduce((s, v, j) => s + v * (w[j * out + c] as number), b[c] as number),
        ),
      );
    const phi = (x: number[]) => {
      const h1 = layer(x, w1 as number[], b1 as number[], 6);
      const h2 = layer(h1, w2 as number[], b2 as number[], 4);
      return [...unit(h1), ...unit(h2)];
    };
    const a = fixtureValues(2 * d, 21, 0, 1);
    const b = fixtureValues(2 * d, 22, 0, 1);
    const got = tf.tidy(() =>
      Array.from(perceptualDistance(model, tf.tensor2d(a, [2, d]), tf.tensor2d(b, [2, d])).dataSync()),
    );
    for (let i = 0; i < 2; i++) {
      const pa = phi(a.slice(i * d, (i + 1) * d));
      const pb = phi(b.slice(i * d, (i + 1) * d));
      expect(got[i]).toBeCloseTo(Math.sqrt(pa.reduce((s, v, q) => s + (v - (pb[q] as number)) ** 2, 0)), 5);
    }
    model.dispose();
  });

  it('is 0 for identical inputs, symmetric, obeys the triangle inequality, and leaks nothing', async () => {
    const model = classifier(2);
    const features = perceptualFeatures(model);
    const rng = createRng(3);
    const [a, b, c] = [0, 1, 2].map(() => tf.tensor2d(rng.uniformArray(20 * d), [20, d]));
    const dist = (u: tf.Tensor, v: tf.Tensor) => {
      const t = perceptualDistance(features, u, v);
      const out = Array.from(t.dataSync());
      t.dispose();
      return out;
    };
    expect(dist(a as tf.Tensor, a as tf.Tensor)).toEqual(new Array(20).fill(0));
    const ab = dist(a as tf.Tensor, b as tf.Tensor);
    expect(dist(b as tf.Tensor, a as tf.Tensor)).toEqual(ab);
    const bc = dist(b as tf.Tensor, c as tf.Tensor);
    const ac = dist(a as tf.Tensor, c as tf.Tensor);
    ac.forEach((v, i) => {
      expect(v).toBeLessThanOrEqual((ab[i] as number) + (bc[i] as number) + 1e-6);
    });
    // Two hidden layers: each contributes at most 2.
    for (const v of ab) expect(v).toBeLessThanOrEqual(2 * Math.SQRT2 + 1e-6);
    await expectNoLeaks(() => perceptualDistance(features, a as tf.Tensor, b as tf.Tensor));
    expect(() => perceptualDistance(model, a as tf.Tensor, tf.zeros([3, d]))).toThrow(
      expect.objectContaining({ param: 'x2' }),
    );
    tf.dispose([a, b, c]);
    model.dispose();
  });

  it('averages over spatial positions: sqrt(mean_p ||u_p(x1) - u_p(x2)||^2) for one image-shaped activation', () => {
    const a = fixtureValues(2 * 2 * 3, 31);
    const b = fixtureValues(2 * 2 * 3, 32);
    const got = tf.tidy(
      () =>
        perceptualDistance(
          (x) => [x],
          tf.tensor4d(a, [1, 2, 2, 3]),
          tf.tensor4d(b, [1, 2, 2, 3]),
        ).dataSync()[0] as number,
    );
    let sum = 0;
    for (let p = 0; p < 4; p++) {
      const ua = unit(a.slice(p * 3, p * 3 + 3));
      const ub = unit(b.slice(p * 3, p * 3 + 3));
      sum += ua.reduce((s, v, q) => s + (v - (ub[q] as number)) ** 2, 0);
    }
    expect(got).toBeCloseTo(Math.sqrt(sum / 4), 5);
  });
});
