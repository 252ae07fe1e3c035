import * as tf from '@tensorflow/tfjs';
import { DlfError, describeValue } from './DlfError.js';

/**
 * Second-order-safe elementwise and reduction ops.
 *
 * ## Why these exist
 * tfjs saves the tensors a gradient needs by cloning them while the tape is paused. A clone of an
 * op's *input* stays connected to the graph, but a clone of its *output* is recorded before the op
 * itself and so is cut off from it. Every op whose gradient is written in terms of its output
 * (tanh, sigmoid, exp, elu, softmax, ...) therefore has a gradient that is a constant as far as a
 * second differentiation is concerned: `tf.grad(tf.grad(tf.tanh))` fails ("Cannot compute
 * gradient") and, inside a larger graph, the curvature terms of those ops silently become zero.
 * `tf.logSumExp` and the cross-entropy losses built on it also record comparison ops (`Equal`)
 * without gradients, so a second differentiation throws.
 *
 * ## How they work
 * Each op is a `tf.customGrad` whose forward pass is the numerically stable tfjs computation and
 * whose gradient is rebuilt from the saved *input* with these same ops: `tanh'(x) = 1 - tanh(x)^2`
 * is computed with `ops.tanh`, and so on. The gradient is then itself a differentiable graph, so
 * second (and higher) derivatives are exact: Hessian-vector products, Hessians and NTKs of networks
 * that use these ops are exact to float32 precision. Inside gradients, masks come from `tf.relu`
 * (whose gradient is `tf.step`, itself differentiable), never from comparison ops.
 *
 * Values equal tfjs's own ops (to float32 rounding); `softplus` and `logSigmoid` are more accurate
 * than `tf.softplus` for moderately negative inputs (and than `tf.log1p`-based formulas on the wasm
 * backend, whose `Log1p` kernel computes `log(1 + x)`).
 *
 * @example
 * ```ts
 * const d2 = tf.grad((x) => tf.grad((y) => ops.tanh(y))(x))(tf.scalar(0.5)); // -2 tanh (1 - tanh^2)
 * ```
 */
export interface SecondOrderOps {
  /** `tanh(x)`; `tanh'(x) = 1 - tanh(x)^2`. */
  tanh<T extends tf.Tensor>(x: T): T;
  /** Logistic sigmoid `1 / (1 + exp(-x))`; `sigmoid' = sigmoid (1 - sigmoid)`. */
  sigmoid<T extends tf.Tensor>(x: T): T;
  /** `exp(x)`; `exp' = exp`. */
  exp<T extends tf.Tensor>(x: T): T;
  /**
   * `softplus(x) = log(1 + exp(x))`, computed stably as `max(x, 0) + log1p(exp(-|x|))`;
   * `softplus' = sigmoid`.
   */
  softplus<T extends tf.Tensor>(x: T): T;
  /** Alias of `softplus`: `log(1 + exp(x))`. */
  log1pExp<T extends tf.Tensor>(x: T): T;
  /** `log(sigmoid(x)) = -softplus(-x)`, stable for large |x|. */
  logSigmoid<T extends tf.Tensor>(x: T): T;
  /**
   * ELU with alpha = 1 (as `tf.elu`): `x` for `x > 0`, `exp(x) - 1` otherwise;
   * `elu'(x) = exp(min(x, 0))`.
   */
  elu<T extends tf.Tensor>(x: T): T;
  /** `max(x, 0)`: `tf.relu` itself, which is already second-order safe (its second derivative is 0). */
  relu<T extends tf.Tensor>(x: T): T;
  /**
   * `log(sum(exp(x), axis))`, shifted by the maximum for stability. `axis`: a dimension, a list of
   * them, or all (default; negative values count from the end). The gradient is `softmax(x, axis)`.
   */
  logSumExp(x: tf.Tensor, axis?: number | readonly number[], keepDims?: boolean): tf.Tensor;
  /** `x - logSumExp(x, axis, keepDims = true)`. Default axis: the last. */
  logSoftmax<T extends tf.Tensor>(x: T, axis?: number): T;
  /** `exp(logSoftmax(x, axis))`. Default axis: the last. */
  softmax<T extends tf.Tensor>(x: T, axis?: number): T;
  /**
   * Mean over examples of `-sum_c labels_c * logSoftmax(logits)_c` (classes along the last axis,
   * every leading axis is an example axis). `labels` are one-hot vectors or probabilities, of the
   * same shape as `logits`. Equals `tf.losses.softmaxCrossEntropy(labels, logits)`.
   */
  softmaxCrossEntropy(labels: tf.Tensor, logits: tf.Tensor): tf.Scalar;
}

