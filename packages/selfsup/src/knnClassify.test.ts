import { blobs, createRng, type LabeledData } from '@dlf/runtime';
import { setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { knnClassify } from './knnClassify.js';

beforeAll(async () => {
  await setupTestBackend();
});

/** Brute force in float64: sort all training rows by the metric, vote, break ties nearest-first. */
function bruteForce(
  train: LabeledData,
  test: LabeledData,
  k: number,
  metric: 'cosine' | 'euclidean',
): Int32Array {
  const d = train.shape[0]!;
  const row = (x: Float32Array, i: number) => Array.from(x.subarray(i * d, (i + 1) * d));
  const norm = (v: number[]) => Math.sqrt(v.reduce((s, a) => s + a * a, 0));
  const out = new Int32Array(test.n);
  for (let i = 0; i < test.n; i++) {
    const q = row(test.x, i);
    const order = Array.from({ length: train.n }, (_, j) => {
      const t = row(train.x, j);
      const dist =
        metric === 'euclidean'
          ? t.reduce((s, v, m) => s + (v - q[m]!) ** 2, 0)
          : -t.reduce((s, v, m) => s + v * q[m]!, 0) / (norm(t) * norm(q));
      return { j, dist };
    }).sort((a, b) => a.dist - b.dist);
    const labels = order.slice(0, k).map((o) => train.y[o.j] as number);
    const counts = new Map<number, number>();
    for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
    const top = Math.max(...counts.values());
    out[i] = labels.find((l) => counts.get(l) === top)!;
  }
  return out;
}

describe('knnClassify', () => {
  // Overlapping classes, so that neighbourhoods are mixed and ties and votes matter.
  const rng = createRng(0);
  const centers = Array.from({ length: 4 }, () => Array.from({ length: 5 }, () => rng.uniform(-3, 3)));
  const train = blobs({ n: 150, centers, std: 3, seed: 1 });
  const test = blobs({ n: 60, centers, std: 3, seed: 2 });

  it.each([
    ['cosine', 1],
    ['cosine', 7],
    ['euclidean', 4],
    ['euclidean', 10],
  ] as const)('%s with k = %i agrees with a brute-force float64 reference (batched blocks)', (metric, k) => {
    const result = knnClassify(train, test, { k, metric, batchSize: 16 });
    expect(Array.from(result.predictions)).toEqual(Array.from(bruteForce(train, test, k, metric)));
    let correct = 0;
    for (let i = 0; i < test.n; i++) if (result.predictions[i] === test.y[i]) correct++;
    expect(result.accuracy).toBeCloseTo(correct / test.n, 12);
  });

  it('k = 1 on the training set itself returns its own labels, and leaks nothing', () => {
    const before = tf.memory().numTensors;
    const self = knnClassify(train, train, { k: 1, metric: 'euclidean' });
    expect(self.accuracy).toBe(1);
    expect(Array.from(self.neighbors)).toEqual(Array.from({ length: train.n }, (_, i) => i));
    expect(tf.memory().numTensors).toBe(before);
    expect(() => knnClassify(train, test, { k: 0 })).toThrow(/k must be an integer in \[1, 150\]/);
  });
});
