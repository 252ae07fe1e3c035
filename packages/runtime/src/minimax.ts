import * as tf from '@tensorflow/tfjs';
import { DlfError } from './DlfError.js';
import { ExtragradientOptimizer } from './ExtragradientOptimizer.js';
import { gradientReversal } from './gradientReversal.js';
import { OptimisticOptimizer } from './OptimisticOptimizer.js';
import type { PreconditionerName } from './Preconditioner.js';
import { assertInteger, assertOneOf, assertPositive, throwIfAborted } from './validate.js';

/** First-order methods for min-max games. */
export type MinMaxMethod = 'gda' | 'ogda' | 'extragradient';

/** Options of {@link minimax}. */
export interface MinimaxOptions {
  /** The minimising player's start. */
  x0: ArrayLike<number>;
  /** The maximising player's start. */
  y0: ArrayLike<number>;
  /** `'gda'` (gradient descent-ascent, default), `'ogda'` (optimistic) or `'extragradient'`. */
  method?: MinMaxMethod;
  /**
   * `'simultaneous'` (default): both players step from the same point. `'alternating'`: x steps,
   * then y steps against the new x (gda and ogda only).
   */
  updates?: 'simultaneous' | 'alternating';
  /** Step size eta. Default: 0.1. */
  learningRate?: number;
  /** Number of steps. Default: 100. */
  steps?: number;
  /** Direction of each step: the gradient (default) or Adam's (see the optimisers). */
  preconditioner?: PreconditionerName;
  /** Record the iterate every this many steps (and the last one). Default: 1. */
  recordEvery?: number;
  /** Throws `DlfError('ABORTED')` when fired (checked every step). */
  signal?: AbortSignal;
}

/** What {@link minimax} returns. */
export interface MinimaxResult {
  x: number[];
  y: number[];
  /** The recorded iterates, the start first. */
  trajectory: { step: number; x: number[]; y: number[] }[];
}

/**
 * Runs a first-order method on the game `min_x max_y f(x, y)` for vectors x and y. The ascent of
 * the maximising player is a descent through {@link gradientReversal}; the steps are those of
 * `tf.train.sgd` (GDA), {@link OptimisticOptimizer} (OGDA) and {@link ExtragradientOptimizer}.
 * On the bilinear game `f = x . y` simultaneous GDA spirals out by `sqrt(1 + eta^2)` per step,
 * alternating GDA cycles, and OGDA and extragradient converge to the equilibrium (0, 0).
 *
 * @param f - `(x, y) => tf.Scalar`, built from differentiable ops.
 * @returns the final point and the trajectory.
 * @example
 * ```ts
 * const { trajectory } = minimax((x, y) => tf.sum(tf.mul(x, y)), { x0: [1], y0: [1], method: 'extragradient', learningRate: 0.3 });
 * ```
 */
export function minimax(
  f: (x: tf.Tensor1D, y: tf.Tensor1D) => tf.Scalar,
  options: MinimaxOptions,
): MinimaxResult {
  if (typeof f !== 'function') {
    throw new DlfError('INVALID_ARGUMENT', `f must be a function (x, y) => tf.Scalar, received ${typeof f}`, {
      param: 'f',
    });
  }
  const {
    method = 'gda',
    updates = 'simultaneous',
    learningRate = 0.1,
    steps = 100,
    preconditioner = 'none',
    recordEvery = 1,
    signal,
  } = options ?? ({} as MinimaxOptions);
  assertOneOf('method', method, ['gda', 'ogda', 'extragradient'] as const);
  assertOneOf('updates', updates, ['simultaneous', 'alternating'] as const);
  assertPositive('learningRate', learningRate);
  assertInteger('steps', steps, { min: 0 });
  assertInteger('recordEvery', recordEvery, { min: 1 });
  if (method === 'extragradient' && updates === 'alternating') {
    throw new DlfError(
      'UNSUPPORTED',
      "extragradient takes simultaneous updates only, received updates: 'alternating'",
      {
        param: 'updates',
      },
    );
  }
  if (method === 'gda' && preconditioner !== 'none') {
    throw new DlfError(
      'UNSUPPORTED',
      "preconditioner applies to 'ogda' and 'extragradient'; use them or 'none'",
      {
        param: 'preconditioner',
      },
    );
  }
  const toArray = (param: string, v: ArrayLike<number>): Float32Array => {
    if (!v || typeof v.length !== 'number' || v.length === 0) {
      throw new DlfError('INVALID_ARGUMENT', `${param} must be a non-empty array of numbers`, { param });
    }
    const out = Float32Array.from(v);
    if (!out.every(Number.isFinite)) throw new DlfError('NON_FINITE', `${param} must be finite`, { param });
    return out;
  };
  const x0 = tf.tensor1d(toArray('x0', options.x0));
  const y0 = tf.tensor1d(toArray('y0', options.y0));
  const x = tf.variable(x0);
  const y = tf.variable(y0);
  tf.dispose([x0, y0]);
  const make = (): tf.Optimizer =>
    method === 'gda'
      ? tf.train.sgd(learningRate)
      : method === 'ogda'
        ? new OptimisticOptimizer({ learningRate, preconditioner })
        : new ExtragradientOptimizer({ learningRate, preconditioner });
  const opt = make();
  const optY = updates === 'alternating' ? make() : undefined;
  const game = (): tf.Scalar => {
    const v = f(x as tf.Tensor1D, gradientReversal(y as tf.Tensor1D));
    if (!(v instanceof tf.Tensor) || v.rank !== 0) {
      throw new DlfError('INVALID_ARGUMENT', 'f must return a scalar tensor', { param: 'f' });
    }
    return v;
  };
  const trajectory: MinimaxResult['trajectory'] = [];
  const record = (step: number): void => {
    trajectory.push({ step, x: Array.from(x.dataSync()), y: Array.from(y.dataSync()) });
  };
  try {
    record(0);
    for (let t = 1; t <= steps; t++) {
      throwIfAborted(signal, 'minimax');
      if (optY) {
        opt.minimize(game, false, [x]);
        optY.minimize(game, false, [y]);
      } else {
        opt.minimize(game, false, [x, y]);
      }
      if (t % recordEvery === 0 || t === steps) record(t);
    }
    return { x: Array.from(x.dataSync()), y: Array.from(y.dataSync()), trajectory };
  } finally {
    opt.dispose();
    optY?.dispose();
    x.dispose();
    y.dispose();
  }
}