function checkNumeric(x: tf.Tensor, param: string, op: string): void {
  if (!(x instanceof tf.Tensor)) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `ops.${op}: ${param} must be a tf.Tensor, received ${describeValue(x)}`,
      {
        param,
      },
    );
  }
  if (x.dtype === 'string' || x.dtype === 'complex64') {
    throw new DlfError('INVALID_ARGUMENT', `ops.${op}: ${param} must be numeric, received dtype ${x.dtype}`, {
      param,
    });
  }
}

type CustomGradientFunc = Parameters<typeof tf.customGrad>[0];

/** `tf.customGrad` for a one-input op, typed. */
function customUnary(
  f: (
    x: tf.Tensor,
    save: tf.GradSaveFunc,
  ) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor },
): (x: tf.Tensor) => tf.Tensor {
  return tf.customGrad(f as unknown as CustomGradientFunc) as (x: tf.Tensor) => tf.Tensor;
}

/** Runs `f` on `x` as float32; casts (and cleans up the cast) for other numeric dtypes. */
function onFloat(x: tf.Tensor, param: string, op: string, f: (xf: tf.Tensor) => tf.Tensor): tf.Tensor {
  checkNumeric(x, param, op);
  if (x.dtype === 'float32') return f(x);
  return tf.tidy(() => f(tf.cast(x, 'float32')));
}

/**
 * A unary op whose value is `forward(x)` and whose gradient is `dy * derivative(x)`, with
 * `derivative` written with second-order-safe ops on the saved input.
 */
function unaryOp(
  name: string,
  forward: (x: tf.Tensor) => tf.Tensor,
  derivative: (x: tf.Tensor) => tf.Tensor,
): <T extends tf.Tensor>(x: T) => T {
  const op = customUnary((x, save) => {
    save([x]);
    return {
      value: forward(x),
      gradFunc: (dy, saved) => tf.mul(dy, derivative(saved[0] as tf.Tensor)),
    };
  });
  return <T extends tf.Tensor>(x: T): T => onFloat(x, 'x', name, op) as T;
}

const tanh = unaryOp(
  'tanh',
  (x) => tf.tanh(x),
  (x) => tf.sub(1, tf.square(tanh(x))),
);

const sigmoid = unaryOp(
  'sigmoid',
  (x) => tf.sigmoid(x),
  (x) => {
    const s = sigmoid(x);
    return tf.mul(s, tf.sub(1, s));
  },
);

const exp = unaryOp(
  'exp',
  (x) => tf.exp(x),
  (x) => exp(x),
);

/**
 * log1p(u) accurate to float32 rounding on every backend (the wasm backend's `Log1p` computes
 * log(1 + u) and loses all digits for tiny u): with w = 1 + u rounded, log1p(u) =
 * log(w) * u / (w - 1), and u itself where w == 1 (Goldberg 1991, Theorem 4). Forward-only.
 */
function log1pAccurate(u: tf.Tensor): tf.Tensor {
  const w = tf.add(u, 1);
  const d = tf.sub(w, 1);
  const tiny = tf.equal(d, 0);
  const safeD = tf.where(tiny, tf.onesLike(d), d);
  return tf.where(tiny, u, tf.div(tf.mul(tf.log(w), u), safeD));
}

/** max(x, 0) + log1p(exp(-|x|)): accurate for every float32 x, no overflow. Forward-only. */
function stableSoftplus(x: tf.Tensor): tf.Tensor {
  return tf.add(tf.relu(x), log1pAccurate(tf.exp(tf.neg(tf.abs(x)))));
}

const softplus = unaryOp('softplus', stableSoftplus, (x) => sigmoid(x));

const elu = unaryOp(
  'elu',
  (x) => tf.elu(x),
  // min(x, 0) = x - relu(x): relu's gradient uses tf.step, which is differentiable to all orders.
  (x) => exp(tf.sub(x, tf.relu(x))),
);

function logSigmoid<T extends tf.Tensor>(x: T): T {
  return onFloat(x, 'x', 'logSigmoid', (xf) => tf.tidy(() => tf.neg(softplus(tf.neg(xf))))) as T;
}

function relu<T extends tf.Tensor>(x: T): T {
  return onFloat(x, 'x', 'relu', (xf) => tf.relu(xf)) as T;
}

