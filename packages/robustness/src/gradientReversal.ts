import { assertFiniteNumber, assertNonNegative } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { DlfError, describeValue } from './errors.js';

/**
 * Gradient-reversal op (Ganin and Lempitsky 2015): the identity forward, -lambda times the upstream
 * gradient backward, so a domain classifier placed after it trains the features to confuse it.
 *
 * @param x - any float tensor.
 * @param lambda - gradient scale (>= 0). Default: 1.
 * @returns a tensor equal to `x`.
 * @example
 * ```ts
 * const domainLogits = domainHead(gradientReversal(features, 0.5));
 * ```
 */
export function gradientReversal<T extends tf.Tensor>(x: T, lambda = 1): T {
  if (!(x instanceof tf.Tensor)) {
    throw new DlfError('INVALID_ARGUMENT', `x must be a tf.Tensor, received ${describeValue(x)}`, {
      param: 'x',
    });
  }
  assertNonNegative('lambda', lambda);
  const op = tf.customGrad((input) => {
    return { value: tf.clone(input as tf.Tensor), gradFunc: (dy: tf.Tensor) => tf.mul(dy, -lambda) };
  });
  return op(x) as T;
}

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
 * A `tf.layers` layer applying {@link gradientReversal}; set `lambda` between steps to follow a
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
