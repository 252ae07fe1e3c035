import { DlfError } from '@dlf/runtime';
import { type Mat, type MatrixLike, toMat, toRows } from './linalg.js';

/** A kernel function on sets of inputs, such as {@link polynomialKernel} or {@link ntkTwoLayerRelu}. */
export type KernelFn = (X1: number[][], X2: number[][]) => number[][];

/**
 * What the kernel methods take: a kernel function with the training inputs (then `predict` takes
 * new inputs), or a precomputed Gram matrix (then `predict` takes the kernel between new and
 * training inputs, n_new x n).
 */
export type KernelInput = { kernel: KernelFn; X: MatrixLike } | { gram: MatrixLike };

/** The training Gram matrix and a function computing K(new, train) from whatever `predict` gets. */
export function resolveKernel(input: KernelInput): { K: Mat; cross: (arg: MatrixLike) => Mat } {
  if (input == null || typeof input !== 'object') {
    throw new DlfError('INVALID_ARGUMENT', 'input must be { kernel, X } or { gram }', { param: 'input' });
  }
  if ('gram' in input) {
    const K = toMat('input.gram', input.gram);
    if (K.rows !== K.cols) {
      throw new DlfError('INVALID_SHAPE', `input.gram must be square, received ${K.rows} x ${K.cols}`, {
        param: 'input.gram',
      });
    }
    return {
      K,
      cross: (arg) => {
        const C = toMat('kNewTrain', arg);
        if (C.cols !== K.rows) {
          throw new DlfError(
            'INVALID_SHAPE',
            `the kernel to the training set must have ${K.rows} columns, received ${C.cols}`,
            {
              param: 'kNewTrain',
            },
          );
        }
        return C;
      },
    };
  }
  if (typeof input.kernel !== 'function') {
    throw new DlfError('INVALID_ARGUMENT', 'input.kernel must be a function (X1, X2) => number[][]', {
      param: 'input.kernel',
    });
  }
  const X = toRows(toMat('input.X', input.X));
  const K = toMat('kernel(X, X)', input.kernel(X, X));
  if (K.rows !== X.length || K.cols !== X.length) {
    throw new DlfError(
      'INVALID_SHAPE',
      `kernel(X, X) must be ${X.length} x ${X.length}, received ${K.rows} x ${K.cols}`,
      {
        param: 'input.kernel',
      },
    );
  }
  return { K, cross: (arg) => toMat('kernel(Xnew, X)', input.kernel(toRows(toMat('Xnew', arg)), X)) };
}
