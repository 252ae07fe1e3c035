import * as tf from '@tensorflow/tfjs';
import { type SeedLike, toRng } from './createRng.js';
import { DlfError, describeValue } from './DlfError.js';
import { assertBatch, assertParamVector, type ParamModel } from './ParamModel.js';

/** Where one trainable weight of a wrapped `tf.LayersModel` lives in the flat parameter vector. */
export interface WeightSlot {
  /** The tfjs weight name, e.g. `'dense_Dense1/kernel'`. */
  readonly name: string;
  /** The weight's shape, e.g. `[784, 128]` for a Dense kernel. */
  readonly shape: readonly number[];
  /** Index of its first entry in the flat vector. */
  readonly offset: number;
  /** Number of entries, `prod(shape)`. */
  readonly size: number;
}

/** A `tf.LayersModel` seen as a {@link ParamModel}, with the way back into the model. */
export interface LayersParamModel extends ParamModel {
  /** The wrapped model (not copied: `setWeights` writes into it). */
  readonly model: tf.LayersModel;
  /** The trainable weights in flat-vector order, with their offsets. */
  readonly layout: readonly WeightSlot[];
  /** The model's current trainable weights as one flat vector `[numParams]` (a copy). */
  getWeights(): tf.Tensor1D;
  /** Writes a flat vector `[numParams]` back into the model's trainable weights. */
  setWeights(w: tf.Tensor1D): void;
}

type ReadFn = () => tf.Tensor;

interface PatchableVariable {
  read: ReadFn;
  readonly shape: number[];
  readonly name: string;
  write(value: tf.Tensor): unknown;
}

function concreteShape(model: tf.LayersModel, what: 'input' | 'output'): number[] {
  const symbolic = what === 'input' ? model.inputs : model.outputs;
  if (symbolic.length !== 1) {
    throw new DlfError(
      'UNSUPPORTED',
      `fromLayersModel needs a model with exactly one ${what}, received one with ${symbolic.length}`,
      { param: 'model' },
    );
  }
  const shape = (symbolic[0] as tf.SymbolicTensor).shape.slice(1);
  if (shape.some((d) => d === null || d === undefined)) {
    throw new DlfError(
      'UNSUPPORTED',
      `fromLayersModel needs a fully defined ${what} shape (apart from the batch axis), received [${shape.map((d) => d ?? 'null').join(', ')}]`,
      { param: 'model' },
    );
  }
  return shape as number[];
}

/**
 * Replaces every number-or-null `seed` field of a serialised model config (initialisers, dropout)
 * with seeds drawn from `next`, in a fixed (depth-first, key-order) traversal.
 */
function reseedConfig(value: unknown, next: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => reseedConfig(v, next));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] = key === 'seed' && (v === null || typeof v === 'number') ? next() : reseedConfig(v, next);
  }
  return out;
}

/**
 * Wraps a `tf.LayersModel` (one input, one output) as a {@link ParamModel} `f(w, x)`: its trainable
 * weights flattened into one vector `w`, in the order of `model.trainableWeights` (layer by layer
 * in the model's topological order; within a layer in creation order, e.g. Dense `kernel, bias`,
 * Conv2D `kernel [kh, kw, in, out], bias`, LSTM `kernel, recurrentKernel, bias`), each weight
 * flattened row-major. Non-trainable weights (e.g. BatchNormalization moving statistics) keep their
 * values in the model. `layout` lists the slots.
 *
 * `apply(w, x)` runs the model in inference mode with each weight replaced by its slice of `w`, so
 * it is differentiable with respect to `w` (gradients, Jacobians, Hessian-vector products through
 * it); the model's own weights are not touched and are restored even if the forward pass throws.
 * Exact second derivatives need second-order-safe layers: tfjs drops the second-derivative term of
 * its built-in tanh, sigmoid, softmax and elu activations (so of LSTM layers too). Dense and Conv2D
 * layers with ReLU or linear activations, pooling, and this package's `TransformerEncoderBlock` and
 * `PositionalEncoding` are exact.
 *
 * Outputs of rank > 2 are flattened per example (`outputSize` = their size). On the wasm backend,
 * call `registerWasmTrainingKernels()` before differentiating convolutional or embedding models.
 *
 * `init(seed = 0)` returns fresh weights from the model's own initialisers, re-seeded from `seed`:
 * it rebuilds a copy of the model from its config with every `seed` field replaced (the model must
 * be serialisable). Use `getWeights()` for the current weights.
 *
 * @example
 * ```ts
 * const net = fromLayersModel(createMlp({ inputSize: 2, hiddenSizes: [16], outputSize: 1, seed: 0 }));
 * const w = net.getWeights();                      // Tensor1D [net.numParams]
 * const g = grad((v) => losses.quadratic(y, net.apply(v, x)), w);
 * net.setWeights(tf.sub(w, tf.mul(0.1, g)));       // one gradient step, back into the model
 * ```
 */
