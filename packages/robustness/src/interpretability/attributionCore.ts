/**
 * Shared internals of the attribution methods: input checks, target resolution and the gradient of
 * the target logit. Not exported from the package entry.
 */
import { assertAllFinite } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { Classifier, LogitsFn } from '../classifier.js';
import { toLogitsFn } from '../classifier.js';
import { DlfError, describeValue } from '../errors.js';

/**
 * The class whose logit is explained: one class for every example, one per example, or (when
 * absent) the class the model predicts for each example.
 */
export type AttributionTarget = number | ArrayLike<number> | tf.Tensor;

/** Options every attribution method takes. */
export interface AttributionOptions {
  /** Class whose logit is explained. Default: the predicted class of each example. */
  target?: AttributionTarget;
}

/** Progress of a long attribution run. */
export interface AttributionProgress {
  /** Work units done and in all (samples, steps or windows, as documented by each method). */
  done: number;
  total: number;
}

export interface PreparedAttribution {
  f: LogitsFn;
  n: number;
  /** Entries per example. */
  d: number;
  /** Shape of one example. */
  exampleShape: number[];
  /** One target class per example. */
  targets: Int32Array;
  numClasses: number;
}

export function checkInput(x: unknown, param = 'x'): asserts x is tf.Tensor {
  if (!(x instanceof tf.Tensor) || x.rank < 2) {
    throw new DlfError(
      'INVALID_SHAPE',
      `${param} must be a batch tensor [n, ...shape] of rank >= 2, received ${describeValue(x)}`,
      { param },
    );
  }
  if (x.dtype !== 'float32') {
    throw new DlfError('INVALID_ARGUMENT', `${param} must have dtype float32, received ${x.dtype}`, {
      param,
    });
  }
  if ((x.shape[0] as number) === 0) {
    throw new DlfError(
      'INVALID_SHAPE',
      `${param} must hold at least one example, received shape [${x.shape}]`,
      {
        param,
      },
    );
  }
  assertAllFinite(param, x.dataSync());
}

/** Checks the model and `x`, runs the model once and resolves one target class per example. */
export function prepareAttribution(model: Classifier, x: unknown, target: unknown): PreparedAttribution {
  checkInput(x);
  const f = toLogitsFn(model);
  const n = x.shape[0] as number;
  const exampleShape = x.shape.slice(1);
  const d = exampleShape.reduce((a, b) => a * b, 1);
  const logits = f(x);
  const numClasses = logits.shape[1] as number;
  const values = logits.dataSync();
  logits.dispose();
  if (logits.shape[0] !== n) {
    throw new DlfError(
      'INVALID_SHAPE',
      `model must return one row of logits per example (${n}), received ${logits.shape[0]}`,
      { param: 'model' },
    );
  }
  const targets = new Int32Array(n);
  if (target === undefined) {
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < numClasses; c++) {
        if ((values[i * numClasses + c] as number) > (values[i * numClasses + best] as number)) best = c;
      }
      targets[i] = best;
    }
  } else {
    let raw: ArrayLike<number>;
    if (typeof target === 'number') raw = new Array(n).fill(target);
    else if (target instanceof tf.Tensor) {
      if (target.rank !== 1) {
        throw new DlfError(
          'INVALID_SHAPE',
          `target must be a rank-1 tensor of classes, received ${describeValue(target)}`,
          {
            param: 'target',
          },
        );
      }
      raw = target.dataSync();
    } else if (typeof target === 'object' && target !== null && 'length' in target)
      raw = target as ArrayLike<number>;
    else {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `target must be a class index, one class per example or undefined, received ${describeValue(target)}`,
        { param: 'target' },
      );
    }
    if (raw.length !== n) {
      throw new DlfError(
        'INVALID_SHAPE',
        `target must have one class per example (${n}), received ${raw.length}`,
        {
          param: 'target',
        },
      );
    }
    for (let i = 0; i < n; i++) {
      const t = raw[i] as number;
      if (!Number.isInteger(t) || t < 0 || t >= numClasses) {
        throw new DlfError(
          'INVALID_ARGUMENT',
          `target must hold integers in [0, ${numClasses - 1}], received ${t} at index ${i}`,
          { param: 'target' },
        );
      }
      targets[i] = t;
    }
  }
  return { f, n, d, exampleShape, targets, numClasses };
}

/** The target logit of each row: z[i, targets[i mod targets.length]] as a rank-1 tensor. */
export function targetLogits(f: LogitsFn, x: tf.Tensor, targets: Int32Array): tf.Tensor1D {
  return tf.tidy(() => {
    const z = f(x);
    const rows = z.shape[0] as number;
    const k = z.shape[1] as number;
    const idx = Int32Array.from({ length: rows }, (_, i) => targets[i % targets.length] as number);
    return tf.sum(tf.mul(z, tf.oneHot(tf.tensor1d(idx, 'int32'), k)), 1) as tf.Tensor1D;
  });
}

/**
 * Gradient of the target logits with respect to a batch whose row i explains class
 * `targets[i mod targets.length]` (rows do not interact, so the gradient of the sum is the per-row
 * gradient).
 */
export function targetGradient(f: LogitsFn, x: tf.Tensor, targets: Int32Array): tf.Tensor {
  return tf.tidy(() => tf.grad((input: tf.Tensor) => tf.sum(targetLogits(f, input, targets)))(x));
}

/**
 * A baseline for every example: a number (filled), a tensor shaped like one example (broadcast), or
 * a tensor shaped like `x`. Returns a tensor shaped like `x` (caller disposes).
 */
export function resolveBaseline(baseline: unknown, x: tf.Tensor, param = 'baselines'): tf.Tensor {
  if (typeof baseline === 'number') {
    if (!Number.isFinite(baseline)) {
      throw new DlfError('INVALID_ARGUMENT', `${param} must be finite, received ${baseline}`, { param });
    }
    return tf.fill(x.shape, baseline);
  }
  if (baseline instanceof tf.Tensor) {
    const one = x.shape.slice(1);
    const bShape: number[] = baseline.shape;
    const equal = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
    if (!equal(bShape, x.shape) && !equal(bShape, one)) {
      throw new DlfError(
        'INVALID_SHAPE',
        `${param} must be a number or a tensor of shape [${x.shape}] or [${one}], received shape [${baseline.shape}]`,
        { param },
      );
    }
    assertAllFinite(param, baseline.dataSync());
    return tf.tidy(() => tf.add(tf.zerosLike(x), tf.cast(baseline, 'float32')));
  }
  throw new DlfError(
    'INVALID_ARGUMENT',
    `${param} must be a number or a tensor, received ${describeValue(baseline)}`,
    {
      param,
    },
  );
}
