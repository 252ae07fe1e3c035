import * as tf from '@tensorflow/tfjs';
import { type SeedLike, toRng } from './createRng.js';
import { DlfError, describeValue } from './DlfError.js';
import { registerWasmTrainingKernels } from './registerWasmTrainingKernels.js';
import { assertInRange, assertInteger, assertOneOf, assertPositive } from './validate.js';

/**
 * A training loss: a built-in name, or `(yTrue, yPred) => tf.Scalar` (the mean over the batch).
 *
 * - `'softmaxCrossEntropy'`: `yPred` are logits `[n, C]`; `yTrue` class indices `[n]` (int32, or
 *   float32 holding integers) or one-hot / probability rows `[n, C]`.
 * - `'mse'`: mean of `(yPred - yTrue)^2` over all entries; `yTrue` has the shape of `yPred` (a
 *   vector `[n]` is accepted for one output).
 * - `'binaryCrossEntropy'`: `yPred` are logits `z` of `[n, 1]` (or `[n]`), `yTrue` in {0, 1};
 *   `mean(softplus(z) - y z)`, the cross-entropy of `sigmoid(z)`.
 */
export type FitLoss =
  | 'softmaxCrossEntropy'
  | 'mse'
  | 'binaryCrossEntropy'
  | ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar);

/** Optimisers `fit` can create by name (tfjs's implementations). */
export type OptimizerName = 'sgd' | 'momentum' | 'rmsprop' | 'adam';

/** A dataset as tensors: `x` `[n, ...inputShape]` and `y` `[n, ...]`, one row per example. */
export interface FitData {
  x: tf.Tensor;
  y: tf.Tensor;
}

/** What `onProgress` receives after every batch (`epoch` and `batch` count from 0). */
export interface FitProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Loss of this batch (before its update). */
  loss: number;
  /** Accuracy on this batch, when accuracy is tracked. */
  accuracy?: number;
}

/** Per-epoch results: means over the epoch's examples (training) or the validation set. */
export interface EpochLogs {
  loss: number;
  accuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
}

/** What `fit` returns. */
export interface History {
  /** One entry per completed epoch. */
  epochs: EpochLogs[];
  /** True when `signal` aborted the run: `epochs` then holds only the completed epochs. */
  stopped: boolean;
}

/** Options of {@link fit}. */
export interface FitOptions {
  /** Default: 'softmaxCrossEntropy'. */
  loss?: FitLoss;
  /** A name, or a `tf.Optimizer` you own (not disposed by `fit`). Default: 'adam'. */
  optimizer?: OptimizerName | tf.Optimizer;
  /**
   * Step size for a named optimizer, or a schedule `(epoch) => step size` evaluated at the start of
   * every epoch (epochs count from 0). Default: 0.01 for 'sgd' and 'momentum', 0.001 for 'rmsprop'
   * and 'adam' (Keras's defaults). Not allowed with an optimizer instance.
   */
  learningRate?: number | ((epoch: number) => number);
  /** Momentum coefficient of 'momentum' (heavy ball), in [0, 1). Default: 0.9. */
  momentum?: number;
  /** Passes over the data, >= 1. Default: 1. */
  epochs?: number;
  /** Examples per step (the last batch of an epoch may be smaller), >= 1. Default: 32. */
  batchSize?: number;
  /** Seed of the per-epoch shuffling. Default: 0. */
  seed?: SeedLike;
  /** Visit the examples in a fresh seeded random order every epoch. Default: true. */
  shuffle?: boolean;
  /** Evaluated after every epoch (`valLoss`, `valAccuracy`). */
  validationData?: FitData;
  /**
   * Metrics to track. Default: `['accuracy']` for 'softmaxCrossEntropy' and 'binaryCrossEntropy',
   * `[]` otherwise. Accuracy needs one of those two losses.
   */
  metrics?: readonly 'accuracy'[];
  /** Called after every batch; may return a promise, which is awaited. */
  onProgress?: (progress: FitProgress) => void | Promise<void>;
  /** Called after every epoch with its logs; may return a promise, which is awaited. */
  onEpochEnd?: (epoch: number, logs: EpochLogs) => void | Promise<void>;
  /** Stops training after the current batch; `fit` then resolves with `stopped: true`. */
  signal?: AbortSignal;
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Default: 'softmaxCrossEntropy'. */
  loss?: FitLoss;
  /** Examples per forward pass (memory only; the result does not depend on it). Default: 256. */
  batchSize?: number;
  /** Default: as in {@link FitOptions.metrics}. */
  metrics?: readonly 'accuracy'[];
}

