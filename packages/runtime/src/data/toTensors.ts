import * as tf from '@tensorflow/tfjs';
import { DlfError } from '../DlfError.js';
import { assertOneOf } from '../validate.js';
import { assertLabeledData, type LabeledData } from './labeledData.js';

/** Options of {@link toTensors}. */
export interface ToTensorsOptions {
  /** Return `y` one-hot encoded, shape `[n, numClasses]`, float32. Needs class indices. Default: false. */
  oneHot?: boolean;
  /**
   * Dtype of `y` when not one-hot. Default: 'int32' for Int32Array labels, 'float32' for real targets.
   * Use 'float32' to feed -1/+1 labels to a margin loss.
   */
  yDtype?: 'int32' | 'float32';
}

/** What {@link toTensors} returns; the caller disposes both tensors. */
export interface DataTensors {
  /** Inputs, shape `[n, ...data.shape]`, float32. */
  x: tf.Tensor;
  /** Labels, shape `[n]` (or `[n, numClasses]` one-hot). */
  y: tf.Tensor;
}

/**
 * Copies a {@link LabeledData} into tfjs tensors: `x` of shape `[n, ...shape]` and `y` of shape
 * `[n]`, or `[n, K]` with `oneHot` (K = `numClasses`, or the largest label + 1 when unset; labels
 * must then be in `0..K-1`). The caller owns and disposes the tensors.
 *
 * @example
 * ```ts
 * const { x, y } = toTensors(twoMoons({ n: 100, seed: 0 }), { oneHot: true });
 * console.log(x.shape, y.shape); // [100, 2] [100, 2]
 * x.dispose(); y.dispose();
 * ```
 */
export function toTensors(data: LabeledData, options: ToTensorsOptions = {}): DataTensors {
  const { oneHot = false } = options;
  assertLabeledData('data', data);
  const yDtype = options.yDtype ?? (data.y instanceof Int32Array ? 'int32' : 'float32');
  assertOneOf('yDtype', yDtype, ['int32', 'float32'] as const);
  let numClasses = 0;
  if (oneHot) {
    if (!(data.y instanceof Int32Array)) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        'oneHot needs class-index labels (Int32Array y), received real targets',
        {
          param: 'oneHot',
        },
      );
    }
    let max = -1;
    for (let i = 0; i < data.n; i++) {
      const label = data.y[i] as number;
      if (label < 0) {
        throw new DlfError(
          'INVALID_ARGUMENT',
          `oneHot needs labels in 0..K-1, received y[${i}] = ${label} (map -1/+1 labels to 0/1 first)`,
          { param: 'oneHot' },
        );
      }
      if (label > max) max = label;
    }
    numClasses = data.numClasses ?? max + 1;
  } else if (yDtype === 'int32' && data.y instanceof Float32Array) {
    throw new DlfError('INVALID_ARGUMENT', "yDtype 'int32' needs Int32Array labels, received real targets", {
      param: 'yDtype',
    });
  }
  // slice(): tfjs may keep a reference to the array it is given; the tensors must not alias `data`.
  const x = tf.tensor(data.x.slice(), [data.n, ...data.shape], 'float32');
  let y: tf.Tensor;
  if (oneHot) {
    y = tf.tidy(() => tf.oneHot(tf.tensor1d(data.y, 'int32'), numClasses).toFloat());
  } else if (yDtype === 'int32') {
    y = tf.tensor1d(data.y.slice(), 'int32');
  } else {
    y = tf.tensor1d(Float32Array.from(data.y), 'float32');
  }
  return { x, y };
}
