import { assertOneOf, DlfError } from '@dlf/runtime';
import { columnsOf, toMatrix } from './inputs.js';

/** Ground metrics of {@link dist}. */
export type DistMetric = 'sqeuclidean' | 'euclidean' | 'cityblock';

/**
 * The cost matrix between two point clouds, `M_ij = d(x_i, y_j)`, as POT's `ot.dist`: squared
 * Euclidean (default, the cost of W_2), Euclidean (W_1) or cityblock (L1). Float64.
 *
 * @param x - n points, each an array of d numbers.
 * @param y - m points of the same dimension d.
 * @returns n rows of m numbers.
 * @example
 * ```ts
 * const M = dist([[0, 0], [1, 0]], [[0, 1]]); // [[1], [2]]
 * ```
 */
export function dist(
  x: readonly ArrayLike<number>[],
  y: readonly ArrayLike<number>[],
  { metric = 'sqeuclidean' }: { metric?: DistMetric } = {},
): number[][] {
  assertOneOf('metric', metric, ['sqeuclidean', 'euclidean', 'cityblock'] as const);
  const d = columnsOf('x', x);
  const dy = columnsOf('y', y);
  if (dy !== d) {
    throw new DlfError('INVALID_SHAPE', `y must have points of dimension ${d} (as x), received ${dy}`, {
      param: 'y',
    });
  }
  const X = toMatrix('x', x, x.length, d);
  const Y = toMatrix('y', y, y.length, d);
  const out: number[][] = [];
  for (let i = 0; i < x.length; i++) {
    const row = new Array<number>(y.length);
    for (let j = 0; j < y.length; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const diff = (X[i * d + k] as number) - (Y[j * d + k] as number);
        s += metric === 'cityblock' ? Math.abs(diff) : diff * diff;
      }
      row[j] = metric === 'euclidean' ? Math.sqrt(s) : s;
    }
    out.push(row);
  }
  return out;
}
