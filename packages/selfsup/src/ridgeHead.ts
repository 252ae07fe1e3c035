import { assertPositive, DlfError } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { describeValue } from './describeValue.js';
import { solveSpd } from './solveSpd.js';

/**
 * The closed-form ridge-regression head of R2-D2 (Bertinetto, Henriques, Torr and Vedaldi 2019):
 * the minimiser of `||X W - Y||^2 + lambda ||W||^2`, computed in the dual (Woodbury) form
 * `W = X^T (X X^T + lambda I)^-1 Y`, which needs an `n x n` solve (n = support examples) instead of
 * `d x d` and equals the primal `(X^T X + lambda I)^-1 X^T Y`. Differentiable with respect to `X`
 * and `Y` (the solve has an exact custom gradient), so an encoder can be trained through it.
 *
 * @param x - support features `[n, d]`.
 * @param y - targets `[n, c]` (one-hot labels for classification).
 * @param lambda - ridge penalty, > 0.
 * @returns `W`, `[d, c]`.
 * @example
 * ```ts
 * const W = ridgeHead(supportFeatures, tf.oneHot(labels, 5).toFloat(), 1);
 * const logits = tf.matMul(queryFeatures, W);
 * ```
 */
export function ridgeHead(x: tf.Tensor2D, y: tf.Tensor2D, lambda: number): tf.Tensor2D {
  for (const [param, t] of [
    ['x', x],
    ['y', y],
  ] as const) {
    if (!(t instanceof tf.Tensor) || t.rank !== 2) {
      throw new DlfError('INVALID_SHAPE', `${param} must be a 2-D tensor, received ${describeValue(t)}`, {
        param,
      });
    }
  }
  if (x.shape[0] !== y.shape[0]) {
    throw new DlfError(
      'INVALID_SHAPE',
      `x and y must have the same number of rows, received [${x.shape.join(', ')}] and [${y.shape.join(', ')}]`,
      { param: 'y' },
    );
  }
  assertPositive('lambda', lambda);
  return tf.tidy(() => {
    const n = x.shape[0];
    const gram = tf.add(tf.matMul(x, x, false, true), tf.mul(tf.eye(n), lambda)) as tf.Tensor2D;
    return tf.matMul(x, solveSpd(gram, y), true, false);
  });
}
