import * as tf from '@tensorflow/tfjs';
import { assertOptionsObject, glorot } from './builderUtils.js';
import { type SeedLike, toRng } from './createRng.js';
import { DlfError } from './DlfError.js';
import type { Activation } from './mlp.js';
import { positionalEncoding } from './positionalEncoding.js';
import { TransformerEncoderBlock } from './TransformerEncoderBlock.js';
import { assertInteger } from './validate.js';

/** Options of {@link createTransformerClassifier}. */
export interface CreateTransformerClassifierOptions {
  /** Token sequences: the number of distinct tokens (inputs are integer ids `[batch, sequenceLength]`). */
  vocabSize?: number;
  /** Vector sequences: the width of each step (inputs are `[batch, sequenceLength, inputDim]`). */
  inputDim?: number;
  /** Steps per sequence. */
  sequenceLength: number;
  /** Number of classes (logits out). */
  numClasses: number;
  /** Model width d (embedding / projection size). Default: 32. */
  modelDim?: number;
  /** Attention heads per block. Default: 2. */
  numHeads?: number;
  /** Width of each head. Default: modelDim / numHeads (rounded down, at least 1). */
  keyDim?: number;
  /** Hidden width of each block's feed-forward network. Default: 2 * modelDim. */
  ffDim?: number;
  /** Number of encoder blocks. Default: 1. */
  numLayers?: number;
  /** Activation of the feed-forward networks. Default: 'relu'. */
  activation?: Activation;
  /** Seed of every initialiser in the model. Default: 0. */
  seed?: SeedLike;
}

/**
 * A transformer-encoder sequence classifier as a `tf.LayersModel` (not compiled):
 * `Embedding(vocabSize, d)` (or `Dense(d)` on vector inputs) `-> PositionalEncoding ->
 * TransformerEncoderBlock x numLayers -> GlobalAveragePooling1D -> Dense(numClasses)` (logits).
 * The two custom layers are registered for serialisation; everything else is a standard layer.
 *
 * @example
 * ```ts
 * const model = createTransformerClassifier({ vocabSize: 10, sequenceLength: 8, numClasses: 2, seed: 0 });
 * await fit(model, { x: tokens, y: labels }, { epochs: 20, learningRate: 3e-3 });
 * ```
 */
export function createTransformerClassifier(options: CreateTransformerClassifierOptions): tf.LayersModel {
  assertOptionsObject('createTransformerClassifier', options);
  const {
    vocabSize,
    inputDim,
    sequenceLength,
    numClasses,
    modelDim = 32,
    numHeads = 2,
    numLayers = 1,
  } = options;
  if ((vocabSize === undefined) === (inputDim === undefined)) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `give exactly one of vocabSize (token inputs) and inputDim (vector inputs), received vocabSize ${vocabSize} and inputDim ${inputDim}`,
      { param: 'vocabSize' },
    );
  }
  assertInteger('sequenceLength', sequenceLength, { min: 1 });
  assertInteger('numClasses', numClasses, { min: 1 });
  assertInteger('modelDim', modelDim, { min: 1 });
  assertInteger('numHeads', numHeads, { min: 1 });
  assertInteger('numLayers', numLayers, { min: 1 });
  const keyDim = options.keyDim ?? Math.max(1, Math.floor(modelDim / numHeads));
  const ffDim = options.ffDim ?? 2 * modelDim;
  const rng = toRng(options.seed);
  const layers: tf.layers.Layer[] = [];
  if (vocabSize !== undefined) {
    assertInteger('vocabSize', vocabSize, { min: 1 });
    layers.push(
      tf.layers.embedding({
        inputDim: vocabSize,
        outputDim: modelDim,
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
    layers.push(
      tf.layers.dense({
        inputShape: [sequenceLength, inputDim as number],
        units: modelDim,
        kernelInitializer: glorot(rng),
      }),
    );
  }
  layers.push(positionalEncoding());
  for (let i = 0; i < numLayers; i++) {
    layers.push(
      new TransformerEncoderBlock({
        numHeads,
        keyDim,
        ffDim,
        activation: options.activation ?? 'relu',
        seed: rng.nextSeed(),
      }),
    );
  }
  layers.push(tf.layers.globalAveragePooling1d());
  layers.push(tf.layers.dense({ units: numClasses, kernelInitializer: glorot(rng) }));
  return tf.sequential({ layers });
}
