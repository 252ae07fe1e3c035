import * as tf from '@tensorflow/tfjs';
import { DlfError } from './DlfError.js';
import { assertFiniteNumber } from './validate.js';

type CustomGradientFunc = Parameters<typeof tf.customGrad>[0];

const reversers = new Map<number, (x: tf.Tensor) => tf.Tensor>();

function reverser(scale: number): (x: tf.Tensor) => tf.Tensor {
  let op = reversers.get(scale);
  if (!op) {
    op = tf.customGrad(((x: tf.Tensor) => ({
      value: tf.clone(x),
      // Linear in dy, so the gradient is itself differentiable: second derivatives stay exact.
      gradFunc: (dy: tf.Tensor) => tf.mul(dy, -scale),
    })) as unknown as CustomGradientFunc) as (x: tf.Tensor) => tf.Tensor;
    reversers.set(scale, op);
  }
  return op;
}

/**
 * The gradient-reversal op (Ganin and Lempitsky 2015): the identity going forward, `-scale * dy`
 * going back. Wrap the variables of the maximising player of a game in it and one gradient of
 * `f(x, gradientReversal(y))` gives `(grad_x f, -scale grad_y f)`: descending it is simultaneous
 * gradient descent-ascent. Second-order safe (its gradient is linear).
 *
 * @param x - any float tensor (not disposed).
 * @param scale - the factor lambda of the reversed gradient, finite. Default: 1.
 * @returns a new tensor equal to `x`.
 * @example
 * ```ts
 * const g = tf.grad((y) => tf.sum(tf.square(gradientReversal(y))))(tf.tensor1d([1, 2])); // [-2, -4]
 * ```
 */
export function gradientReversal<T extends tf.Tensor>(x: T, scale = 1): T {
  if (!(x instanceof tf.Tensor)) {
    throw new DlfError('INVALID_ARGUMENT', `x must be a tf.Tensor, received ${typeof x}`, { param: 'x' });
  }
  assertFiniteNumber('scale', scale);
  return reverser(scale)(x) as T;
}