/** What {@link evaluate} returns: means over the examples. */
export interface Evaluation {
  loss: number;
  accuracy?: number;
}

type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;

/** How a loss reads labels and scores, resolved once per call. */
interface LossPlan {
  name: string;
  fn: LossFn;
  /** Number of correct predictions in a batch, or undefined when accuracy does not apply. */
  correct?: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;
}

const LOSS_NAMES = ['softmaxCrossEntropy', 'mse', 'binaryCrossEntropy'] as const;
const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'momentum', 'rmsprop', 'adam'];

function asModel(model: unknown): tf.LayersModel {
  if (model instanceof tf.LayersModel) return model;
  if (
    model !== null &&
    typeof model === 'object' &&
    (model as { model?: unknown }).model instanceof tf.LayersModel
  ) {
    return (model as { model: tf.LayersModel }).model;
  }
  throw new DlfError(
    'INVALID_ARGUMENT',
    `model must be a tf.LayersModel (or a fromLayersModel wrapper), received ${describeValue(model)}`,
    { param: 'model' },
  );
}

function symbolicShape(model: tf.LayersModel, what: 'input' | 'output'): (number | null)[] {
  const list = what === 'input' ? model.inputs : model.outputs;
  if (list.length !== 1) {
    throw new DlfError(
      'UNSUPPORTED',
      `fit needs a model with one ${what}, received one with ${list.length}`,
      {
        param: 'model',
      },
    );
  }
  return (list[0] as tf.SymbolicTensor).shape.slice(1);
}

function shapeText(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => d ?? 'any').join(', ')}]`;
}

/** Checks x and y against each other, the model and the loss; returns the number of examples. */
function checkData(model: tf.LayersModel, data: unknown, loss: FitLoss, param: string): number {
  if (data === null || typeof data !== 'object') {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${param} must be an object { x, y } of tensors, received ${describeValue(data)}`,
      {
        param,
      },
    );
  }
  const { x, y } = data as Partial<FitData>;
  for (const [name, t] of [
    ['x', x],
    ['y', y],
  ] as const) {
    if (!(t instanceof tf.Tensor)) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `${param}.${name} must be a tf.Tensor, received ${describeValue(t)}`,
        {
          param: `${param}.${name}`,
        },
      );
    }
    if (t.rank < 1 || t.shape[0] === 0) {
      throw new DlfError(
        'INVALID_SHAPE',
        `${param}.${name} must have at least one example, received shape [${t.shape.join(', ')}]`,
        {
          param: `${param}.${name}`,
        },
      );
    }
  }
  const xt = x as tf.Tensor;
  const yt = y as tf.Tensor;
  const n = xt.shape[0] as number;
  if (yt.shape[0] !== n) {
    throw new DlfError(
      'INVALID_SHAPE',
      `${param}.x and ${param}.y must have the same number of examples, received x [${xt.shape.join(', ')}] and y [${yt.shape.join(', ')}]`,
      { param: `${param}.y` },
    );
  }
  const inShape = symbolicShape(model, 'input');
  const xRest = xt.shape.slice(1);
  if (xRest.length !== inShape.length || inShape.some((d, i) => d !== null && d !== xRest[i])) {
    throw new DlfError(
      'INVALID_SHAPE',
      `${param}.x must have shape [n, ${shapeText(inShape).slice(1)} for this model, received [${xt.shape.join(', ')}]`,
      { param: `${param}.x` },
    );
  }
  const outShape = symbolicShape(model, 'output');
  const yRest = yt.shape.slice(1);
  const outMatches =
    yRest.length === outShape.length && outShape.every((d, i) => d === null || d === yRest[i]);
  if (loss === 'softmaxCrossEntropy') {
    const classes = outShape[outShape.length - 1];
    if (outShape.length !== 1 || classes === null || classes === undefined) {
      throw new DlfError(
        'UNSUPPORTED',
        `softmaxCrossEntropy needs a model with outputs [n, classes], this one has [n, ${shapeText(outShape).slice(1)}`,
        {
          param: 'loss',
        },
      );
    }
    if (yt.rank === 1) {
      const labels = yt.dataSync();
      for (let i = 0; i < labels.length; i++) {
        const label = labels[i] as number;
        if (!Number.isInteger(label) || label < 0 || label >= classes) {
          throw new DlfError(
            'INVALID_DATA',
            `${param}.y holds class indices, which must be integers in 0..${classes - 1}; received y[${i}] = ${label}`,
            { param: `${param}.y` },
          );
        }
      }
    } else if (!outMatches) {
      throw new DlfError(
        'INVALID_SHAPE',
        `${param}.y must be class indices [n] or one-hot rows [n, ${classes}], received [${yt.shape.join(', ')}]`,
        { param: `${param}.y` },
      );
    }
  } else if (loss === 'mse' || loss === 'binaryCrossEntropy') {
    const outSize = outShape.every((d) => d !== null)
      ? (outShape as number[]).reduce((a, b) => a * b, 1)
      : -1;
    const vectorOk = yt.rank === 1 && outSize === 1;
    if (!outMatches && !vectorOk) {
      throw new DlfError(
        'INVALID_SHAPE',
        `${param}.y must have the model's output shape [n, ${shapeText(outShape).slice(1)} for ${loss}, received [${yt.shape.join(', ')}]`,
        { param: `${param}.y` },
      );
    }
  }
  return n;
}

