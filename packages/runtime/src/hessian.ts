import * as tf from '@tensorflow/tfjs';
import { DlfError } from './DlfError.js';
import { assertFunction, type ScalarFn } from './grad.js';
import { secondOrder } from './hvp.js';
import { assertParamVector } from './ParamModel.js';
import { assertInteger } from './validate.js';

export interface HessianOptions {
  /**
   * Return `(H + H^T) / 2`. The raw rows agree with the columns to float32 rounding; symmetrising
   * removes that rounding asymmetry (eigen-solvers expect exact symmetry). Default: true.
   */
  symmetrize?: boolean;
  /**
   * Refuse (with `INVALID_ARGUMENT`) when `w` has more entries than this, since the cost is m
   * Hessian-vector products and the memory m^2 floats. Default: 4096.
   */
  maxParams?: number;
}

/**
 * The full Hessian `H_ij = d^2 L / dw_i dw_j` at `w`, as `[m, m]`, for small m. Row i is the exact
 * double-backprop derivative of `dL/dw_i` (m Hessian-vector products with the unit vectors), so
 * the cost is m times one gradient-of-gradient pass. Use `hvp` or `topHessianEigenvalues` for
 * large models.
 *
 * @throws DlfError `INVALID_SHAPE` if `w` is not rank 1 or `loss` is not scalar;
 * `INVALID_ARGUMENT` if m exceeds `maxParams`.
 * @example
 * ```ts
 * const H = hessian((w) => losses.quadratic(y, model.apply(w, x)), w); // [m, m]
 * ```
 */
export function hessian(loss: ScalarFn, w: tf.Tensor1D, options: HessianOptions = {}): tf.Tensor2D {
  const { symmetrize = true, maxParams = 4096 } = options;
  assertFunction('loss', loss);
  assertParamVector('w', w);
  assertInteger('maxParams', maxParams, { min: 1 });
  const m = w.shape[0];
  if (m > maxParams) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `hessian: w has ${m} entries, more than maxParams (${maxParams}); use hvp or topHessianEigenvalues, or raise maxParams`,
      { param: 'maxParams' },
    );
  }
  if (m === 0) return tf.zeros([0, 0]) as tf.Tensor2D;
  const rows: tf.Tensor1D[] = [];
  try {
    for (let i = 0; i < m; i++) {
      rows.push(secondOrder(loss, w, (g) => tf.sum(tf.slice(g, i, 1)) as tf.Scalar));
    }
    return tf.tidy(() => {
      const h = tf.stack(rows) as tf.Tensor2D;
      return symmetrize ? (tf.mul(tf.add(h, tf.transpose(h)), 0.5) as tf.Tensor2D) : h;
    });
  } finally {
    for (const r of rows) r.dispose();
  }
}
