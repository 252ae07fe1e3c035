import type { LabeledData, SeedLike } from '@dlf/runtime';
import {
  assertInteger,
  assertLabeledData,
  assertNonNegative,
  assertPositive,
  gradientReversal,
  toRng,
} from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { DlfError, describeValue } from '../errors.js';
import { dannLambda } from '../gradientReversal.js';

/** The three parts of a domain-adversarial network. */
export interface DannNetworks {
  /** Inputs -> features. */
  featureExtractor: tf.LayersModel;
  /** Features -> class logits `[n, numClasses]`. */
  labelClassifier: tf.LayersModel;
  /** Features -> domain logits `[n, 2]` (source 0, target 1). */
  domainClassifier: tf.LayersModel;
}

/** Unlabelled target-domain inputs: a `LabeledData` whose labels are ignored, or `{ x, n, shape }`. */
export interface UnlabeledData {
  x: Float32Array;
  n: number;
  shape: number[];
}

export interface DannOptions {
  /** Passes over the source data. Default: 10. */
  epochs?: number;
  /** Source and target examples per step (each). Default: 64. */
  batchSize?: number;
  /** Learning rate of the default Adam optimizer. Default: 1e-3. */
  learningRate?: number;
  /** Optimizer (overrides `learningRate`). Default: `tf.train.adam(learningRate)`. */
  optimizer?: tf.Optimizer;
  /** Fixed reversal scale; when absent, the schedule lambdaMax * (2 / (1 + exp(-gamma p)) - 1) over progress p. */
  lambda?: number;
  /** Final scale of the schedule. Default: 1. */
  lambdaMax?: number;
  /** Steepness of the schedule. Default: 10. */
  gamma?: number;
  /** Seed or generator of the batch order. Default: 0. */
  seed?: SeedLike;
  /** Called after each epoch. */
  onProgress?: (epoch: DannEpoch) => void;
  /** Stops between steps; the history so far is returned (weights keep their last update). */
  signal?: AbortSignal;
}

export interface DannEpoch {
  epoch: number;
  /** Mean source classification loss and domain loss over the epoch's steps. */
  classLoss: number;
  domainLoss: number;
  /** Reversal scale at the epoch's last step. */
  lambda: number;
}

/**
 * Domain-adversarial training (DANN, Ganin et al. 2016): minimise the source classification loss
 * plus a domain-classification loss whose gradient is reversed (times lambda) before it reaches the
 * feature extractor, so the domain classifier learns to tell the domains apart while the features
 * learn to make them indistinguishable. One step takes a source batch (labelled) and a target batch
 * (unlabelled) and updates all three networks with one optimizer.
 *
 * @param networks - `{ featureExtractor, labelClassifier, domainClassifier }`, trained in place.
 * @param source - labelled source data (class indices).
 * @param target - target inputs of the same example shape (labels, if any, are not used).
 * @returns `{ history }`, one entry per epoch; stops early (returning what it has) when `signal` fires.
 * @example
 * ```ts
 * const { history } = await dann({ featureExtractor, labelClassifier, domainClassifier },
 *   shiftedMoons({ n: 300, seed: 0 }), shiftedMoons({ n: 300, angle: 30, seed: 1 }), { epochs: 50 });
 * ```
 */