function planLoss(loss: FitLoss): LossPlan {
  if (typeof loss === 'function') return { name: 'custom', fn: loss };
  assertOneOf('loss', loss, LOSS_NAMES);
  if (loss === 'softmaxCrossEntropy') {
    const oneHot = (yTrue: tf.Tensor, logits: tf.Tensor): tf.Tensor =>
      yTrue.rank === 1
        ? tf.oneHot(
            yTrue.dtype === 'int32' ? (yTrue as tf.Tensor1D) : tf.cast(yTrue, 'int32'),
            logits.shape[1] as number,
          )
        : yTrue;
    return {
      name: loss,
      fn: (yTrue, logits) => tf.losses.softmaxCrossEntropy(oneHot(yTrue, logits), logits) as tf.Scalar,
      correct: (yTrue, logits) => {
        const truth = yTrue.rank === 1 ? tf.cast(yTrue, 'int32') : tf.argMax(yTrue, -1);
        return tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), truth), 'float32'));
      },
    };
  }
  const matched = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.reshape(yTrue.dtype === 'float32' ? yTrue : tf.cast(yTrue, 'float32'), yPred.shape);
  if (loss === 'mse') {
    return {
      name: loss,
      fn: (yTrue, yPred) => tf.mean(tf.squaredDifference(yPred, matched(yTrue, yPred))) as tf.Scalar,
    };
  }
  return {
    name: loss,
    fn: (yTrue, logits) => tf.losses.sigmoidCrossEntropy(matched(yTrue, logits), logits) as tf.Scalar,
    correct: (yTrue, logits) =>
      tf.sum(tf.cast(tf.equal(tf.greater(logits, 0), tf.greater(matched(yTrue, logits), 0.5)), 'float32')),
  };
}

function wantsAccuracy(plan: LossPlan, metrics: readonly string[] | undefined): boolean {
  if (metrics === undefined) return plan.correct !== undefined;
  if (!Array.isArray(metrics)) {
    throw new DlfError('INVALID_ARGUMENT', `metrics must be an array, received ${describeValue(metrics)}`, {
      param: 'metrics',
    });
  }
  metrics.forEach((m, i) => {
    assertOneOf(`metrics[${i}]`, m, ['accuracy'] as const);
  });
  if (metrics.includes('accuracy') && plan.correct === undefined) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `metrics 'accuracy' needs loss 'softmaxCrossEntropy' or 'binaryCrossEntropy', received loss ${plan.name}`,
      { param: 'metrics' },
    );
  }
  return metrics.includes('accuracy');
}