/** Normalises `axis` (undefined: all) to sorted, distinct, non-negative dimensions. */
function parseAxes(axis: number | readonly number[] | undefined, rank: number, op: string): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const out = new Set<number>();
  for (const a of list) {
    if (!Number.isInteger(a) || a < -Math.max(rank, 1) || a >= Math.max(rank, 1)) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `ops.${op}: axis must be integers in [${-rank}, ${rank - 1}] for a rank-${rank} tensor, received ${describeValue(axis)}`,
        { param: 'axis' },
      );
    }
    if (rank > 0) out.add(a < 0 ? a + rank : a);
  }
  return [...out].sort((a, b) => a - b);
}

function keepDimsShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

function logSumExp(x: tf.Tensor, axis?: number | readonly number[], keepDims = false): tf.Tensor {
  checkNumeric(x, 'x', 'logSumExp');
  const axes = parseAxes(axis, x.rank, 'logSumExp');
  if (x.dtype !== 'float32') return tf.tidy(() => logSumExp(tf.cast(x, 'float32'), axes, keepDims));
  const xf = x;
  const keptShape = keepDimsShape(xf.shape, axes);
  if (axes.length === 0) return tf.clone(xf);
  const op = customUnary((input, save) => {
    save([input]);
    // Forward: m + log(sum(exp(x - m))), with m = max(x) (0 where the max is +-inf, so that a row
    // of -inf gives -inf and a +inf gives +inf, as the exact function does).
    const rawMax = tf.max(input, axes, true);
    const m = tf.where(tf.isFinite(rawMax), rawMax, tf.zerosLike(rawMax));
    const value = tf.add(tf.log(tf.sum(tf.exp(tf.sub(input, m)), axes, true)), m);
    return {
      value: keepDims
        ? value
        : tf.reshape(
            value,
            xf.shape.filter((_, i) => !axes.includes(i)),
          ),
      gradFunc: (dy, saved) => {
        const s = saved[0] as tf.Tensor;
        // d/dx logSumExp(x) = softmax(x) = exp(x - logSumExp(x)), both second-order safe.
        const p = exp(tf.sub(s, logSumExp(s, axes, true)));
        return tf.mul(tf.reshape(dy, keptShape), p);
      },
    };
  });
  return op(xf);
}

function lastAxis(x: tf.Tensor, axis: number, op: string): number {
  checkNumeric(x, 'x', op);
  const [a] = parseAxes(axis, x.rank, op);
  if (a === undefined) {
    throw new DlfError('INVALID_SHAPE', `ops.${op}: x must have rank >= 1, received a scalar`, {
      param: 'x',
    });
  }
  return a;
}

function logSoftmax<T extends tf.Tensor>(x: T, axis = -1): T {
  const a = lastAxis(x, axis, 'logSoftmax');
  return onFloat(x, 'x', 'logSoftmax', (xf) => tf.tidy(() => tf.sub(xf, logSumExp(xf, a, true)))) as T;
}

function softmax<T extends tf.Tensor>(x: T, axis = -1): T {
  const a = lastAxis(x, axis, 'softmax');
  return onFloat(x, 'x', 'softmax', (xf) => tf.tidy(() => exp(tf.sub(xf, logSumExp(xf, a, true))))) as T;
}

function softmaxCrossEntropy(labels: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  checkNumeric(labels, 'labels', 'softmaxCrossEntropy');
  checkNumeric(logits, 'logits', 'softmaxCrossEntropy');
  const z = logits;
  const y = labels;
  if (z.rank < 1 || !tf.util.arraysEqual(y.shape, z.shape)) {
    throw new DlfError(
      'INVALID_SHAPE',
      `ops.softmaxCrossEntropy: labels and logits must have the same shape [..., classes], received labels [${y.shape.join(', ')}] and logits [${z.shape.join(', ')}]`,
      { param: 'labels' },
    );
  }
  return tf.tidy(() => {
    const perExample = tf.neg(tf.sum(tf.mul(tf.cast(y, 'float32'), logSoftmax(z, -1)), -1));
    return tf.mean(perExample) as tf.Scalar;
  });
}

/** The second-order-safe ops. See {@link SecondOrderOps}. */
export const ops: SecondOrderOps = {
  tanh,
  sigmoid,
  exp,
  softplus,
  log1pExp: softplus,
  logSigmoid,
  elu,
  relu,
  logSumExp,
  logSoftmax,
  softmax,
  softmaxCrossEntropy,
};
