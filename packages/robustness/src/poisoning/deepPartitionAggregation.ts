import type { LabeledData } from '@dlf/runtime';
import { assertInteger, throwIfAborted } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../classifier.js';
import { toLogitsFn } from '../classifier.js';
import { DlfError, describeValue } from '../errors.js';

/**
 * FNV-1a (32-bit) hash of the bytes of one example's float32 values: the partition key of DPA. It
 * depends on x only, never on the label, so relabelling a training point cannot move it.
 *
 * @example
 * ```ts
 * const partition = hashExample(train.x.subarray(0, 784)) % 50;
 * ```
 */
export function hashExample(x: Float32Array): number {
  const bytes = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i] as number;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export interface DpaOptions {
  /** Number of partitions k (= base classifiers). */
  partitions: number;
  /** Trains one base classifier on one partition (a LayersModel or a function x -> logits). */
  train: (part: LabeledData, index: number) => Classifier | Promise<Classifier>;
  /** Called after each base classifier is trained. */
  onProgress?: (progress: { trained: number; partitions: number }) => void;
  /** Aborts between partitions with `DlfError('ABORTED')`. */
  signal?: AbortSignal;
}

/** DPA's vote for one test example. */
export interface DpaPrediction {
  /** Plurality class; ties go to the smaller class index. */
  class: number;
  /** Votes per class. */
  votes: Int32Array;
  /**
   * Certified poisoning size: the prediction stays the same after any insertion and/or deletion of up
   * to this many training points (Levine and Feizi 2021).
   */
  certifiedPoisons: number;
}

export interface DpaEnsemble {
  readonly partitions: number;
  /** The k base classifiers, in partition order (an empty partition's entry is null and abstains). */
  readonly models: (Classifier | null)[];
  /** Partition index of every training example (hash(x) mod k). */
  readonly partitionOf: Int32Array;
  /** Votes, plurality class and certificate for every example of the batch x. */
  predict(x: tf.Tensor): DpaPrediction[];
}

/**
 * Certificate of a plurality vote (Levine and Feizi 2021): with vote counts n_c and winner c*
 * (ties to the smaller index), floor((n_{c*} - max_{c != c*} (n_c + [c < c*])) / 2). One inserted or
 * deleted training point lands in exactly one partition and changes at most one vote.
 *
 * @example
 * ```ts
 * dpaCertificate(Int32Array.from([7, 3, 0])); // { class: 0, certifiedPoisons: 2 }
 * ```
 */
export function dpaCertificate(votes: Int32Array): { class: number; certifiedPoisons: number } {
  let best = 0;
  for (let c = 1; c < votes.length; c++) if ((votes[c] as number) > (votes[best] as number)) best = c;
  let rival = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < votes.length; c++) {
    if (c === best) continue;
    rival = Math.max(rival, (votes[c] as number) + (c < best ? 1 : 0));
  }
  if (rival === Number.NEGATIVE_INFINITY) rival = 0;
  return { class: best, certifiedPoisons: Math.max(0, Math.floor(((votes[best] as number) - rival) / 2)) };
}

/**
 * Deep Partition Aggregation (Levine and Feizi 2021), a certified defence against training-set
 * poisoning: the training set is split into k partitions by a hash of x (labels play no part), one
 * base classifier is trained per partition by `options.train`, and a test point gets the plurality
 * vote with a certificate of how many inserted or deleted training points cannot change it.
 *
 * @param data - the (possibly poisoned) training set as LabeledData with class labels.
 * @returns `{ partitions, models, partitionOf, predict }`; the caller owns the models.
 * @example
 * ```ts
 * const dpa = await deepPartitionAggregation(train, { partitions: 50, train: (part) => fitSmallModel(part) });
 * const [p] = dpa.predict(xTest.slice(0, 1));
 * console.log(p.class, p.certifiedPoisons);
 * ```
 */
export async function deepPartitionAggregation(data: LabeledData, options: DpaOptions): Promise<DpaEnsemble> {
  if (options === null || typeof options !== 'object' || typeof options.train !== 'function') {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `options must be { partitions, train: (part, index) => model }, received ${describeValue(options?.train)}`,
      { param: 'options.train' },
    );
  }
  const k = options.partitions;
  assertInteger('partitions', k, { min: 1 });
  if (
    data === null ||
    typeof data !== 'object' ||
    !(data.x instanceof Float32Array) ||
    !Array.isArray(data.shape)
  ) {
    throw new DlfError('INVALID_ARGUMENT', 'data must be LabeledData { x: Float32Array, y, n, shape }', {
      param: 'data',
    });
  }
  const d = data.shape.reduce((a, b) => a * b, 1);
  if (data.x.length !== data.n * d || data.y.length !== data.n) {
    throw new DlfError(
      'INVALID_DATA',
      `data must hold n * prod(shape) = ${data.n * d} inputs and n = ${data.n} labels, received ${data.x.length} and ${data.y.length}`,
      { param: 'data' },
    );
  }
  const partitionOf = new Int32Array(data.n);
  const members: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < data.n; i++) {
    const p = hashExample(data.x.subarray(i * d, (i + 1) * d)) % k;
    partitionOf[i] = p;
    (members[p] as number[]).push(i);
  }
  const models: (Classifier | null)[] = [];
  for (let p = 0; p < k; p++) {
    throwIfAborted(options.signal, 'deepPartitionAggregation');
    const idx = members[p] as number[];
    if (idx.length === 0) {
      models.push(null);
    } else {
      const x = new Float32Array(idx.length * d);
      const y = data.y instanceof Int32Array ? new Int32Array(idx.length) : new Float32Array(idx.length);
      idx.forEach((r, j) => {
        x.set(data.x.subarray(r * d, (r + 1) * d), j * d);
        y[j] = data.y[r] as number;
      });
      const part: LabeledData = { x, y, n: idx.length, shape: [...data.shape] };
      if (data.numClasses !== undefined) part.numClasses = data.numClasses;
      models.push(await options.train(part, p));
    }
    options.onProgress?.({ trained: p + 1, partitions: k });
  }
  const fns = models.map((m) => (m === null ? null : toLogitsFn(m)));

  const predict = (x: tf.Tensor): DpaPrediction[] => {
    if (!(x instanceof tf.Tensor) || x.rank < 2) {
      throw new DlfError('INVALID_SHAPE', `x must be a batch [m, ...shape], received ${describeValue(x)}`, {
        param: 'x',
      });
    }
    const m = x.shape[0] as number;
    let numClasses = data.numClasses ?? 0;
    const preds: Int32Array[] = [];
    for (const f of fns) {
      if (f === null) continue;
      const { pred, classes } = tf.tidy(() => {
        const logits = f(x);
        return { pred: tf.argMax(logits, 1).dataSync() as Int32Array, classes: logits.shape[1] as number };
      });
      numClasses = Math.max(numClasses, classes);
      preds.push(pred);
    }
    return Array.from({ length: m }, (_, i) => {
      const votes = new Int32Array(numClasses);
      for (const p of preds) votes[p[i] as number] = (votes[p[i] as number] as number) + 1;
      return { ...dpaCertificate(votes), votes };
    });
  };

  return { partitions: k, models, partitionOf, predict };
}
