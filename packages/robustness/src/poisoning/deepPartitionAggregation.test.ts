import type { LabeledData } from '@dlf/runtime';
import { createRng } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Classifier } from '../classifier.js';
import { deepPartitionAggregation, dpaCertificate, hashExample } from './deepPartitionAggregation.js';

const K = 3;
const centres = [
  [0, 0],
  [3, 0],
  [0, 3],
];

function blobs(n: number, seed: number): LabeledData & { y: Int32Array } {
  const rng = createRng(seed);
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % K;
    y[i] = c;
    x[2 * i] = (centres[c]?.[0] as number) + rng.normal();
    x[2 * i + 1] = (centres[c]?.[1] as number) + rng.normal();
  }
  return { x, y, n, shape: [2], numClasses: K };
}

/** Nearest-centroid base learner: logits -||x - mu_c||^2, absent classes never win. */
function centroidLearner(part: LabeledData): Classifier {
  const sums = new Float64Array(2 * K);
  const counts = new Float64Array(K);
  for (let i = 0; i < part.n; i++) {
    const c = part.y[i] as number;
    counts[c] = (counts[c] as number) + 1;
    sums[2 * c] = (sums[2 * c] as number) + (part.x[2 * i] as number);
    sums[2 * c + 1] = (sums[2 * c + 1] as number) + (part.x[2 * i + 1] as number);
  }
  const mu = Array.from({ length: 2 * K }, (_, j) => {
    const c = Math.floor(j / 2);
    return (counts[c] as number) > 0 ? (sums[j] as number) / (counts[c] as number) : 1e6;
  });
  return (x) =>
    tf.tidy(() => {
      const m = tf.tensor2d(mu, [K, 2]);
      const diff = tf.sub(tf.expandDims(x, 1), tf.expandDims(m, 0));
      return tf.neg(tf.sum(tf.square(diff), 2));
    });
}

function centroidOf(data: LabeledData, members: number[], c: number): { mean: number[]; count: number } {
  let sx = 0;
  let sy = 0;
  let count = 0;
  for (const i of members) {
    if (data.y[i] !== c) continue;
    sx += data.x[2 * i] as number;
    sy += data.x[2 * i + 1] as number;
    count++;
  }
  return { mean: count ? [sx / count, sy / count] : [0, 0], count };
}

/**
 * The strongest insertion: one point of class c' placed so that class c''s centroid in partition p
 * lands on the test point (flipping that vote), jittered until its hash selects partition p.
 */
function flipInsertion(
  data: LabeledData,
  partitionOf: Int32Array,
  k: number,
  p: number,
  target: number[],
  c: number,
) {
  const members = Array.from({ length: data.n }, (_, i) => i).filter((i) => partitionOf[i] === p);
  const { mean, count } = centroidOf(data, members, c);
  const base = [
    (count + 1) * (target[0] as number) - count * (mean[0] as number),
    (count + 1) * (target[1] as number) - count * (mean[1] as number),
  ];
  for (let j = 1; ; j++) {
    const cand = Float32Array.from([(base[0] as number) + j * 1e-5, base[1] as number]);
    if (hashExample(cand) % k === p) return cand;
  }
}

function withInsertions(data: LabeledData, points: Float32Array[], labels: number[]): LabeledData {
  const x = new Float32Array(data.x.length + 2 * points.length);
  x.set(data.x);
  points.forEach((pt, i) => {
    x.set(pt, data.x.length + 2 * i);
  });
  const y = new Int32Array(data.n + points.length);
  y.set(data.y as Int32Array);
  labels.forEach((l, i) => {
    y[data.n + i] = l;
  });
  return { x, y, n: data.n + points.length, shape: [2], numClasses: K };
}

beforeAll(async () => {
  await setupTestBackend();
});

describe('dpaCertificate', () => {
  it('is floor((n_top - max(n_c + [c < top])) / 2) with ties to the smaller class', () => {
    expect(dpaCertificate(Int32Array.from([7, 3, 0]))).toEqual({ class: 0, certifiedPoisons: 2 });
    expect(dpaCertificate(Int32Array.from([3, 7, 0]))).toEqual({ class: 1, certifiedPoisons: 1 });
    expect(dpaCertificate(Int32Array.from([4, 4, 1]))).toEqual({ class: 0, certifiedPoisons: 0 });
    expect(dpaCertificate(Int32Array.from([0, 9, 9]))).toEqual({ class: 1, certifiedPoisons: 0 });
  });
});