/** Sets the step size of an optimizer `fit` created (tfjs reads it at every step). */
function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  // tfjs optimisers answer `instanceof` by duck typing, so test for the method itself: SGD and
  // momentum cache -lr in a tensor that setLearningRate replaces; Adam and RMSProp read the field.
  const sgd = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
  if (typeof sgd.setLearningRate === 'function') sgd.setLearningRate(lr);
  else sgd.learningRate = lr;
}

function makeOptimizer(
  optimizer: OptimizerName | tf.Optimizer,
  learningRate: number | undefined,
  momentum: number,
): { optimizer: tf.Optimizer; owned: boolean } {
  if (optimizer instanceof tf.Optimizer) {
    if (learningRate !== undefined) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `learningRate cannot be combined with an optimizer instance (received ${learningRate}); set it when creating the optimizer`,
        { param: 'learningRate' },
      );
    }
    return { optimizer, owned: false };
  }
  if (typeof optimizer !== 'string' || !OPTIMIZERS.includes(optimizer)) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `optimizer must be one of ${OPTIMIZERS.map((o) => `'${o}'`).join(', ')} or a tf.Optimizer, received ${describeValue(optimizer)}`,
      { param: 'optimizer' },
    );
  }
  const lr = learningRate ?? (optimizer === 'sgd' || optimizer === 'momentum' ? 0.01 : 0.001);
  assertPositive('learningRate', lr);
  switch (optimizer) {
    case 'sgd':
      return { optimizer: tf.train.sgd(lr), owned: true };
    case 'momentum':
      return { optimizer: tf.train.momentum(lr, momentum), owned: true };
    case 'rmsprop':
      return { optimizer: tf.train.rmsprop(lr), owned: true };
    case 'adam':
      return { optimizer: tf.train.adam(lr), owned: true };
  }
}

/** Regularisation terms the model's layers registered (kernelRegularizer, ...), if any. */
function regularization(model: tf.LayersModel): tf.Scalar[] {
  const calc = (model as unknown as { calculateLosses?: () => tf.Scalar[] }).calculateLosses;
  return typeof calc === 'function' ? calc.call(model) : [];
}

/**
 * Batches cut from a host copy of a tensor: rows `order[start .. start + size)` (or the contiguous
 * rows when `order` is undefined) copied into a new tensor. Cutting on the host costs one copy of
 * the batch; slicing a large device tensor costs a copy of the whole tensor on the wasm backend.
 */
interface RowSource {
  batch(order: Int32Array | undefined, start: number, size: number): tf.Tensor;
}

async function rowSource(t: tf.Tensor): Promise<RowSource> {
  const values = (await t.data()) as Float32Array | Int32Array | Uint8Array;
  const rowShape = t.shape.slice(1);
  const width = rowShape.reduce((a, b) => a * b, 1);
  const dtype = t.dtype;
  return {
    batch(order, start, size) {
      let chunk: Float32Array | Int32Array | Uint8Array;
      if (order === undefined) {
        chunk = values.slice(start * width, (start + size) * width);
      } else {
        chunk = new (values.constructor as new (n: number) => typeof values)(size * width);
        for (let i = 0; i < size; i++) {
          const row = order[start + i] as number;
          chunk.set(values.subarray(row * width, (row + 1) * width), i * width);
        }
      }
      return tf.tensor(chunk, [size, ...rowShape], dtype);
    },
  };
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Mean loss (and accuracy) of `model` on `data`, in inference mode, by batches of `batchSize`:
 * `loss = (1/n) sum_batches |batch| * loss(batch)` (the exact mean for the built-in losses, which
 * are means over their examples).
 *
 * @example
 * ```ts
 * const { loss, accuracy } = await evaluate(model, { x: xTest, y: yTest });
 * ```
 */
export async function evaluate(
  model: tf.LayersModel | { model: tf.LayersModel },
  data: FitData,
  options: EvaluateOptions = {},
): Promise<Evaluation> {
  const m = asModel(model);
  const { loss = 'softmaxCrossEntropy', batchSize = 256 } = options;
  const plan = planLoss(loss);
  const withAccuracy = wantsAccuracy(plan, options.metrics);
  assertInteger('batchSize', batchSize, { min: 1 });
  const n = checkData(m, data, loss, 'data');
  const xs = await rowSource(data.x);
  const ys = await rowSource(data.y);
  const totals = tf.tidy(() => {
    let lossSum: tf.Tensor = tf.scalar(0);
    let correctSum: tf.Tensor = tf.scalar(0);
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const xb = xs.batch(undefined, start, size);
      const yb = ys.batch(undefined, start, size);
      const pred = m.apply(xb, { training: false }) as tf.Tensor;
      lossSum = tf.add(lossSum, tf.mul(plan.fn(yb, pred), size));
      if (withAccuracy && plan.correct) correctSum = tf.add(correctSum, plan.correct(yb, pred));
    }
    return tf.stack([lossSum, correctSum]);
  });
  const [lossSum, correctSum] = await totals.data();
  totals.dispose();
  const result: Evaluation = { loss: (lossSum as number) / n };
  if (withAccuracy) result.accuracy = (correctSum as number) / n;
  return result;
}

