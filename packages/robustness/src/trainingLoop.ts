/** The minibatch training loop shared by `adversarialTraining` and `trainWithNoise` (internal). */
import type { LabeledData, Rng } from '@dlf/runtime';
import * as runtime from '@dlf/runtime';
import { assertOneOf, assertPositive } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { Bounds, Labels } from './attackCore.js';
import { cleanForward, prepareInputs, prepareLabels } from './attackCore.js';
import type { Classifier, LogitsFn } from './classifier.js';
import { toLogitsFn } from './classifier.js';
import { DlfError, describeValue } from './errors.js';

/** Training data: tensors `{ x, y }` or a runtime `LabeledData` (flat arrays with `shape`). */
export type TrainingData = { x: tf.Tensor; y: Labels } | LabeledData;

/** Options every training function shares. */
export interface TrainingOptions {
  /** `'adam'` (default), `'sgd'`, `'momentum'` (0.9), or a `tf.Optimizer` you own. */
  optimizer?: 'adam' | 'sgd' | 'momentum' | tf.Optimizer;
  /** Learning rate of a named optimizer. Default 1e-3 (adam), 1e-2 (sgd, momentum). */
  learningRate?: number;
  /** Trainable variables of a function model (required for functions; a LayersModel's own are used). */
  variables?: tf.Variable[];
  /** Data for the per-epoch metrics. Default: the first 256 training examples. */
  validation?: TrainingData;
  /** Called after every batch. */
  onProgress?: (progress: {
    epoch: number;
    epochs: number;
    batch: number;
    batches: number;
    loss: number;
  }) => void;
  /** Stops after the current batch; the result then has `stopped: true` and the completed epochs. */
  signal?: AbortSignal;
}

export interface LoopSettings<M> extends TrainingOptions {
  bounds: Bounds;
  epochs: number;
  batchSize: number;
  rng: Rng;
  /** The training input made from a clean batch (owned by the loop afterwards). */
  perturb: (evalF: LogitsFn, xb: tf.Tensor, yb: Int32Array) => Promise<tf.Tensor>;
  /** Batch objective; default the mean cross-entropy on the perturbed batch. Called inside a tidy. */
  loss: ((trainF: LogitsFn, xb: tf.Tensor, xp: tf.Tensor, oneHot: tf.Tensor) => tf.Scalar) | undefined;
  /** Per-epoch metrics on the validation data. */
  evaluate: (evalF: LogitsFn, valX: tf.Tensor, valY: Int32Array, epoch: number) => Promise<M>;
}

