import { DlfError, describeValue } from '../DlfError.js';

/**
 * A dataset held as flat typed arrays, the common currency of every dlf dataset function.
 * Example `i` is `x.subarray(i * d, (i + 1) * d)` with `d = shape.reduce((a, b) => a * b, 1)`,
 * and its label is `y[i]`.
 *
 * - `x`: the `n * d` inputs, row-major, example after example.
 * - `y`: one label per example: class indices `0..numClasses-1` or `-1/+1` (Int32Array) or real
 *   targets (Float32Array).
 * - `n`: the number of examples.
 * - `shape`: the shape of one example, e.g. `[2]` for points in the plane or `[28, 28, 1]` for
 *   MNIST images (height, width, channels, the tfjs layout).
 * - `numClasses`: set when `y` holds class indices `0..numClasses-1`; absent for `-1/+1` labels
 *   and for regression targets.
 *
 * @example
 * ```ts
 * const data = twoMoons({ n: 200, seed: 0 });
 * const [x0, x1] = data.x.subarray(0, 2); // first point
 * const label = data.y[0];                // 0 or 1
 * ```
 */
export interface LabeledData {
  x: Float32Array;
  y: Int32Array | Float32Array;
  n: number;
  shape: number[];
  numClasses?: number;
}

/**
 * A fixed train/test split of one dataset.
 *
 * @example
 * ```ts
 * const { train, test } = await loadDigits();
 * console.log(train.n, test.n); // 1437 360
 * ```
 */
export interface Split {
  train: LabeledData;
  test: LabeledData;
}

/** Number of scalars per example for a per-example shape. */
export function exampleSize(shape: readonly number[]): number {
  let d = 1;
  for (const s of shape) d *= s;
  return d;
}

/**
 * Checks that `data` is a consistent {@link LabeledData}: typed arrays of the right kinds,
 * `x.length === n * prod(shape)`, `y.length === n`, finite inputs, and class labels inside
 * `0..numClasses-1` when `numClasses` is set. Throws `DlfError('INVALID_DATA')` naming what is wrong
 * (`INVALID_ARGUMENT` when `data` is not an object at all).
 *
 * @param param - the parameter name to use in messages (first, as in the other `assert*` helpers).
 * @example
 * ```ts
 * assertLabeledData('data', myData);           // throws if the arrays disagree
 * assertLabeledData('validationData', batch);
 * ```
 */
export function assertLabeledData(param: string, data: unknown): asserts data is LabeledData {
  if (data === null || typeof data !== 'object') {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${param} must be a LabeledData object, received ${describeValue(data)}`,
      {
        param,
      },
    );
  }
  const d = data as Partial<LabeledData>;
  const fail = (what: string): never => {
    throw new DlfError('INVALID_DATA', `${param}: ${what}`, { param });
  };
  if (!(d.x instanceof Float32Array)) fail(`x must be a Float32Array, received ${describeValue(d.x)}`);
  if (!(d.y instanceof Int32Array || d.y instanceof Float32Array)) {
    fail(`y must be an Int32Array or Float32Array, received ${describeValue(d.y)}`);
  }
  if (typeof d.n !== 'number' || !Number.isInteger(d.n) || d.n < 0) {
    fail(`n must be a non-negative integer, received ${describeValue(d.n)}`);
  }
  if (!Array.isArray(d.shape) || d.shape.some((s) => !Number.isInteger(s) || s < 1)) {
    fail(`shape must be an array of positive integers, received ${JSON.stringify(d.shape)}`);
  }
  const x = d.x as Float32Array;
  const y = d.y as Int32Array | Float32Array;
  const n = d.n as number;
  const shape = d.shape as number[];
  const size = exampleSize(shape);
  if (x.length !== n * size) {
    fail(`x has length ${x.length}, expected n * prod(shape) = ${n} * ${size} = ${n * size}`);
  }
  if (y.length !== n) fail(`y has length ${y.length}, expected n = ${n}`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i] as number)) fail(`x contains a non-finite value (${x[i]}) at index ${i}`);
  }
  if (y instanceof Float32Array) {
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(y[i] as number)) fail(`y contains a non-finite value (${y[i]}) at index ${i}`);
    }
  }
  if (d.numClasses !== undefined) {
    const k = d.numClasses;
    if (!Number.isInteger(k) || k < 1)
      fail(`numClasses must be a positive integer, received ${describeValue(k)}`);
    if (!(y instanceof Int32Array)) fail('numClasses is set, so y must be an Int32Array of class indices');
    for (let i = 0; i < n; i++) {
      const label = y[i] as number;
      if (label < 0 || label >= k) fail(`y[${i}] = ${label} is outside 0..${k - 1} (numClasses = ${k})`);
    }
  }
}

/** Class sizes `floor(n / k)`, the first `n % k` classes getting one more (as scikit-learn). */
export function classSizes(n: number, k: number): number[] {
  return Array.from({ length: k }, (_, c) => Math.floor(n / k) + (c < n % k ? 1 : 0));
}

/** Evenly spaced values from `start` to `stop` (inclusive when `endpoint`), as numpy's linspace. */
export function linspace(start: number, stop: number, count: number, endpoint = true): number[] {
  if (count === 1) return [start];
  const div = endpoint ? count - 1 : count;
  return Array.from({ length: count }, (_, i) => start + ((stop - start) * i) / div);
}