/**
 * Trains a `tf.LayersModel` (or the model inside a `fromLayersModel` wrapper) by minibatch
 * gradient descent: every epoch visits the examples in a seeded random order (`createRng(seed)`,
 * one permutation per epoch), and each batch takes one optimiser step on
 * `loss(y_batch, model(x_batch))` (plus any layer regularisers) with the model in training mode.
 * Same seed, same model initialisation (the builders take a `seed`), same data and the cpu
 * backend give bitwise-identical trained weights. Dropout layers without a seed of their own make
 * runs differ.
 *
 * On abort (`signal`), training stops after the current batch and the promise resolves with
 * `stopped: true`; the model keeps the updates made so far, `epochs` holds the completed epochs.
 * A non-finite batch loss stops training with `DlfError('NON_FINITE')`. On the wasm backend it
 * first calls {@link registerWasmTrainingKernels}.
 *
 * @returns `{ epochs: [{ loss, accuracy?, valLoss?, valAccuracy? }], stopped }`.
 * @example
 * ```ts
 * const model = createCnn({ inputShape: [28, 28, 1], numClasses: 10, seed: 0 });
 * const { x, y } = toTensors((await loadMnist()).train);
 * const history = await fit(model, { x, y }, { epochs: 3, batchSize: 64, seed: 0 });
 * ```
 */