export function toTensorsData(
  data: TrainingData,
  param: string,
): { x: tf.Tensor; y: Labels; owned: boolean } {
  if (data === null || typeof data !== 'object') {
    throw new DlfError('INVALID_ARGUMENT', `${param} must be { x, y }, received ${describeValue(data)}`, {
      param,
    });
  }
  if (data.x instanceof tf.Tensor) return { x: data.x, y: data.y as Labels, owned: false };
  const d = data as LabeledData;
  if (!(d.x instanceof Float32Array) || !Array.isArray(d.shape) || typeof d.n !== 'number') {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${param} must be { x: tf.Tensor, y } or LabeledData { x: Float32Array, y, n, shape }, received ${describeValue(data.x)}`,
      { param },
    );
  }
  return { x: tf.tensor(d.x, [d.n, ...d.shape], 'float32'), y: d.y, owned: true };
}

export function makeOptimizer(
  optimizer: TrainingOptions['optimizer'],
  learningRate: number | undefined,
): { opt: tf.Optimizer; owned: boolean } {
  // tf.Optimizer's instanceof check reads `.minimize` and throws on undefined: test by shape.
  if (typeof optimizer === 'object' && optimizer !== null && typeof optimizer.minimize === 'function') {
    if (learningRate !== undefined) {
      throw new DlfError('INVALID_ARGUMENT', 'learningRate cannot be combined with an optimizer instance', {
        param: 'learningRate',
      });
    }
    return { opt: optimizer, owned: false };
  }
  const name = optimizer ?? 'adam';
  assertOneOf('optimizer', name, ['adam', 'sgd', 'momentum'] as const);
  if (learningRate !== undefined) assertPositive('learningRate', learningRate);
  if (name === 'adam') return { opt: tf.train.adam(learningRate ?? 1e-3), owned: true };
  if (name === 'sgd') return { opt: tf.train.sgd(learningRate ?? 1e-2), owned: true };
  return { opt: tf.train.momentum(learningRate ?? 1e-2, 0.9), owned: true };
}

/** Runs the epochs; returns per-epoch `{ epoch, loss, ...metrics }` and whether `signal` stopped it. */
export async function trainingLoop<M extends object>(
  model: Classifier,
  data: TrainingData,
  s: LoopSettings<M>,
): Promise<{ history: Array<{ epoch: number; loss: number } & M>; stopped: boolean }> {
  let variables: tf.Variable[];
  if (model instanceof tf.LayersModel) {
    variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  } else if (typeof model === 'function') {
    if (!Array.isArray(s.variables) || s.variables.length === 0) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `variables must list the trainable tf.Variables of a function model, received ${describeValue(s.variables)}`,
        { param: 'variables' },
      );
    }
    variables = s.variables;
  } else {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `model must be a tf.LayersModel or a function (x) => logits, received ${describeValue(model)}`,
      { param: 'model' },
    );
  }
  const evalF = toLogitsFn(model);
  const trainF = toLogitsFn(model, { training: true });
  // tfjs-backend-wasm has no Conv2DBackpropFilter kernel; the runtime registers one for its own fit.
  // Use it when the runtime exports it, so convolutional models train here too.
  const register = (runtime as unknown as Record<string, unknown>).registerWasmTrainingKernels;
  if (tf.getBackend() === 'wasm' && typeof register === 'function') register();
  const train = toTensorsData(data, 'data');
  const val = s.validation ? toTensorsData(s.validation, 'validation') : undefined;
  const { opt, owned } = makeOptimizer(s.optimizer, s.learningRate);
  const disposeLater: tf.Tensor[] = [];
  if (train.owned) disposeLater.push(train.x);
  if (val?.owned) disposeLater.push(val.x);
  try {
    const inputs = prepareInputs(train.x, s.bounds, 'data.x');
    const first = train.x.slice(0, 1);
    const { numClasses } = cleanForward(evalF, first);
    first.dispose();
    const labels = prepareLabels(train.y, inputs.n, numClasses, 'data.y');
    const n = inputs.n;
    let valX: tf.Tensor;
    let valY: Int32Array;
    if (val) {
      const vi = prepareInputs(val.x, s.bounds, 'validation.x');
      valX = val.x;
      valY = prepareLabels(val.y, vi.n, numClasses, 'validation.y');
    } else {
      const m = Math.min(n, 256);
      valX = train.x.slice(0, m);
      disposeLater.push(valX);
      valY = labels.slice(0, m);
    }
    const rowShape = train.x.shape.slice(1);
    const batches = Math.ceil(n / s.batchSize);
    const history: Array<{ epoch: number; loss: number } & M> = [];
    for (let epoch = 0; epoch < s.epochs; epoch++) {
      const order = s.rng.permutation(n);
      let lossSum = 0;
      for (let b = 0; b < batches; b++) {
        if (s.signal?.aborted) return { history, stopped: true };
        const idx = order.slice(b * s.batchSize, Math.min(n, (b + 1) * s.batchSize));
        const xbData = new Float32Array(idx.length * inputs.d);
        for (let i = 0; i < idx.length; i++) {
          const r = idx[i] as number;
          xbData.set(inputs.data.subarray(r * inputs.d, (r + 1) * inputs.d), i * inputs.d);
        }
        const yb = Int32Array.from(idx, (r) => labels[r] as number);
        const xb = tf.tensor(xbData, [idx.length, ...rowShape]);
        let xp: tf.Tensor | undefined;
        const ybT = tf.tensor1d(yb, 'int32');
        const oneHot = tf.tidy(() => tf.oneHot(ybT, numClasses).toFloat());
        let cost: tf.Scalar | null = null;
        try {
          const perturbed = await s.perturb(evalF, xb, yb);
          xp = perturbed;
          cost = opt.minimize(
            () =>
              tf.tidy(() =>
                s.loss
                  ? s.loss(trainF, xb, perturbed, oneHot)
                  : (tf.losses.softmaxCrossEntropy(oneHot, trainF(perturbed)) as tf.Scalar),
              ),
            true,
            variables,
          );
          const value = (cost as tf.Scalar).dataSync()[0] as number;
          if (!Number.isFinite(value)) {
            throw new DlfError(
              'NON_FINITE',
              `the training loss became ${value} at epoch ${epoch}, batch ${b}`,
              {
                param: 'learningRate',
              },
            );
          }
          lossSum += value;
          s.onProgress?.({ epoch, epochs: s.epochs, batch: b, batches, loss: value });
          if (s.onProgress) await Promise.resolve();
        } finally {
          cost?.dispose();
          xb.dispose();
          xp?.dispose();
          ybT.dispose();
          oneHot.dispose();
        }
      }
      const metrics = await s.evaluate(evalF, valX, valY, epoch);
      history.push({ epoch, loss: lossSum / batches, ...metrics });
    }
    return { history, stopped: false };
  } finally {
    for (const t of disposeLater) t.dispose();
    if (owned) opt.dispose();
  }
}
