import * as tf from '@tensorflow/tfjs';
import { type SeedLike, toRng } from './createRng.js';
import { DlfError, describeValue } from './DlfError.js';
import { ops } from './ops.js';
import { assertBatch, assertParamVector, type ParamModel } from './ParamModel.js';
import { assertNonNegative, assertOneOf, assertPositive } from './validate.js';

/** Activations an MLP layer can use; all are second-order safe (through `ops`). */
export type Activation = 'tanh' | 'sigmoid' | 'softplus' | 'relu' | 'elu' | 'linear';

/** How weights are scaled; see {@link MlpOptions.parameterization}. */
export type Parameterization = 'standard' | 'ntk';

export const ACTIVATIONS: readonly Activation[] = ['tanh', 'sigmoid', 'softplus', 'relu', 'elu', 'linear'];

export interface MlpOptions {
  /** Layer widths `[in, h1, ..., hL, out]`, at least `[in, out]`; positive integers. */
  sizes: readonly number[];
  /**
   * Activation of the hidden layers: one for all, or one per hidden layer (length
   * `sizes.length - 2`). Default: 'tanh'.
   */
  activation?: Activation | readonly Activation[];
  /** Activation of the output layer. Default: 'linear' (logits / scores). */
  outputActivation?: Activation;
  /**
   * - `'standard'` (default): `h' = W h + b`, with `W_ij ~ N(0, initScale^2 / fan_in)` and
   *   `b_j ~ N(0, biasScale^2)` (LeCun initialisation for `initScale = 1`).
   * - `'ntk'` (Jacot, Gabriel and Hongler 2018): `h' = (initScale / sqrt(fan_in)) W h + biasScale b`,
   *   with `W_ij ~ N(0, 1)` and `b_j ~ N(0, 1)`. Same function at initialisation as `'standard'`
   *   with the same seed and scales, but gradient descent sees the scaled parameters, which makes
   *   the infinite-width limit (the NTK) well defined.
   */
  parameterization?: Parameterization;
  /** Whether layers have biases. Default: true. */
  bias?: boolean;
  /** sigma_w, the weight scale above. Default: 1. Use sqrt(2) for ReLU (He initialisation). */
  initScale?: number;
  /** sigma_b, the bias scale above. Default: 0 for 'standard' (biases start at 0), 0.1 for 'ntk' (Jacot et al.'s beta). */
  biasScale?: number;
}

/** Where one dense layer lives in the flat parameter vector. */
export interface MlpLayerLayout {
  fanIn: number;
  fanOut: number;
  activation: Activation;
  /** Offset of the `[fanIn, fanOut]` weight matrix (row-major, so `h' = h W`) in the flat vector. */
  weightOffset: number;
  /** Offset of the `[fanOut]` bias, or -1 without biases. */
  biasOffset: number;
}

/** A {@link ParamModel} for a fully connected network, with its layout and helpers. */
export interface MlpModel extends ParamModel {
  readonly sizes: readonly number[];
  readonly parameterization: Parameterization;
  readonly bias: boolean;
  readonly initScale: number;
  readonly biasScale: number;
  /** The layers in order; the flat vector is `[W1, b1, W2, b2, ...]`, each W row-major `[fanIn, fanOut]`. */
  readonly layers: readonly MlpLayerLayout[];
  applyPerExample(ws: tf.Tensor2D, x: tf.Tensor): tf.Tensor2D;
  /**
   * The weights and biases of `w` as tensors (the raw parameters: for 'ntk' the forward pass also
   * multiplies them by `initScale / sqrt(fanIn)` and `biasScale`). `biases` is empty without biases.
   */
  unflatten(w: tf.Tensor1D): { weights: tf.Tensor2D[]; biases: tf.Tensor1D[] };
}

function activate(name: Activation, z: tf.Tensor): tf.Tensor {
  switch (name) {
    case 'tanh':
      return ops.tanh(z);
    case 'sigmoid':
      return ops.sigmoid(z);
    case 'softplus':
      return ops.softplus(z);
    case 'relu':
      return ops.relu(z);
    case 'elu':
      return ops.elu(z);
    case 'linear':
      return z;
  }
}

