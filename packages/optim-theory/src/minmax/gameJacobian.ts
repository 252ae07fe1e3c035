import { DlfError, hessian } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { toVec, type VectorLike } from '../linalg.js';
import type { GameFn } from './runGame.js';

/**
 * The game Jacobian at (x, y): the Jacobian of the GDA vector field F(z) = (-grad_x f, grad_y f),
 * H = [[-f_xx, -f_xy], [f_yx, f_yy]] ((n_x + n_y) square), from the exact Hessian of f (double
 * backprop; build f from the runtime's `ops` where it uses tanh, exp, ...). A fixed point is
 * locally stable for GDA with step eta iff the spectral radius of I + eta H is below 1.
 *
 * @returns the matrix as nested arrays.
 * @example
 * ```ts
 * gameJacobian((x, y) => tf.sum(tf.mul(x, y)), [0], [0]); // [[0, -1], [1, 0]]
 * ```
 */
export function gameJacobian(f: GameFn, x: VectorLike, y: VectorLike): number[][] {
  if (typeof f !== 'function') {
    throw new DlfError('INVALID_ARGUMENT', `f must be a function (x, y) => scalar, received ${typeof f}`, {
      param: 'f',
    });
  }
  const xv = toVec('x', x);
  const yv = toVec('y', y);
  const nx = xv.length;
  const H = tf.tidy(() => {
    const z = tf.tensor1d(Float32Array.from([...xv, ...yv]));
    return hessian((w: tf.Tensor1D) => f(tf.slice(w, 0, nx), tf.slice(w, nx)), z);
  });
  const rows = H.arraySync() as number[][];
  H.dispose();
  return rows.map((r, i) => (i < nx ? r.map((v) => -v) : r));
}
