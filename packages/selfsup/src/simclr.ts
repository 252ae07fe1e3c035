import {
  assertInteger,
  assertLabeledData,
  assertParamVector,
  assertPositive,
  DlfError,
  type LabeledData,
  type MlpModel,
  mlp,
  type ParamModel,
  type SeedLike,
  toRng,
} from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { Augmentation } from './augment/Augmentation.js';
import { colorJitter } from './augment/colorJitter.js';
import { compose } from './augment/compose.js';
import { gaussianNoise } from './augment/gaussianNoise.js';
import { randomResizedCrop } from './augment/randomResizedCrop.js';
import { twoViews } from './augment/twoViews.js';
import { describeValue } from './describeValue.js';
import { assertParamModel, makeYielder } from './metaTrainLoop.js';
import { ntXentLoss } from './ntXentLoss.js';

/** What {@link simclr} reports after every step (`step` counts from 1). */
export interface SimclrProgress {
  step: number;
  steps: number;
  loss: number;
  /**
   * The encoder parameters after this step: simclr's own variable, valid during the call only (read
   * it or `clone()` it; do not dispose it).
   */
  encoderParams: tf.Tensor1D;
}

/** Options of {@link simclr}. */
export interface SimclrOptions {
  /** Optimisation steps (batches). Default: 500. */
  steps?: number;
  /** Images per batch N (the loss compares 2N views). Default: 256. */
  batchSize?: number;
  /** NT-Xent temperature. Default: 0.5. */
  temperature?: number;
  /** Adam step size. Default: 0.001. */
  learningRate?: number;
  /** Hidden width of the projection head `g` (a ReLU MLP). Default: the encoder's output size. */
  projectionHidden?: number;
  /** Output size of the projection head. Default: 32. */
  projectionDim?: number;
  /**
   * The augmentation producing the two views. Default: `compose(randomResizedCrop({ scale: [0.4, 1] }),
   * colorJitter({ brightness: 0.4, contrast: 0.4 }), gaussianNoise({ std: 0.05 }))` (no flips: they
   * change the meaning of digits).
   */
  augment?: Augmentation;
  /** Starting encoder parameters (copied). Default: `encoder.init(seed)`. */
  encoderParams?: tf.Tensor1D;
  /** Seed of initialisation, batches and augmentations. Default: 0. */
  seed?: SeedLike;
  /** Called after every step; may return a promise, which is awaited. */
  onProgress?: (progress: SimclrProgress) => void | Promise<void>;
  /** Stops after the current step; the result then has `aborted: true`. */
  signal?: AbortSignal;
}

/** What {@link simclr} returns; the caller disposes `encoderParams` and `headParams`. */
export interface SimclrResult {
  /** Trained encoder parameters `[encoder.numParams]`: the representation to evaluate. */
  encoderParams: tf.Tensor1D;
  /** The projection head `g` and its parameters (discarded after pre-training in SimCLR). */
  head: MlpModel;
  headParams: tf.Tensor1D;
  /** NT-Xent loss of each step. */
  losses: number[];
  steps: number;
  aborted: boolean;
}

/**
 * The default SimCLR augmentation for small grey-scale images: random resized crop (area 40-100%),
 * brightness/contrast jitter (0.4, 0.4) and Gaussian noise (sd 0.05). See {@link SimclrOptions.augment}.
 *
 * @example
 * ```ts
 * const { view1, view2 } = twoViews(images, defaultSimclrAugment(), 0);
 * ```
 */
export function defaultSimclrAugment(): Augmentation {
  return compose(
    randomResizedCrop({ scale: [0.4, 1] }),
    colorJitter({ brightness: 0.4, contrast: 0.4 }),
    gaussianNoise({ std: 0.05 }),
  );
}

/**
 * SimCLR (Chen, Kornblith, Norouzi and Hinton 2020): trains an encoder `f` (any `ParamModel`) and a
 * projection head `g` (ReLU MLP `[f.outputSize, projectionHidden, projectionDim]`) with Adam on the
 * NT-Xent loss of two augmented views of each image in a batch: `ntXentLoss(g(f(v1)), g(f(v2)))`.
 * Labels are ignored. Batches are drawn without replacement within each pass over the data.
 *
 * @param data - images with `shape: [height, width, channels]` and values in [0, 1]; the encoder's
 *   input holds the same number of values (`[h * w * c]` flattened or `[h, w, c]`).
 * @example
 * ```ts
 * const { train } = await loadDigits();
 * const encoder = mlp({ sizes: [64, 128, 32], activation: 'relu' });
 * const { encoderParams } = await simclr(encoder, train, { steps: 300, batchSize: 128, seed: 0 });
 * ```
 */
