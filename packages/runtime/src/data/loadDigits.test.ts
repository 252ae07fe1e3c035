import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { digitsPacked } from './digitsData.generated.js';
import refs from './digitsRefs.json';
import type { LabeledData } from './labeledData.js';
import { loadDigits } from './loadDigits.js';
import { unpackImages } from './packedImages.js';

/** Per-class counts, per-class per-pixel sums and per-class sums of squares of the 0..16 pixel counts. */
function stats(parts: LabeledData[]) {
  const counts = new Array(10).fill(0);
  const pixelSums = Array.from({ length: 10 }, () => new Array(64).fill(0));
  const squareSums = new Array(10).fill(0);
  let maxRoundingError = 0;
  for (const part of parts) {
    for (let i = 0; i < part.n; i++) {
      const c = part.y[i] as number;
      counts[c]++;
      for (let j = 0; j < 64; j++) {
        const v = (part.x[i * 64 + j] as number) * 16;
        const count = Math.round(v);
        maxRoundingError = Math.max(maxRoundingError, Math.abs(v - count));
        const row = pixelSums[c] as number[];
        row[j] = (row[j] as number) + count;
        squareSums[c] = (squareSums[c] as number) + count * count;
      }
    }
  }
  return { counts, pixelSums, squareSums, maxRoundingError };
}

describe('loadDigits', () => {
  it('gives 1,437 train and 360 test 8x8x1 images in [0, 1] with labels 0..9', async () => {
    const { train, test } = await loadDigits();
    expect([train.n, test.n]).toEqual([1437, 360]);
    for (const part of [train, test]) {
      expect(part.shape).toEqual([8, 8, 1]);
      expect(part.numClasses).toBe(10);
      expect(part.x).toHaveLength(part.n * 64);
      expect(part.y).toBeInstanceOf(Int32Array);
      expect(part.x.reduce((m, v) => Math.min(m, v), 1)).toBe(0);
      expect(part.x.reduce((m, v) => Math.max(m, v), 0)).toBe(1);
      expect(part.y.every((v) => v >= 0 && v <= 9)).toBe(true);
    }
  });

  it('holds exactly the scikit-learn digits: class counts, per-class pixel sums and square sums match load_digits', async () => {
    const { train, test } = await loadDigits();
    const s = stats([train, test]);
    expect(s.maxRoundingError).toBeLessThan(1e-5); // pixel / 16 in float32, so x * 16 is a count 0..16
    // Known class counts of sklearn's digits, also in its documentation.
    expect(s.counts).toEqual([178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
    expect(s.counts).toEqual(refs.classCounts);
    expect(s.pixelSums).toEqual(refs.classPixelSums);
    expect(s.squareSums).toEqual(refs.classSquareSums);
    expect(s.pixelSums.flat().reduce((a, b) => a + b, 0)).toBe(refs.pixelSum);
  });

  it('the split is stratified: each class has its share of the 360 test images, within one', async () => {
    const { test } = await loadDigits();
    const counts = stats([test]).counts;
    refs.classCounts.forEach((total, c) => {
      expect(Math.abs((counts[c] as number) - (total * 360) / 1797)).toBeLessThan(1);
    });
    // Shuffled, not sorted by class.
    expect(test.y.subarray(0, 36).every((v) => v === 0)).toBe(false);
  });

  it('the shipped bytes decompress to the SHA-256 the build script recorded', async () => {
    const bytes = await unpackImages(digitsPacked);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(digitsPacked.sha256);
  });

  it('returns fresh arrays on every call', async () => {
    const a = await loadDigits();
    const before = a.train.x[10] as number;
    a.train.x[10] = 42;
    a.train.y[0] = 42;
    const b = await loadDigits();
    expect(b.train.x[10]).toBe(before);
    expect(b.train.y[0]).not.toBe(42);
  });
});
