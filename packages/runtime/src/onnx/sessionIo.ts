import * as tf from '@tensorflow/tfjs';
import { DlfError, describeValue } from '../DlfError.js';

/** Typed arrays onnxruntime tensors hold. */
export type OnnxTypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** A tensor given as a flat row-major typed array and its dimensions. */
export interface OnnxTensorLike {
  data: OnnxTypedArray;
  dims: readonly number[];
}

/** One input value: a tf.Tensor or `{ data, dims }`. */
export type OnnxInputValue = tf.Tensor | OnnxTensorLike;

/**
 * What `session.run` accepts: a single tensor for a one-input model, or a record of named inputs.
 * An object whose `data` is a typed array and `dims` an array is read as a single tensor.
 */
export type OnnxSessionInput = OnnxInputValue | Record<string, OnnxInputValue>;

/** One output of `session.run`: a flat row-major typed array, its dimensions and ONNX element type. */
export interface OnnxOutput {
  /** The values, row-major (Float32Array for float32, BigInt64Array for int64, ...). */
  readonly data: OnnxTypedArray;
  readonly dims: readonly number[];
  /** onnxruntime's element type name ('float32', 'int64', ...). */
  readonly type: string;
  /**
   * A new tf.Tensor with these values (the caller disposes it). float32/int32/bool keep their
   * dtype; int64 and other integer types become int32 (values outside its range throw); float64
   * becomes float32; float16 is not converted (it throws UNSUPPORTED).
   */
  toTensor(): tf.Tensor;
}

/** Input metadata of a session. */
export interface OnnxValueInfo {
  readonly name: string;
  /** ONNX element type ('float32', 'int64', ...), undefined for non-tensor values. */
  readonly type: string | undefined;
  /** Dimensions: numbers for fixed sizes, strings for symbolic ones (e.g. 'batch'); [] if unknown. */
  readonly shape: readonly (number | string)[];
}

function isTypedArray(value: unknown): value is OnnxTypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

function isTensorLike(value: unknown): value is OnnxTensorLike {
  if (value === null || typeof value !== 'object') return false;
  const v = value as { data?: unknown; dims?: unknown };
  return isTypedArray(v.data) && Array.isArray(v.dims);
}

/** The named inputs of `input`, checked against the model's input names. */
export function namedInputs(
  input: OnnxSessionInput,
  inputs: readonly OnnxValueInfo[],
): Map<string, OnnxInputValue> {
  const names = inputs.map((i) => i.name);
  const expected = names.map((n) => `"${n}"`).join(', ');
  const map = new Map<string, OnnxInputValue>();
  if (input instanceof tf.Tensor || isTensorLike(input)) {
    if (names.length !== 1) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `input must be a record of named inputs for a model with ${names.length} inputs (${expected}), received a single tensor`,
        { param: 'input' },
      );
    }
    map.set(names[0] as string, input);
    return map;
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `input must be a tf.Tensor, { data, dims } or a record of named inputs, received ${describeValue(input)}`,
      { param: 'input' },
    );
  }
  for (const [name, value] of Object.entries(input)) {
    if (!names.includes(name)) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `input "${name}" is not an input of this model; expected ${expected}`,
        { param: 'input' },
      );
    }
    if (!(value instanceof tf.Tensor) && !isTensorLike(value)) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `input "${name}" must be a tf.Tensor or { data: TypedArray, dims: number[] }, received ${describeValue(value)}`,
        { param: 'input' },
      );
    }
    map.set(name, value);
  }
  const missing = names.filter((n) => !map.has(n));
  if (missing.length > 0) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `input is missing ${missing.map((n) => `"${n}"`).join(', ')} (the model's inputs are ${expected})`,
      { param: 'input' },
    );
  }
  return map;
}

/** Reads a tf.Tensor or `{ data, dims }` as a typed array with dims (async: works on GPU backends). */
export async function readInput(
  name: string,
  value: OnnxInputValue,
): Promise<{ data: OnnxTypedArray; dims: number[] }> {
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) {
      throw new DlfError('INVALID_ARGUMENT', `input "${name}" is a disposed tf.Tensor`, { param: 'input' });
    }
    if (value.dtype === 'string' || value.dtype === 'complex64') {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `input "${name}" has dtype ${value.dtype}; expected a numeric tensor`,
        {
          param: 'input',
        },
      );
    }
    const data = await value.data();
    return {
      data: value.dtype === 'bool' ? Uint8Array.from(data as Uint8Array) : (data as OnnxTypedArray),
      dims: [...value.shape],
    };
  }
  const dims = [...value.dims];
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new DlfError(
      'INVALID_SHAPE',
      `input "${name}" dims must be non-negative integers, received [${dims.join(', ')}]`,
      { param: 'input' },
    );
  }
  const size = dims.reduce((a, b) => a * b, 1);
  if (size !== value.data.length) {
    throw new DlfError(
      'INVALID_SHAPE',
      `input "${name}" has ${value.data.length} values but dims [${dims.join(', ')}] need ${size}`,
      { param: 'input' },
    );
  }
  return { data: value.data, dims };
}

