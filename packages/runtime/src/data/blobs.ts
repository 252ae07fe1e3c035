import { type SeedLike, toRng } from '../createRng.js';
import { DlfError, describeValue } from '../DlfError.js';
import { assertFiniteNumber, assertInteger, assertPositive } from '../validate.js';
import { classSizes, type LabeledData } from './labeledData.js';

/** Options of {@link blobs}. */
export interface BlobsOptions {
  /** Number of examples, split evenly over the centers (the first `n % k` get one more). */
  n: number;
  /** The centers, one `dim`-vector each. Default: `numCenters` centers drawn uniformly in `centerBox`. */
  centers?: number[][];
  /** How many random centers to draw when `centers` is not given. Default: 3. */
  numCenters?: number;
  /** Standard deviation of each blob, one number for all or one per center. Default: 1. */
  std?: number | number[];
  /** Input dimension when the centers are random (otherwise taken from `centers`). Default: 2. */
  dim?: number;
  /** Interval `[low, high]` each coordinate of a random center is drawn from. Default: [-10, 10]. */
  centerBox?: [number, number];
  /** Seed or generator. Default: 0. */
  seed?: SeedLike;
}

/** What {@link blobs} returns: the data and the centers used. */
export interface Blobs extends LabeledData {
  y: Int32Array;
  numClasses: number;
  /** The center of each class, `centers[k]` of length `dim`. */
  centers: number[][];
}

/**
 * Isotropic Gaussian blobs (the layout of scikit-learn's `make_blobs`): class `k` is
 * `N(centers[k], std_k^2 I)`; the examples are shuffled with the seed.
 *
 * @returns `{ x, y, n, shape: [dim], numClasses: k, centers }` with `y` in `0..k-1`.
 * @example
 * ```ts
 * const data = blobs({ n: 300, numCenters: 3, std: 0.5, seed: 0 });
 * const fixed = blobs({ n: 100, centers: [[0, 0], [3, 3]], std: [0.5, 1], seed: 1 });
 * console.log(data.centers.length, fixed.numClasses); // 3 2
 * ```
 */
export function blobs(options: BlobsOptions): Blobs {
  const { n, numCenters = 3, std = 1, centerBox = [-10, 10], seed } = options;
  assertInteger('n', n, { min: 1 });
  const rng = toRng(seed);
  let centers: number[][];
  if (options.centers !== undefined) {
    const given = options.centers;
    if (!Array.isArray(given) || given.length === 0 || !given.every((c) => Array.isArray(c))) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `centers must be a non-empty array of coordinate arrays, received ${describeValue(given)}`,
        { param: 'centers' },
      );
    }
    const d = (given[0] as number[]).length;
    if (d === 0 || given.some((c) => c.length !== d)) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `centers must all have the same positive length, received lengths ${given.map((c) => c.length).join(', ')}`,
        { param: 'centers' },
      );
    }
    if (options.dim !== undefined && options.dim !== d) {
      throw new DlfError('INVALID_ARGUMENT', `dim is ${options.dim} but the centers have length ${d}`, {
        param: 'dim',
      });
    }
    given.forEach((c, k) => {
      c.forEach((v, j) => {
        assertFiniteNumber(`centers[${k}][${j}]`, v);
      });
    });
    centers = given.map((c) => [...c]);
  } else {
    const dim = options.dim ?? 2;
    assertInteger('dim', dim, { min: 1 });
    assertInteger('numCenters', numCenters, { min: 1 });
    if (!Array.isArray(centerBox) || centerBox.length !== 2) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `centerBox must be [low, high], received ${describeValue(centerBox)}`,
        {
          param: 'centerBox',
        },
      );
    }
    const [low, high] = centerBox;
    assertFiniteNumber('centerBox[0]', low);
    assertFiniteNumber('centerBox[1]', high);
    if (!(low < high)) {
      throw new DlfError('INVALID_ARGUMENT', `centerBox must have low < high, received [${low}, ${high}]`, {
        param: 'centerBox',
      });
    }
    centers = Array.from({ length: numCenters }, () =>
      Array.from({ length: dim }, () => rng.uniform(low, high)),
    );
  }
  const k = centers.length;
  const dim = (centers[0] as number[]).length;
  const stds = typeof std === 'number' ? Array.from({ length: k }, () => std) : std;
  if (!Array.isArray(stds) || stds.length !== k) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `std must be a number or one number per center (${k}), received ${describeValue(std)}`,
      { param: 'std' },
    );
  }
  stds.forEach((s, i) => {
    assertPositive(typeof std === 'number' ? 'std' : `std[${i}]`, s);
  });

  const labels: number[] = [];
  classSizes(n, k).forEach((size, c) => {
    for (let i = 0; i < size; i++) labels.push(c);
  });
  rng.shuffle(labels);
  const x = new Float32Array(n * dim);
  const y = Int32Array.from(labels);
  for (let i = 0; i < n; i++) {
    const c = labels[i] as number;
    const center = centers[c] as number[];
    const s = stds[c] as number;
    for (let j = 0; j < dim; j++) x[i * dim + j] = (center[j] as number) + rng.normal(0, s);
  }
  return { x, y, n, shape: [dim], numClasses: k, centers };
}
