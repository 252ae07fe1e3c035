import * as tf from '@tensorflow/tfjs';
import { assertOptionsObject, assertShape, assertSizes, glorot } from './builderUtils.js';
import { type SeedLike, toRng } from './createRng.js';
import { DlfError } from './DlfError.js';
import { ACTIVATIONS, type Activation } from './mlp.js';
import { assertInteger, assertOneOf } from './validate.js';

/** Options of {@link createMlp}. */
export interface CreateMlpOptions {
  /** Length of one input vector. Give this or `inputShape`. */
  inputSize?: number;
  /** Shape of one input (without the batch axis); inputs of rank > 1 are flattened first. */
  inputShape?: readonly number[];
  /** Widths of the hidden layers, e.g. `[128]`. Default: `[]` (a linear model). */
  hiddenSizes?: readonly number[];
  /** Number of outputs (logits for classification). */
  outputSize: number;
  /** Activation of the hidden layers. Default: 'relu'. */
  activation?: Activation;
  /** Activation of the output layer. Default: 'linear' (logits / scores, what `fit`'s losses expect). */
  outputActivation?: Activation;
  /** Seed of the Glorot-uniform weight initialisation (biases start at 0). Default: 0. */
  seed?: SeedLike;
}

/**
 * A fully connected network as a `tf.LayersModel` (not compiled): `[Flatten] -> Dense(h1) -> ... ->
 * Dense(outputSize)`, kernels Glorot-uniform from `seed`, biases zero. Standard layers only, so it
 * serialises and exports to ONNX. Train it with `fit`, or wrap it with `fromLayersModel` for
 * gradients with respect to a flat parameter vector.
 *
 * @example
 * ```ts
 * const model = createMlp({ inputSize: 784, hiddenSizes: [128], outputSize: 10, seed: 0 });
 * const history = await fit(model, { x, y }, { epochs: 5, batchSize: 128 });
 * ```
 */
export function createMlp(options: CreateMlpOptions): tf.LayersModel {
  assertOptionsObject('createMlp', options);
  const {
    inputSize,
    inputShape,
    hiddenSizes = [],
    outputSize,
    activation = 'relu',
    outputActivation = 'linear',
  } = options;
  let shape: number[];
  if (inputShape !== undefined) {
    assertShape('inputShape', inputShape);
    if (inputSize !== undefined) {
      throw new DlfError('INVALID_ARGUMENT', 'give inputSize or inputShape, not both', {
        param: 'inputSize',
      });
    }
    shape = [...inputShape];
  } else {
    assertInteger('inputSize', inputSize, { min: 1 });
    shape = [inputSize];
  }
  assertSizes('hiddenSizes', hiddenSizes);
  assertInteger('outputSize', outputSize, { min: 1 });
  assertOneOf('activation', activation, ACTIVATIONS);
  assertOneOf('outputActivation', outputActivation, ACTIVATIONS);
  const rng = toRng(options.seed);

  const layers: tf.layers.Layer[] = [];
  if (shape.length > 1) layers.push(tf.layers.flatten({ inputShape: shape }));
  const first = (): { inputShape?: number[] } => (layers.length === 0 ? { inputShape: shape } : {});
  for (const units of hiddenSizes) {
    layers.push(tf.layers.dense({ ...first(), units, activation, kernelInitializer: glorot(rng) }));
  }
  layers.push(
    tf.layers.dense({
      ...first(),
      units: outputSize,
      activation: outputActivation,
      kernelInitializer: glorot(rng),
    }),
  );
  return tf.sequential({ layers });
}
