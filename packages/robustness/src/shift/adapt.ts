import type { LabeledData, SeedLike } from '@dlf/runtime';
import {
  assertInteger,
  assertLabeledData,
  assertNonNegative,
  assertOneOf,
  assertPositive,
  toRng,
} from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { DlfError, describeValue } from '../errors.js';
import type { UnlabeledData } from './dann.js';
import { setDomain } from './domainBatchNorm.js';
import { entropyLoss } from './entropyLoss.js';
import { gradientPenalty } from './gradientPenalty.js';
import { mmdLoss } from './mmdLoss.js';

/** The networks `adapt` trains. */
export interface AdaptNetworks {
  /** Inputs -> features (may contain `DomainBatchNorm` layers: source batches use domain 0, target 1). */
  featureExtractor: tf.LayersModel;
  /** Features -> class logits. */
  labelClassifier: tf.LayersModel;
  /** Features -> one score per row; required for `alignment: 'wasserstein'` (use ReLU/linear layers). */
  critic?: tf.LayersModel;
}

export interface AdaptOptions {
  /**
   * How the feature distributions are pulled together: `'none'` (source-only baseline, plus entropy
   * or DSBN if asked), `'mmd'` (multi-kernel MMD^2 between the batches' features, DAN, Long et al.
   * 2015) or `'wasserstein'` (WDGRL, Shen et al. 2018: a critic estimates W1 between the features
   * and the features minimise it). Default: `'mmd'`.
   */
  alignment?: 'none' | 'mmd' | 'wasserstein';
  /** Weight lambda of the alignment term. Default: 1. */
  alignmentWeight?: number;
  /** Gaussian bandwidth(s) of the MMD kernel. Default: [0.5, 1, 2, 4]. */
  bandwidth?: number | readonly number[];
  /** Weight of the target prediction entropy (`entropyLoss`); 0 turns it off. Default: 0. */
  entropyWeight?: number;
  /** Critic updates per step for `'wasserstein'`. Default: 5. */
  criticSteps?: number;
  /** Weight of the critic's gradient penalty. Default: 10. */
  gradientPenalty?: number;
  /** Learning rate of the critic's Adam optimizer. Default: 1e-3. */
  criticLearningRate?: number;
  /** Critic optimizer (overrides `criticLearningRate`). */
  criticOptimizer?: tf.Optimizer;
  /** Passes over the source data. Default: 10. */
  epochs?: number;
  /** Source and target rows per step (each). Default: 64. */
  batchSize?: number;
  /** Learning rate of the default Adam optimizer of the feature extractor and classifier. Default: 1e-3. */
  learningRate?: number;
  /** Optimizer of the feature extractor and classifier (overrides `learningRate`). */
  optimizer?: tf.Optimizer;
  /** Seed of the batch order and the penalty's interpolates. Default: 0. */
  seed?: SeedLike;
  /** Called after each epoch. */
  onProgress?: (epoch: AdaptEpoch) => void;
  /** Stops between steps; the history so far is returned. */
  signal?: AbortSignal;
}

export interface AdaptEpoch {
  epoch: number;
  /** Mean over the epoch's steps of the source cross-entropy. */
  classLoss: number;
  /** Mean alignment term: MMD^2, or the critic's W1 estimate mean D(f_s) - mean D(f_t); 0 for `'none'`. */
  alignmentLoss: number;
  /** Mean target prediction entropy (computed only when `entropyWeight` > 0, else 0). */
  entropy: number;
}

function gatherRows(data: { x: Float32Array; n: number }, idx: number[], d: number): Float32Array {
  const out = new Float32Array(idx.length * d);
  idx.forEach((src, r) => {
    out.set(data.x.subarray(src * d, (src + 1) * d), r * d);
  });
  return out;
}

