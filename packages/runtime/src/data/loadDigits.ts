import type { Split } from './labeledData.js';
import { toSplit, unpackImages } from './packedImages.js';

let cache: Promise<Uint8Array> | undefined;

/**
 * The 8x8 handwritten digits of scikit-learn (`load_digits`, the UCI optdigits test set: 1,797
 * images, 10 classes), shipped inside the package and loaded lazily (about 60 kB, fetched only when
 * this is first called).
 *
 * Pixels (counts 0..16) are scaled to [0, 1] by `pixel / 16`; each example has shape `[8, 8, 1]`.
 * The split is fixed: 1,437 train / 360 test, stratified (each class's test count is its share of
 * 360 by largest remainder, the test images of each class chosen by `createRng(0)`), each part then
 * shuffled with the same generator (see `scripts/build-datasets.ts`).
 *
 * @returns `{ train, test }`, fresh arrays on every call (the decoded bytes are cached).
 * @example
 * ```ts
 * const { train, test } = await loadDigits();
 * console.log(train.n, test.n, train.shape); // 1437 360 [8, 8, 1]
 * ```
 */
export async function loadDigits(): Promise<Split> {
  const { digitsPacked } = await import('./digitsData.generated.js');
  cache ??= unpackImages(digitsPacked).catch((e: unknown) => {
    cache = undefined;
    throw e;
  });
  return toSplit(digitsPacked, await cache);
}
