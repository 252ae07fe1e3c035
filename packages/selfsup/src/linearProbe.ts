import { assertLabeledData, DlfError, type LabeledData } from '@dlf/runtime';
import {
  type LogisticRegressionModel,
  type LogisticRegressionOptions,
  logisticRegression,
} from './logisticRegression.js';

/** Options of {@link linearProbe}. */
export interface LinearProbeOptions extends LogisticRegressionOptions {
  /** Standardise each feature with the training mean and standard deviation first. Default: true. */
  standardize?: boolean;
}

/** What {@link linearProbe} returns. */
export interface LinearProbeResult {
  trainAccuracy: number;
  testAccuracy: number;
  /** The classifier, on standardised features when `standardize` (see `mean`, `std`). */
  classifier: LogisticRegressionModel;
  /** Per-feature training mean and standard deviation used to standardise (0 and 1 when off). */
  mean: Float64Array;
  std: Float64Array;
}

function accuracy(pred: Int32Array, y: ArrayLike<number>): number {
  let c = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === y[i]) c++;
  return c / pred.length;
}

/**
 * The linear evaluation protocol of self-supervised learning: a multinomial logistic regression
 * ({@link logisticRegression}, L2-penalised, solved to optimality) on frozen features of the
 * training set, scored on the test set. Features come from {@link embed}.
 *
 * @example
 * ```ts
 * const probe = linearProbe(embed(encoder, params, train), embed(encoder, params, test), { l2: 1e-3 });
 * console.log(probe.testAccuracy);
 * ```
 */
export function linearProbe(
  train: LabeledData,
  test: LabeledData,
  options: LinearProbeOptions = {},
): LinearProbeResult {
  assertLabeledData('train', train);
  assertLabeledData('test', test);
  const d = train.n > 0 ? train.x.length / train.n : 0;
  if (test.n > 0 && test.x.length / test.n !== d) {
    throw new DlfError(
      'INVALID_SHAPE',
      `test features have ${test.x.length / test.n} values, train features ${d}`,
      {
        param: 'test',
      },
    );
  }
  const { standardize = true, ...rest } = options;
  const mean = new Float64Array(d);
  const std = new Float64Array(d).fill(1);
  if (standardize) {
    for (let i = 0; i < train.n; i++)
      for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (train.x[i * d + j] as number) / train.n;
    const v = new Float64Array(d);
    for (let i = 0; i < train.n; i++)
      for (let j = 0; j < d; j++)
        v[j] = (v[j] as number) + ((train.x[i * d + j] as number) - (mean[j] as number)) ** 2 / train.n;
    for (let j = 0; j < d; j++) std[j] = Math.sqrt(v[j] as number) > 1e-12 ? Math.sqrt(v[j] as number) : 1;
  }
  const scale = (data: LabeledData) => {
    const out = new Float32Array(data.x.length);
    for (let i = 0; i < data.n; i++)
      for (let j = 0; j < d; j++)
        out[i * d + j] = ((data.x[i * d + j] as number) - (mean[j] as number)) / (std[j] as number);
    return out;
  };
  const trainX = scale(train);
  const testX = scale(test);
  const numClasses = options.numClasses ?? Math.max(train.numClasses ?? 0, test.numClasses ?? 0, 0);
  const classifier = logisticRegression(
    { ...train, x: trainX },
    { ...rest, ...(numClasses > 0 ? { numClasses } : {}) },
  );
  return {
    trainAccuracy: accuracy(classifier.predict(trainX), train.y),
    testAccuracy: test.n > 0 ? accuracy(classifier.predict(testX), test.y) : Number.NaN,
    classifier,
    mean,
    std,
  };
}
