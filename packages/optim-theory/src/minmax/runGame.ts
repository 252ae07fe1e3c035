import { assertInteger, assertPositive, DlfError, throwIfAborted } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { toVec, type VectorLike } from '../linalg.js';

/**
 * A two-player zero-sum game f(x, y): x minimises, y maximises. Build it from tfjs ops (and the
 * runtime's `ops` for tanh, sigmoid, exp, ... when second derivatives are needed).
 */
export type GameFn = (x: tf.Tensor1D, y: tf.Tensor1D) => tf.Tensor;

/** Options shared by the min-max algorithms. */
export interface GameOptions {
  /** Step size of the x player (and of y unless `learningRateY` is set). Default: 0.1. */
  learningRate?: number;
  /** Step size of the y player. Default: `learningRate`. */
  learningRateY?: number;
  /** Number of updates. Default: 100. */
  steps?: number;
  /** Projection onto the x player's constraint set (Euclidean projection, applied after every update). */
  projectX?: (x: number[]) => number[];
  /** Projection onto the y player's constraint set. */
  projectY?: (y: number[]) => number[];
  /** Keep the iterates x_0..x_T, y_0..y_T. Default: true. */
  keepIterates?: boolean;
  /** Called after each step. */
  onProgress?: (progress: { step: number; steps: number; value: number; fieldNorm: number }) => void;
  /** Aborts the run: throws `DlfError('ABORTED')`. */
  signal?: AbortSignal;
}

/** What every min-max algorithm returns. */
export interface GameResult {
  /** Final iterates. */
  x: number[];
  y: number[];
  /** x_0..x_T and y_0..y_T when `keepIterates` (default). */
  xs?: number[][];
  ys?: number[][];
  /** f(x_t, y_t) for t = 0..T. */
  values: number[];
  /** ||(grad_x f, grad_y f)(x_t, y_t)|| for t = 0..T. */
  fieldNorms: number[];
  /** Updates made. */
  steps: number;
  /** 'steps', or 'diverged' when a value became non-finite. */
  stoppedBy: 'steps' | 'diverged';
}

/** Value and partial gradients of a game at (x, y), in float64. */
export type GameOracle = (
  x: Float64Array,
  y: Float64Array,
) => { value: number; gx: Float64Array; gy: Float64Array };

export function gameOracle(f: GameFn): GameOracle {
  if (typeof f !== 'function') {
    throw new DlfError('INVALID_ARGUMENT', `f must be a function (x, y) => scalar, received ${typeof f}`, {
      param: 'f',
    });
  }
  return (x, y) => {
    const [value, gx, gy] = tf.tidy(() => {
      const xt = tf.tensor1d(Float32Array.from(x));
      const yt = tf.tensor1d(Float32Array.from(y));
      const { value: v, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => {
        const out = f(a as tf.Tensor1D, b as tf.Tensor1D);
        if (!(out instanceof tf.Tensor) || out.rank !== 0) {
          throw new DlfError('INVALID_SHAPE', 'f must return a scalar tensor', { param: 'f' });
        }
        return out as tf.Scalar;
      })([xt, yt]);
      return [v, grads[0]!, grads[1]!];
    });
    try {
      return {
        value: value.dataSync()[0] as number,
        gx: Float64Array.from(gx.dataSync()),
        gy: Float64Array.from(gy.dataSync()),
      };
    } finally {
      value.dispose();
      gx.dispose();
      gy.dispose();
    }
  };
}

/** A step of a min-max method: given the oracle and the current point, the next point (before projection). */
export type GameStep = (
  oracle: GameOracle,
  x: Float64Array,
  y: Float64Array,
  at: { value: number; gx: Float64Array; gy: Float64Array },
  etaX: number,
  etaY: number,
  project: (x: Float64Array, y: Float64Array) => void,
) => { x: Float64Array; y: Float64Array };

export function runGame(
  f: GameFn,
  x0: VectorLike,
  y0: VectorLike,
  options: GameOptions,
  step: GameStep,
): GameResult {
  const {
    learningRate = 0.1,
    steps = 100,
    projectX,
    projectY,
    keepIterates = true,
    onProgress,
    signal,
  } = options;
  const { learningRateY = learningRate } = options;
  assertPositive('learningRate', learningRate);
  assertPositive('learningRateY', learningRateY);
  assertInteger('steps', steps, { min: 0 });
  const oracle = gameOracle(f);
  let x = toVec('x0', x0);
  let y = toVec('y0', y0);
  const project = (px: Float64Array, py: Float64Array) => {
    if (projectX) px.set(checkProjection('projectX', projectX(Array.from(px)), px.length));
    if (projectY) py.set(checkProjection('projectY', projectY(Array.from(py)), py.length));
  };
  project(x, y);
  const result: GameResult = { x: [], y: [], values: [], fieldNorms: [], steps: 0, stoppedBy: 'steps' };
  if (keepIterates) {
    result.xs = [];
    result.ys = [];
  }
  let t = 0;
  for (; ; t++) {
    throwIfAborted(signal, 'min-max optimisation');
    const at = oracle(x, y);
    let g2 = 0;
    for (const v of at.gx) g2 += v * v;
    for (const v of at.gy) g2 += v * v;
    result.values.push(at.value);
    result.fieldNorms.push(Math.sqrt(g2));
    result.xs?.push(Array.from(x));
    result.ys?.push(Array.from(y));
    onProgress?.({ step: t, steps, value: at.value, fieldNorm: Math.sqrt(g2) });
    if (!Number.isFinite(at.value) || !Number.isFinite(g2)) {
      result.stoppedBy = 'diverged';
      break;
    }
    if (t >= steps) break;
    const next = step(oracle, x, y, at, learningRate, learningRateY, project);
    project(next.x, next.y);
    x = next.x;
    y = next.y;
  }
  result.x = Array.from(x);
  result.y = Array.from(y);
  result.steps = t;
  return result;
}

function checkProjection(param: string, v: unknown, length: number): number[] {
  if (
    !Array.isArray(v) ||
    v.length !== length ||
    !v.every((e) => typeof e === 'number' && Number.isFinite(e))
  ) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${param} must return ${length} finite numbers, received ${String(v)}`,
      {
        param,
      },
    );
  }
  return v;
}

/** z + eta * (-g_x, +g_y) for the two players. */
export function ascentDescent(
  x: Float64Array,
  y: Float64Array,
  gx: Float64Array,
  gy: Float64Array,
  etaX: number,
  etaY: number,
) {
  return { x: x.map((v, i) => v - etaX * gx[i]!), y: y.map((v, i) => v + etaY * gy[i]!) };
}
