import {
  assertInteger,
  assertOneOf,
  assertParamVector,
  assertPositive,
  DlfError,
  type ParamModel,
  type SeedLike,
} from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { describeValue } from './describeValue.js';
import type { Task, TaskSampler } from './fewShotTaskSampler.js';

/** What the meta-training loops report after every meta-step (`step` counts from 1). */
export interface MetaProgress {
  step: number;
  metaSteps: number;
  /** Mean query loss of this step's tasks, after adaptation. */
  loss: number;
  /**
   * The parameters after this step: the loop's own variable, valid during the call only (read it or
   * `clone()` it; do not dispose it).
   */
  params: tf.Tensor1D;
}

/** Options shared by the meta-training loops (`maml`, `fomaml`, `reptile`, `protoNets`, `r2d2`). */
export interface MetaTrainOptions {
  /** Meta-updates to run. Default: 1000. */
  metaSteps?: number;
  /** Tasks per meta-update. Default: 4. */
  metaBatchSize?: number;
  /** Step size of the outer (meta) optimiser. Default: 0.001 (Adam). */
  outerLr?: number;
  /** Outer optimiser: 'adam' or plain 'sgd'. Default: 'adam'. */
  optimizer?: 'adam' | 'sgd';
  /** Starting parameters `[model.numParams]` (copied, not disposed). Default: `model.init(seed)`. */
  initParams?: tf.Tensor1D;
  /** Seed of the initialisation when `initParams` is not given. Default: 0. */
  seed?: SeedLike;
  /** Called after every meta-step; may return a promise, which is awaited. */
  onProgress?: (progress: MetaProgress) => void | Promise<void>;
  /** Stops after the current meta-step; the result then has `aborted: true` and the parameters so far. */
  signal?: AbortSignal;
}

/** What the meta-training loops return. The caller owns and disposes `params`. */
export interface MetaTrainResult {
  /** The meta-learned parameters `[numParams]`. */
  params: tf.Tensor1D;
  /** The loss reported after each completed meta-step. */
  losses: number[];
  /** Completed meta-steps. */
  steps: number;
  /** True when `signal` stopped the run early. */
  aborted: boolean;
}

/** @internal One meta-step: the loss to report and the direction the outer optimiser descends. */
export type MetaStep<T extends Task> = (w: tf.Tensor1D, tasks: T[]) => { loss: tf.Scalar; grad: tf.Tensor1D };

/** @internal Checks that `model` looks like a ParamModel. */
export function assertParamModel(param: string, model: unknown): asserts model is ParamModel {
  const m = model as Partial<ParamModel> | null;
  if (
    m === null ||
    typeof m !== 'object' ||
    typeof m.apply !== 'function' ||
    typeof m.init !== 'function' ||
    !Number.isInteger(m.numParams)
  ) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${param} must be a ParamModel (numParams, inputShape, outputSize, init, apply), received ${describeValue(model)}`,
      { param },
    );
  }
}

/** @internal Checks that `sampler` has `sampleBatch`. */
export function assertSampler(param: string, sampler: unknown): asserts sampler is TaskSampler {
  if (
    sampler === null ||
    typeof sampler !== 'object' ||
    typeof (sampler as Partial<TaskSampler>).sampleBatch !== 'function'
  ) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${param} must be a task sampler with sample() and sampleBatch(count), received ${describeValue(sampler)}`,
      { param },
    );
  }
}

/** @internal Lets the event loop run (timers, UI, abort signals) at most every ~16 ms. */
export function makeYielder(): () => Promise<void> {
  let last = Date.now();
  return async () => {
    if (Date.now() - last < 16) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    last = Date.now();
  };
}

/**
 * @internal The episodic outer loop shared by every meta-learner: sample `metaBatchSize` tasks,
 * compute the meta-step's direction, apply the outer optimiser to a flat parameter vector.
 */
export async function runMetaTraining<T extends Task>(
  numParams: number,
  init: (seed: SeedLike | undefined) => tf.Tensor1D,
  sampler: TaskSampler<T>,
  options: MetaTrainOptions,
  defaults: { outerLr: number; optimizer: 'adam' | 'sgd' },
  step: MetaStep<T>,
): Promise<MetaTrainResult> {
  assertSampler('sampler', sampler);
  const {
    metaSteps = 1000,
    metaBatchSize = 4,
    outerLr = defaults.outerLr,
    optimizer: optimizerName = defaults.optimizer,
    initParams,
    seed,
    onProgress,
    signal,
  } = options;
  assertInteger('metaSteps', metaSteps, { min: 0 });
  assertInteger('metaBatchSize', metaBatchSize, { min: 1 });
  assertPositive('outerLr', outerLr);
  assertOneOf('optimizer', optimizerName, ['adam', 'sgd'] as const);
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `onProgress must be a function, received ${describeValue(onProgress)}`,
      {
        param: 'onProgress',
      },
    );
  }
  if (initParams !== undefined) assertParamVector('initParams', initParams, numParams);
  const start = initParams ? initParams.clone() : init(seed);
  const w = tf.variable(start, true);
  start.dispose();
  const optimizer = optimizerName === 'adam' ? tf.train.adam(outerLr) : tf.train.sgd(outerLr);
  const losses: number[] = [];
  const pause = makeYielder();
  let aborted = false;
  try {
    for (let s = 0; s < metaSteps; s++) {
      if (signal?.aborted) {
        aborted = true;
        break;
      }
      const tasks = sampler.sampleBatch(metaBatchSize);
      const { loss, grad } = step(w as unknown as tf.Tensor1D, tasks);
      optimizer.applyGradients([{ name: w.name, tensor: grad }]);
      grad.dispose();
      const value = (await loss.data())[0] as number;
      loss.dispose();
      losses.push(value);
      await onProgress?.({ step: s + 1, metaSteps, loss: value, params: w as unknown as tf.Tensor1D });
      await pause();
    }
    return { params: w.clone() as tf.Tensor1D, losses, steps: losses.length, aborted };
  } finally {
    optimizer.dispose();
    w.dispose();
  }
}