export function fromLayersModel(model: tf.LayersModel): LayersParamModel {
  if (!(model instanceof tf.LayersModel)) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `model must be a tf.LayersModel, received ${describeValue(model)}`,
      {
        param: 'model',
      },
    );
  }
  const inputShape = concreteShape(model, 'input');
  const outputShape = concreteShape(model, 'output');
  const outputSize = outputShape.reduce((a, b) => a * b, 1);
  const variables = model.trainableWeights as unknown as PatchableVariable[];
  const layout: WeightSlot[] = [];
  let offset = 0;
  for (const v of variables) {
    const size = v.shape.reduce((a, b) => a * b, 1);
    layout.push(Object.freeze({ name: v.name, shape: Object.freeze([...v.shape]), offset, size }));
    offset += size;
  }
  const numParams = offset;

  const splitInto = (w: tf.Tensor1D): tf.Tensor[] =>
    layout.map((slot) => tf.reshape(tf.slice(w, [slot.offset], [slot.size]), [...slot.shape]));

  const apply = (w: tf.Tensor1D, x: tf.Tensor): tf.Tensor2D => {
    assertParamVector('w', w, numParams);
    assertBatch('x', x, inputShape);
    return tf.tidy(() => {
      const parts = splitInto(w);
      const saved = variables.map((v) => (Object.hasOwn(v, 'read') ? v.read : undefined));
      try {
        variables.forEach((v, i) => {
          const part = parts[i] as tf.Tensor;
          v.read = () => part;
        });
        const out = model.apply(x, { training: false }) as tf.Tensor;
        return tf.reshape(out, [x.shape[0] as number, outputSize]) as tf.Tensor2D;
      } finally {
        variables.forEach((v, i) => {
          const prev = saved[i];
          if (prev === undefined) delete (v as Partial<PatchableVariable>).read;
          else v.read = prev;
        });
      }
    });
  };

  const getWeights = (): tf.Tensor1D =>
    tf.tidy(() => {
      if (variables.length === 0) return tf.zeros([0]) as tf.Tensor1D;
      return tf.concat(variables.map((v) => tf.reshape(v.read(), [-1]))) as tf.Tensor1D;
    });

  const setWeights = (w: tf.Tensor1D): void => {
    assertParamVector('w', w, numParams);
    tf.tidy(() => {
      const parts = splitInto(w);
      variables.forEach((v, i) => {
        v.write(parts[i] as tf.Tensor);
      });
    });
  };

  const init = (seed: SeedLike = 0): tf.Tensor1D => {
    const rng = toRng(seed);
    const config = reseedConfig(model.getConfig(), () => rng.nextSeed());
    const ctor = model.constructor as unknown as {
      fromConfig(cls: unknown, config: unknown): tf.LayersModel;
    };
    let copy: tf.LayersModel;
    try {
      copy = ctor.fromConfig(ctor, config);
    } catch (error) {
      throw new DlfError(
        'UNSUPPORTED',
        `init could not rebuild the model from its config (${error instanceof Error ? error.message : String(error)}); register custom layers with tf.serialization.registerClass, or use getWeights()`,
        { param: 'model', cause: error },
      );
    }
    try {
      const copyVars = copy.trainableWeights;
      if (copyVars.length !== variables.length) {
        throw new DlfError(
          'UNSUPPORTED',
          `init rebuilt a model with ${copyVars.length} trainable weights, expected ${variables.length}`,
          { param: 'model' },
        );
      }
      return tf.tidy(() => {
        if (copyVars.length === 0) return tf.zeros([0]) as tf.Tensor1D;
        return tf.concat(copyVars.map((v) => tf.reshape(v.read(), [-1]))) as tf.Tensor1D;
      });
    } finally {
      copy.dispose();
    }
  };

  return Object.freeze({
    model,
    layout: Object.freeze(layout),
    numParams,
    inputShape: Object.freeze(inputShape),
    outputSize,
    init,
    apply,
    getWeights,
    setWeights,
  });
}