/**
 * A multilayer perceptron as a {@link ParamModel}: `f(w, x)` with all weights and biases in one
 * flat vector `w = [W1 (row-major [in, h1]), b1, W2, b2, ...]`. Activations go through `ops`, so
 * Hessians of losses of it are exact.
 *
 * @example
 * ```ts
 * const net = mlp({ sizes: [2, 64, 64, 1], activation: 'relu', initScale: Math.SQRT2, parameterization: 'ntk' });
 * const w = net.init(42);
 * const out = net.apply(w, x); // [batch, 1]
 * ```
 */
export function mlp(options: MlpOptions): MlpModel {
  if (options === null || typeof options !== 'object') {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `mlp options must be an object, received ${describeValue(options)}`,
      {
        param: 'options',
      },
    );
  }
  const {
    sizes,
    outputActivation = 'linear',
    parameterization = 'standard',
    bias = true,
    initScale = 1,
  } = options;
  if (
    !Array.isArray(sizes) ||
    sizes.length < 2 ||
    !sizes.every((s) => typeof s === 'number' && Number.isInteger(s) && s >= 1)
  ) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `sizes must be an array [in, ..., out] of at least 2 positive integers, received ${Array.isArray(sizes) ? `[${sizes.join(', ')}]` : describeValue(sizes)}`,
      { param: 'sizes' },
    );
  }
  const numHidden = sizes.length - 2;
  const activation = options.activation ?? 'tanh';
  let hiddenActivations: Activation[];
  if (Array.isArray(activation)) {
    if (activation.length !== numHidden) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `activation must be one name or one per hidden layer (${numHidden}), received an array of length ${activation.length}`,
        { param: 'activation' },
      );
    }
    for (const [i, a] of activation.entries()) assertOneOf(`activation[${i}]`, a, ACTIVATIONS);
    hiddenActivations = [...activation];
  } else {
    assertOneOf('activation', activation, ACTIVATIONS);
    hiddenActivations = Array.from({ length: numHidden }, () => activation as Activation);
  }
  assertOneOf('outputActivation', outputActivation, ACTIVATIONS);
  assertOneOf('parameterization', parameterization, ['standard', 'ntk'] as const);
  if (typeof bias !== 'boolean') {
    throw new DlfError('INVALID_ARGUMENT', `bias must be a boolean, received ${describeValue(bias)}`, {
      param: 'bias',
    });
  }
  assertPositive('initScale', initScale);
  const biasScale = options.biasScale ?? (parameterization === 'ntk' ? 0.1 : 0);
  assertNonNegative('biasScale', biasScale);

  const layers: MlpLayerLayout[] = [];
  let offset = 0;
  for (let l = 0; l < sizes.length - 1; l++) {
    const fanIn = sizes[l] as number;
    const fanOut = sizes[l + 1] as number;
    const weightOffset = offset;
    offset += fanIn * fanOut;
    const biasOffset = bias ? offset : -1;
    if (bias) offset += fanOut;
    layers.push({
      fanIn,
      fanOut,
      activation: l < numHidden ? (hiddenActivations[l] as Activation) : outputActivation,
      weightOffset,
      biasOffset,
    });
  }
  const numParams = offset;
  const inputShape = Object.freeze([sizes[0] as number]);
  const outputSize = sizes[sizes.length - 1] as number;
  const ntk = parameterization === 'ntk';

  const init = (seed?: SeedLike): tf.Tensor1D => {
    const rng = toRng(seed);
    const values = new Float32Array(numParams);
    for (const layer of layers) {
      const wStd = ntk ? 1 : initScale / Math.sqrt(layer.fanIn);
      const end = layer.weightOffset + layer.fanIn * layer.fanOut;
      for (let i = layer.weightOffset; i < end; i++) values[i] = wStd * rng.normal();
      if (bias) {
        const bStd = ntk ? 1 : biasScale;
        for (let i = 0; i < layer.fanOut; i++) values[layer.biasOffset + i] = bStd * rng.normal() + 0; // no -0
      }
    }
    return tf.tensor1d(values, 'float32');
  };

  /** One dense layer; `h` is [batch, fanIn] (shared weights) or [batch, 1, fanIn] (per example). */
  const dense = (
    layer: MlpLayerLayout,
    h: tf.Tensor,
    weight: tf.Tensor,
    biasVec: tf.Tensor | undefined,
  ): tf.Tensor => {
    let z = tf.matMul(h as tf.Tensor2D, weight as tf.Tensor2D);
    if (ntk) z = tf.mul(z, initScale / Math.sqrt(layer.fanIn));
    if (biasVec) z = tf.add(z, ntk ? tf.mul(biasVec, biasScale) : biasVec);
    return activate(layer.activation, z);
  };

  // The flat vector in pieces [W1, b1, W2, b2, ...]: one split (whose gradient is one concat)
  // instead of a slice per piece (whose gradients are a pad and an add each).
  const pieceSizes = layers.flatMap((l) => (bias ? [l.fanIn * l.fanOut, l.fanOut] : [l.fanIn * l.fanOut]));
  const piecesPerLayer = bias ? 2 : 1;
  // tfjs's split gradient fails for a single piece ("Pass at least one tensor to concat"), and a
  // single piece needs no split anyway.
  const splitParams = (t: tf.Tensor, axis: number): tf.Tensor[] =>
    pieceSizes.length === 1 ? [t] : tf.split(t, pieceSizes, axis);

  const apply = (w: tf.Tensor1D, x: tf.Tensor): tf.Tensor2D => {
    assertParamVector('w', w, numParams);
    assertBatch('x', x, inputShape);
    return tf.tidy(() => {
      const pieces = splitParams(w, 0);
      let h: tf.Tensor = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
      layers.forEach((layer, l) => {
        const weight = tf.reshape(pieces[l * piecesPerLayer] as tf.Tensor, [layer.fanIn, layer.fanOut]);
        h = dense(layer, h, weight, bias ? pieces[l * piecesPerLayer + 1] : undefined);
      });
      return h as tf.Tensor2D;
    });
  };

  const applyPerExample = (ws: tf.Tensor2D, x: tf.Tensor): tf.Tensor2D => {
    if (!(ws instanceof tf.Tensor) || ws.rank !== 2 || ws.shape[1] !== numParams) {
      throw new DlfError(
        'INVALID_SHAPE',
        `ws must have shape [batch, ${numParams}], received ${ws instanceof tf.Tensor ? `[${ws.shape.join(', ')}]` : describeValue(ws)}`,
        { param: 'ws' },
      );
    }
    assertBatch('x', x, inputShape);
    const batch = x.shape[0] as number;
    if (ws.shape[0] !== batch) {
      throw new DlfError(
        'INVALID_SHAPE',
        `ws must have one row per example (${batch}), received ${ws.shape[0]} rows`,
        {
          param: 'ws',
        },
      );
    }
    return tf.tidy(() => {
      const pieces = splitParams(ws, 1);
      let h: tf.Tensor = tf.reshape(x.dtype === 'float32' ? x : tf.cast(x, 'float32'), [
        batch,
        1,
        inputShape[0] as number,
      ]);
      layers.forEach((layer, l) => {
        const weight = tf.reshape(pieces[l * piecesPerLayer] as tf.Tensor, [
          batch,
          layer.fanIn,
          layer.fanOut,
        ]);
        const b = bias
          ? tf.reshape(pieces[l * piecesPerLayer + 1] as tf.Tensor, [batch, 1, layer.fanOut])
          : undefined;
        h = dense(layer, h, weight, b);
      });
      return tf.reshape(h, [batch, outputSize]) as tf.Tensor2D;
    });
  };

  const unflatten = (w: tf.Tensor1D): { weights: tf.Tensor2D[]; biases: tf.Tensor1D[] } => {
    assertParamVector('w', w, numParams);
    return tf.tidy(() => ({
      weights: layers.map(
        (l) =>
          tf.reshape(tf.slice(w, l.weightOffset, l.fanIn * l.fanOut), [l.fanIn, l.fanOut]) as tf.Tensor2D,
      ),
      biases: bias ? layers.map((l) => tf.slice(w, l.biasOffset, l.fanOut)) : [],
    }));
  };

  return Object.freeze({
    numParams,
    inputShape,
    outputSize,
    sizes: Object.freeze([...sizes]),
    parameterization,
    bias,
    initScale,
    biasScale,
    layers: Object.freeze(layers.map((l) => Object.freeze(l))),
    init,
    apply,
    applyPerExample,
    unflatten,
  });
}
