import { DlfError, type ParamModel } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { type MatrixLike, toMat, toVec, type VectorLike } from './linalg.js';

/** Model inputs: a tensor [n, ...inputShape], or nested arrays [n][d] for flat inputs. */
export type InputsLike = tf.Tensor | MatrixLike;

export function assertModel(model: unknown): asserts model is ParamModel {
  const m = model as ParamModel | null;
  if (
    m === null ||
    typeof m !== 'object' ||
    typeof m.apply !== 'function' ||
    typeof m.numParams !== 'number'
  ) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      'model must be a ParamModel ({ numParams, inputShape, apply, ... })',
      {
        param: 'model',
      },
    );
  }
}

/** Runs `fn` with the inputs as a tensor, disposing it afterwards if it was created here. */
export function withInputs<T>(param: string, X: InputsLike, fn: (x: tf.Tensor) => T): T {
  if (X instanceof tf.Tensor) return fn(X);
  const m = toMat(param, X);
  const x = tf.tensor2d(Float32Array.from(m.data), [m.rows, m.cols]);
  try {
    return fn(x);
  } finally {
    x.dispose();
  }
}

/** Runs `fn` with the parameters as a float32 tensor, disposing it afterwards if it was created here. */
export function withParams<T>(model: ParamModel, w: VectorLike, fn: (w: tf.Tensor1D) => T): T {
  if (w instanceof tf.Tensor) return fn(w as tf.Tensor1D);
  const wt = tf.tensor1d(Float32Array.from(toVec('w', w, model.numParams)));
  try {
    return fn(wt);
  } finally {
    wt.dispose();
  }
}
