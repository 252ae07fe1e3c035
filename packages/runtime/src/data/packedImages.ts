import { DlfError } from '../DlfError.js';
import type { LabeledData, Split } from './labeledData.js';

/**
 * An image dataset shipped inside the package (written by `scripts/build-datasets.ts`): the gzip of
 * `n * rows * cols` uint8 pixels followed by `n` uint8 labels, base64-encoded. The first `numTrain`
 * examples are the training set, the last `numTest` the test set. Internal.
 */
export interface PackedImageSet {
  name: string;
  /** Where the pixels come from. */
  source: string;
  /** How the split was made. */
  split: string;
  rows: number;
  cols: number;
  /** The largest pixel value (the loaders divide by it). */
  maxValue: number;
  numClasses: number;
  numTrain: number;
  numTest: number;
  /** SHA-256 (hex) of the decompressed bytes, checked by the tests. */
  sha256: string;
  gzipBase64: string;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes standard base64 (with or without `=` padding). */
export function decodeBase64(text: string): Uint8Array {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < BASE64.length; i++) table[BASE64.charCodeAt(i)] = i;
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) end--;
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let bits = 0;
  let value = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    const v = code < 128 ? (table[code] as number) : -1;
    if (v < 0) throw new DlfError('INVALID_DATA', `invalid base64 character at offset ${i}`);
    value = ((value << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (value >> bits) & 0xff;
    }
  }
  return out;
}

/** Decompresses gzip bytes with the platform's `DecompressionStream` (Node >= 18, all modern browsers). */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') {
    throw new DlfError(
      'UNSUPPORTED',
      'DecompressionStream is not available in this environment (Node >= 18 needed)',
    );
  }
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Decodes a packed set to its raw bytes (pixels, then labels), checking the length. */
export async function unpackImages(packed: PackedImageSet): Promise<Uint8Array> {
  const bytes = await gunzip(decodeBase64(packed.gzipBase64));
  const n = packed.numTrain + packed.numTest;
  const expected = n * packed.rows * packed.cols + n;
  if (bytes.length !== expected) {
    throw new DlfError(
      'INVALID_DATA',
      `${packed.name}: the shipped data decompressed to ${bytes.length} bytes, expected ${expected}`,
    );
  }
  return bytes;
}

/** Builds the train/test split from a packed set's raw bytes; pixels scaled by `1 / maxValue`. */
export function toSplit(packed: PackedImageSet, bytes: Uint8Array): Split {
  const { rows, cols, maxValue, numClasses, numTrain, numTest } = packed;
  const n = numTrain + numTest;
  const size = rows * cols;
  const part = (start: number, count: number): LabeledData => {
    const pixels = bytes.subarray(start * size, (start + count) * size);
    const x = new Float32Array(pixels.length);
    for (let i = 0; i < pixels.length; i++) x[i] = (pixels[i] as number) / maxValue;
    const y = Int32Array.from(bytes.subarray(n * size + start, n * size + start + count));
    return { x, y, n: count, shape: [rows, cols, 1], numClasses };
  };
  return { train: part(0, numTrain), test: part(numTrain, numTest) };
}