describe('deepPartitionAggregation', () => {
  const k = 21;
  const train = blobs(420, 1);
  const xTest = [1.1, 0.9];

  it('partitions by a hash of x alone; the certificate survives the optimal insertion attack and is tight', async () => {
    const dpa = await deepPartitionAggregation(train, { partitions: k, train: centroidLearner });
    for (let i = 0; i < train.n; i++) {
      expect(dpa.partitionOf[i]).toBe(hashExample(train.x.subarray(2 * i, 2 * i + 2)) % k);
    }
    const x = tf.tensor2d([xTest]);
    const [clean] = dpa.predict(x);
    const top = clean?.class as number;
    const rho = clean?.certifiedPoisons as number;
    expect(rho).toBeGreaterThan(0);
    const votes = Array.from(clean?.votes ?? []);
    let runnerUp = -1;
    for (let c = 0; c < K; c++) {
      if (c === top) continue;
      if (
        runnerUp < 0 ||
        (votes[c] as number) + (c < top ? 1 : 0) > (votes[runnerUp] as number) + (runnerUp < top ? 1 : 0)
      )
        runnerUp = c;
    }
    // Partitions voting for the winner, in order; flip as many as the budget allows.
    const models = dpa.models;
    const winners: number[] = [];
    for (let p = 0; p < k; p++) {
      const m = models[p];
      if (!m) continue;
      const vote = tf.tidy(() => tf.argMax((m as (t: tf.Tensor) => tf.Tensor)(x), 1).dataSync()[0]);
      if (vote === top) winners.push(p);
    }
    const attack = async (budget: number) => {
      const pts = winners
        .slice(0, budget)
        .map((p) => flipInsertion(train, dpa.partitionOf, k, p, xTest, runnerUp));
      const poisoned = withInsertions(train, pts, new Array(pts.length).fill(runnerUp));
      const again = await deepPartitionAggregation(poisoned, { partitions: k, train: centroidLearner });
      return again.predict(x)[0];
    };
    const within = await attack(rho);
    expect(within?.class).toBe(top);
    const beyond = await attack(rho + 1);
    expect(beyond?.class).toBe(runnerUp);
    x.dispose();
  });

  it('deleting up to the certified number of points (worst class, any partition) never changes the vote', async () => {
    const dpa = await deepPartitionAggregation(train, { partitions: k, train: centroidLearner });
    const x = tf.tensor2d([xTest]);
    const [clean] = dpa.predict(x);
    const rho = clean?.certifiedPoisons as number;
    const rng = createRng(5);
    for (let trial = 0; trial < 5; trial++) {
      const candidates = Array.from({ length: train.n }, (_, i) => i).filter(
        (i) => train.y[i] === clean?.class,
      );
      const drop = new Set(rng.shuffle(candidates).slice(0, rho));
      const keep = Array.from({ length: train.n }, (_, i) => i).filter((i) => !drop.has(i));
      const reduced: LabeledData = {
        x: Float32Array.from(keep.flatMap((i) => [train.x[2 * i] as number, train.x[2 * i + 1] as number])),
        y: Int32Array.from(keep, (i) => train.y[i] as number),
        n: keep.length,
        shape: [2],
        numClasses: K,
      };
      const again = await deepPartitionAggregation(reduced, { partitions: k, train: centroidLearner });
      expect(again.predict(x)[0]?.class).toBe(clean?.class);
    }
    x.dispose();
  });

  it('leaks no tensors and rejects bad options', async () => {
    const x = tf.tensor2d([xTest, [3, 0.2]]);
    await expectNoLeaks(async () => {
      const dpa = await deepPartitionAggregation(train, { partitions: 5, train: centroidLearner });
      dpa.predict(x);
    });
    x.dispose();
    await expect(deepPartitionAggregation(train, { partitions: 0, train: centroidLearner })).rejects.toThrow(
      /partitions must be an integer >= 1, received 0/,
    );
  });
});
