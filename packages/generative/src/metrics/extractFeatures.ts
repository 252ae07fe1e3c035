import { assertInteger, DlfError } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';

/**
 * Anything that maps a batch of inputs to features: a `tf.LayersModel`, or a function (sync or
 * async) such as a wrapped ONNX session from `@dlf/runtime/onnx`. A function's result tensor is
 * disposed by {@link extractFeatures} after it is copied.
 */
export type FeatureExtractor = tf.LayersModel | ((batch: tf.Tensor) => tf.Tensor | Promise<tf.Tensor>);

/** Options of {@link extractFeatures}. */
export interface ExtractFeaturesOptions {
  /** Examples per forward pass. Default: 256. */
  batchSize?: number;
  /** For a `tf.LayersModel`: the name of the layer whose output is the feature vector. Default: the model's output. */
  layer?: string;
}

/**
 * Runs a feature extractor over `inputs` in batches and returns the features, each example's
 * output flattened, as one `tf.Tensor2D` `[n, featureSize]` (the caller disposes it). Use it to
 * compute FID with your own network, e.g. a tfjs model's penultimate layer or an ONNX model:
 * `extractFeatures((x) => session.run(x).then(({ output }) => tf.tensor(output.data, output.dims)), images)`.
 *
 * @param extractor - a `tf.LayersModel` or a function of a batch.
 * @param inputs - `[n, ...]` examples (not disposed).
 * @returns features `[n, d]`.
 * @example
 * ```ts
 * const feats = await extractFeatures(model, images, { layer: 'dense_Dense1' });
 * const score = fid(feats, await extractFeatures(model, generated, { layer: 'dense_Dense1' }));
 * ```
 */
export async function extractFeatures(
  extractor: FeatureExtractor,
  inputs: tf.Tensor,
  { batchSize = 256, layer }: ExtractFeaturesOptions = {},
): Promise<tf.Tensor2D> {
  assertInteger('batchSize', batchSize, { min: 1 });
  if (!(inputs instanceof tf.Tensor) || inputs.rank < 1 || inputs.shape[0] === 0) {
    throw new DlfError('INVALID_ARGUMENT', 'inputs must be a tf.Tensor [n, ...] with n >= 1', {
      param: 'inputs',
    });
  }
  let run: (batch: tf.Tensor) => tf.Tensor | Promise<tf.Tensor>;
  let subModel: tf.LayersModel | undefined;
  if (extractor instanceof tf.LayersModel) {
    const model = extractor;
    if (layer !== undefined) {
      let target: tf.layers.Layer;
      try {
        target = model.getLayer(layer);
      } catch {
        throw new DlfError(
          'INVALID_ARGUMENT',
          `layer must name a layer of the model (${model.layers.map((l) => l.name).join(', ')}), received "${layer}"`,
          { param: 'layer' },
        );
      }
      subModel = tf.model({ inputs: model.inputs, outputs: target.output as tf.SymbolicTensor });
    }
    const m = subModel ?? model;
    run = (batch) => m.predict(batch) as tf.Tensor;
  } else if (typeof extractor === 'function') {
    if (layer !== undefined) {
      throw new DlfError('INVALID_ARGUMENT', 'layer only applies to a tf.LayersModel extractor', {
        param: 'layer',
      });
    }
    run = extractor;
  } else {
    throw new DlfError('INVALID_ARGUMENT', 'extractor must be a tf.LayersModel or a function of a batch', {
      param: 'extractor',
    });
  }
  const n = inputs.shape[0] as number;
  const parts: tf.Tensor2D[] = [];
  try {
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const batch = tf.slice(inputs, start, size);
      let out: tf.Tensor;
      try {
        out = await run(batch);
      } finally {
        batch.dispose();
      }
      if (!(out instanceof tf.Tensor) || out.shape[0] !== size) {
        throw new DlfError(
          'INVALID_DATA',
          `the extractor must return a tensor with ${size} rows for a batch of ${size}`,
          {
            param: 'extractor',
          },
        );
      }
      parts.push(tf.reshape(out, [size, -1]));
      out.dispose();
    }
    return parts.length === 1 ? (parts[0] as tf.Tensor2D) : (tf.concat(parts, 0) as tf.Tensor2D);
  } finally {
    if (parts.length > 1) tf.dispose(parts);
    // subModel shares its weights with the original model: nothing of its own to dispose.
  }
}
