import onnxProto from 'onnx-proto';
import { DlfError } from '../DlfError.js';

const { onnx } = onnxProto;

/** Element types used by the exporter (ONNX `TensorProto.DataType` codes). */
export const ONNX_FLOAT = 1;
export const ONNX_INT32 = 6;
export const ONNX_INT64 = 7;

export type ValueDtype = 'float32' | 'int32' | 'int64';

const DTYPE_CODE: Record<ValueDtype, number> = { float32: ONNX_FLOAT, int32: ONNX_INT32, int64: ONNX_INT64 };

/**
 * A value of the graph being built. `shape` is the tfjs (logical, channels-last) shape with `null`
 * for unknown dimensions. `layout` says how the value is stored physically: `native` means exactly
 * the tfjs layout; `channelsFirst` means the logical tensor transposed by `channelsFirstPerm(rank)`
 * (NHWC -> NCHW), the layout ONNX convolution and pooling ops work in.
 */
export interface GraphValue {
  readonly name: string;
  readonly shape: readonly (number | null)[];
  readonly dtype: ValueDtype;
  readonly layout: 'native' | 'channelsFirst';
}

/** An attribute value, tagged with its ONNX type. */
export type Attr =
  | { i: number }
  | { f: number }
  | { s: string }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { strings: readonly string[] };

/** [0, r-1, 1, ..., r-2]: channels-last to channels-first. */
export function channelsFirstPerm(rank: number): number[] {
  return [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, k) => k + 1)];
}

/** [0, 2, ..., r-1, 1]: channels-first back to channels-last. */
export function channelsLastPerm(rank: number): number[] {
  return [0, ...Array.from({ length: rank - 2 }, (_, k) => k + 2), 1];
}

/** Where logical axis `axis` (already non-negative) lives in the value's physical layout. */
export function physicalAxis(value: GraphValue, axis: number): number {
  if (value.layout === 'native') return axis;
  return channelsFirstPerm(value.shape.length).indexOf(axis);
}

/** Transposes a dense row-major array: `out[perm-indexed] = data[...]`, i.e. numpy's `transpose(perm)`. */
export function transposeData(
  data: Float32Array,
  shape: readonly number[],
  perm: readonly number[],
): Float32Array {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p] as number);
  const inStrides = new Array<number>(rank).fill(1);
  for (let k = rank - 2; k >= 0; k--) inStrides[k] = (inStrides[k + 1] as number) * (shape[k + 1] as number);
  const out = new Float32Array(data.length);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let k = 0; k < rank; k++) src += (idx[k] as number) * (inStrides[perm[k] as number] as number);
    out[o] = data[src] as number;
    for (let k = rank - 1; k >= 0; k--) {
      idx[k] = (idx[k] as number) + 1;
      if ((idx[k] as number) < (outShape[k] as number)) break;
      idx[k] = 0;
    }
  }
  return out;
}

interface NodeRecord {
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, Attr>;
  name: string;
}

interface InitializerRecord {
  name: string;
  dims: number[];
  dtype: ValueDtype;
  data: Float32Array | BigInt64Array | Int32Array;
}

interface IoRecord {
  name: string;
  dtype: ValueDtype;
  dims: (number | string)[];
}

/**
 * Builds an ONNX graph node by node, with unique names, constants as initializers and
 * memoised layout conversions, then encodes it as a ModelProto.
 */
export class OnnxGraph {
  readonly opset: number;
  private readonly nodes: NodeRecord[] = [];
  private readonly initializers: InitializerRecord[] = [];
  private readonly inputs: IoRecord[] = [];
  private readonly outputs: IoRecord[] = [];
  private readonly used = new Set<string>();
  private readonly layoutCache = new Map<string, GraphValue>();
  private readonly int64Cache = new Map<string, string>();

  constructor(opset: number) {
    this.opset = opset;
  }

