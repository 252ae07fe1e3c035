import { assertParamVector, assertPositive, ops, type ParamModel, valueAndGrad } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { Task, TaskSampler } from './fewShotTaskSampler.js';
import {
  assertParamModel,
  type MetaTrainOptions,
  type MetaTrainResult,
  runMetaTraining,
} from './metaTrainLoop.js';
import { taskClasses, taskInputs } from './protoNets.js';
import { ridgeHead } from './ridgeHead.js';

/** Options of the R2-D2 head ({@link r2d2Loss}, {@link r2d2Predict}). */
export interface R2d2HeadOptions {
  /** Ridge penalty lambda of {@link ridgeHead}. Default: 1. */
  lambda?: number;
  /** Logits are `scale * X_query W` (R2-D2's alpha, fixed here). Default: 10. */
  scale?: number;
}

/** Options of {@link r2d2}. */
export interface R2d2Options extends R2d2HeadOptions, MetaTrainOptions {}

function checkHead(options: R2d2HeadOptions): { lambda: number; scale: number } {
  const { lambda = 1, scale = 10 } = options;
  assertPositive('lambda', lambda);
  assertPositive('scale', scale);
  return { lambda, scale };
}

function queryLogits(model: ParamModel, w: tf.Tensor1D, task: Task, options: R2d2HeadOptions, name: string) {
  const { lambda, scale } = checkHead(options);
  const { k, ys } = taskClasses(task, name);
  return tf.tidy(() => {
    const emb = model.apply(w, taskInputs(model, task, name));
    const [s, q] = tf.split(emb, [task.support.n, task.query.n]) as [tf.Tensor2D, tf.Tensor2D];
    const targets = tf.oneHot(tf.tensor1d(ys, 'int32'), k).toFloat() as tf.Tensor2D;
    return tf.mul(tf.matMul(q, ridgeHead(s, targets, lambda)), scale) as tf.Tensor2D;
  });
}

function episodeLoss(model: ParamModel, w: tf.Tensor1D, task: Task, options: R2d2HeadOptions, name: string) {
  const { k, yq } = taskClasses(task, name);
  return tf.tidy(() =>
    ops.softmaxCrossEntropy(
      tf.oneHot(tf.tensor1d(yq, 'int32'), k).toFloat(),
      queryLogits(model, w, task, options, name),
    ),
  );
}

/**
 * The R2-D2 episode loss (Bertinetto et al. 2019): embed the support set, fit the closed-form
 * {@link ridgeHead} to its one-hot labels, and take the softmax cross-entropy of the query labels
 * under the logits `scale * E_query W`. Differentiable in `params` through the ridge solution.
 *
 * @example
 * ```ts
 * const loss = r2d2Loss(encoder, params, task, { lambda: 1 });
 * ```
 */
export function r2d2Loss(
  model: ParamModel,
  params: tf.Tensor1D,
  task: Task,
  options: R2d2HeadOptions = {},
): tf.Scalar {
  assertParamModel('model', model);
  assertParamVector('params', params, model.numParams);
  return episodeLoss(model, params, task, options, 'task');
}

/**
 * Query logits `[query.n, nWay]` of the R2-D2 head on a task, as a `Float32Array` for `metaTest`.
 *
 * @example
 * ```ts
 * const { mean } = await metaTest(testTasks, (t) => r2d2Predict(encoder, params, t));
 * ```
 */
export function r2d2Predict(
  model: ParamModel,
  params: tf.Tensor1D,
  task: Task,
  options: R2d2HeadOptions = {},
): Float32Array {
  assertParamModel('model', model);
  assertParamVector('params', params, model.numParams);
  const logits = queryLogits(model, params, task, options, 'task');
  const out = Float32Array.from(logits.dataSync());
  logits.dispose();
  return out;
}

/**
 * Meta-trains an encoder with the closed-form ridge-regression head of R2-D2 (Bertinetto et al.
 * 2019): Adam on the mean {@link r2d2Loss} of `metaBatchSize` episodes per step; the head is
 * solved exactly per episode, the encoder learns through its solution.
 *
 * @returns `{ params, losses, steps, aborted }`; the caller disposes `params`.
 * @example
 * ```ts
 * const { params } = await r2d2(encoder, fewShotTaskSampler(train, { nWay: 5, kShot: 5, seed: 0 }), { lambda: 1 });
 * ```
 */
export async function r2d2(
  model: ParamModel,
  sampler: TaskSampler,
  options: R2d2Options = {},
): Promise<MetaTrainResult> {
  assertParamModel('model', model);
  checkHead(options);
  return runMetaTraining(
    model.numParams,
    (seed) => model.init(seed),
    sampler,
    options,
    { outerLr: 0.001, optimizer: 'adam' },
    (w, tasks) => {
      const { value, grad } = valueAndGrad(
        (p: tf.Tensor1D) =>
          tf.div(
            tf.addN(tasks.map((t, i) => episodeLoss(model, p, t, options, `tasks[${i}]`))),
            tasks.length,
          ),
        w,
      );
      return { loss: value, grad };
    },
  );
}