export async function dann(
  networks: DannNetworks,
  source: LabeledData,
  target: UnlabeledData,
  options: DannOptions = {},
): Promise<{ history: DannEpoch[] }> {
  const { featureExtractor, labelClassifier, domainClassifier } = networks ?? ({} as DannNetworks);
  for (const [name, net] of Object.entries({ featureExtractor, labelClassifier, domainClassifier })) {
    if (!(net instanceof tf.LayersModel)) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `networks.${name} must be a tf.LayersModel, received ${describeValue(net)}`,
        {
          param: `networks.${name}`,
        },
      );
    }
  }
  const {
    epochs = 10,
    batchSize = 64,
    learningRate = 1e-3,
    lambdaMax = 1,
    gamma = 10,
    onProgress,
    signal,
  } = options;
  assertInteger('epochs', epochs, { min: 1 });
  assertInteger('batchSize', batchSize, { min: 1 });
  assertPositive('learningRate', learningRate);
  assertNonNegative('lambdaMax', lambdaMax);
  assertNonNegative('gamma', gamma);
  if (options.lambda !== undefined) assertNonNegative('lambda', options.lambda);
  assertLabeledData('source', source);
  if (
    target == null ||
    !(target.x instanceof Float32Array) ||
    !Array.isArray(target.shape) ||
    !tf.util.arraysEqual(target.shape, source.shape) ||
    target.x.length !== (target.n * source.x.length) / source.n ||
    target.n < 1
  ) {
    throw new DlfError(
      'INVALID_DATA',
      `target must be { x, n, shape } with the source's example shape [${source.shape}], received ${describeValue(target)}`,
      { param: 'target' },
    );
  }
  const numClasses = source.numClasses ?? (labelClassifier.outputs[0]?.shape[1] as number);
  const d = source.x.length / source.n;
  const optimizer = options.optimizer ?? tf.train.adam(learningRate);
  const rng = toRng(options.seed);
  const stepsPerEpoch = Math.ceil(source.n / batchSize);
  const totalSteps = epochs * stepsPerEpoch;
  const variables = [featureExtractor, labelClassifier, domainClassifier].flatMap((m) =>
    m.trainableWeights.map((w) => w.read() as tf.Variable),
  );
  const history: DannEpoch[] = [];
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const sOrder = rng.permutation(source.n);
    let classSum = 0;
    let domainSum = 0;
    let lambda = 0;
    let done = 0;
    for (let b = 0; b < stepsPerEpoch; b++) {
      if (signal?.aborted) return { history };
      const idx = sOrder.slice(b * batchSize, (b + 1) * batchSize);
      const tIdx = Array.from({ length: idx.length }, () => rng.int(0, target.n));
      const xs = new Float32Array(idx.length * d);
      const xt = new Float32Array(idx.length * d);
      const ys = new Int32Array(idx.length);
      idx.forEach((src, r) => {
        xs.set(source.x.subarray(src * d, (src + 1) * d), r * d);
        ys[r] = source.y[src] as number;
        const t = tIdx[r] as number;
        xt.set(target.x.subarray(t * d, (t + 1) * d), r * d);
      });
      lambda = options.lambda ?? lambdaMax * dannLambda(step / Math.max(1, totalSteps - 1), gamma);
      const losses = tf.tidy(() => {
        const inputs = tf.tensor(xs, [idx.length, ...source.shape]);
        const targetInputs = tf.tensor(xt, [idx.length, ...source.shape]);
        const labels = tf.oneHot(tf.tensor1d(ys, 'int32'), numClasses);
        const domains = tf.oneHot(
          tf.tensor1d(
            Int32Array.from({ length: 2 * idx.length }, (_, r) => (r < idx.length ? 0 : 1)),
            'int32',
          ),
          2,
        );
        let classValue = 0;
        let domainValue = 0;
        optimizer.minimize(
          () => {
            const fs = featureExtractor.apply(inputs, { training: true }) as tf.Tensor;
            const ft = featureExtractor.apply(targetInputs, { training: true }) as tf.Tensor;
            const classLoss = tf.losses.softmaxCrossEntropy(
              labels,
              labelClassifier.apply(fs, { training: true }) as tf.Tensor,
            );
            const reversed = gradientReversal(tf.concat([fs, ft], 0), lambda);
            const domainLoss = tf.losses.softmaxCrossEntropy(
              domains,
              domainClassifier.apply(reversed, { training: true }) as tf.Tensor,
            );
            classValue = classLoss.dataSync()[0] as number;
            domainValue = domainLoss.dataSync()[0] as number;
            return tf.add(classLoss, domainLoss) as tf.Scalar;
          },
          false,
          variables,
        );
        return [classValue, domainValue];
      });
      classSum += losses[0] as number;
      domainSum += losses[1] as number;
      done++;
      step++;
    }
    const entry = { epoch, classLoss: classSum / done, domainLoss: domainSum / done, lambda };
    history.push(entry);
    onProgress?.(entry);
  }
  if (!options.optimizer) optimizer.dispose();
  return { history };
}