  /** A fresh name starting with `base` (sanitised). */
  fresh(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_./:-]/g, '_') || 'v';
    let name = clean;
    let k = 1;
    while (this.used.has(name)) name = `${clean}_${k++}`;
    this.used.add(name);
    return name;
  }

  /** Reserves an exact name (graph inputs and outputs); fails if it is taken. */
  reserve(name: string, param: string): string {
    if (this.used.has(name)) {
      throw new DlfError('INVALID_ARGUMENT', `${param} must be unique, received the name "${name}" twice`, {
        param,
      });
    }
    this.used.add(name);
    return name;
  }

  addInput(name: string, dtype: ValueDtype, dims: (number | string)[]): void {
    this.inputs.push({ name, dtype, dims });
  }

  addOutput(name: string, dtype: ValueDtype, dims: (number | string)[]): void {
    this.outputs.push({ name, dtype, dims });
  }

  /** Adds a float32 constant (weights) and returns its name. */
  floatConst(base: string, data: Float32Array, dims: readonly number[]): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== data.length) {
      throw new DlfError(
        'INVALID_SHAPE',
        `constant ${base} has ${data.length} values but dims [${dims.join(', ')}]`,
      );
    }
    const name = this.fresh(base);
    this.initializers.push({ name, dims: [...dims], dtype: 'float32', data });
    return name;
  }

  /** A float32 scalar-or-vector constant from plain numbers. */
  floats(base: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.floatConst(base, Float32Array.from(values), dims);
  }

  /** An int64 1-D constant (shapes, axes), shared between uses. */
  int64s(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `${dims.join('x')}:${values.join(',')}`;
    const cached = this.int64Cache.get(key);
    if (cached !== undefined) return cached;
    const name = this.fresh('const_i64');
    this.initializers.push({
      name,
      dims: [...dims],
      dtype: 'int64',
      data: BigInt64Array.from(values.map(BigInt)),
    });
    this.int64Cache.set(key, name);
    return name;
  }

  /** Adds a node and returns its output names (`nOutputs` fresh names based on `base`). */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Record<string, Attr> = {},
    { base = opType.toLowerCase(), nOutputs = 1 }: { base?: string; nOutputs?: number } = {},
  ): string[] {
    const outputs = Array.from({ length: nOutputs }, (_, k) =>
      this.fresh(nOutputs === 1 ? base : `${base}_out${k}`),
    );
    this.nodes.push({ opType, inputs: [...inputs], outputs, attributes, name: this.fresh(`${base}_node`) });
    return outputs;
  }

  /** Adds a single-output node and returns its output name. */
  op(
    opType: string,
    inputs: readonly string[],
    attributes: Record<string, Attr> = {},
    base?: string,
  ): string {
    return this.node(opType, inputs, attributes, base === undefined ? {} : { base })[0] as string;
  }

  /** Adds a node writing to an existing (reserved) name. */
  nodeTo(
    opType: string,
    inputs: readonly string[],
    output: string,
    attributes: Record<string, Attr> = {},
  ): void {
    this.nodes.push({
      opType,
      inputs: [...inputs],
      outputs: [output],
      attributes,
      name: this.fresh(`${output}_node`),
    });
  }

  /** ReduceMean/ReduceMax over `axes` (attribute before opset 18, input from 18 on). */
  reduce(
    opType: 'ReduceMean' | 'ReduceMax',
    input: string,
    axes: readonly number[],
    keepdims: boolean,
  ): string {
    if (this.opset >= 18) {
      return this.op(opType, [input, this.int64s(axes)], { keepdims: { i: keepdims ? 1 : 0 } });
    }
    return this.op(opType, [input], { axes: { ints: axes }, keepdims: { i: keepdims ? 1 : 0 } });
  }

  /** The value in tfjs's own layout (transposing a channels-first value back, once). */
  toNative(value: GraphValue): GraphValue {
    if (value.layout === 'native') return value;
    const key = `${value.name}->native`;
    const cached = this.layoutCache.get(key);
    if (cached) return cached;
    const name = this.op(
      'Transpose',
      [value.name],
      { perm: { ints: channelsLastPerm(value.shape.length) } },
      'to_nhwc',
    );
    const result: GraphValue = { ...value, name, layout: 'native' };
    this.layoutCache.set(key, result);
    return result;
  }

  /** The value in channels-first layout (rank >= 3), transposing once. */
  toChannelsFirst(value: GraphValue): GraphValue {
    if (value.layout === 'channelsFirst') return value;
    const rank = value.shape.length;
    if (rank < 3) {
      throw new DlfError(
        'INVALID_SHAPE',
        `a channels-first layout needs rank >= 3, got shape [${value.shape.join(', ')}]`,
      );
    }
    const key = `${value.name}->nchw`;
    const cached = this.layoutCache.get(key);
    if (cached) return cached;
    const name = this.op('Transpose', [value.name], { perm: { ints: channelsFirstPerm(rank) } }, 'to_nchw');
    const result: GraphValue = { ...value, name, layout: 'channelsFirst' };
    this.layoutCache.set(key, result);
    return result;
  }

  /** Encodes the graph as an ONNX ModelProto (IR version 8). */
  encode({
    graphName,
    producerVersion,
    docString,
  }: {
    graphName: string;
    producerVersion: string;
    docString: string;
  }) {
    const valueInfo = (io: IoRecord) =>
      onnx.ValueInfoProto.create({
        name: io.name,
        type: onnx.TypeProto.create({
          tensorType: onnx.TypeProto.Tensor.create({
            elemType: DTYPE_CODE[io.dtype],
            shape: onnx.TensorShapeProto.create({
              dim: io.dims.map((d) =>
                typeof d === 'number'
                  ? onnx.TensorShapeProto.Dimension.create({ dimValue: d })
                  : onnx.TensorShapeProto.Dimension.create({ dimParam: d }),
              ),
            }),
          }),
        }),
      });
    const graph = onnx.GraphProto.create({
      name: graphName,
      node: this.nodes.map((n) =>
        onnx.NodeProto.create({
          name: n.name,
          opType: n.opType,
          domain: '',
          input: n.inputs,
          output: n.outputs,
          attribute: Object.entries(n.attributes).map(([name, a]) => encodeAttribute(name, a)),
        }),
      ),
      initializer: this.initializers.map((t) =>
        onnx.TensorProto.create({
          name: t.name,
          dims: t.dims,
          dataType: DTYPE_CODE[t.dtype],
          rawData: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
        }),
      ),
      input: this.inputs.map(valueInfo),
      output: this.outputs.map(valueInfo),
    });
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'dlf',
      producerVersion,
      docString,
      opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: this.opset })],
      graph,
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function encodeAttribute(name: string, a: Attr) {
  const T = onnx.AttributeProto.AttributeType;
  if ('i' in a) return onnx.AttributeProto.create({ name, type: T.INT, i: a.i });
  if ('f' in a) return onnx.AttributeProto.create({ name, type: T.FLOAT, f: a.f });
  if ('s' in a) return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(a.s) });
  if ('ints' in a) return onnx.AttributeProto.create({ name, type: T.INTS, ints: [...a.ints] });
  if ('floats' in a) return onnx.AttributeProto.create({ name, type: T.FLOATS, floats: [...a.floats] });
  return onnx.AttributeProto.create({
    name,
    type: T.STRINGS,
    strings: a.strings.map((s) => new TextEncoder().encode(s)),
  });
}
