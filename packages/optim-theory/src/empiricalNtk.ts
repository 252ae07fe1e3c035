import { modelJacobian, type ParamModel } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { VectorLike } from './linalg.js';
import { assertModel, type InputsLike, withInputs, withParams } from './modelInputs.js';

/**
 * The empirical neural tangent kernel of a {@link ParamModel} at parameters w between two input
 * sets: Theta(X1, X2) = J(X1) J(X2)^T, with J(X) = d f(w; X) / dw the [n k x m] Jacobian of the k
 * outputs on n inputs (rows ordered example-major: row b k + c is output c of example b), computed by
 * the runtime's vectorised `modelJacobian`. Neural-tangents' `empirical_ntk_fn` with
 * `trace_axes=()` computes the same matrix.
 *
 * @param model - any ParamModel; `w` - its parameters ([numParams] tensor or array).
 * @param X1 - inputs [n1, ...inputShape] (tensor) or nested arrays for flat inputs; `X2` - default X1.
 * @returns the (n1 k) x (n2 k) kernel as nested arrays.
 * @example
 * ```ts
 * const net = mlp({ sizes: [2, 512, 1], activation: 'relu', parameterization: 'ntk', bias: false });
 * const K = empiricalNtk(net, net.init(0), [[1, 0], [0, 1]]); // 2 x 2
 * ```
 */
export function empiricalNtk(model: ParamModel, w: VectorLike, X1: InputsLike, X2?: InputsLike): number[][] {
  assertModel(model);
  return withParams(model, w, (wt) =>
    withInputs('X1', X1, (x1) => {
      const J1 = modelJacobian(model, wt, x1);
      try {
        if (X2 === undefined) {
          return tf.tidy(() => tf.matMul(J1, J1, false, true).arraySync() as number[][]);
        }
        return withInputs('X2', X2, (x2) => {
          const J2 = modelJacobian(model, wt, x2);
          try {
            return tf.tidy(() => tf.matMul(J1, J2, false, true).arraySync() as number[][]);
          } finally {
            J2.dispose();
          }
        });
      } finally {
        J1.dispose();
      }
    }),
  );
}
