import { DlfError } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { FlowLayer } from './FlowLayer.js';

/**
 * A fixed permutation of the coordinates, `y_i = x_{perm[i]}` (`log|det| = 0`); `reverse` by
 * default, as between RealNVP's coupling layers.
 *
 * @param dim - vector length.
 * @param perm - a permutation of 0..dim-1. Default: reversal.
 * @example
 * ```ts
 * const layer = permutation(4); // [x3, x2, x1, x0]
 * ```
 */
export function permutation(dim: number, perm?: readonly number[]): FlowLayer {
  const p = perm ? [...perm] : Array.from({ length: dim }, (_, i) => dim - 1 - i);
  const sorted = [...p].sort((a, b) => a - b);
  if (!Number.isInteger(dim) || dim < 1 || p.length !== dim || sorted.some((v, i) => v !== i)) {
    throw new DlfError('INVALID_ARGUMENT', `perm must be a permutation of 0..${dim - 1}`, { param: 'perm' });
  }
  const inverse = new Array<number>(dim);
  p.forEach((v, i) => {
    inverse[v] = i;
  });
  // As products with 0/1 matrices (exact in float32): tf.gather's gradient needs a kernel the wasm
  // backend lacks (UnsortedSegmentSum).
  const matrix = (order: number[]): tf.Tensor2D => {
    const m = new Float32Array(dim * dim);
    order.forEach((src, i) => {
      m[src * dim + i] = 1;
    });
    return tf.keep(tf.tensor2d(m, [dim, dim]));
  };
  const fwd = matrix(p);
  const bwd = matrix(inverse);
  let disposed = false;
  return {
    name: 'permutation',
    dim,
    variables: [],
    forward(x) {
      return tf.tidy(() => ({ y: tf.matMul(x, fwd), logDet: tf.zeros([x.shape[0]]) as tf.Tensor1D }));
    },
    inverse(y) {
      return tf.tidy(() => tf.matMul(y, bwd));
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      tf.dispose([fwd, bwd]);
    },
  };
}
