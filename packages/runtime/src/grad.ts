import * as tf from '@tensorflow/tfjs';
import { DlfError, describeValue } from './DlfError.js';

/**
 * A scalar function of a tensor, usually a loss of a flat parameter vector. Typed as returning any
 * tensor because tfjs reductions are typed that way; a non-scalar result is a `DlfError`
 * (`INVALID_SHAPE`) at run time.
 */
export type ScalarFn<T extends tf.Tensor = tf.Tensor1D> = (w: T) => tf.Tensor;

/** @internal Checks that `w` is a differentiable (float32) tensor. */
export function assertDifferentiable(param: string, w: unknown): asserts w is tf.Tensor {
  if (!(w instanceof tf.Tensor)) {
    throw new DlfError('INVALID_ARGUMENT', `${param} must be a tf.Tensor, received ${describeValue(w)}`, {
      param,
    });
  }
  if (w.dtype !== 'float32') {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${param} must have dtype float32 to be differentiated, received ${w.dtype}`,
      {
        param,
      },
    );
  }
}

/** @internal Checks that `f` is a function. */
export function assertFunction(param: string, f: unknown): asserts f is (...args: never[]) => unknown {
  if (typeof f !== 'function') {
    throw new DlfError('INVALID_ARGUMENT', `${param} must be a function, received ${describeValue(f)}`, {
      param,
    });
  }
}

/**
 * @internal The engine's gradient of `f()` with respect to `xs`, with cotangent `dy` (default:
 * ones). Inputs `f` does not depend on get zero gradients (as in JAX) instead of an error. Nested
 * calls differentiate through each other. The caller owns `value` and the gradients.
 */
export function rawGradients<T extends tf.Tensor>(
  f: () => T,
  xs: tf.Tensor[],
  dy?: T,
): { value: T; grads: tf.Tensor[] } {
  const checked = (): T => {
    const y = f();
    if (!(y instanceof tf.Tensor)) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `the function must return a tf.Tensor, received ${describeValue(y)}`,
        {
          param: 'f',
        },
      );
    }
    return y;
  };
  const { value, grads } = tf.engine().gradients(checked, xs, dy, true);
  return {
    value,
    grads: xs.map((x, i) => {
      const g = grads[i];
      return g ?? tf.zerosLike(x);
    }),
  };
}

/**
 * The value and gradient of a scalar function at `w`. Differentiable again: calling it inside
 * another `grad` (or `hvp`) gives exact second derivatives for functions built from `ops`.
 * If `f` does not depend on `w` the gradient is zeros (not an error).
 *
 * @throws DlfError `INVALID_SHAPE` if `f` does not return a scalar; `INVALID_ARGUMENT` if `w` is
 * not a float32 tensor.
 * @example
 * ```ts
 * const { value, grad } = valueAndGrad((w) => tf.sum(tf.square(w)), tf.tensor1d([1, 2])); // 5, [2, 4]
 * ```
 */
export function valueAndGrad<T extends tf.Tensor>(f: ScalarFn<T>, w: T): { value: tf.Scalar; grad: T } {
  assertFunction('f', f);
  assertDifferentiable('w', w);
  const res = tf.tidy(() => {
    const { value, grads } = rawGradients(() => f(w), [w]);
    return { value, grad: grads[0] as T };
  });
  if (res.value.rank !== 0) {
    const shape = res.value.shape;
    res.value.dispose();
    res.grad.dispose();
    throw new DlfError(
      'INVALID_SHAPE',
      `f must return a scalar, received a tensor of shape [${shape.join(', ')}]`,
      {
        param: 'f',
      },
    );
  }
  return { value: res.value as tf.Scalar, grad: res.grad };
}

/**
 * The gradient of a scalar function at `w` (same shape as `w`). See {@link valueAndGrad}.
 *
 * @example
 * ```ts
 * const g = grad((w) => losses.quadratic(y, model.apply(w, x)), w);
 * ```
 */
export function grad<T extends tf.Tensor>(f: ScalarFn<T>, w: T): T {
  const { value, grad: g } = valueAndGrad(f, w);
  value.dispose();
  return g;
}
