import * as tf from '@tensorflow/tfjs';
import { DlfError, describeValue } from './errors.js';

/** tf.customGrad's parameter type: its inputs are typed as one rest array of tensors and the save function. */
type CustomGradientFunc = Parameters<typeof tf.customGrad>[0];

/**
 * Backward-pass differentiable approximation (Athalye et al. 2018): a function that computes
 * `forward(x)` on the forward pass but back-propagates as if it were `approximation(x)` (default the
 * identity, for shape-preserving preprocessors such as quantisation or JPEG). Put it in front of the
 * model to attack a non-differentiable defence with any gradient attack.
 *
 * @param forward - the real (possibly non-differentiable) transformation.
 * @param approximation - a differentiable stand-in whose vector-Jacobian product is used. Default x -> x.
 * @returns a function x -> forward(x) with the approximate gradient.
 * @example
 * ```ts
 * const quantise = (x: tf.Tensor) => tf.div(tf.round(tf.mul(x, 8)), 8);
 * const defended = (x: tf.Tensor) => model(bpda(quantise)(x));
 * const res = await pgd(defended, x, y, { eps: 0.1 });
 * ```
 */
export function bpda(
  forward: (x: tf.Tensor) => tf.Tensor,
  approximation?: (x: tf.Tensor) => tf.Tensor,
): (x: tf.Tensor) => tf.Tensor {
  if (typeof forward !== 'function') {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `forward must be a function (x) => tensor, received ${describeValue(forward)}`,
      {
        param: 'forward',
      },
    );
  }
  if (approximation !== undefined && typeof approximation !== 'function') {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `approximation must be a function (x) => tensor, received ${describeValue(approximation)}`,
      { param: 'approximation' },
    );
  }
  // Identity: the op's own backward pass is dy. With an approximation g, the op takes g(x) as a second
  // input whose gradient is dy (and x's is 0), so the outer tape back-propagates dy through g: no
  // nested gradient call, and the forward value is exactly forward(x).
  const identity = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    save([]);
    const value = forward(x);
    if (!tf.util.arraysEqual(value.shape, x.shape)) {
      throw new DlfError(
        'INVALID_SHAPE',
        `bpda with the identity approximation needs forward to keep the shape [${x.shape}], received [${value.shape}]`,
        { param: 'forward' },
      );
    }
    return { value, gradFunc: (dy: tf.Tensor) => dy };
  }) as unknown as CustomGradientFunc);
  const through = tf.customGrad(((x: tf.Tensor, approx: tf.Tensor, save: tf.GradSaveFunc) => {
    save([]);
    const value = forward(x);
    if (!tf.util.arraysEqual(value.shape, approx.shape)) {
      throw new DlfError(
        'INVALID_SHAPE',
        `approximation must return the shape of forward's output [${value.shape}], received [${approx.shape}]`,
        { param: 'approximation' },
      );
    }
    return { value, gradFunc: (dy: tf.Tensor) => [tf.zerosLike(x), dy] };
  }) as unknown as CustomGradientFunc);
  if (approximation === undefined) return (x) => identity(x) as tf.Tensor;
  return (x) => through(x, approximation(x)) as tf.Tensor;
}
