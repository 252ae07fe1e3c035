import { DlfError, describeValue } from '../DlfError.js';
import { IDX_TYPES, type IdxData, type IdxDtype } from './parseIdx.js';

const DTYPE_OF: [new (n: number) => IdxData, IdxDtype][] = [
  [Uint8Array, 'uint8'],
  [Int8Array, 'int8'],
  [Int16Array, 'int16'],
  [Int32Array, 'int32'],
  [Float32Array, 'float32'],
  [Float64Array, 'float64'],
];

/**
 * Writes an array in the IDX format that {@link parseIdx} reads (and MNIST tools expect): magic
 * number `type byte * 256 + dims.length`, big-endian uint32 dimensions, big-endian values. The
 * element type follows the typed array (Uint8Array -> 0x08, Int8Array -> 0x09, Int16Array -> 0x0b,
 * Int32Array -> 0x0c, Float32Array -> 0x0d, Float64Array -> 0x0e).
 *
 * @returns the file's bytes.
 * @example
 * ```ts
 * const labels = encodeIdx({ dims: [3], data: new Uint8Array([7, 2, 1]) });
 * console.log(parseIdx(labels).magic); // 2049
 * ```
 */
export function encodeIdx({ dims, data }: { dims: number[]; data: IdxData }): Uint8Array {
  const entry = DTYPE_OF.find(([ctor]) => data instanceof ctor);
  if (!entry) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `data must be a Uint8Array, Int8Array, Int16Array, Int32Array, Float32Array or Float64Array, received ${describeValue(data)}`,
      { param: 'data' },
    );
  }
  if (!Array.isArray(dims) || dims.length === 0 || dims.length > 255) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `dims must be an array of 1 to 255 sizes, received ${describeValue(dims)}`,
      {
        param: 'dims',
      },
    );
  }
  if (dims.some((d) => !Number.isInteger(d) || d < 0 || d > 0xffffffff)) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `dims must be non-negative 32-bit integers, received [${dims.join(', ')}]`,
      {
        param: 'dims',
      },
    );
  }
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `dims [${dims.join(', ')}] hold ${count} values but data has ${data.length}`,
      { param: 'dims' },
    );
  }
  const dtype = entry[1];
  const type = IDX_TYPES.find((t) => t.dtype === dtype) as (typeof IDX_TYPES)[number];
  const headerSize = 4 + 4 * dims.length;
  const out = new Uint8Array(headerSize + count * type.bytes);
  const view = new DataView(out.buffer);
  view.setUint32(0, type.code * 256 + dims.length);
  dims.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d);
  });
  for (let i = 0; i < count; i++) {
    const v = data[i] as number;
    const at = headerSize + type.bytes * i;
    switch (dtype) {
      case 'uint8':
        view.setUint8(at, v);
        break;
      case 'int8':
        view.setInt8(at, v);
        break;
      case 'int16':
        view.setInt16(at, v);
        break;
      case 'int32':
        view.setInt32(at, v);
        break;
      case 'float32':
        view.setFloat32(at, v);
        break;
      default:
        view.setFloat64(at, v);
    }
  }
  return out;
}
