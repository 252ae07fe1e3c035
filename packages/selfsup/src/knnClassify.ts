import { assertInteger, assertLabeledData, assertOneOf, DlfError, type LabeledData } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';

/** Options of {@link knnClassify}. */
export interface KnnOptions {
  /** Neighbours that vote. Default: 5 (at most the training set size). */
  k?: number;
  /** `'cosine'` (largest cosine similarity) or `'euclidean'` (smallest distance). Default: 'cosine'. */
  metric?: 'cosine' | 'euclidean';
  /** Test rows per similarity block (memory only). Default: 256. */
  batchSize?: number;
}

/** What {@link knnClassify} returns. */
export interface KnnResult {
  predictions: Int32Array;
  /** Fraction of test labels predicted, when the test set has class labels. */
  accuracy?: number;
  /** Indices into the training set of each test row's k neighbours, nearest first (`[nTest, k]`). */
  neighbors: Int32Array;
}

/**
 * k-nearest-neighbour classification of frozen features (the k-NN monitor of self-supervised
 * learning): each test row takes the majority label of its `k` nearest training rows (by cosine
 * similarity or Euclidean distance); a tie goes to the tied class met first in nearest-first order.
 * Similarities are one matrix product per block of test rows, neighbours a top-k on the device.
 *
 * @example
 * ```ts
 * const { accuracy } = knnClassify(embed(encoder, params, train), embed(encoder, params, test), { k: 20 });
 * ```
 */
export function knnClassify(train: LabeledData, test: LabeledData, options: KnnOptions = {}): KnnResult {
  assertLabeledData('train', train);
  assertLabeledData('test', test);
  if (!(train.y instanceof Int32Array) || train.n < 1) {
    throw new DlfError(
      'INVALID_DATA',
      'train must hold at least one example with class labels (Int32Array y)',
      {
        param: 'train',
      },
    );
  }
  const { metric = 'cosine', batchSize = 256 } = options;
  const k = options.k ?? Math.min(5, train.n);
  assertInteger('k', k, { min: 1, max: train.n });
  assertOneOf('metric', metric, ['cosine', 'euclidean'] as const);
  assertInteger('batchSize', batchSize, { min: 1 });
  const d = train.x.length / train.n;
  if (test.n > 0 && test.x.length / test.n !== d) {
    throw new DlfError(
      'INVALID_SHAPE',
      `test features have ${test.x.length / test.n} values, train features ${d}`,
      {
        param: 'test',
      },
    );
  }
  const neighbors = new Int32Array(test.n * k);
  const bank = tf.tidy(() => {
    const t = tf.tensor2d(train.x, [train.n, d]);
    return metric === 'cosine' ? tf.div(t, tf.sqrt(tf.add(tf.sum(tf.square(t), 1, true), 1e-12))) : t;
  });
  const bankSq =
    metric === 'euclidean' ? tf.tidy(() => tf.reshape(tf.sum(tf.square(bank), 1), [1, -1])) : undefined;
  try {
    for (let start = 0; start < test.n; start += batchSize) {
      const m = Math.min(batchSize, test.n - start);
      const idx = tf.tidy(() => {
        let q = tf.tensor2d(test.x.subarray(start * d, (start + m) * d), [m, d]);
        if (metric === 'cosine') q = tf.div(q, tf.sqrt(tf.add(tf.sum(tf.square(q), 1, true), 1e-12)));
        const dotp = tf.matMul(q, bank, false, true);
        // Euclidean: rank by -(|b|^2 - 2 q.b) (|q|^2 is the same for every candidate).
        const score = bankSq ? tf.sub(tf.mul(dotp, 2), bankSq) : dotp;
        return tf.topk(score, k, true).indices;
      });
      neighbors.set(idx.dataSync(), start * k);
      idx.dispose();
    }
  } finally {
    tf.dispose([bank, ...(bankSq ? [bankSq] : [])]);
  }
  const predictions = new Int32Array(test.n);
  const votes = new Map<number, number>();
  for (let i = 0; i < test.n; i++) {
    votes.clear();
    let best = -1;
    for (let r = 0; r < k; r++) {
      const label = train.y[neighbors[i * k + r] as number] as number;
      votes.set(label, (votes.get(label) ?? 0) + 1);
    }
    // Nearest-first scan: the first class reaching the top count wins ties.
    const top = Math.max(...votes.values());
    for (let r = 0; r < k && best < 0; r++) {
      const label = train.y[neighbors[i * k + r] as number] as number;
      if (votes.get(label) === top) best = label;
    }
    predictions[i] = best;
  }
  const result: KnnResult = { predictions, neighbors };
  if (test.y instanceof Int32Array && test.n > 0) {
    let c = 0;
    for (let i = 0; i < test.n; i++) if (predictions[i] === test.y[i]) c++;
    result.accuracy = c / test.n;
  }
  return result;
}
