import * as tf from '@tensorflow/tfjs';
import { DlfError } from './DlfError.js';
import { assertFunction, rawGradients, type ScalarFn } from './grad.js';
import { assertParamVector } from './ParamModel.js';

/** @internal The gradient of `loss` at `w` contracted by `contract` and differentiated again. */
export function secondOrder(
  loss: ScalarFn,
  w: tf.Tensor1D,
  contract: (g: tf.Tensor1D) => tf.Scalar,
): tf.Tensor1D {
  return tf.tidy(() => {
    const { value, grads } = rawGradients(() => {
      const inner = rawGradients(() => loss(w), [w]);
      if (inner.value.rank !== 0) {
        throw new DlfError(
          'INVALID_SHAPE',
          `loss must return a scalar, received a tensor of shape [${inner.value.shape.join(', ')}]`,
          { param: 'loss' },
        );
      }
      return contract(inner.grads[0] as tf.Tensor1D);
    }, [w]);
    value.dispose();
    return grads[0] as tf.Tensor1D;
  });
}

/**
 * The exact Hessian-vector product `H(w) v = d/dw <grad L(w), v>`, by double backpropagation
 * (Pearlmutter 1994): one forward, one backward and one backward-of-backward pass, no finite
 * differences and no m x m matrix. Exact to float32 precision when `loss` is built from `ops`,
 * `losses` and dlf models (plain `tf.tanh`, `tf.sigmoid`, `tf.exp`, `tf.softmax`, `tf.logSumExp`
 * lose their curvature terms or fail).
 *
 * @param loss - scalar function of the parameter vector.
 * @param w - parameter vector `[m]` (float32).
 * @param v - direction `[m]`.
 * @returns `H(w) v`, shape `[m]`.
 * @throws DlfError `INVALID_SHAPE` if `w` is not rank 1, `v` is not `[m]` or `loss` is not scalar.
 * @example
 * ```ts
 * const Hv = hvp((w) => losses.softmaxCrossEntropy(y, model.apply(w, x)), w, v);
 * ```
 */
export function hvp(loss: ScalarFn, w: tf.Tensor1D, v: tf.Tensor1D): tf.Tensor1D {
  assertFunction('loss', loss);
  assertParamVector('w', w);
  assertParamVector('v', v, w.shape[0]);
  return secondOrder(loss, w, (g) => tf.sum(tf.mul(g, v)));
}