/**
 * Unsupervised domain adaptation by feature alignment: minimise the source cross-entropy plus
 * `alignmentWeight` times a distance between the source and target feature batches plus
 * `entropyWeight` times the target prediction entropy. The distance is MMD^2 (`'mmd'`), a
 * Wasserstein critic's estimate (`'wasserstein'`: before each step the critic takes `criticSteps`
 * ascent steps on mean D(f_s) - mean D(f_t) - gradientPenalty, then the features descend the
 * estimate), or nothing (`'none'`, the source-only baseline). Source batches run with domain 0 and
 * target batches with domain 1 in every `DomainBatchNorm` layer of the feature extractor, so DSBN
 * combines with any of these (the critic steps reuse one training-mode feature pass per step, so DSBN
 * moving averages see each batch twice there). For the adversarial alternative with a domain
 * classifier see `dann`.
 *
 * @param networks - `{ featureExtractor, labelClassifier, critic? }`, trained in place.
 * @param source - labelled source data (class indices).
 * @param target - target inputs of the same example shape (labels, if any, are not used).
 * @returns `{ history }`, one entry per epoch.
 * @example
 * ```ts
 * await adapt({ featureExtractor, labelClassifier, critic }, source, target,
 *   { alignment: 'wasserstein', alignmentWeight: 0.5, entropyWeight: 0.1, epochs: 30 });
 * ```
 */