export async function simclr(
  encoder: ParamModel,
  data: LabeledData,
  options: SimclrOptions = {},
): Promise<SimclrResult> {
  assertParamModel('encoder', encoder);
  assertLabeledData('data', data);
  const {
    steps = 500,
    batchSize = 256,
    temperature = 0.5,
    learningRate = 0.001,
    projectionHidden = encoder.outputSize,
    projectionDim = 32,
    seed,
    onProgress,
    signal,
  } = options;
  assertInteger('steps', steps, { min: 0 });
  assertInteger('batchSize', batchSize, { min: 2, max: Math.max(2, data.n) });
  assertPositive('temperature', temperature);
  assertPositive('learningRate', learningRate);
  assertInteger('projectionHidden', projectionHidden, { min: 1 });
  assertInteger('projectionDim', projectionDim, { min: 1 });
  if (data.shape.length !== 3) {
    throw new DlfError(
      'INVALID_SHAPE',
      `data must hold images of shape [height, width, channels], received shape [${data.shape.join(', ')}]`,
      { param: 'data' },
    );
  }
  const [H, W, C] = data.shape as [number, number, number];
  const d = H * W * C;
  if (encoder.inputShape.reduce((a, b) => a * b, 1) !== d) {
    throw new DlfError(
      'INVALID_SHAPE',
      `the encoder's input shape [${encoder.inputShape.join(', ')}] does not hold ${H} x ${W} x ${C} = ${d} values`,
      { param: 'encoder' },
    );
  }
  const augment = options.augment ?? defaultSimclrAugment();
  if (typeof augment !== 'function') {
    throw new DlfError('INVALID_ARGUMENT', `augment must be a function, received ${describeValue(augment)}`, {
      param: 'augment',
    });
  }
  if (options.encoderParams !== undefined)
    assertParamVector('encoderParams', options.encoderParams, encoder.numParams);
  const rng = toRng(seed);
  const head = mlp({
    sizes: [encoder.outputSize, projectionHidden, projectionDim],
    activation: 'relu',
    initScale: Math.SQRT2,
  });
  const e0 = options.encoderParams ? options.encoderParams.clone() : encoder.init(rng.nextSeed());
  const h0 = head.init(rng.nextSeed());
  const encVar = tf.variable(e0, true);
  const headVar = tf.variable(h0, true);
  tf.dispose([e0, h0]);
  const optimizer = tf.train.adam(learningRate);
  const pause = makeYielder();
  const losses: number[] = [];
  let order: number[] = [];
  let cursor = 0;
  let aborted = false;
  const batchX = new Float32Array(batchSize * d);
  try {
    for (let s = 0; s < steps; s++) {
      if (signal?.aborted) {
        aborted = true;
        break;
      }
      for (let b = 0; b < batchSize; b++) {
        if (cursor >= order.length) {
          order = rng.permutation(data.n);
          cursor = 0;
        }
        const i = order[cursor++] as number;
        batchX.set(data.x.subarray(i * d, (i + 1) * d), b * d);
      }
      const images = tf.tensor4d(batchX, [batchSize, H, W, C]);
      const { view1, view2 } = twoViews(images, augment, rng);
      images.dispose();
      const project = (v: tf.Tensor4D) =>
        head.apply(
          headVar as unknown as tf.Tensor1D,
          encoder.apply(encVar as unknown as tf.Tensor1D, tf.reshape(v, [batchSize, ...encoder.inputShape])),
        );
      const loss = optimizer.minimize(
        () => ntXentLoss(project(view1), project(view2), { temperature }),
        true,
        [encVar, headVar],
      ) as tf.Scalar;
      tf.dispose([view1, view2]);
      const value = (await loss.data())[0] as number;
      loss.dispose();
      if (!Number.isFinite(value)) {
        throw new DlfError(
          'NON_FINITE',
          `the NT-Xent loss became ${value} at step ${s + 1} (lower learningRate)`,
          {
            param: 'learningRate',
          },
        );
      }
      losses.push(value);
      await onProgress?.({
        step: s + 1,
        steps,
        loss: value,
        encoderParams: encVar as unknown as tf.Tensor1D,
      });
      await pause();
    }
    return {
      encoderParams: encVar.clone() as tf.Tensor1D,
      head,
      headParams: headVar.clone() as tf.Tensor1D,
      losses,
      steps: losses.length,
      aborted,
    };
  } finally {
    optimizer.dispose();
    encVar.dispose();
    headVar.dispose();
  }
}
