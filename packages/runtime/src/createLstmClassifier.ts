import * as tf from '@tensorflow/tfjs';
import { assertOptionsObject, glorot } from './builderUtils.js';
import { type SeedLike, toRng } from './createRng.js';
import { DlfError } from './DlfError.js';
import { assertInteger } from './validate.js';

/** Options of {@link createLstmClassifier}. */
export interface CreateLstmClassifierOptions {
  /** Token sequences: the number of distinct tokens (inputs are integer ids `[batch, sequenceLength]`). */
  vocabSize?: number;
  /** Vector sequences: the width of each step (inputs are `[batch, sequenceLength, inputDim]`). */
  inputDim?: number;
  /** Steps per sequence. */
  sequenceLength: number;
  /** LSTM state width. Default: 32. */
  units?: number;
  /** Number of classes (logits out). */
  numClasses: number;
  /** Width of the token embedding (with `vocabSize` only). Default: 16. */
  embeddingDim?: number;
  /** Seed of the initialisation (Glorot-uniform kernels, embedding uniform in [-0.05, 0.05]). Default: 0. */
  seed?: SeedLike;
}

/**
 * A sequence classifier as a `tf.LayersModel` (not compiled): `[Embedding(vocabSize, embeddingDim)]
 * -> LSTM(units) (last state) -> Dense(numClasses)` (logits). Give `vocabSize` for integer token
 * inputs `[batch, sequenceLength]` or `inputDim` for real vectors `[batch, sequenceLength,
 * inputDim]`. The LSTM's kernels (input and recurrent) are Glorot-uniform from `seed` and its
 * forget-gate bias starts at 1 (Jozefowicz et al. 2015). Standard layers only.
 *
 * @example
 * ```ts
 * const model = createLstmClassifier({ vocabSize: 20, sequenceLength: 12, units: 32, numClasses: 2, seed: 0 });
 * await fit(model, { x: tokens, y: labels }, { epochs: 10 });
 * ```
 */
export function createLstmClassifier(options: CreateLstmClassifierOptions): tf.LayersModel {
  assertOptionsObject('createLstmClassifier', options);
  const { vocabSize, inputDim, sequenceLength, units = 32, numClasses, embeddingDim = 16 } = options;
  if ((vocabSize === undefined) === (inputDim === undefined)) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `give exactly one of vocabSize (token inputs) and inputDim (vector inputs), received vocabSize ${vocabSize} and inputDim ${inputDim}`,
      { param: 'vocabSize' },
    );
  }
  assertInteger('sequenceLength', sequenceLength, { min: 1 });
  assertInteger('units', units, { min: 1 });
  assertInteger('numClasses', numClasses, { min: 1 });
  const rng = toRng(options.seed);
  const layers: tf.layers.Layer[] = [];
  if (vocabSize !== undefined) {
    assertInteger('vocabSize', vocabSize, { min: 1 });
    assertInteger('embeddingDim', embeddingDim, { min: 1 });
    layers.push(
      tf.layers.embedding({
        inputDim: vocabSize,
        outputDim: embeddingDim,
        inputLength: sequenceLength,
        inputShape: [sequenceLength],
        embeddingsInitializer: tf.initializers.randomUniform({
          minval: -0.05,
          maxval: 0.05,
          seed: rng.nextSeed(),
        }),
      }),
    );
  } else {
    assertInteger('inputDim', inputDim, { min: 1 });
  }
  layers.push(
    tf.layers.lstm({
      ...(vocabSize === undefined ? { inputShape: [sequenceLength, inputDim as number] } : {}),
      units,
      kernelInitializer: glorot(rng),
      recurrentInitializer: glorot(rng),
      unitForgetBias: true,
    }),
  );
  layers.push(tf.layers.dense({ units: numClasses, kernelInitializer: glorot(rng) }));
  // tfjs's unitForgetBias initialiser leaves its intermediate tensors alive; building inside a
  // scope frees them (the weights are variables, which tidy keeps).
  let model: tf.LayersModel | undefined;
  tf.tidy(() => {
    model = tf.sequential({ layers });
  });
  return model as tf.LayersModel;
}
