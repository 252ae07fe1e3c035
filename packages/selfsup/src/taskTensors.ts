import { DlfError, type LabeledData, type LossFn, type LossName, resolveLoss } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';

/** A loss for adapting a model on a task: a runtime loss name or `(labels, predictions) => scalar`. */
export type MetaLoss = LossName | LossFn;

/** @internal A task set as tensors for a model with `inputShape` and `outputSize` outputs. */
export interface SetTensors {
  x: tf.Tensor;
  /** One-hot `[n, numClasses]` for class labels, `[n, 1]` for real targets. */
  y: tf.Tensor;
}

/** @internal Whether a set holds class labels (Int32Array y with numClasses). */
export function isClassification(data: LabeledData): boolean {
  return data.y instanceof Int32Array && data.numClasses !== undefined;
}

/**
 * @internal Copies a task set into tensors: `x` reshaped to `[n, ...inputShape]`, `y` one-hot
 * (class labels, `numClasses` columns) or `[n, 1]` (real targets). Checks sizes against the model.
 */
export function setTensors(
  param: string,
  data: LabeledData,
  inputShape: readonly number[],
  outputSize?: number,
): SetTensors {
  const d = inputShape.reduce((a, b) => a * b, 1);
  if (data.n < 1 || data.x.length !== data.n * d) {
    throw new DlfError(
      'INVALID_SHAPE',
      `${param}: examples must have ${d} values each to match the model's input shape [${inputShape.join(', ')}], received x of length ${data.x.length} for n = ${data.n}`,
      { param },
    );
  }
  const x = tf.tensor(data.x, [data.n, ...inputShape], 'float32');
  if (isClassification(data)) {
    const k = data.numClasses as number;
    if (outputSize !== undefined && outputSize !== k) {
      x.dispose();
      throw new DlfError(
        'INVALID_SHAPE',
        `${param}: the task has ${k} classes but the model has ${outputSize} outputs`,
        { param },
      );
    }
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d(data.y as Int32Array, 'int32'), k).toFloat());
    return { x, y };
  }
  if (outputSize !== undefined && outputSize !== 1) {
    x.dispose();
    throw new DlfError(
      'INVALID_SHAPE',
      `${param}: real targets need a model with 1 output, received one with ${outputSize}`,
      { param },
    );
  }
  return { x, y: tf.tensor2d(Float32Array.from(data.y), [data.n, 1], 'float32') };
}

/** @internal The loss to use: the given one, or cross-entropy for classes and quadratic otherwise. */
export function lossFor(loss: MetaLoss | undefined, data: LabeledData): LossFn {
  if (loss !== undefined) return resolveLoss(loss);
  return resolveLoss(isClassification(data) ? 'softmaxCrossEntropy' : 'quadratic');
}

/** @internal Disposes the tensors of task sets. */
export function disposeSets(sets: readonly SetTensors[]): void {
  for (const s of sets) {
    s.x.dispose();
    s.y.dispose();
  }
}
