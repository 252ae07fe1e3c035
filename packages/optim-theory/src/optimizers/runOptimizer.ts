import { assertInteger, assertPositive, DlfError, type SeedLike, throwIfAborted, toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { toVec, type VectorLike } from '../linalg.js';

/**
 * A loss on a flat parameter vector, returning a scalar tensor (checked at run time). When the
 * optimiser runs on minibatches (`batchSize` set), it is called with the int32 indices of the current
 * batch; use them with `tf.gather(X, batch)`. Without `batchSize`, `batch` is undefined and the loss
 * is the full objective.
 */
export type FlatLoss = (w: tf.Tensor1D, batch?: Int32Array) => tf.Tensor;

/** A step size, constant or as a function of the step index t = 0, 1, ... */
export type LearningRate = number | ((step: number) => number);

/** Options shared by every optimiser of this package. */
export interface OptimizerOptions {
  /** Step size eta (constant, or a schedule t -> eta_t). Default: per optimiser. */
  learningRate?: LearningRate;
  /** Number of updates. Default: 100. */
  steps?: number;
  /** Keep w_0..w_T in `iterates` (memory: (steps + 1) x numParams numbers). Default: false. */
  keepIterates?: boolean;
  /** Stop as soon as ||grad L(w_t)|| <= gradTolerance. Default: 0 (never). */
  gradTolerance?: number;
  /** Minibatch size; requires `numExamples`. Batches sweep a fresh permutation each epoch. Default: full batch. */
  batchSize?: number;
  /** Number of training examples the batch indices range over (0..numExamples-1). */
  numExamples?: number;
  /** Seed of the minibatch order (only used with `batchSize`). Default: 0. */
  seed?: SeedLike;
  /** Called after every step with the step index, the loss and the gradient norm there. */
  onProgress?: (progress: { step: number; steps: number; loss: number; gradNorm: number }) => void;
  /** Aborts the run: the optimiser throws `DlfError('ABORTED')`. */
  signal?: AbortSignal;
}

/** What every optimiser returns. */
export interface OptimizerResult {
  /** The final iterate w_T. */
  w: number[];
  /** L(w_t) for t = 0..T (the minibatch loss when running on minibatches). Length T + 1. */
  losses: number[];
  /** ||grad L(w_t)||_2 for t = 0..T. Length T + 1. */
  gradNorms: number[];
  /** w_0..w_T when `keepIterates` is true. */
  iterates?: number[][];
  /** Number of updates actually made, T. */
  steps: number;
  /** Why the run stopped: all steps done, gradient tolerance reached, or loss/gradient non-finite. */
  stoppedBy: 'steps' | 'gradTolerance' | 'diverged';
}

/** A first-order oracle on float64 parameters: value and gradient at w (optionally on a batch). */
export type Oracle = (w: Float64Array, batch?: Int32Array) => { value: number; grad: Float64Array };

/** An update rule: mutates w in place given the gradient g at w, the step index t and the step size. */
export interface UpdateRule {
  step(w: Float64Array, g: Float64Array, t: number, lr: number): void;
  /** For adaptive rules: the current per-coordinate step scaling (the diagonal preconditioner). */
  preconditioner?(): Float64Array;
}

/** Turns a tfjs loss into a float64 oracle (gradients by tfjs autodiff, parameters cast to float32). */
export function tfOracle(loss: FlatLoss): Oracle {
  return (w, batch) => {
    const { value, grad } = tf.tidy(() => {
      const wt = tf.tensor1d(Float32Array.from(w));
      const f = (p: tf.Tensor) => loss(p as tf.Tensor1D, batch);
      return tf.valueAndGrad(f)(wt);
    });
    try {
      if (value.rank !== 0) {
        throw new DlfError(
          'INVALID_SHAPE',
          `loss must return a scalar, received shape [${value.shape.join(', ')}]`,
          {
            param: 'loss',
          },
        );
      }
      return { value: value.dataSync()[0] as number, grad: Float64Array.from(grad.dataSync()) };
    } finally {
      value.dispose();
      grad.dispose();
    }
  };
}

export function checkCommonOptions(options: OptimizerOptions): void {
  const { learningRate, steps, gradTolerance, batchSize, numExamples } = options;
  if (learningRate !== undefined && typeof learningRate !== 'function')
    assertPositive('learningRate', learningRate);
  if (steps !== undefined) assertInteger('steps', steps, { min: 0 });
  if (gradTolerance !== undefined && !(gradTolerance >= 0)) {
    throw new DlfError('INVALID_ARGUMENT', `gradTolerance must be >= 0, received ${gradTolerance}`, {
      param: 'gradTolerance',
    });
  }
  if (batchSize !== undefined) {
    assertInteger('batchSize', batchSize, { min: 1 });
    if (numExamples === undefined) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        'numExamples is required when batchSize is set, received undefined',
        {
          param: 'numExamples',
        },
      );
    }
    assertInteger('numExamples', numExamples, { min: 1 });
    if (batchSize > numExamples) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `batchSize must be <= numExamples (${numExamples}), received ${batchSize}`,
        {
          param: 'batchSize',
        },
      );
    }
  }
}

