import {
  type Activation,
  assertInRange,
  assertInteger,
  assertLabeledData,
  assertPositive,
  DlfError,
  type LabeledData,
  losses,
  mlp,
  randomLabels,
  type SeedLike,
  throwIfAborted,
  toRng,
} from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { adamRule } from './optimizers/adam.js';
import { tfOracle } from './optimizers/runOptimizer.js';

/** Options of {@link randomLabelsExperiment}. */
export interface RandomLabelsExperimentOptions {
  /** Training set with class labels 0..numClasses-1 (`numClasses` set). */
  train: LabeledData;
  /** Test set (true labels), same input shape and classes. */
  test: LabeledData;
  /** Label corruption probabilities: each training label is redrawn uniformly with this probability, once. Default: [0, 0.5, 1]. */
  fractions?: readonly number[];
  /** Hidden layer widths of the MLP. Default: [256]. */
  hidden?: readonly number[];
  /** Hidden activation. Default: 'relu'. */
  activation?: Activation;
  /** Full-batch Adam steps on the softmax cross-entropy. Default: 500. */
  epochs?: number;
  /** Adam's step size. Default: 0.01. */
  learningRate?: number;
  /** Record accuracies every this many epochs (and at the last). Default: 10. */
  recordEvery?: number;
  /** Seed of the label corruption and the initialisation. Default: 0. */
  seed?: SeedLike;
  /** Called at each record. */
  onProgress?: (progress: { fraction: number; epoch: number; trainAccuracy: number }) => void;
  /** Aborts: throws `DlfError('ABORTED')`. */
  signal?: AbortSignal;
}

/** What {@link randomLabelsExperiment} returns; curves are indexed [fraction][record]. */
export interface RandomLabelsExperimentResult {
  fraction: number[];
  /** The recorded epochs. */
  epochs: number[];
  /** Accuracy on the (corrupted) training labels the network is fitted to. */
  trainAccuracy: number[][];
  /** Accuracy on the true test labels. */
  testAccuracy: number[][];
  /** Training cross-entropy. */
  trainLoss: number[][];
  /** First recorded epoch with 100% training accuracy (NaN if never). */
  epochsToFit: number[];
  /** Fraction of training labels actually changed by the corruption. */
  changed: number[];
}

function oneHot(y: Int32Array | Float32Array, k: number): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(y), 'int32'), k).toFloat() as tf.Tensor2D);
}

function accuracy(logits: tf.Tensor2D, y: ArrayLike<number>): number {
  const pred = tf.tidy(() => tf.argMax(logits, 1).dataSync());
  let ok = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === y[i]) ok++;
  return ok / pred.length;
}

/**
 * The randomisation test of Zhang, Bengio, Hardt, Recht and Vinyals (2017): the same network,
 * trained the same way, on true labels, partially random labels and fully random labels (each
 * label redrawn uniformly with the given probability, once, then fixed across epochs). Deep nets
 * drive the training error to zero in every case (they can memorise), so capacity alone cannot
 * explain why they generalise on true labels; the test accuracy falls to chance as the corruption
 * grows and fitting takes longer.
 *
 * @param options - `train`, `test` (required), `fractions` ([0, 0.5, 1]), `hidden` ([256]),
 *   `activation` ('relu'), `epochs` (500), `learningRate` (0.01), `recordEvery` (10), `seed`, `onProgress`, `signal`.
 * @returns `{ fraction, epochs, trainAccuracy, testAccuracy, trainLoss, epochsToFit, changed }`.
 * @example
 * ```ts
 * const train = twoMoons({ n: 100, seed: 1 });
 * const test = twoMoons({ n: 200, seed: 2 });
 * const r = await randomLabelsExperiment({ train, test, fractions: [0, 1], epochs: 300 });
 * ```
 */
