import { DlfError, type SeedLike, toRng } from '@dlf/runtime';
import { dot, type MatrixLike, row, toMat, toVec, type VectorLike } from './linalg.js';

/** The explicit interpolating network of {@link interpolatingRelu}. */
export interface InterpolatingReluModel {
  /** The shared direction a (length d). */
  a: number[];
  /** The n thresholds b_j. */
  b: number[];
  /** The n output weights w_j. */
  w: number[];
  /** 2n + d. */
  numParams: number;
  /** f(x) = sum_j w_j relu(a.x - b_j). */
  predict(X: MatrixLike): number[];
}

/**
 * The two-layer ReLU network with 2n + d parameters that fits any n labels on n distinct inputs
 * exactly (Zhang, Bengio, Hardt, Recht and Vinyals 2017, Thm. 1): project on a random direction a
 * (distinct projections z_i almost surely), sort them, put one threshold b_j just below each z_(j),
 * and solve the lower-triangular system sum_j w_j relu(z_(i) - b_j) = y_(i) (positive diagonal)
 * for the output weights by forward substitution, in float64.
 *
 * @param X - n x d inputs (distinct); `y` - n labels or targets.
 * @param options - `seed` of the direction a (default 0).
 * @returns `{ a, b, w, numParams, predict }`.
 * @throws `DlfError('INVALID_DATA')` if two inputs project to the same point (duplicated inputs).
 * @example
 * ```ts
 * const net = interpolatingRelu(X, randomLabels);
 * net.predict(X); // equals the labels
 * ```
 */
export function interpolatingRelu(
  X: MatrixLike,
  y: VectorLike,
  { seed }: { seed?: SeedLike } = {},
): InterpolatingReluModel {
  const A = toMat('X', X);
  const n = A.rows;
  const d = A.cols;
  const yv = toVec('y', y, n);
  const rng = toRng(seed);
  const a = Array.from({ length: d }, () => rng.normal());
  const z = Array.from({ length: n }, (_, i) => dot(a, row(A, i)));
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => z[p]! - z[q]!);
  const zs = order.map((i) => z[i]!);
  let minGap = Number.POSITIVE_INFINITY;
  for (let k = 1; k < n; k++) minGap = Math.min(minGap, zs[k]! - zs[k - 1]!);
  const spread = Math.max(1e-300, zs[n - 1]! - zs[0]!);
  if (n > 1 && !(minGap > 1e-12 * spread)) {
    throw new DlfError('INVALID_DATA', 'X has (numerically) duplicated rows: their projections coincide', {
      param: 'X',
    });
  }
  // b_1 below z_(1) by one gap; b_j halfway between z_(j-1) and z_(j).
  const b = zs.map((v, k) => (k === 0 ? v - (n > 1 ? minGap : 1) : (zs[k - 1]! + v) / 2));
  const w = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = yv[order[i]!]!;
    for (let j = 0; j < i; j++) s -= w[j]! * (zs[i]! - b[j]!);
    w[i] = s / (zs[i]! - b[i]!);
  }
  return {
    a,
    b,
    w,
    numParams: 2 * n + d,
    predict: (Xn) => {
      const M = toMat('X', Xn);
      if (M.cols !== d) {
        throw new DlfError('INVALID_SHAPE', `X must have ${d} columns, received ${M.cols}`, { param: 'X' });
      }
      return Array.from({ length: M.rows }, (_, i) => {
        const t = dot(a, row(M, i));
        let s = 0;
        for (let j = 0; j < n; j++) s += w[j]! * Math.max(t - b[j]!, 0);
        return s;
      });
    },
  };
}
