import type { LabeledData, ParamModel, SeedLike } from '@dlf/runtime';
import {
  assertInteger,
  assertLabeledData,
  assertNonNegative,
  assertOneOf,
  assertPositive,
  fromLayersModel,
  ops,
  toRng,
} from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { DlfError, describeValue } from '../errors.js';

export interface MldgOptions {
  /** Meta-optimisation steps. Default: 500. */
  steps?: number;
  /** Examples drawn from each environment per step (the whole environment when it is smaller). Default: 64. */
  batchSize?: number;
  /** Environments in the meta-test split of each step (the others are meta-train). Default: 1. */
  metaTestEnvironments?: number;
  /** alpha, the step size of the virtual inner update theta' = theta - alpha grad F(theta). Default: 0.01. */
  innerLearningRate?: number;
  /** beta, the weight of the meta-test loss G(theta'). Default: 1. */
  metaTestWeight?: number;
  /**
   * `'second'`: the exact meta-gradient grad F + beta (I - alpha H_F) grad G(theta'), by double backprop
   * through the runtime's second-order-safe cross-entropy; `'first'`: grad F + beta grad G(theta'),
   * treating the inner gradient as a constant (DomainBed's variant, cheaper). Default: `'second'`.
   */
  order?: 'first' | 'second';
  /** Learning rate of the default Adam optimizer. Default: 1e-3. */
  learningRate?: number;
  /** Optimizer (overrides `learningRate`). Default: `tf.train.adam(learningRate)`. */
  optimizer?: tf.Optimizer;
  /** The parameter vector of a `ParamModel`, updated in place (required for a `ParamModel`). */
  weights?: tf.Variable;
  /** Seed or generator of the meta-splits and batches. Default: 0. */
  seed?: SeedLike;
  /** Called after each step. */
  onProgress?: (step: MldgStep) => void;
  /** Stops between steps; the history so far is returned (weights keep their last update). */
  signal?: AbortSignal;
}

export interface MldgStep {
  step: number;
  /** Environment indices of this step's meta-train and meta-test splits. */
  metaTrain: number[];
  metaTest: number[];
  /** F(theta): mean cross-entropy over the meta-train environments (before the update). */
  metaTrainLoss: number;
  /** G(theta'): mean cross-entropy over the meta-test environments after the virtual step. */
  metaTestLoss: number;
}

/**
 * Meta-learning for domain generalisation (MLDG, Li et al. 2018). Each step splits the training
 * environments at random into meta-train and meta-test, takes a virtual gradient step on the
 * meta-train loss F, theta' = theta - alpha grad F(theta), and updates theta along the gradient of
 * F(theta) + beta G(theta'), where G is the meta-test loss: the model is rewarded for steps that also
 * help environments it was not stepping on. Losses are mean cross-entropies (over examples, then over
 * environments).
 *
 * The model is a `tf.LayersModel` (trained in place through `fromLayersModel`, inference-mode
 * forward passes) or a runtime `ParamModel` with its parameter vector in `weights`. Exact
 * second-order updates need second-order-safe layers (Dense/Conv with ReLU or linear activations).
 *
 * @param model - the classifier (logits).
 * @param environments - at least two labelled training environments (class indices).
 * @returns `{ history }`, one entry per step.
 * @example
 * ```ts
 * const { environments } = await rotatedMnist({ angles: [0, 15, 30, 45], samplesPerEnvironment: 500 });
 * await mldg(model, environments.slice(0, 3), { steps: 300, innerLearningRate: 0.05, seed: 0 });
 * ```
 */
