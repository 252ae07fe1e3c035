import { DlfError } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';

/**
 * @internal Cholesky factorisation `A = L L^T` of a symmetric positive definite `n x n` matrix
 * (row-major, float64), then `X = A^-1 B` for `B` `n x c`. Throws `INVALID_ARGUMENT` if a pivot is
 * not positive.
 */
export function choleskySolve(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  n: number,
  c: number,
): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j] as number;
      for (let k = 0; k < j; k++) s -= (L[i * n + k] as number) * (L[j * n + k] as number);
      if (i === j) {
        if (!(s > 0)) {
          throw new DlfError(
            'INVALID_ARGUMENT',
            `the system matrix must be symmetric positive definite, but pivot ${i} is ${s} (increase lambda)`,
            { param: 'lambda' },
          );
        }
        L[i * n + i] = Math.sqrt(s);
      } else {
        L[i * n + j] = s / (L[j * n + j] as number);
      }
    }
  }
  const x = new Float64Array(n * c);
  for (let col = 0; col < c; col++) {
    // Forward substitution L z = b, then back substitution L^T x = z.
    for (let i = 0; i < n; i++) {
      let s = b[i * c + col] as number;
      for (let k = 0; k < i; k++) s -= (L[i * n + k] as number) * (x[k * c + col] as number);
      x[i * c + col] = s / (L[i * n + i] as number);
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i * c + col] as number;
      for (let k = i + 1; k < n; k++) s -= (L[k * n + i] as number) * (x[k * c + col] as number);
      x[i * c + col] = s / (L[i * n + i] as number);
    }
  }
  return x;
}

type Solve = (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/**
 * @internal `X = A^-1 B` for a symmetric positive definite `A` `[n, n]` and `B` `[n, c]`, solved
 * in float64 by Cholesky (the values are read from the device: meant for the small systems of
 * closed-form heads), differentiable: `dB = A^-1 dX`, `dA = -dB X^T` (A symmetric). The gradient
 * is built from this op, so it is differentiable again.
 */
export const solveSpd: Solve = tf.customGrad(((a: tf.Tensor2D, b: tf.Tensor2D, save: tf.GradSaveFunc) => {
  const n = a.shape[0];
  const c = b.shape[1];
  const x = choleskySolve(a.dataSync(), b.dataSync(), n, c);
  const value = tf.tensor2d(Float32Array.from(x), [n, c], 'float32');
  save([a, value]);
  return {
    value,
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [A, X] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dB = solveSpd(A, dy);
      return [tf.neg(tf.matMul(dB, X, false, true)), dB];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as Solve;
