import * as tf from '@tensorflow/tfjs';
import { DlfError, describeValue } from './DlfError.js';
import { assertFunction, rawGradients } from './grad.js';
import { assertBatch, assertParamVector, type ParamModel } from './ParamModel.js';
import { assertInteger, assertOneOf } from './validate.js';

export interface JacobianOptions {
  /**
   * - `'rows'`: one reverse-mode pass (vector-Jacobian product) per output entry.
   * - `'columns'`: one forward-mode product (Jacobian-vector product, by the double-VJP trick
   *   `Jv = d/du <J^T u, v>`) per parameter; cheaper when outputs outnumber parameters. It needs
   *   the backward pass of `f` to be differentiable, true of every tfjs op with a registered
   *   gradient (plain `tf.tanh` etc. are fine here: only linearity in `u` is used).
   * - `'auto'` (default): `'columns'` when the outputs outnumber twice the parameters, else `'rows'`.
   */
  mode?: 'auto' | 'rows' | 'columns';
  /**
   * Rows (or columns) computed per `tf.tidy` scope before they are packed into one tensor: bounds
   * the number of live tensors, does not change the result. Default: 64.
   */
  batchSize?: number;
}

function checkFunctionOutput(y: unknown): asserts y is tf.Tensor {
  if (!(y instanceof tf.Tensor)) {
    throw new DlfError('INVALID_ARGUMENT', `f must return a tf.Tensor, received ${describeValue(y)}`, {
      param: 'f',
    });
  }
}

/** Computes `count` vectors with `one(i)`, packing every `batchSize` of them, and stacks them. */
function stackInChunks(count: number, batchSize: number, one: (i: number) => tf.Tensor1D): tf.Tensor2D {
  const chunks: tf.Tensor2D[] = [];
  try {
    for (let start = 0; start < count; start += batchSize) {
      const end = Math.min(count, start + batchSize);
      chunks.push(
        tf.tidy(() => {
          const vs: tf.Tensor1D[] = [];
          for (let i = start; i < end; i++) vs.push(one(i));
          return tf.stack(vs) as tf.Tensor2D;
        }),
      );
    }
    if (chunks.length === 1) return chunks.pop() as tf.Tensor2D;
    return tf.concat(chunks, 0);
  } finally {
    for (const c of chunks) c.dispose();
  }
}

/**
 * The Jacobian of `f` at `w`: `J[i, j] = d f(w)_i / d w_j`, shape `[n, m]`, where row i is the
 * i-th entry of `f(w)` flattened in row-major order (for a model output `[batch, k]`, row
 * `b * k + c` is output c of example b). Exact reverse-mode (or double-VJP forward-mode)
 * derivatives, no finite differences. For a {@link ParamModel} on a batch, {@link modelJacobian}
 * is vectorised over examples and much faster.
 *
 * @throws DlfError `INVALID_SHAPE` if `w` is not rank 1; `INVALID_ARGUMENT` for bad options.
 * @example
 * ```ts
 * const J = jacobian((w) => model.apply(w, x), w); // [batch * outputSize, numParams]
 * ```
 */
export function jacobian(
  f: (w: tf.Tensor1D) => tf.Tensor,
  w: tf.Tensor1D,
  options: JacobianOptions = {},
): tf.Tensor2D {
  const { mode = 'auto', batchSize = 64 } = options;
  assertFunction('f', f);
  assertParamVector('w', w);
  assertOneOf('mode', mode, ['auto', 'rows', 'columns'] as const);
  assertInteger('batchSize', batchSize, { min: 1 });
  const m = w.shape[0];
  const outShape = tf.tidy(() => {
    const y = f(w);
    checkFunctionOutput(y);
    return y.shape;
  });
  const n = outShape.reduce((a, b) => a * b, 1);
  if (n === 0 || m === 0) return tf.zeros([n, m]) as tf.Tensor2D;
  const useColumns = mode === 'columns' || (mode === 'auto' && n > 2 * m);
  if (!useColumns) {
    return stackInChunks(n, batchSize, (i) => {
      const { value, grads } = rawGradients(
        () => tf.sum(tf.slice(tf.reshape(f(w), [n]), i, 1)) as tf.Scalar,
        [w],
      );
      value.dispose();
      return grads[0] as tf.Tensor1D;
    });
  }
  // Columns: g(u) = J^T u is linear in the cotangent u, so J e_j = d/du <g(u), e_j>.
  const cols = tf.tidy(() => {
    const u = tf.zeros([n]) as tf.Tensor1D;
    return stackInChunks(m, batchSize, (j) => {
      const outer = rawGradients(() => {
        const inner = rawGradients(() => tf.reshape(f(w), [n]) as tf.Tensor1D, [w], u);
        return tf.sum(tf.slice(inner.grads[0] as tf.Tensor1D, j, 1)) as tf.Scalar;
      }, [u]);
      outer.value.dispose();
      return outer.grads[0] as tf.Tensor1D;
    });
  });
  const J = tf.transpose(cols) as tf.Tensor2D;
  cols.dispose();
  return J;
}