export async function randomLabelsExperiment(
  options: RandomLabelsExperimentOptions,
): Promise<RandomLabelsExperimentResult> {
  if (options == null) {
    throw new DlfError('INVALID_ARGUMENT', 'randomLabelsExperiment needs options { train, test }', {
      param: 'options',
    });
  }
  const {
    train,
    test,
    fractions = [0, 0.5, 1],
    hidden = [256],
    activation = 'relu',
    epochs = 500,
    learningRate = 0.01,
    recordEvery = 10,
    seed,
    onProgress,
    signal,
  } = options;
  assertLabeledData('train', train);
  assertLabeledData('test', test);
  const k = train.numClasses;
  if (k === undefined || test.numClasses !== k) {
    throw new DlfError(
      'INVALID_DATA',
      `train and test must hold class labels with the same numClasses, received ${train.numClasses} and ${test.numClasses}`,
      { param: 'train' },
    );
  }
  const d = train.shape.reduce((a, b) => a * b, 1);
  if (test.shape.reduce((a, b) => a * b, 1) !== d) {
    throw new DlfError(
      'INVALID_SHAPE',
      `test examples must have the shape of train's ([${train.shape.join(', ')}])`,
      {
        param: 'test',
      },
    );
  }
  fractions.forEach((f, i) => {
    assertInRange(`fractions[${i}]`, f, 0, 1);
  });
  assertInteger('epochs', epochs, { min: 1 });
  assertInteger('recordEvery', recordEvery, { min: 1 });
  assertPositive('learningRate', learningRate);
  const rng = toRng(seed);
  const net = mlp({ sizes: [d, ...hidden, k], activation });
  const xTrain = tf.tensor2d(train.x, [train.n, d]);
  const xTest = tf.tensor2d(test.x, [test.n, d]);
  const recorded: number[] = [];
  for (let e = 0; e <= epochs; e += recordEvery) recorded.push(e);
  if (recorded.at(-1) !== epochs) recorded.push(epochs);
  const out: RandomLabelsExperimentResult = {
    fraction: [],
    epochs: recorded,
    trainAccuracy: [],
    testAccuracy: [],
    trainLoss: [],
    epochsToFit: [],
    changed: [],
  };
  try {
    for (const fraction of fractions) {
      const noisy = randomLabels(train, { fraction, seed: rng.nextSeed() });
      let changed = 0;
      for (let i = 0; i < train.n; i++) if (noisy.y[i] !== train.y[i]) changed++;
      const labels = oneHot(noisy.y, k);
      const w0 = net.init(rng.nextSeed());
      const w = Float64Array.from(w0.dataSync());
      w0.dispose();
      const oracle = tfOracle((v) => losses.softmaxCrossEntropy(labels, net.apply(v, xTrain)));
      const rule = adamRule(0.9, 0.999, 1e-7, w.length);
      const tr: number[] = [];
      const te: number[] = [];
      const tl: number[] = [];
      let fit = Number.NaN;
      let next = 0;
      try {
        for (let e = 0; e <= epochs; e++) {
          throwIfAborted(signal, 'randomLabelsExperiment');
          const { value, grad } = oracle(w);
          if (e === recorded[next]) {
            next++;
            const wt = tf.tensor1d(Float32Array.from(w));
            const [a, b] = tf.tidy(() => [
              accuracy(net.apply(wt, xTrain), noisy.y),
              accuracy(net.apply(wt, xTest), test.y),
            ]);
            wt.dispose();
            tr.push(a!);
            te.push(b!);
            tl.push(value);
            if (a === 1 && Number.isNaN(fit)) fit = e;
            onProgress?.({ fraction, epoch: e, trainAccuracy: a! });
          }
          if (e === epochs) break;
          rule.step(w, grad, e, learningRate);
        }
      } finally {
        labels.dispose();
      }
      out.fraction.push(fraction);
      out.trainAccuracy.push(tr);
      out.testAccuracy.push(te);
      out.trainLoss.push(tl);
      out.epochsToFit.push(fit);
      out.changed.push(changed / train.n);
    }
  } finally {
    xTrain.dispose();
    xTest.dispose();
  }
  return out;
}
