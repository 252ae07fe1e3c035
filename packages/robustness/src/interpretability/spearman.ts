import { assertAllFinite } from '@dlf/runtime';
import { DlfError, describeValue } from '../errors.js';

/** Ranks 1..n with ties given their average rank (float64). */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (values[a] as number) - (values[b] as number),
  );
  const ranks = new Float64Array(n);
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && values[order[end] as number] === values[order[start] as number]) end++;
    const rank = (start + end + 1) / 2; // mean of the 1-based ranks start+1 .. end
    for (let k = start; k < end; k++) ranks[order[k] as number] = rank;
    start = end;
  }
  return ranks;
}

/**
 * Spearman's rank correlation: the Pearson correlation of the ranks, ties given their average rank
 * (as scipy.stats.spearmanr). Returns NaN when either input is constant.
 *
 * @example
 * ```ts
 * spearman([1, 2, 2, 3, 5], [2, 1, 4, 4, 3]); // 0.3947... = 3.75 / 9.5
 * ```
 */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (
    a == null ||
    b == null ||
    typeof a !== 'object' ||
    typeof b !== 'object' ||
    a.length !== b.length ||
    a.length < 2
  ) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `spearman needs two arrays of the same length >= 2, received ${describeValue(a)} and ${describeValue(b)}`,
      { param: 'b' },
    );
  }
  assertAllFinite('a', a);
  assertAllFinite('b', b);
  const ra = averageRanks(a);
  const rb = averageRanks(b);
  const mean = (a.length + 1) / 2;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const u = (ra[i] as number) - mean;
    const v = (rb[i] as number) - mean;
    sab += u * v;
    saa += u * u;
    sbb += v * v;
  }
  return sab / Math.sqrt(saa * sbb);
}
