import * as tf from '@tensorflow/tfjs';
import { DlfError, describeValue } from './DlfError.js';
import { assertFunction, rawGradients } from './grad.js';
import { type LossFn, type LossName, losses, resolveLoss } from './losses.js';
import { assertBatch, assertParamVector, type ParamModel } from './ParamModel.js';
import { assertInteger } from './validate.js';

/**
 * The loss of one example: `w` is the parameter vector, `xi` and `yi` are example i with its batch
 * axis kept (`x[i:i+1]`, `y[i:i+1]`, so they can go straight into `model.apply`).
 */
export type PerExampleLossFn = (w: tf.Tensor1D, xi: tf.Tensor, yi: tf.Tensor) => tf.Tensor;

/** A model and a batch loss `(labels, predictions) => scalar` (a dlf loss name or function). */
export interface ModelLoss {
  model: ParamModel;
  loss: LossName | LossFn;
}

export interface PerExampleGradientsOptions {
  /**
   * Examples per vectorised pass when a `{ model, loss }` whose model has `applyPerExample` is
   * given (memory ~ a few times `batchSize * numParams` floats). Default: as many as keep
   * `batchSize * numParams <= 2^22`. Ignored otherwise.
   */
  batchSize?: number;
}

const BUILT_IN_LOSSES = new Set<LossFn>(Object.values(losses));

/**
 * The gradient of each example's loss, as rows of `[n, m]`: row i is `grad_w loss(w, x_i, y_i)`.
 * This is what differentially private SGD (Opacus), gradient-noise and influence analyses, and
 * per-example gradient norms need; it is functorch's `vmap(grad(loss))(w, x, y)`.
 *
 * Two forms:
 * - `perExampleGradients((w, xi, yi) => scalar, w, x, y)`: any per-example loss; one backward pass
 *   per example.
 * - `perExampleGradients({ model, loss }, w, x, y)`: row i is the gradient of
 *   `loss(y[i:i+1], model.apply(w, x[i:i+1]))`. When the model has `applyPerExample` (every `mlp`
 *   does), all examples of a chunk are differentiated in one backward pass, each against its own
 *   copy of `w`.
 *
 * The mean of the rows is the gradient of the mean loss over the batch (and their sum that of
 * the summed loss).
 *
 * @param x - inputs `[n, ...]`; @param y - targets `[n, ...]` (same n).
 * @throws DlfError `INVALID_SHAPE` if `w` is not rank 1 (or not `[numParams]`), x and y differ in
 * n, x does not match the model's input shape, or the loss is not scalar.
 * @example
 * ```ts
 * const G = perExampleGradients({ model, loss: 'softmaxCrossEntropy' }, w, x, yOneHot); // [n, m]
 * const norms = tf.norm(G, 'euclidean', 1);
 * ```
 */
export function perExampleGradients(
  loss: PerExampleLossFn | ModelLoss,
  w: tf.Tensor1D,
  x: tf.Tensor,
  y: tf.Tensor,
  options: PerExampleGradientsOptions = {},
): tf.Tensor2D {
  if (typeof loss === 'function') {
    assertParamVector('w', w);
    const n = checkPair(x, y);
    return loopOverExamples(loss, w, x, y, n);
  }
  if (loss === null || typeof loss !== 'object' || typeof loss.model?.apply !== 'function') {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `loss must be a function (w, xi, yi) => scalar or { model, loss }, received ${describeValue(loss)}`,
      { param: 'loss' },
    );
  }
  const { model } = loss;
  const lossFn = resolveLoss(loss.loss);
  assertParamVector('w', w, model.numParams);
  const n = checkPair(x, y);
  assertBatch('x', x, model.inputShape);
  const perExample = model.applyPerExample?.bind(model);
  if (!perExample) return loopOverExamples((v, xi, yi) => lossFn(yi, model.apply(v, xi)), w, x, y, n);

  const m = model.numParams;
  const { batchSize = Math.max(1, Math.min(n, Math.floor(2 ** 22 / Math.max(1, m)))) } = options;
  assertInteger('batchSize', batchSize, { min: 1 });
  const builtIn = BUILT_IN_LOSSES.has(lossFn);
  const chunks: tf.Tensor2D[] = [];
  try {
    for (let start = 0; start < n; start += batchSize) {
      const b = Math.min(batchSize, n - start);
      chunks.push(
        tf.tidy(() => {
          const xs = tf.slice(x, start, b);
          const ys = tf.slice(y, start, b);
          const ws = tf.tile(tf.reshape(w, [1, m]), [b, 1]) as tf.Tensor2D;
          const { value, grads } = rawGradients(() => {
            const preds = perExample(ws, xs);
            if (builtIn) {
              // dlf losses are means over examples: b * mean = the sum of the per-example losses.
              return tf.mul(lossFn(ys, preds), b) as tf.Scalar;
            }
            const terms: tf.Tensor[] = [];
            for (let i = 0; i < b; i++) {
              const li = lossFn(tf.slice(ys, i, 1), tf.slice(preds, i, 1));
              checkScalar(li);
              terms.push(li);
            }
            return tf.addN(terms) as tf.Scalar;
          }, [ws]);
          checkScalar(value);
          return grads[0] as tf.Tensor2D;
        }),
      );
    }
    if (chunks.length === 1) return chunks.pop() as tf.Tensor2D;
    return tf.concat(chunks, 0);
  } finally {
    for (const c of chunks) c.dispose();
  }
}

function checkScalar(value: tf.Tensor): void {
  if (!(value instanceof tf.Tensor) || value.rank !== 0) {
    throw new DlfError('INVALID_SHAPE', `the loss must return a scalar, received ${describeValue(value)}`, {
      param: 'loss',
    });
  }
}

function checkPair(x: tf.Tensor, y: tf.Tensor): number {
  for (const [param, t] of [
    ['x', x],
    ['y', y],
  ] as const) {
    if (!(t instanceof tf.Tensor) || t.rank < 1) {
      throw new DlfError(
        'INVALID_SHAPE',
        `${param} must be a tensor [n, ...], received ${describeValue(t)}`,
        { param },
      );
    }
  }
  if (x.shape[0] !== y.shape[0]) {
    throw new DlfError(
      'INVALID_SHAPE',
      `x and y must have the same number of examples, received ${x.shape[0]} and ${y.shape[0]}`,
      { param: 'y' },
    );
  }
  return x.shape[0] as number;
}

function loopOverExamples(
  loss: PerExampleLossFn,
  w: tf.Tensor1D,
  x: tf.Tensor,
  y: tf.Tensor,
  n: number,
): tf.Tensor2D {
  assertFunction('loss', loss);
  const rows: tf.Tensor1D[] = [];
  try {
    for (let i = 0; i < n; i++) {
      rows.push(
        tf.tidy(() => {
          const xi = tf.slice(x, i, 1);
          const yi = tf.slice(y, i, 1);
          const { value, grads } = rawGradients(() => loss(w, xi, yi), [w]);
          checkScalar(value);
          return grads[0] as tf.Tensor1D;
        }),
      );
    }
    return tf.stack(rows) as tf.Tensor2D;
  } finally {
    for (const r of rows) r.dispose();
  }
}
