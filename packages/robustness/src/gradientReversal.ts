import { assertFiniteNumber, assertNonNegative, gradientReversal } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { DlfError } from './errors.js';

/**
 * DANN's schedule of the reversal scale (Ganin et al. 2016): lambda(p) = 2 / (1 + exp(-gamma p)) - 1
 * for training progress p in [0, 1], rising from 0 to nearly 1.
 *
 * @param progress - fraction of training done, in [0, 1].
 * @param gamma - steepness. Default: 10.
 * @example
 * ```ts
 * layer.lambda = dannLambda(step / totalSteps);
 * ```
 */
export function dannLambda(progress: number, gamma = 10): number {
  assertFiniteNumber('progress', progress);
  assertNonNegative('gamma', gamma);
  return 2 / (1 + Math.exp(-gamma * progress)) - 1;
}

/**
 * A `tf.layers` layer applying the runtime's `gradientReversal` op (identity forward, `-lambda * dy`
 * backward); set `lambda` between steps to follow a
 * schedule. Not serialisable (no registered class name), so keep it in models you build in code.
 *
 * @example
 * ```ts
 * const grl = new GradientReversalLayer({ lambda: 0 });
 * const domainOut = tf.layers.dense({ units: 2 }).apply(grl.apply(features)) as tf.SymbolicTensor;
 * grl.lambda = dannLambda(0.5);
 * ```
 */
export class GradientReversalLayer extends tf.layers.Layer {
  static className = 'DlfGradientReversal';
  /** Gradient scale used by the next call. */
  lambda: number;

  constructor({ lambda = 1, name }: { lambda?: number; name?: string } = {}) {
    super(name === undefined ? {} : { name });
    assertNonNegative('lambda', lambda);
    this.lambda = lambda;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!x)
      throw new DlfError('INVALID_ARGUMENT', 'GradientReversalLayer needs one input', { param: 'inputs' });
    return gradientReversal(x, this.lambda);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), lambda: this.lambda };
  }
}
