import { DlfError, describeValue } from '../DlfError.js';
import { assertInteger } from '../validate.js';
import type { LabeledData } from './labeledData.js';
import { type IdxFile, parseIdx } from './parseIdx.js';

/** Magic number of an IDX file of uint8 images: type byte 0x08, 3 dimensions. */
export const IDX_IMAGES_MAGIC = 2051;
/** Magic number of an IDX file of uint8 labels: type byte 0x08, 1 dimension. */
export const IDX_LABELS_MAGIC = 2049;

/** Options of {@link loadIdx}. */
export interface LoadIdxOptions {
  /** The images file (`*-images-idx3-ubyte`), decompressed. */
  images: Uint8Array;
  /** The labels file (`*-labels-idx1-ubyte`), decompressed. */
  labels: Uint8Array;
  /** Number of classes; labels must lie in `0..numClasses-1`. Default: the largest label + 1. */
  numClasses?: number;
}

function parsePart(name: 'images' | 'labels', bytes: unknown, expected: number, what: string): IdxFile {
  if (!(bytes instanceof Uint8Array)) {
    throw new DlfError('INVALID_ARGUMENT', `${name} must be a Uint8Array, received ${describeValue(bytes)}`, {
      param: name,
    });
  }
  let file: IdxFile;
  try {
    file = parseIdx(bytes);
  } catch (e) {
    if (e instanceof DlfError) {
      throw new DlfError(e.code, `${name}: ${e.message}`, { param: name, cause: e });
    }
    throw e;
  }
  if (file.magic !== expected) {
    const swapped =
      file.magic === (name === 'images' ? IDX_LABELS_MAGIC : IDX_IMAGES_MAGIC)
        ? ` (that is a ${name === 'images' ? 'labels' : 'images'} file: are images and labels swapped?)`
        : '';
    throw new DlfError(
      'INVALID_DATA',
      `${name}: magic number ${file.magic} (${file.dtype}, ${file.dims.length} dimension(s)), expected ${expected} (${what})${swapped}`,
      { param: name },
    );
  }
  return file;
}

/**
 * Loads MNIST-format data a user supplies (MNIST, Fashion-MNIST, KMNIST, ...) from its two IDX
 * files: checks the magic numbers (2051 for images, 2049 for labels), the sizes, that the counts
 * match and the label range; each problem throws `DlfError('INVALID_DATA')` naming the file and
 * what is wrong. Pixels are scaled to [0, 1] (`pixel / 255`).
 *
 * @returns `{ x, y, n, shape: [rows, cols, 1], numClasses }`.
 * @example
 * ```ts
 * const test = loadIdx({
 *   images: new Uint8Array(await readFile('t10k-images-idx3-ubyte')),
 *   labels: new Uint8Array(await readFile('t10k-labels-idx1-ubyte')),
 * });
 * ```
 */
export function loadIdx(options: LoadIdxOptions): LabeledData & { y: Int32Array; numClasses: number } {
  if (options === null || typeof options !== 'object') {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `loadIdx needs { images, labels }, received ${describeValue(options)}`,
      {
        param: 'options',
      },
    );
  }
  const images = parsePart('images', options.images, IDX_IMAGES_MAGIC, 'uint8 images, 3 dimensions');
  const labels = parsePart('labels', options.labels, IDX_LABELS_MAGIC, 'uint8 labels, 1 dimension');
  const [n, rows, cols] = images.dims as [number, number, number];
  const count = labels.dims[0] as number;
  if (count !== n) {
    throw new DlfError('INVALID_DATA', `images holds ${n} images but labels holds ${count} labels`, {
      param: 'labels',
    });
  }
  if (rows === 0 || cols === 0) {
    throw new DlfError('INVALID_DATA', `images: each image is ${rows} x ${cols}, expected positive sizes`, {
      param: 'images',
    });
  }
  const y = Int32Array.from(labels.data);
  let max = -1;
  for (const label of y) if (label > max) max = label;
  let numClasses = max + 1;
  if (options.numClasses !== undefined) {
    assertInteger('numClasses', options.numClasses, { min: 1 });
    if (max >= options.numClasses) {
      const at = y.indexOf(max);
      throw new DlfError(
        'INVALID_DATA',
        `labels: label ${max} at index ${at} is outside 0..${options.numClasses - 1} (numClasses = ${options.numClasses})`,
        { param: 'labels' },
      );
    }
    numClasses = options.numClasses;
  }
  const x = new Float32Array(images.data.length);
  for (let i = 0; i < x.length; i++) x[i] = (images.data[i] as number) / 255;
  return { x, y, n, shape: [rows, cols, 1], numClasses: Math.max(numClasses, 1) };
}