export async function fit(
  model: tf.LayersModel | { model: tf.LayersModel },
  data: FitData,
  options: FitOptions = {},
): Promise<History> {
  const m = asModel(model);
  const {
    loss = 'softmaxCrossEntropy',
    optimizer = 'adam',
    learningRate,
    momentum = 0.9,
    epochs = 1,
    batchSize = 32,
    shuffle = true,
    validationData,
    onProgress,
    onEpochEnd,
    signal,
  } = options;
  const plan = planLoss(loss);
  const withAccuracy = wantsAccuracy(plan, options.metrics);
  assertInteger('epochs', epochs, { min: 1 });
  assertInteger('batchSize', batchSize, { min: 1 });
  assertInRange('momentum', momentum, 0, 1, { maxInclusive: false });
  const schedule = typeof learningRate === 'function' ? learningRate : undefined;
  const scheduled = (epoch: number): number => {
    const lr = (schedule as (epoch: number) => number)(epoch);
    assertPositive(`learningRate(${epoch})`, lr);
    return lr;
  };
  if (learningRate !== undefined && !schedule) assertPositive('learningRate', learningRate);
  if (typeof shuffle !== 'boolean') {
    throw new DlfError('INVALID_ARGUMENT', `shuffle must be a boolean, received ${describeValue(shuffle)}`, {
      param: 'shuffle',
    });
  }
  for (const [name, fn] of [
    ['onProgress', onProgress],
    ['onEpochEnd', onEpochEnd],
  ] as const) {
    if (fn !== undefined && typeof fn !== 'function') {
      throw new DlfError('INVALID_ARGUMENT', `${name} must be a function, received ${describeValue(fn)}`, {
        param: name,
      });
    }
  }
  const n = checkData(m, data, loss, 'data');
  if (validationData !== undefined) checkData(m, validationData, loss, 'validationData');
  const rng = toRng(options.seed);
  const xs = await rowSource(data.x);
  const ys = await rowSource(data.y);
  const opt = makeOptimizer(
    optimizer,
    schedule ? scheduled(0) : (learningRate as number | undefined),
    momentum,
  );
  if (tf.getBackend() === 'wasm') registerWasmTrainingKernels();

  const variables = m.trainableWeights.map((w) => w.read() as tf.Variable);
  const batches = Math.ceil(n / batchSize);
  const history: History = { epochs: [], stopped: false };
  let lastYield = performance.now();
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      if (signal?.aborted) {
        history.stopped = true;
        return history;
      }
      if (schedule && epoch > 0) setLearningRate(opt.optimizer, scheduled(epoch));
      const order = shuffle ? Int32Array.from(rng.permutation(n)) : undefined;
      let lossSum = 0;
      let correctSum = 0;
      for (let batch = 0; batch < batches; batch++) {
        const start = batch * batchSize;
        const size = Math.min(batchSize, n - start);
        const xb = xs.batch(order, start, size);
        const yb = ys.batch(order, start, size);
        const side: { correct?: tf.Scalar } = {};
        let cost: tf.Scalar | null = null;
        try {
          cost = opt.optimizer.minimize(
            () => {
              const pred = m.apply(xb, { training: true }) as tf.Tensor;
              if (withAccuracy && plan.correct) side.correct = tf.keep(plan.correct(yb, pred));
              const main = plan.fn(yb, pred);
              const extra = regularization(m);
              return (extra.length === 0 ? main : tf.addN([main, ...extra])) as tf.Scalar;
            },
            true,
            variables,
          );
          const batchLoss = (await (cost as tf.Scalar).data())[0] as number;
          const batchCorrect = side.correct ? ((await side.correct.data())[0] as number) : 0;
          if (!Number.isFinite(batchLoss)) {
            throw new DlfError(
              'NON_FINITE',
              `the training loss became ${batchLoss} at epoch ${epoch}, batch ${batch}; lower learningRate or check the data for non-finite values`,
              { param: 'learningRate' },
            );
          }
          lossSum += batchLoss * size;
          correctSum += batchCorrect;
          if (onProgress) {
            const progress: FitProgress = { epoch, epochs, batch, batches, loss: batchLoss };
            if (withAccuracy) progress.accuracy = batchCorrect / size;
            await onProgress(progress);
          }
        } finally {
          xb.dispose();
          yb.dispose();
          cost?.dispose();
          side.correct?.dispose();
        }
        if (signal?.aborted) {
          history.stopped = true;
          return history;
        }
        if (performance.now() - lastYield > 50) {
          await yieldToEventLoop();
          lastYield = performance.now();
          if (signal?.aborted) {
            history.stopped = true;
            return history;
          }
        }
      }
      const logs: EpochLogs = { loss: lossSum / n };
      if (withAccuracy) logs.accuracy = correctSum / n;
      if (validationData !== undefined) {
        const val = await evaluate(m, validationData, { loss, metrics: withAccuracy ? ['accuracy'] : [] });
        logs.valLoss = val.loss;
        if (val.accuracy !== undefined) logs.valAccuracy = val.accuracy;
      }
      history.epochs.push(logs);
      if (onEpochEnd) await onEpochEnd(epoch, logs);
    }
    return history;
  } finally {
    if (opt.owned) disposeOptimizer(opt.optimizer);
  }
}

/**
 * Disposes an optimizer `fit` created. tfjs 4.22's MomentumOptimizer.dispose forgets the -lr scalar
 * that SGDOptimizer keeps (`c`), so it is disposed here too.
 */
function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  const c = (optimizer as unknown as { c?: tf.Tensor }).c;
  if (c instanceof tf.Tensor && !c.isDisposed) c.dispose();
}