export interface ModelJacobianOptions {
  /**
   * Examples per vectorised pass (memory ~ a few times `batchSize * numParams` floats).
   * Default: as many as keep `batchSize * numParams <= 2^22`.
   */
  batchSize?: number;
}

/**
 * The Jacobian of a {@link ParamModel}'s outputs on the batch `x` with respect to its parameters:
 * `[batch * outputSize, numParams]`, row `b * outputSize + c` = `d f_c(w, x_b) / dw` (the same
 * layout as `jacobian((w) => model.apply(w, x), w)`). When the model has `applyPerExample`, each
 * example gets its own copy of `w` and one backward pass per output gives the rows of every
 * example at once (`outputSize` passes instead of `batch * outputSize`): this is what NTK
 * computations (`J J^T`) want.
 *
 * @example
 * ```ts
 * const J = modelJacobian(model, w, x);      // [n * k, m]
 * const ntk = tf.matMul(J, J, false, true);  // empirical NTK, [n * k, n * k]
 * ```
 */
export function modelJacobian(
  model: ParamModel,
  w: tf.Tensor1D,
  x: tf.Tensor,
  options: ModelJacobianOptions = {},
): tf.Tensor2D {
  if (model === null || typeof model !== 'object' || typeof model.apply !== 'function') {
    throw new DlfError('INVALID_ARGUMENT', `model must be a ParamModel, received ${describeValue(model)}`, {
      param: 'model',
    });
  }
  const m = model.numParams;
  assertParamVector('w', w, m);
  assertBatch('x', x, model.inputShape);
  const n = x.shape[0] as number;
  const k = model.outputSize;
  const { batchSize = Math.max(1, Math.min(n, Math.floor(2 ** 22 / Math.max(1, m)))) } = options;
  assertInteger('batchSize', batchSize, { min: 1 });
  const perExample = model.applyPerExample?.bind(model);
  if (!perExample) return jacobian((v) => model.apply(v, x), w);
  const chunks: tf.Tensor2D[] = [];
  try {
    for (let start = 0; start < n; start += batchSize) {
      const b = Math.min(batchSize, n - start);
      chunks.push(
        tf.tidy(() => {
          const xs = tf.slice(x, start, b);
          const ws = tf.tile(tf.reshape(w, [1, m]), [b, 1]) as tf.Tensor2D;
          const perOutput: tf.Tensor[] = [];
          for (let c = 0; c < k; c++) {
            const { value, grads } = rawGradients(
              () => tf.sum(tf.slice(perExample(ws, xs), [0, c], [b, 1])) as tf.Scalar,
              [ws],
            );
            value.dispose();
            perOutput.push(grads[0] as tf.Tensor2D);
          }
          // [k, b, m] -> [b, k, m] -> [b * k, m]
          return tf.reshape(tf.transpose(tf.stack(perOutput), [1, 0, 2]), [b * k, m]) as tf.Tensor2D;
        }),
      );
    }
    if (chunks.length === 1) return chunks.pop() as tf.Tensor2D;
    return tf.concat(chunks, 0);
  } finally {
    for (const c of chunks) c.dispose();
  }
}
