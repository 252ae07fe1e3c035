import {
  assertInteger,
  assertLabeledData,
  assertParamVector,
  DlfError,
  type LabeledData,
  type ParamModel,
} from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { assertParamModel } from './metaTrainLoop.js';

/** Options of {@link embed}. */
export interface EmbedOptions {
  /** Examples per forward pass (memory only; the result does not depend on it). Default: 256. */
  batchSize?: number;
}

/**
 * The representation of a dataset under a frozen encoder: `features_i = model.apply(params, x_i)`,
 * as a new {@link LabeledData} whose inputs are the features (`shape: [outputSize]`) and whose labels
 * are copied. The input for `linearProbe` and `knnClassify`.
 *
 * @example
 * ```ts
 * const train = embed(encoder, encoderParams, mnist.train);
 * const test = embed(encoder, encoderParams, mnist.test);
 * const { testAccuracy } = linearProbe(train, test);
 * ```
 */
export function embed(
  model: ParamModel,
  params: tf.Tensor1D,
  data: LabeledData,
  options: EmbedOptions = {},
): LabeledData {
  assertParamModel('model', model);
  assertParamVector('params', params, model.numParams);
  assertLabeledData('data', data);
  const { batchSize = 256 } = options;
  assertInteger('batchSize', batchSize, { min: 1 });
  const d = model.inputShape.reduce((a, b) => a * b, 1);
  if (data.x.length !== data.n * d) {
    throw new DlfError(
      'INVALID_SHAPE',
      `data: examples have ${data.n > 0 ? data.x.length / data.n : 0} values, the model expects ${d} (input shape [${model.inputShape.join(', ')}])`,
      { param: 'data' },
    );
  }
  const k = model.outputSize;
  const features = new Float32Array(data.n * k);
  for (let start = 0; start < data.n; start += batchSize) {
    const m = Math.min(batchSize, data.n - start);
    const out = tf.tidy(() =>
      model.apply(
        params,
        tf.tensor(data.x.subarray(start * d, (start + m) * d), [m, ...model.inputShape], 'float32'),
      ),
    );
    features.set(out.dataSync(), start * k);
    out.dispose();
  }
  return {
    x: features,
    y: data.y.slice(),
    n: data.n,
    shape: [k],
    ...(data.numClasses !== undefined ? { numClasses: data.numClasses } : {}),
  };
}
