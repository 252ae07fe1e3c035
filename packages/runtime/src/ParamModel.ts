import * as tf from '@tensorflow/tfjs';
import type { SeedLike } from './createRng.js';
import { DlfError, describeValue } from './DlfError.js';

/**
 * A model as a function of a flat parameter vector: `f(w, x)` with `w` in R^m. This is the form
 * the theory works in (gradients, Hessians, NTKs, parameter-space geometry) and the form every dlf
 * autodiff function takes.
 *
 * Contract for implementers (`mlp`, `fromLayersModel`, your own):
 * - `apply` is a pure function of `(w, x)`: no variables, no state, no randomness.
 * - It returns `[batch, outputSize]` (logits or scores, no final softmax unless documented).
 * - It throws `DlfError('INVALID_SHAPE')` when `w` is not `[numParams]` or `x` is not
 *   `[batch, ...inputShape]` (use {@link assertParamVector}).
 * - It is built from second-order-safe ops (`ops`) so that `hvp`/`hessian` of losses of it are
 *   exact.
 * - It neither disposes its arguments nor leaves tensors behind other than its result.
 *
 * @example
 * ```ts
 * const model = mlp({ sizes: [2, 16, 1], activation: 'tanh' });
 * const w = model.init(0);                 // Tensor1D [model.numParams]
 * const y = model.apply(w, tf.randomNormal([8, 2])); // Tensor2D [8, 1]
 * ```
 */
export interface ParamModel {
  /** m, the length of the parameter vector. */
  readonly numParams: number;
  /** Shape of one example (without the batch axis), e.g. `[784]` or `[28, 28, 1]`. */
  readonly inputShape: readonly number[];
  /** Number of outputs per example (columns of `apply`'s result). */
  readonly outputSize: number;
  /**
   * A fresh parameter vector `[numParams]` drawn from the model's initialisation distribution.
   * Same seed, same vector. Default seed: 0.
   */
  init(seed?: SeedLike): tf.Tensor1D;
  /** The outputs `[batch, outputSize]` of the model with parameters `w` on inputs `x = [batch, ...inputShape]`. */
  apply(w: tf.Tensor1D, x: tf.Tensor): tf.Tensor2D;
  /**
   * Optional vectorised form: row i of the result is `apply(ws[i], x[i:i+1])`, i.e. each example
   * gets its own parameter vector (`ws` is `[batch, numParams]`). When present, `perExampleGradients`
   * and `modelJacobian` use it to get all per-example gradients from one backward pass (the
   * functorch `vmap(grad(...))` trick); when absent they loop over examples.
   */
  applyPerExample?(ws: tf.Tensor2D, x: tf.Tensor): tf.Tensor2D;
}

/**
 * Throws `DlfError('INVALID_SHAPE')` unless `w` is a float32 tensor of shape `[numParams]`.
 * For implementers of {@link ParamModel} and functions that take a parameter vector.
 */
export function assertParamVector(param: string, w: unknown, numParams?: number): asserts w is tf.Tensor1D {
  if (!(w instanceof tf.Tensor)) {
    throw new DlfError('INVALID_ARGUMENT', `${param} must be a tf.Tensor1D, received ${describeValue(w)}`, {
      param,
    });
  }
  if (w.rank !== 1 || (numParams !== undefined && w.shape[0] !== numParams)) {
    const expected = numParams === undefined ? '[m]' : `[${numParams}]`;
    throw new DlfError(
      'INVALID_SHAPE',
      `${param} must be a parameter vector of shape ${expected}, received shape [${w.shape.join(', ')}]`,
      { param },
    );
  }
  if (w.dtype !== 'float32') {
    throw new DlfError('INVALID_ARGUMENT', `${param} must have dtype float32, received ${w.dtype}`, {
      param,
    });
  }
}

/**
 * Throws `DlfError('INVALID_SHAPE')` unless `x` is `[batch, ...inputShape]` with batch >= 1.
 * For implementers of {@link ParamModel}.
 */
export function assertBatch(
  param: string,
  x: unknown,
  inputShape: readonly number[],
): asserts x is tf.Tensor {
  if (!(x instanceof tf.Tensor)) {
    throw new DlfError('INVALID_ARGUMENT', `${param} must be a tf.Tensor, received ${describeValue(x)}`, {
      param,
    });
  }
  const ok =
    x.rank === inputShape.length + 1 &&
    (x.shape[0] ?? 0) >= 1 &&
    inputShape.every((d, i) => x.shape[i + 1] === d);
  if (!ok) {
    throw new DlfError(
      'INVALID_SHAPE',
      `${param} must have shape [batch, ${inputShape.join(', ')}], received [${x.shape.join(', ')}]`,
      { param },
    );
  }
}