export async function mldg(
  model: tf.LayersModel | ParamModel,
  environments: LabeledData[],
  options: MldgOptions = {},
): Promise<{ history: MldgStep[] }> {
  const {
    steps = 500,
    batchSize = 64,
    metaTestEnvironments = 1,
    innerLearningRate = 0.01,
    metaTestWeight = 1,
    order = 'second',
    learningRate = 1e-3,
    onProgress,
    signal,
  } = options;
  assertInteger('steps', steps, { min: 1 });
  assertInteger('batchSize', batchSize, { min: 1 });
  assertNonNegative('innerLearningRate', innerLearningRate);
  assertNonNegative('metaTestWeight', metaTestWeight);
  assertOneOf('order', order, ['first', 'second'] as const);
  assertPositive('learningRate', learningRate);
  if (!Array.isArray(environments) || environments.length < 2) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `environments must be an array of at least 2 data sets, received ${describeValue(environments)}`,
      { param: 'environments' },
    );
  }
  environments.forEach((e, i) => {
    assertLabeledData(`environments[${i}]`, e);
  });
  assertInteger('metaTestEnvironments', metaTestEnvironments, { min: 1, max: environments.length - 1 });
  const isLayers = model instanceof tf.LayersModel;
  if (!isLayers && (typeof model?.apply !== 'function' || typeof model?.numParams !== 'number')) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `model must be a tf.LayersModel or a ParamModel, received ${describeValue(model)}`,
      { param: 'model' },
    );
  }
  const net = isLayers ? fromLayersModel(model) : (model as ParamModel);
  let w: tf.Variable;
  if (isLayers) {
    const start = (net as ReturnType<typeof fromLayersModel>).getWeights();
    w = tf.variable(start);
    start.dispose();
  } else {
    const given = options.weights;
    if (!(given instanceof tf.Variable) || given.rank !== 1 || given.shape[0] !== net.numParams) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `weights must be a tf.Variable of shape [${net.numParams}] for a ParamModel, received ${describeValue(given)}`,
        { param: 'weights' },
      );
    }
    w = given;
  }
  const rng = toRng(options.seed);
  const optimizer = options.optimizer ?? tf.train.adam(learningRate);
  const history: MldgStep[] = [];
  const numEnvs = environments.length;
  try {
    for (let step = 0; step < steps; step++) {
      if (signal?.aborted) break;
      const perm = rng.permutation(numEnvs);
      const metaTest = perm.slice(0, metaTestEnvironments).sort((a, b) => a - b);
      const metaTrain = perm.slice(metaTestEnvironments).sort((a, b) => a - b);
      const batches = environments.map((env) => {
        const m = Math.min(batchSize, env.n);
        const idx = m === env.n ? Array.from({ length: m }, (_, i) => i) : rng.permutation(env.n).slice(0, m);
        const d = env.x.length / env.n;
        const x = new Float32Array(m * d);
        const y = new Int32Array(m);
        idx.forEach((src, r) => {
          x.set(env.x.subarray(src * d, (src + 1) * d), r * d);
          y[r] = env.y[src] as number;
        });
        return tf.tidy(() => ({
          x: tf.tensor(x, [m, ...env.shape]),
          y: tf.oneHot(tf.tensor1d(y, 'int32'), env.numClasses ?? net.outputSize).toFloat(),
        }));
      });
      const meanLoss = (v: tf.Tensor1D, which: number[]): tf.Scalar => {
        let total: tf.Tensor = tf.scalar(0);
        for (const e of which) {
          const b = batches[e] as { x: tf.Tensor; y: tf.Tensor };
          total = tf.add(total, ops.softmaxCrossEntropy(b.y, net.apply(v, b.x)));
        }
        return tf.div(total, which.length) as tf.Scalar;
      };
      const F = (v: tf.Tensor) => meanLoss(v as tf.Tensor1D, metaTrain);
      let trainLoss = 0;
      let testLoss = 0;
      try {
        // First order: the inner gradient is computed outside the tape, so it is a constant there.
        const innerConst = order === 'first' ? tf.tidy(() => tf.grad(F)(w)) : undefined;
        tf.tidy(() => {
          optimizer.minimize(
            () => {
              const f = F(w);
              const inner = innerConst ?? tf.grad(F)(w);
              const shifted = tf.sub(w, tf.mul(inner, innerLearningRate)) as tf.Tensor1D;
              const g = meanLoss(shifted, metaTest);
              trainLoss = f.dataSync()[0] as number;
              testLoss = g.dataSync()[0] as number;
              return tf.add(f, tf.mul(g, metaTestWeight)) as tf.Scalar;
            },
            false,
            [w],
          );
        });
        innerConst?.dispose();
      } finally {
        for (const b of batches) tf.dispose([b.x, b.y]);
      }
      if (!Number.isFinite(trainLoss) || !Number.isFinite(testLoss)) {
        throw new DlfError('NON_FINITE', `the MLDG loss became non-finite at step ${step}`, {
          param: 'learningRate',
        });
      }
      const entry = { step, metaTrain, metaTest, metaTrainLoss: trainLoss, metaTestLoss: testLoss };
      history.push(entry);
      onProgress?.(entry);
    }
  } finally {
    if (isLayers) {
      (net as ReturnType<typeof fromLayersModel>).setWeights(w as tf.Tensor as tf.Tensor1D);
      w.dispose();
    }
    if (!options.optimizer) optimizer.dispose();
  }
  return { history };
}
