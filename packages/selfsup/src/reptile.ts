import { assertInteger, assertParamVector, assertPositive, DlfError, type ParamModel } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { Task, TaskSampler } from './fewShotTaskSampler.js';
import { type AdaptOptions, adaptOnTensors } from './maml.js';
import {
  assertParamModel,
  type MetaTrainOptions,
  type MetaTrainResult,
  runMetaTraining,
} from './metaTrainLoop.js';
import { disposeSets, lossFor, type SetTensors, setTensors } from './taskTensors.js';

/** Options of {@link reptileDirection}. */
export interface ReptileStepOptions extends AdaptOptions {}

/** Options of {@link reptile}. `outerLr` is Reptile's epsilon; the default optimiser is plain SGD. */
export interface ReptileOptions extends ReptileStepOptions, MetaTrainOptions {}

function inner(options: AdaptOptions): { innerSteps: number; innerLr: number } {
  const { innerSteps = 5, innerLr = 0.01 } = options;
  assertInteger('innerSteps', innerSteps, { min: 1 });
  assertPositive('innerLr', innerLr);
  return { innerSteps, innerLr };
}

/**
 * The Reptile direction (Nichol, Achiam and Schulman 2018) for a batch of tasks:
 * `d = w - (1/T) sum_t phi_t`, where `phi_t` is `innerSteps` steps of gradient descent (step
 * `innerLr`, default 5 steps of 0.01) on task t's support set from `w`. The Reptile update is
 * `w - epsilon d = w + epsilon (mean_t phi_t - w)`. Also returns the mean query loss at `phi_t`.
 *
 * @returns `{ direction, loss }`; the caller disposes both.
 * @example
 * ```ts
 * const { direction, loss } = reptileDirection(model, params, sampler.sampleBatch(5), { innerSteps: 10 });
 * const next = tf.sub(params, tf.mul(direction, 0.1));
 * ```
 */
export function reptileDirection(
  model: ParamModel,
  params: tf.Tensor1D,
  tasks: readonly Task[],
  options: ReptileStepOptions = {},
): { direction: tf.Tensor1D; loss: tf.Scalar } {
  assertParamModel('model', model);
  assertParamVector('params', params, model.numParams);
  if (!Array.isArray(tasks) || tasks.length === 0) {
    throw new DlfError('INVALID_ARGUMENT', 'tasks must be a non-empty array of tasks, received none', {
      param: 'tasks',
    });
  }
  const { innerSteps, innerLr } = inner(options);
  const sets: SetTensors[] = [];
  try {
    const phis: tf.Tensor1D[] = [];
    const losses: tf.Scalar[] = [];
    tasks.forEach((task, i) => {
      const s = setTensors(`tasks[${i}].support`, task.support, model.inputShape, model.outputSize);
      sets.push(s);
      const q = setTensors(`tasks[${i}].query`, task.query, model.inputShape, model.outputSize);
      sets.push(q);
      const phi = adaptOnTensors(model, params, s, lossFor(options.loss, task.support), innerSteps, innerLr);
      phis.push(phi);
      losses.push(tf.tidy(() => lossFor(options.loss, task.query)(q.y, model.apply(phi, q.x)) as tf.Scalar));
    });
    return tf.tidy(() => {
      const T = tasks.length;
      const out = {
        direction: tf.sub(params, tf.div(tf.addN(phis), T)) as tf.Tensor1D,
        loss: tf.div(tf.addN(losses), T) as tf.Scalar,
      };
      tf.dispose([...phis, ...losses]);
      return out;
    });
  } finally {
    disposeSets(sets);
  }
}

/**
 * Reptile (Nichol, Achiam and Schulman 2018): repeatedly adapt to sampled tasks with plain
 * gradient descent and move the initialisation towards the adapted parameters,
 * `w <- w + epsilon (mean_t phi_t - w)` (`outerLr` = epsilon, default 0.1, with `optimizer: 'sgd'`,
 * the default; 'adam' treats `w - mean phi` as a gradient). No second derivatives.
 *
 * @returns `{ params, losses, steps, aborted }`; `losses` are mean query losses after adaptation.
 * @example
 * ```ts
 * const { params } = await reptile(model, sinusoidTaskSampler({ seed: 0 }), { metaSteps: 2000, innerSteps: 5 });
 * ```
 */
export async function reptile(
  model: ParamModel,
  sampler: TaskSampler,
  options: ReptileOptions = {},
): Promise<MetaTrainResult> {
  assertParamModel('model', model);
  inner(options);
  return runMetaTraining(
    model.numParams,
    (seed) => model.init(seed),
    sampler,
    options,
    { outerLr: 0.1, optimizer: 'sgd' },
    (w, tasks) => {
      const { direction, loss } = reptileDirection(model, w, tasks, options);
      return { grad: direction, loss };
    },
  );
}
