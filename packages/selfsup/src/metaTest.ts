import { assertAllFinite, assertInteger, assertOneOf, DlfError, throwIfAborted } from '@dlf/runtime';
import { describeValue } from './describeValue.js';
import type { Task, TaskSampler } from './fewShotTaskSampler.js';
import { makeYielder } from './metaTrainLoop.js';
import { isClassification } from './taskTensors.js';

/** The 0.975 quantile of the standard normal distribution. */
const Z_975 = 1.959963984540054;

/** Mean and 95% confidence interval of a sample. */
export interface MeanWithCi {
  mean: number;
  /** Half-width of the 95% interval: `1.96 s / sqrt(n)` (0 for n = 1). */
  ci95: number;
  /** Sample standard deviation `s` (with n - 1). */
  std: number;
  n: number;
}

/**
 * The mean of `values` with the normal-approximation 95% confidence interval
 * `mean +- 1.96 s / sqrt(n)`, `s` the sample standard deviation: the interval few-shot papers
 * report over test episodes.
 *
 * @example
 * ```ts
 * const { mean, ci95 } = meanConfidenceInterval([0.6, 0.8, 0.7]); // 0.7, 0.113...
 * ```
 */
export function meanConfidenceInterval(values: ArrayLike<number>): MeanWithCi {
  const n = values.length;
  if (!(n >= 1)) {
    throw new DlfError('INVALID_ARGUMENT', 'values must hold at least one number, received none', {
      param: 'values',
    });
  }
  assertAllFinite('values', values);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] as number;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((values[i] as number) - mean) ** 2;
  const std = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  return { mean, ci95: (Z_975 * std) / Math.sqrt(n), std, n };
}

/** Options of {@link metaTest}. */
export interface MetaTestOptions {
  /** Tasks to draw when given a sampler. Default: 600. */
  numTasks?: number;
  /**
   * `'accuracy'` (fraction of query labels predicted) or `'mse'` (mean squared error on real
   * targets). Default: 'accuracy' when the query set has class labels, 'mse' otherwise.
   */
  metric?: 'accuracy' | 'mse';
  /** Called after every task with the count done. */
  onProgress?: (progress: { task: number; numTasks: number; value: number }) => void | Promise<void>;
  /** Throws `DlfError('ABORTED')` before the next task once fired. */
  signal?: AbortSignal;
}

/** What {@link metaTest} returns. */
export interface MetaTestResult extends MeanWithCi {
  metric: 'accuracy' | 'mse';
  /** The metric on each task. */
  values: number[];
}

/**
 * Meta-testing: runs `predict` on each task (adapt on its support set, predict its query set) and
 * reports the mean metric over tasks with a 95% confidence interval ({@link meanConfidenceInterval}).
 * `predict` returns predicted class labels (`Int32Array`, one per query example), or scores /
 * values (`Float32Array`, row-major `[query.n, outputs]`; for accuracy the argmax of each row).
 *
 * @example
 * ```ts
 * const test = fewShotTaskSampler(heldOut, { nWay: 5, kShot: 1, seed: 1 });
 * const { mean, ci95 } = await metaTest(test, (t) => protoNetPredict(encoder, params, t), { numTasks: 200 });
 * ```
 */
export async function metaTest<T extends Task>(
  tasks: readonly T[] | TaskSampler<T>,
  predict: (task: T) => Int32Array | Float32Array | Promise<Int32Array | Float32Array>,
  options: MetaTestOptions = {},
): Promise<MetaTestResult> {
  if (typeof predict !== 'function') {
    throw new DlfError('INVALID_ARGUMENT', `predict must be a function, received ${describeValue(predict)}`, {
      param: 'predict',
    });
  }
  const { numTasks = 600, onProgress, signal } = options;
  let list: readonly T[];
  if (Array.isArray(tasks)) {
    list = tasks;
  } else if (
    tasks !== null &&
    typeof tasks === 'object' &&
    typeof (tasks as TaskSampler<T>).sample === 'function'
  ) {
    assertInteger('numTasks', numTasks, { min: 1 });
    list = [];
  } else {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `tasks must be an array of tasks or a task sampler, received ${describeValue(tasks)}`,
      { param: 'tasks' },
    );
  }
  const count = Array.isArray(tasks) ? list.length : numTasks;
  if (count < 1) {
    throw new DlfError('INVALID_ARGUMENT', 'tasks must hold at least one task, received none', {
      param: 'tasks',
    });
  }
  const values: number[] = [];
  let metric: 'accuracy' | 'mse' | undefined = options.metric;
  if (metric !== undefined) assertOneOf('metric', metric, ['accuracy', 'mse'] as const);
  const pause = makeYielder();
  for (let t = 0; t < count; t++) {
    throwIfAborted(signal, 'metaTest');
    const task = Array.isArray(tasks) ? (list[t] as T) : (tasks as TaskSampler<T>).sample();
    metric ??= isClassification(task.query) ? 'accuracy' : 'mse';
    const out = await predict(task);
    const value = metric === 'accuracy' ? accuracyOf(out, task) : mseOf(out, task);
    values.push(value);
    await onProgress?.({ task: t + 1, numTasks: count, value });
    await pause();
  }
  return { ...meanConfidenceInterval(values), metric: metric as 'accuracy' | 'mse', values };
}

function accuracyOf(out: Int32Array | Float32Array, task: Task): number {
  const y = task.query.y;
  const n = task.query.n;
  if (!(y instanceof Int32Array)) {
    throw new DlfError('INVALID_ARGUMENT', "metric 'accuracy' needs class labels in the query set", {
      param: 'metric',
    });
  }
  let correct = 0;
  if (out instanceof Int32Array) {
    if (out.length !== n) throw badOutput(out, n);
    for (let i = 0; i < n; i++) if (out[i] === y[i]) correct++;
  } else if (out instanceof Float32Array) {
    if (n === 0 || out.length % n !== 0 || out.length === 0) throw badOutput(out, n);
    const k = out.length / n;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if ((out[i * k + c] as number) > (out[i * k + best] as number)) best = c;
      if (best === y[i]) correct++;
    }
  } else {
    throw badOutput(out, n);
  }
  return correct / n;
}

function mseOf(out: Int32Array | Float32Array, task: Task): number {
  const y = task.query.y;
  const n = task.query.n;
  if (!(out instanceof Float32Array) || out.length !== n) throw badOutput(out, n);
  let s = 0;
  for (let i = 0; i < n; i++) s += ((out[i] as number) - (y[i] as number)) ** 2;
  return s / n;
}

function badOutput(out: unknown, n: number): DlfError {
  return new DlfError(
    'INVALID_SHAPE',
    `predict must return an Int32Array of ${n} labels or a Float32Array of ${n} rows, received ${describeValue(out)}`,
    { param: 'predict' },
  );
}
