import * as tf from '@tensorflow/tfjs';
import { DlfError, describeValue } from './errors.js';

/**
 * A model under attack: a `tf.LayersModel` or a function from a batch of inputs `[n, ...shape]` to
 * logits `[n, numClasses]`. A LayersModel whose last layer applies a softmax is read as returning
 * probabilities p, and its logits are taken as log p (softmax(log p) = p, so predictions and
 * cross-entropy are unchanged).
 */
export type Classifier = tf.LayersModel | ((x: tf.Tensor) => tf.Tensor);

/** A function from a batch of inputs to logits: what every attack works with internally. */
export type LogitsFn = (x: tf.Tensor) => tf.Tensor;

function outputsProbabilities(model: tf.LayersModel): boolean {
  const last = model.layers[model.layers.length - 1];
  if (!last) return false;
  if (last.getClassName() === 'Softmax') return true;
  const config = last.getConfig() as { activation?: unknown };
  return config.activation === 'softmax';
}

/**
 * Turns a `Classifier` into a logits function x -> z (`model.apply` in inference mode for a
 * LayersModel, log p for a softmax output). Attacks call it on whatever they are given; use it to
 * compose your own wrappers.
 *
 * @example
 * ```ts
 * const f = toLogitsFn(model);
 * const logits = f(x); // [n, numClasses]
 * ```
 */
export function toLogitsFn(model: Classifier, { training = false }: { training?: boolean } = {}): LogitsFn {
  if (typeof model === 'function') {
    return (x) => {
      const out = model(x);
      if (!(out instanceof tf.Tensor) || out.rank !== 2) {
        throw new DlfError(
          'INVALID_SHAPE',
          `model must return logits of shape [n, numClasses], received ${describeValue(out)}`,
          { param: 'model' },
        );
      }
      return out;
    };
  }
  if (model instanceof tf.LayersModel) {
    const probabilities = outputsProbabilities(model);
    return (x) => {
      const out = model.apply(x, { training }) as tf.Tensor;
      if (!(out instanceof tf.Tensor) || out.rank !== 2) {
        throw new DlfError(
          'INVALID_SHAPE',
          `model must have one output of shape [n, numClasses], received ${describeValue(out)}`,
          { param: 'model' },
        );
      }
      if (!probabilities) return out;
      return tf.tidy(() => tf.log(tf.maximum(out, 1e-30)));
    };
  }
  throw new DlfError(
    'INVALID_ARGUMENT',
    `model must be a tf.LayersModel or a function (x) => logits, received ${describeValue(model)}`,
    { param: 'model' },
  );
}
