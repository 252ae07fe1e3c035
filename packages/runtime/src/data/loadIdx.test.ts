import { describe, expect, it } from 'vitest';
import { DlfError } from '../DlfError.js';
import { encodeIdx } from './encodeIdx.js';
import { loadIdx } from './loadIdx.js';

const pixels = Uint8Array.from({ length: 3 * 2 * 4 }, (_, i) => (i * 11) % 256);
const images = encodeIdx({ dims: [3, 2, 4], data: pixels });
const labels = encodeIdx({ dims: [3], data: new Uint8Array([4, 0, 9]) });

function expectError(fn: () => unknown, code: string, message: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(DlfError);
  expect((error as DlfError).code).toBe(code);
  expect((error as DlfError).message).toMatch(message);
}

describe('loadIdx', () => {
  it('turns an images/labels pair into LabeledData: pixel / 255, shape [rows, cols, 1]', () => {
    const data = loadIdx({ images, labels });
    expect(data.n).toBe(3);
    expect(data.shape).toEqual([2, 4, 1]);
    expect(Array.from(data.y)).toEqual([4, 0, 9]);
    expect(data.numClasses).toBe(10);
    expect(Array.from(data.x)).toEqual(Array.from(pixels, (p) => Math.fround(p / 255)));
    expect(loadIdx({ images, labels, numClasses: 12 }).numClasses).toBe(12);
  });

  it('checks magic numbers, counts and label range, naming the file and the problem', () => {
    expectError(
      () => loadIdx({ images: labels, labels: images }),
      'INVALID_DATA',
      /images: magic number 2049 \(uint8, 1 dimension\(s\)\), expected 2051 .*are images and labels swapped\?/,
    );
    expectError(
      () => loadIdx({ images, labels: images }),
      'INVALID_DATA',
      /labels: magic number 2051 \(uint8, 3 dimension\(s\)\), expected 2049 .*a images file/,
    );
    const floatImages = encodeIdx({ dims: [3, 2, 4], data: new Float32Array(24) });
    expectError(
      () => loadIdx({ images: floatImages, labels }),
      'INVALID_DATA',
      /images: magic number 3331 \(float32/,
    );
    const twoLabels = encodeIdx({ dims: [2], data: new Uint8Array([1, 2]) });
    expectError(
      () => loadIdx({ images, labels: twoLabels }),
      'INVALID_DATA',
      /images holds 3 images but labels holds 2 labels/,
    );
    expectError(
      () => loadIdx({ images, labels, numClasses: 5 }),
      'INVALID_DATA',
      /labels: label 9 at index 2 is outside 0..4 \(numClasses = 5\)/,
    );
    expectError(
      () => loadIdx({ images: images.subarray(0, images.length - 2), labels }),
      'INVALID_DATA',
      /images: invalid IDX file: .* \(truncated\)/,
    );
    const empty = encodeIdx({ dims: [3, 0, 4], data: new Uint8Array(0) });
    expectError(() => loadIdx({ images: empty, labels }), 'INVALID_DATA', /each image is 0 x 4/);
    expectError(
      () => loadIdx({ images: 'file' as never, labels }),
      'INVALID_ARGUMENT',
      /images must be a Uint8Array/,
    );
    expectError(
      () => loadIdx({ images, labels, numClasses: 0 }),
      'INVALID_ARGUMENT',
      /numClasses must be an integer >= 1/,
    );
  });
});
