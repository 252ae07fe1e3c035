import * as tf from '@tensorflow/tfjs';
import { DlfError, describeValue } from './DlfError.js';
import { ops } from './ops.js';

/**
 * A loss: `(labels, predictions) => scalar tensor`, in tfjs's argument order. Typed as returning
 * any tensor (tfjs reductions are typed that way); functions that take one check at run time that
 * the result is a scalar.
 */
export type LossFn = (labels: tf.Tensor, predictions: tf.Tensor) => tf.Tensor;

/**
 * A built-in loss. Every one is the mean over examples of a per-example term, so the loss of a
 * batch is the average of the losses of its examples.
 */
export type BuiltInLoss = (labels: tf.Tensor, predictions: tf.Tensor) => tf.Scalar;

/** Names of the built-in losses (the keys of {@link losses}). */
export type LossName = 'quadratic' | 'hinge' | 'logistic' | 'exponential' | 'softmaxCrossEntropy';

function checkPair(name: string, labels: tf.Tensor, predictions: tf.Tensor): void {
  for (const [param, t] of [
    ['labels', labels],
    ['predictions', predictions],
  ] as const) {
    if (!(t instanceof tf.Tensor)) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `losses.${name}: ${param} must be a tf.Tensor, received ${describeValue(t)}`,
        {
          param,
        },
      );
    }
  }
  if (!tf.util.arraysEqual(labels.shape, predictions.shape)) {
    throw new DlfError(
      'INVALID_SHAPE',
      `losses.${name}: labels and predictions must have the same shape, received labels [${labels.shape.join(', ')}] and predictions [${predictions.shape.join(', ')}]`,
      { param: 'labels' },
    );
  }
  if (predictions.size === 0) {
    throw new DlfError('INVALID_SHAPE', `losses.${name}: predictions must not be empty`, {
      param: 'predictions',
    });
  }
}

function float(t: tf.Tensor): tf.Tensor {
  return t.dtype === 'float32' ? t : tf.cast(t, 'float32');
}

/** Margins `y * s` for the margin losses. */
function margins(labels: tf.Tensor, scores: tf.Tensor): tf.Tensor {
  return tf.mul(float(labels), float(scores));
}

/**
 * Quadratic loss `L = (1 / 2N) sum_i (yhat_i - y_i)^2`, the mean over all N entries (half the
 * mean squared error). For one output per example this is `(1 / 2n) sum_examples (f(x) - y)^2`,
 * the loss of kernel-regime (NTK) theory. Hessian with respect to the predictions: `I / N`.
 */
function quadratic(labels: tf.Tensor, predictions: tf.Tensor): tf.Scalar {
  checkPair('quadratic', labels, predictions);
  return tf.tidy(
    () => tf.mul(0.5, tf.mean(tf.square(tf.sub(float(predictions), float(labels))))) as tf.Scalar,
  );
}

/**
 * Hinge loss `L = mean(max(0, 1 - y s))` for labels `y` in {-1, +1} and real scores `s` (same
 * shape). Piecewise linear: its second derivative is 0 wherever it exists.
 */
function hinge(labels: tf.Tensor, scores: tf.Tensor): tf.Scalar {
  checkPair('hinge', labels, scores);
  return tf.tidy(() => tf.mean(tf.relu(tf.sub(1, margins(labels, scores)))) as tf.Scalar);
}

/**
 * Logistic loss `L = mean(log(1 + exp(-y s)))` = `mean(softplus(-y s))` for labels in {-1, +1}:
 * the cross-entropy of `sigmoid(s)` against `(1 + y) / 2`. Computed with the stable
 * `ops.softplus`, so it is finite for any score and second-order exact
 * (`d^2/ds^2 = sigmoid(ys) sigmoid(-ys) / N`).
 */
function logistic(labels: tf.Tensor, scores: tf.Tensor): tf.Scalar {
  checkPair('logistic', labels, scores);
  return tf.tidy(() => tf.mean(ops.softplus(tf.neg(margins(labels, scores)))) as tf.Scalar);
}

/**
 * Exponential loss `L = mean(exp(-y s))` for labels in {-1, +1} (AdaBoost's loss), second-order
 * exact through `ops.exp`. It overflows to +Infinity once `-y s > ~88` in float32, as the exact
 * value does.
 */
function exponential(labels: tf.Tensor, scores: tf.Tensor): tf.Scalar {
  checkPair('exponential', labels, scores);
  return tf.tidy(() => tf.mean(ops.exp(tf.neg(margins(labels, scores)))) as tf.Scalar);
}

/**
 * Softmax cross-entropy `L = -(1 / n) sum_i sum_c y_ic log softmax(z_i)_c` with classes along the
 * last axis; labels one-hot or probabilities, same shape as the logits. Max-shifted and
 * second-order exact (`ops.softmaxCrossEntropy`); Hessian with respect to example i's logits:
 * `(diag(p_i) - p_i p_i^T) / n`.
 */
function softmaxCrossEntropy(labels: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  checkPair('softmaxCrossEntropy', labels, logits);
  if (logits.rank < 1) {
    throw new DlfError(
      'INVALID_SHAPE',
      'losses.softmaxCrossEntropy: logits must have a class axis, received a scalar',
      {
        param: 'predictions',
      },
    );
  }
  return ops.softmaxCrossEntropy(labels, logits);
}

/**
 * The built-in losses, all `(labels, predictions) => tf.Scalar`, means over examples, numerically
 * stable and second-order exact (safe under `hvp`, `hessian`, `topHessianEigenvalues`). The margin
 * losses (`hinge`, `logistic`, `exponential`) take labels in {-1, +1} (not checked, to avoid a
 * device read) and real-valued scores of the same shape.
 *
 * @example
 * ```ts
 * const loss = losses.logistic(tf.tensor1d([1, -1]), tf.tensor1d([2.5, 0.3]));
 * ```
 */
export const losses: Readonly<Record<LossName, BuiltInLoss>> = Object.freeze({
  quadratic,
  hinge,
  logistic,
  exponential,
  softmaxCrossEntropy,
});

/** Looks up a built-in loss by name, or returns `loss` itself when it is a function. */
export function resolveLoss(loss: LossName | LossFn): LossFn {
  if (typeof loss === 'function') return loss;
  if (typeof loss === 'string' && Object.hasOwn(losses, loss)) return losses[loss];
  throw new DlfError(
    'INVALID_ARGUMENT',
    `loss must be a function or one of ${Object.keys(losses)
      .map((k) => `'${k}'`)
      .join(', ')}, received ${describeValue(loss)}`,
    { param: 'loss' },
  );
}
