import * as tf from '@tensorflow/tfjs';
import { DlfError, describeValue } from '../errors.js';

/** A feature map: inputs `[n, ...]` -> a list of activations, each `[n, ..., channels]`. */
export type FeatureFn = (x: tf.Tensor) => tf.Tensor[];

export interface PerceptualFeatureOptions {
  /**
   * Layers whose outputs are compared, by name or index in `model.layers`. Default: every layer but
   * the last (the logits), skipping layers that only reshape or drop values (Flatten, Reshape,
   * Dropout, InputLayer).
   */
  layers?: ReadonlyArray<string | number>;
}

const SKIPPED = new Set(['Flatten', 'Reshape', 'Dropout', 'InputLayer', 'SpatialDropout1D', 'GaussianNoise']);

/**
 * The intermediate activations of a `tf.LayersModel` as a `FeatureFn` (a multi-output view of the
 * same weights: training the model changes the features too). Used by `perceptualDistance` and the
 * perceptual attacks when given a model; call it once and reuse the function.
 *
 * @example
 * ```ts
 * const features = perceptualFeatures(classifier);           // every hidden layer
 * const d = perceptualDistance(features, x, xAdv);
 * ```
 */
export function perceptualFeatures(model: tf.LayersModel, options: PerceptualFeatureOptions = {}): FeatureFn {
  if (!(model instanceof tf.LayersModel)) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `model must be a tf.LayersModel, received ${describeValue(model)}`,
      {
        param: 'model',
      },
    );
  }
  let chosen: tf.layers.Layer[];
  if (options.layers !== undefined) {
    if (!Array.isArray(options.layers) || options.layers.length === 0) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `layers must be a non-empty array of layer names or indices, received ${describeValue(options.layers)}`,
        { param: 'layers' },
      );
    }
    chosen = options.layers.map((key) => {
      const layer = typeof key === 'number' ? model.layers[key] : model.layers.find((l) => l.name === key);
      if (!layer) {
        throw new DlfError('INVALID_ARGUMENT', `layers: no layer ${describeValue(key)} in the model`, {
          param: 'layers',
        });
      }
      return layer;
    });
  } else {
    chosen = model.layers.slice(0, -1).filter((l) => !SKIPPED.has(l.getClassName()));
    if (chosen.length === 0) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        'model has no hidden layer to take perceptual features from; pass layers or a feature function',
        { param: 'model' },
      );
    }
  }
  const view = tf.model({
    inputs: model.inputs,
    outputs: chosen.map((l) => l.output as tf.SymbolicTensor),
  });
  return (x) => {
    const out = view.apply(x) as tf.Tensor | tf.Tensor[];
    return Array.isArray(out) ? out : [out];
  };
}

/** Resolves a model or a feature function into a feature function (internal). */
export function toFeatureFn(
  source: tf.LayersModel | FeatureFn,
  options: PerceptualFeatureOptions = {},
): FeatureFn {
  if (source instanceof tf.LayersModel) return perceptualFeatures(source, options);
  if (typeof source === 'function') return source;
  throw new DlfError(
    'INVALID_ARGUMENT',
    `features must be a tf.LayersModel or a function x -> activations[], received ${describeValue(source)}`,
    { param: 'features' },
  );
}

/**
 * The normalised embedding phi(x) `[n, D]` (internal): each activation's channel vector at each
 * position is scaled to unit length, divided by sqrt(number of positions), and all layers are
 * concatenated, so that ||phi(x1) - phi(x2)||^2 = sum_l mean_positions ||u_l(x1) - u_l(x2)||^2.
 */
export function embed(features: FeatureFn, x: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const n = x.shape[0] as number;
    const parts = features(x).map((a, i) => {
      if (!(a instanceof tf.Tensor) || a.rank < 2 || a.shape[0] !== n) {
        throw new DlfError(
          'INVALID_SHAPE',
          `features must return activations [n, ..., channels] with n = ${n}; activation ${i} is ${describeValue(a)}`,
          { param: 'features' },
        );
      }
      const positions = a.size / n / (a.shape[a.rank - 1] as number);
      const unit = tf.div(a, tf.sqrt(tf.add(tf.sum(tf.square(a), -1, true), 1e-10)));
      return tf.reshape(positions === 1 ? unit : tf.div(unit, Math.sqrt(positions)), [n, -1]);
    });
    return (parts.length === 1 ? parts[0] : tf.concat(parts, 1)) as tf.Tensor2D;
  });
}

/**
 * A neural perceptual distance in the style of LPIPS (Zhang et al. 2018) with the classifier's own
 * features, as in Laidlaw et al. 2021: d(x1, x2) = ||phi(x1) - phi(x2)||_2, where phi normalises each
 * position's channel vector of every chosen layer to unit length, averages over positions (divides
 * by their square root) and concatenates the layers. LPIPS's learned per-channel weights are all 1
 * here (no pretrained network can be downloaded). It is a pseudo-metric: 0 for identical inputs,
 * symmetric, and it satisfies the triangle inequality; each layer contributes at most 2.
 *
 * @param features - a `tf.LayersModel` (its hidden layers, see `perceptualFeatures`) or a `FeatureFn`.
 * @param x1 - a batch `[n, ...]`.
 * @param x2 - a batch of the same shape.
 * @param options.layers - which layers of a model to use.
 * @returns distances `[n]` (yours to dispose).
 * @example
 * ```ts
 * const d = perceptualDistance(classifier, x, xAdv); // Tensor1D
 * ```
 */
export function perceptualDistance(
  features: tf.LayersModel | FeatureFn,
  x1: tf.Tensor,
  x2: tf.Tensor,
  options: PerceptualFeatureOptions = {},
): tf.Tensor1D {
  const fn = toFeatureFn(features, options);
  for (const [name, t] of [
    ['x1', x1],
    ['x2', x2],
  ] as const) {
    if (!(t instanceof tf.Tensor) || t.rank < 2) {
      throw new DlfError('INVALID_SHAPE', `${name} must be a batch [n, ...], received ${describeValue(t)}`, {
        param: name,
      });
    }
  }
  if (!tf.util.arraysEqual(x1.shape, x2.shape)) {
    throw new DlfError(
      'INVALID_SHAPE',
      `x2 must have the shape of x1 [${x1.shape}], received [${x2.shape}]`,
      {
        param: 'x2',
      },
    );
  }
  return tf.tidy(() => {
    const diff = tf.sub(embed(fn, x1), embed(fn, x2));
    return tf.sqrt(tf.sum(tf.square(diff), 1)) as tf.Tensor1D;
  });
}
