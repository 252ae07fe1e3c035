import { assertInteger, assertNonNegative, assertPositive, throwIfAborted } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { Bounds } from '../attackCore.js';
import { checkBounds, clipTensor } from '../attackCore.js';
import { DlfError, describeValue } from '../errors.js';

export interface FeatureCollisionOptions {
  /**
   * Weight of the input-space proximity ||p - b||^2. Default 0.25 * (featureDim / inputDim)^2, the
   * scaling of Shafahi et al. (2018).
   */
  beta?: number;
  /** Step size lambda of the forward (gradient) step. Default 0.01. */
  learningRate?: number;
  /** Forward-backward iterations. Default 200. */
  steps?: number;
  /** Input range the poisons are clipped to. Default [0, 1]. */
  bounds?: Bounds;
  signal?: AbortSignal;
}

export interface FeatureCollisionResult {
  /** The poisons, one per base example (caller disposes). Label them with the base class. */
  poisons: tf.Tensor;
  /** ||phi(p) - phi(t)||_2 per poison at the start (p = b) and at the end. */
  initialFeatureDistance: Float64Array;
  featureDistance: Float64Array;
  /** ||p - b||_2 per poison. */
  inputDistance: Float64Array;
}

/**
 * Feature-collision poisons (Shafahi et al. 2018, "Poison Frogs"): for a target t and base examples
 * b, minimise ||phi(p) - phi(t)||^2 + beta ||p - b||^2 by forward-backward splitting,
 * p <- p - lambda grad ||phi(p) - phi(t)||^2, then p <- (p + lambda beta b) / (1 + lambda beta).
 * The poisons look like b (and keep b's label) but sit on t in feature space, so a classifier
 * retrained on top of the fixed extractor phi moves t into b's class.
 *
 * @param features - the fixed feature extractor phi: x -> [n, featureDim].
 * @param target - one target example `[1, ...shape]`.
 * @param base - base examples `[m, ...shape]`, one poison each.
 * @example
 * ```ts
 * const { poisons } = featureCollision(phi, xTarget, xBase, { steps: 300 });
 * ```
 */
export function featureCollision(
  features: (x: tf.Tensor) => tf.Tensor,
  target: tf.Tensor,
  base: tf.Tensor,
  options: FeatureCollisionOptions = {},
): FeatureCollisionResult {
  if (typeof features !== 'function') {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `features must be a function x -> features, received ${describeValue(features)}`,
      {
        param: 'features',
      },
    );
  }
  if (!(target instanceof tf.Tensor) || target.shape[0] !== 1 || !(base instanceof tf.Tensor)) {
    throw new DlfError(
      'INVALID_SHAPE',
      `target must be one example [1, ...shape] and base a batch, received ${describeValue(target)}`,
      {
        param: 'target',
      },
    );
  }
  if (!tf.util.arraysEqual(target.shape.slice(1), base.shape.slice(1))) {
    throw new DlfError(
      'INVALID_SHAPE',
      `base examples must have the target's shape [${target.shape.slice(1)}], received [${base.shape.slice(1)}]`,
      {
        param: 'base',
      },
    );
  }
  const bounds = checkBounds(options.bounds ?? [0, 1]);
  const lr = options.learningRate ?? 0.01;
  assertPositive('learningRate', lr);
  const steps = options.steps ?? 200;
  assertInteger('steps', steps, { min: 1 });
  const m = base.shape[0] as number;
  const targetFeatures = tf.tidy(() => features(target));
  try {
    const featureDim = targetFeatures.size;
    const inputDim = target.size;
    const beta = options.beta ?? 0.25 * (featureDim / inputDim) ** 2;
    assertNonNegative('beta', beta);
    const featureDistances = (p: tf.Tensor): Float64Array =>
      Float64Array.from(
        tf.tidy(() => tf.sqrt(tf.sum(tf.square(tf.sub(features(p), targetFeatures)), 1)).dataSync()),
      );
    const initialFeatureDistance = featureDistances(base);
    let p = base.clone();
    try {
      for (let t = 0; t < steps; t++) {
        throwIfAborted(options.signal, 'featureCollision');
        const current = p;
        const next = tf.tidy(() => {
          const g = tf.grad((z: tf.Tensor) => tf.sum(tf.square(tf.sub(features(z), targetFeatures))))(
            current,
          );
          const forward = tf.sub(current, tf.mul(lr, g));
          const backward = tf.div(tf.add(forward, tf.mul(lr * beta, base)), 1 + lr * beta);
          return clipTensor(backward, bounds);
        });
        p.dispose();
        p = next;
      }
    } catch (error) {
      p.dispose();
      throw error;
    }
    const featureDistance = featureDistances(p);
    const inputDistance = Float64Array.from(
      tf.tidy(() => tf.sqrt(tf.sum(tf.square(tf.reshape(tf.sub(p, base), [m, -1])), 1)).dataSync()),
    );
    return { poisons: p, initialFeatureDistance, featureDistance, inputDistance };
  } finally {
    targetFeatures.dispose();
  }
}
