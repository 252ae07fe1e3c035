import { DlfError, describeValue } from '../DlfError.js';

/** Element types of the IDX format, by their type byte. */
export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** The typed array {@link parseIdx} returns for each element type. */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A parsed IDX file. */
export interface IdxFile {
  /** The 32-bit magic number: `type byte * 256 + number of dimensions` (2051 for MNIST images). */
  magic: number;
  dtype: IdxDtype;
  /** Size of each dimension, outermost first (e.g. `[10000, 28, 28]`). */
  dims: number[];
  /** The values, row-major, converted from the file's big-endian layout. */
  data: IdxData;
}

/** Type byte, dtype and bytes per element of each IDX element type. */
export const IDX_TYPES: readonly { code: number; dtype: IdxDtype; bytes: number }[] = [
  { code: 0x08, dtype: 'uint8', bytes: 1 },
  { code: 0x09, dtype: 'int8', bytes: 1 },
  { code: 0x0b, dtype: 'int16', bytes: 2 },
  { code: 0x0c, dtype: 'int32', bytes: 4 },
  { code: 0x0d, dtype: 'float32', bytes: 4 },
  { code: 0x0e, dtype: 'float64', bytes: 8 },
];

function hex(value: number, digits: number): string {
  return `0x${value.toString(16).padStart(digits, '0')}`;
}

/**
 * Parses a file in the IDX format of the MNIST distribution (LeCun et al. 1998): a 4-byte magic
 * number (two zero bytes, a type byte, the number of dimensions), one big-endian uint32 per
 * dimension, then the values, big-endian, row-major. Checks every size; a malformed file throws
 * `DlfError('INVALID_DATA')` naming what is wrong. Gzipped files (`*.gz`) must be decompressed first.
 *
 * @param bytes - the whole file.
 * @returns `{ magic, dtype, dims, data }`.
 * @example
 * ```ts
 * const file = parseIdx(new Uint8Array(await readFile('t10k-images-idx3-ubyte')));
 * console.log(file.magic, file.dims); // 2051 [10000, 28, 28]
 * ```
 */
export function parseIdx(bytes: Uint8Array): IdxFile {
  if (!(bytes instanceof Uint8Array)) {
    throw new DlfError('INVALID_ARGUMENT', `bytes must be a Uint8Array, received ${describeValue(bytes)}`, {
      param: 'bytes',
    });
  }
  const bad = (what: string): never => {
    throw new DlfError('INVALID_DATA', `invalid IDX file: ${what}`, { param: 'bytes' });
  };
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    bad(
      'it starts with the gzip signature 1f 8b; decompress it first (e.g. zlib.gunzipSync or DecompressionStream)',
    );
  }
  if (bytes.length < 4) bad(`it is ${bytes.length} byte(s) long, shorter than the 4-byte magic number`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    bad(`magic number ${magic} (${hex(magic, 8)}) must start with two zero bytes`);
  }
  const code = bytes[2] as number;
  const type = IDX_TYPES.find((t) => t.code === code);
  if (!type) {
    bad(
      `unknown type byte ${hex(code, 2)} in magic number ${magic}; expected one of ${IDX_TYPES.map((t) => `${hex(t.code, 2)} (${t.dtype})`).join(', ')}`,
    );
  }
  const { dtype, bytes: elementSize } = type as (typeof IDX_TYPES)[number];
  const ndim = bytes[3] as number;
  if (ndim === 0) bad(`magic number ${magic} declares 0 dimensions, expected at least 1`);
  const headerSize = 4 + 4 * ndim;
  if (bytes.length < headerSize) {
    bad(
      `its header declares ${ndim} dimension(s) (${headerSize} bytes) but the file has only ${bytes.length} bytes`,
    );
  }
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(view.getUint32(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerSize + count * elementSize;
  if (bytes.length !== expected) {
    bad(
      `dimensions [${dims.join(', ')}] of ${dtype} need ${headerSize} + ${count * elementSize} = ${expected} bytes, but the file has ${bytes.length} (${bytes.length < expected ? 'truncated' : 'trailing bytes'})`,
    );
  }
  let data: IdxData;
  switch (dtype) {
    case 'uint8':
      data = bytes.slice(headerSize);
      break;
    case 'int8':
      data = new Int8Array(bytes.slice(headerSize).buffer);
      break;
    case 'int16':
      data = new Int16Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getInt16(headerSize + 2 * i);
      break;
    case 'int32':
      data = new Int32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getInt32(headerSize + 4 * i);
      break;
    case 'float32':
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat32(headerSize + 4 * i);
      break;
    default:
      data = new Float64Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat64(headerSize + 8 * i);
  }
  return { magic, dtype, dims, data };
}