export async function adapt(
  networks: AdaptNetworks,
  source: LabeledData,
  target: UnlabeledData,
  options: AdaptOptions = {},
): Promise<{ history: AdaptEpoch[] }> {
  const {
    alignment = 'mmd',
    alignmentWeight = 1,
    bandwidth = [0.5, 1, 2, 4],
    entropyWeight = 0,
    criticSteps = 5,
    gradientPenalty: penaltyWeight = 10,
    criticLearningRate = 1e-3,
    epochs = 10,
    batchSize = 64,
    learningRate = 1e-3,
    onProgress,
    signal,
  } = options;
  const { featureExtractor, labelClassifier, critic } = networks ?? ({} as AdaptNetworks);
  for (const [name, net] of Object.entries({ featureExtractor, labelClassifier })) {
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
  assertOneOf('alignment', alignment, ['none', 'mmd', 'wasserstein'] as const);
  if (alignment === 'wasserstein' && !(critic instanceof tf.LayersModel)) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `networks.critic must be a tf.LayersModel for alignment 'wasserstein', received ${describeValue(critic)}`,
      { param: 'networks.critic' },
    );
  }
  assertNonNegative('alignmentWeight', alignmentWeight);
  assertNonNegative('entropyWeight', entropyWeight);
  assertInteger('criticSteps', criticSteps, { min: 1 });
  assertNonNegative('gradientPenalty', penaltyWeight);
  assertPositive('criticLearningRate', criticLearningRate);
  assertInteger('epochs', epochs, { min: 1 });
  assertInteger('batchSize', batchSize, { min: 1 });
  assertPositive('learningRate', learningRate);
  assertLabeledData('source', source);
  const d = source.x.length / source.n;
  if (
    target == null ||
    !(target.x instanceof Float32Array) ||
    !Array.isArray(target.shape) ||
    !tf.util.arraysEqual(target.shape, source.shape) ||
    target.x.length !== target.n * d ||
    target.n < 2
  ) {
    throw new DlfError(
      'INVALID_DATA',
      `target must be { x, n >= 2, shape } with the source's example shape [${source.shape}], received ${describeValue(target)}`,
      { param: 'target' },
    );
  }
  if (alignment === 'mmd' && Math.min(batchSize, source.n, target.n) < 2) {
    throw new DlfError('INVALID_ARGUMENT', 'MMD alignment needs batches of at least 2 rows', {
      param: 'batchSize',
    });
  }
  const numClasses = source.numClasses ?? (labelClassifier.outputs[0]?.shape[1] as number);
  const rng = toRng(options.seed);
  const optimizer = options.optimizer ?? tf.train.adam(learningRate);
  const criticOptimizer =
    alignment === 'wasserstein'
      ? (options.criticOptimizer ?? tf.train.adam(criticLearningRate, 0.5, 0.9))
      : undefined;
  const variables = [featureExtractor, labelClassifier].flatMap((m) =>
    m.trainableWeights.map((w) => w.read() as tf.Variable),
  );
  const criticVariables = critic ? critic.trainableWeights.map((w) => w.read() as tf.Variable) : [];
  const score = (h: tf.Tensor) => tf.reshape(critic?.apply(h, { training: true }) as tf.Tensor, [-1]);
  const features = (x: tf.Tensor, domain: number) => {
    setDomain(featureExtractor, domain);
    return featureExtractor.apply(x, { training: true }) as tf.Tensor;
  };
  const stepsPerEpoch = Math.ceil(source.n / batchSize);
  const history: AdaptEpoch[] = [];
  let targetOrder: number[] = [];
  const nextTarget = (m: number): number[] => {
    if (m >= target.n) return rng.permutation(target.n);
    if (targetOrder.length < m) targetOrder = [...targetOrder, ...rng.permutation(target.n)];
    return targetOrder.splice(0, m);
  };
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = rng.permutation(source.n);
      let classSum = 0;
      let alignSum = 0;
      let entropySum = 0;
      let done = 0;
      for (let b = 0; b < stepsPerEpoch; b++) {
        if (signal?.aborted) return { history };
        const idx = order.slice(b * batchSize, (b + 1) * batchSize);
        const tIdx = nextTarget(idx.length);
        const xsData = gatherRows(source, idx, d);
        const xtData = gatherRows(target, tIdx, d);
        const ys = Int32Array.from(idx, (r) => source.y[r] as number);
        const xs = tf.tensor(xsData, [idx.length, ...source.shape]);
        const xt = tf.tensor(xtData, [tIdx.length, ...source.shape]);
        const labels = tf.tidy(() => tf.oneHot(tf.tensor1d(ys, 'int32'), numClasses).toFloat());
        try {
          if (alignment === 'wasserstein' && criticOptimizer) {
            const [hs, ht] = tf.tidy(() => [features(xs, 0), features(xt, 1)]) as [tf.Tensor, tf.Tensor];
            try {
              for (let c = 0; c < criticSteps; c++) {
                const seed = rng.nextSeed();
                tf.tidy(() => {
                  criticOptimizer.minimize(
                    () => {
                      const gap = tf.sub(tf.mean(score(hs)), tf.mean(score(ht)));
                      const gp =
                        penaltyWeight > 0
                          ? tf.mul(gradientPenalty(score, hs, ht, { seed }), penaltyWeight)
                          : tf.scalar(0);
                      return tf.sub(gp, gap) as tf.Scalar;
                    },
                    false,
                    criticVariables,
                  );
                });
              }
            } finally {
              tf.dispose([hs, ht]);
            }
          }
          let values = [0, 0, 0];
          tf.tidy(() => {
            optimizer.minimize(
              () => {
                const fs = features(xs, 0);
                const ft = features(xt, 1);
                const classLoss = tf.losses.softmaxCrossEntropy(
                  labels,
                  labelClassifier.apply(fs, { training: true }) as tf.Tensor,
                ) as tf.Scalar;
                let align: tf.Scalar = tf.scalar(0);
                if (alignment === 'mmd') align = mmdLoss(fs, ft, { bandwidth });
                else if (alignment === 'wasserstein') {
                  align = tf.sub(tf.mean(score(fs)), tf.mean(score(ft))) as tf.Scalar;
                }
                const ent =
                  entropyWeight > 0
                    ? entropyLoss(labelClassifier.apply(ft, { training: true }) as tf.Tensor)
                    : tf.scalar(0);
                values = [classLoss, align, ent].map((t) => t.dataSync()[0] as number);
                return tf.addN([
                  classLoss,
                  tf.mul(align, alignmentWeight),
                  tf.mul(ent, entropyWeight),
                ]) as tf.Scalar;
              },
              false,
              variables,
            );
          });
          if (!values.every(Number.isFinite)) {
            throw new DlfError(
              'NON_FINITE',
              `the adaptation loss became non-finite at epoch ${epoch}, step ${b}`,
              {
                param: 'learningRate',
              },
            );
          }
          classSum += values[0] as number;
          alignSum += values[1] as number;
          entropySum += values[2] as number;
          done++;
        } finally {
          tf.dispose([xs, xt, labels]);
        }
      }
      const entry = {
        epoch,
        classLoss: classSum / done,
        alignmentLoss: alignSum / done,
        entropy: entropySum / done,
      };
      history.push(entry);
      onProgress?.(entry);
      await Promise.resolve();
    }
    return { history };
  } finally {
    setDomain(featureExtractor, 0);
    if (!options.optimizer) optimizer.dispose();
    if (criticOptimizer && !options.criticOptimizer) criticOptimizer.dispose();
  }
}