/** Checks dims against the model's declared shape (fixed sizes must match, symbolic ones are free). */
export function checkDims(name: string, dims: readonly number[], info: OnnxValueInfo): void {
  if (info.shape.length === 0) return;
  const ok =
    dims.length === info.shape.length &&
    info.shape.every((d, k) => typeof d !== 'number' || d < 0 || d === dims[k]);
  if (!ok) {
    throw new DlfError(
      'INVALID_SHAPE',
      `input "${name}" must have shape [${info.shape.join(', ')}], received [${dims.join(', ')}]`,
      { param: 'input' },
    );
  }
}

const FLOAT_TYPES: Record<string, new (values: ArrayLike<number>) => OnnxTypedArray> = {
  float32: Float32Array,
  float64: Float64Array,
};
const INT_TYPES: Record<string, new (values: ArrayLike<number>) => OnnxTypedArray> = {
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
};

/**
 * Converts `data` to the array type the model declares for this input: numbers convert between
 * float and integer arrays (integers required for integer inputs), int64 inputs accept any integer
 * data. Throws when a value cannot be represented.
 */
export function coerceData(name: string, data: OnnxTypedArray, type: string | undefined): OnnxTypedArray {
  if (type === undefined) return data;
  const isBig = data instanceof BigInt64Array || data instanceof BigUint64Array;
  const fail = (why: string): never => {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `input "${name}" must hold ${type} values, received a ${data.constructor.name} (${why})`,
      { param: 'input' },
    );
  };
  const floatCtor = FLOAT_TYPES[type];
  if (floatCtor) {
    if (data instanceof floatCtor) return data;
    if (isBig) return new floatCtor(Array.from(data as BigInt64Array, Number));
    return new floatCtor(data as ArrayLike<number>);
  }
  const numbers = (): ArrayLike<number> => {
    if (isBig) return Array.from(data as BigInt64Array, Number);
    const values = data as ArrayLike<number>;
    for (let i = 0; i < values.length; i++) {
      if (!Number.isInteger(values[i])) fail(`element ${i} is ${values[i]}, not an integer`);
    }
    return values;
  };
  if (type === 'int64' || type === 'uint64') {
    const Ctor = type === 'int64' ? BigInt64Array : BigUint64Array;
    if (data instanceof Ctor) return data;
    return Ctor.from(Array.from(numbers(), (v) => BigInt(v)));
  }
  const intCtor = INT_TYPES[type];
  if (intCtor) {
    if (data instanceof intCtor && type !== 'bool') return data;
    return new intCtor(numbers());
  }
  return fail('this element type is not supported by session.run');
}

/** Wraps an onnxruntime output tensor as a plain `{ data, dims, type, toTensor }` object. */
export function wrapOutput(
  name: string,
  t: { data: unknown; dims: readonly number[]; type: string },
): OnnxOutput {
  if (!isTypedArray(t.data)) {
    throw new DlfError('UNSUPPORTED', `output "${name}" has type ${t.type}, which session.run cannot return`);
  }
  const data = t.data;
  const dims = [...t.dims];
  const type = t.type;
  return {
    data,
    dims,
    type,
    toTensor(): tf.Tensor {
      if (type === 'float32' || type === 'int32')
        return tf.tensor(data as Float32Array | Int32Array, dims, type);
      if (type === 'bool') return tf.tensor(Uint8Array.from(data as Uint8Array), dims, 'bool');
      if (type === 'float64') return tf.tensor(Float32Array.from(data as Float64Array), dims, 'float32');
      if (!type.includes('int')) {
        throw new DlfError('UNSUPPORTED', `output "${name}" has type ${type}, which toTensor cannot convert`);
      }
      const ints = new Int32Array(data.length);
      for (let i = 0; i < data.length; i++) {
        const v = Number(data[i] as number | bigint);
        if (v > 2147483647 || v < -2147483648) {
          throw new DlfError(
            'INVALID_DATA',
            `output "${name}" value ${v} at index ${i} does not fit tf's int32`,
          );
        }
        ints[i] = v;
      }
      return tf.tensor(ints, dims, 'int32');
    },
  };
}
