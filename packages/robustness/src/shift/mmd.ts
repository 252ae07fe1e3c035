import type { SeedLike } from '@dlf/runtime';
import { assertInteger, assertPositive, throwIfAborted, toRng } from '@dlf/runtime';
import { DlfError, describeValue } from '../errors.js';
import type { Rows, Sample } from './sampleRows.js';
import { toRows } from './sampleRows.js';

export interface MmdOptions {
  /**
   * Gaussian kernel bandwidth(s) sigma, k(a, b) = exp(-||a - b||^2 / (2 sigma^2)); an array gives
   * the multi-kernel sum of Gaussians. Default: the median heuristic (median pairwise distance of
   * the pooled sample).
   */
  bandwidth?: number | readonly number[];
  /** Permutations for the p-value; 0 skips the test. Default: 200. */
  permutations?: number;
  /** Seed or generator of the permutations. Default: 0. */
  seed?: SeedLike;
  /** Aborts between permutations with `DlfError('ABORTED')`. */
  signal?: AbortSignal;
}

export interface MmdResult {
  /** Unbiased estimate MMD^2_u (can be negative). */
  mmd2: number;
  /** Permutation-test p-value (1 + #{permuted >= observed}) / (1 + permutations); NaN without permutations. */
  pValue: number;
  /** The bandwidths used. */
  bandwidths: number[];
}

function pooledSqDistances(x: Rows, y: Rows): Float64Array {
  const n = x.n + y.n;
  const d = x.d;
  const row = (i: number): Float64Array =>
    i < x.n ? x.data.subarray(i * d, (i + 1) * d) : y.data.subarray((i - x.n) * d, (i - x.n + 1) * d);
  const dist = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const a = row(i);
    for (let j = i + 1; j < n; j++) {
      const b = row(j);
      let s = 0;
      for (let k = 0; k < d; k++) {
        const t = (a[k] as number) - (b[k] as number);
        s += t * t;
      }
      dist[i * n + j] = s;
      dist[j * n + i] = s;
    }
  }
  return dist;
}

/** Median of the pairwise distances ||a - b|| (i < j) of the pooled sample. */
function medianDistance(dist: Float64Array, n: number): number {
  const values: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) values.push(Math.sqrt(dist[i * n + j] as number));
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2
    ? (values[mid] as number)
    : ((values[mid - 1] as number) + (values[mid] as number)) / 2;
}

/** MMD^2_u for the split of the pooled kernel matrix into `inX` (true) and the rest. */
function unbiasedMmd2(kernel: Float64Array, n: number, inX: Uint8Array, m: number): number {
  const mY = n - m;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const xi = inX[i] === 1;
    for (let j = i + 1; j < n; j++) {
      const k = kernel[i * n + j] as number;
      const xj = inX[j] === 1;
      if (xi && xj) sxx += k;
      else if (!xi && !xj) syy += k;
      else sxy += k;
    }
  }
  return (2 * sxx) / (m * (m - 1)) + (2 * syy) / (mY * (mY - 1)) - (2 * sxy) / (m * mY);
}

/**
 * Unbiased squared maximum mean discrepancy (Gretton et al. 2012) between samples X (m points) and
 * Y (n points) with a Gaussian kernel (or a sum of Gaussians):
 * MMD^2_u = 1/(m(m-1)) sum_{i != j} k(x_i, x_j) + 1/(n(n-1)) sum_{i != j} k(y_i, y_j) - 2/(mn) sum k(x_i, y_j),
 * an unbiased estimate of MMD^2, which is 0 iff the distributions agree (characteristic kernel).
 * The p-value comes from re-splitting the pooled sample at random. Computed in float64, O((m+n)^2 d)
 * for the distances and O((m+n)^2) per permutation.
 *
 * @param x - sample from P: a tensor `[m, ...shape]` or an array of rows (m >= 2).
 * @param y - sample from Q, same row size (n >= 2).
 * @returns `{ mmd2, pValue, bandwidths }`.
 * @example
 * ```ts
 * const { mmd2, pValue } = mmd(source, target, { bandwidth: [0.5, 1, 2], permutations: 500, seed: 0 });
 * if (pValue < 0.05) console.log('shift detected', mmd2);
 * ```
 */
export function mmd(x: Sample, y: Sample, options: MmdOptions = {}): MmdResult {
  const { permutations = 200, signal } = options;
  assertInteger('permutations', permutations, { min: 0 });
  const xr = toRows(x, 'x');
  const yr = toRows(y, 'y');
  if (xr.d !== yr.d) {
    throw new DlfError(
      'INVALID_SHAPE',
      `x and y must have rows of the same size, received ${xr.d} and ${yr.d}`,
      {
        param: 'y',
      },
    );
  }
  if (xr.n < 2 || yr.n < 2) {
    throw new DlfError('INVALID_SHAPE', `x and y need at least 2 points each, received ${xr.n} and ${yr.n}`, {
      param: xr.n < 2 ? 'x' : 'y',
    });
  }
  const n = xr.n + yr.n;
  const dist = pooledSqDistances(xr, yr);
  let bandwidths: number[];
  if (options.bandwidth === undefined) {
    const median = medianDistance(dist, n);
    bandwidths = [median > 0 ? median : 1];
  } else if (typeof options.bandwidth === 'number') bandwidths = [options.bandwidth];
  else if (Array.isArray(options.bandwidth) && options.bandwidth.length > 0)
    bandwidths = [...options.bandwidth];
  else {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `bandwidth must be a positive number or a non-empty array, received ${describeValue(options.bandwidth)}`,
      {
        param: 'bandwidth',
      },
    );
  }
  bandwidths.forEach((s, i) => {
    assertPositive(`bandwidth[${i}]`, s);
  });
  const kernel = new Float64Array(n * n);
  for (let q = 0; q < n * n; q++) {
    let k = 0;
    for (const s of bandwidths) k += Math.exp(-(dist[q] as number) / (2 * s * s));
    kernel[q] = k;
  }
  const inX = new Uint8Array(n);
  inX.fill(1, 0, xr.n);
  const mmd2 = unbiasedMmd2(kernel, n, inX, xr.n);
  let pValue = Number.NaN;
  if (permutations > 0) {
    const rng = toRng(options.seed);
    const perm = new Uint8Array(n);
    let atLeast = 0;
    for (let b = 0; b < permutations; b++) {
      if (b % 16 === 0) throwIfAborted(signal, 'mmd');
      const order = rng.permutation(n);
      perm.fill(0);
      for (let i = 0; i < xr.n; i++) perm[order[i] as number] = 1;
      if (unbiasedMmd2(kernel, n, perm, xr.n) >= mmd2) atLeast++;
    }
    pValue = (1 + atLeast) / (1 + permutations);
  }
  return { mmd2, pValue, bandwidths };
}