/** Reads w0 (array or tensor) and checks the loss is a function. */
export function readStart(loss: unknown, w0: VectorLike): Float64Array {
  if (typeof loss !== 'function') {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `loss must be a function (w, batch?) => scalar, received ${typeof loss}`,
      {
        param: 'loss',
      },
    );
  }
  const w = toVec('w0', w0);
  if (w.length === 0) {
    throw new DlfError('INVALID_SHAPE', 'w0 must have at least one entry, received length 0', {
      param: 'w0',
    });
  }
  return w;
}

/**
 * The loop shared by all optimisers: evaluate (value, gradient), record, stop or update. Runs on a
 * float64 oracle so the same loop serves tfjs losses and closed-form linear models.
 */
export async function runOptimizer(
  oracle: Oracle,
  w0: Float64Array,
  rule: UpdateRule,
  options: OptimizerOptions,
  defaultLearningRate: number,
): Promise<OptimizerResult> {
  checkCommonOptions(options);
  const {
    learningRate = defaultLearningRate,
    steps = 100,
    keepIterates = false,
    gradTolerance = 0,
    batchSize,
    numExamples,
    seed,
    onProgress,
    signal,
  } = options;
  const lrAt = typeof learningRate === 'function' ? learningRate : () => learningRate;
  const rng = batchSize === undefined ? undefined : toRng(seed);
  let order: number[] = [];
  let cursor = 0;
  const nextBatch = (): Int32Array | undefined => {
    if (rng === undefined || batchSize === undefined || numExamples === undefined) return undefined;
    if (cursor + batchSize > order.length) {
      order = rng.permutation(numExamples);
      cursor = 0;
    }
    const b = Int32Array.from(order.slice(cursor, cursor + batchSize));
    cursor += batchSize;
    return b;
  };

  const w = Float64Array.from(w0);
  const losses: number[] = [];
  const gradNorms: number[] = [];
  const iterates: number[][] | undefined = keepIterates ? [] : undefined;
  let stoppedBy: OptimizerResult['stoppedBy'] = 'steps';
  let t = 0;
  for (; ; t++) {
    throwIfAborted(signal, 'optimiser');
    const { value, grad } = oracle(w, nextBatch());
    if (grad.length !== w.length) {
      throw new DlfError(
        'INVALID_SHAPE',
        `the gradient has length ${grad.length}, expected ${w.length} (w0's length)`,
        {
          param: 'loss',
        },
      );
    }
    let g2 = 0;
    for (let i = 0; i < grad.length; i++) g2 += grad[i]! * grad[i]!;
    const gn = Math.sqrt(g2);
    losses.push(value);
    gradNorms.push(gn);
    iterates?.push(Array.from(w));
    onProgress?.({ step: t, steps, loss: value, gradNorm: gn });
    if (!Number.isFinite(value) || !Number.isFinite(gn)) {
      stoppedBy = 'diverged';
      break;
    }
    if (gn <= gradTolerance) {
      stoppedBy = 'gradTolerance';
      break;
    }
    if (t >= steps) break;
    const lr = lrAt(t);
    if (!(lr > 0) || !Number.isFinite(lr)) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `learningRate(${t}) must be a finite number > 0, received ${lr}`,
        {
          param: 'learningRate',
        },
      );
    }
    rule.step(w, grad, t, lr);
  }
  const result: OptimizerResult = { w: Array.from(w), losses, gradNorms, steps: t, stoppedBy };
  if (iterates) result.iterates = iterates;
  return result;
}
