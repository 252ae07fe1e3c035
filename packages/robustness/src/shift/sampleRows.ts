/** Reading samples given as tensors or arrays of rows into flat float64 rows (internal). */
import { assertAllFinite } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { DlfError, describeValue } from '../errors.js';

/** A sample of points: a tensor `[n, ...shape]` (flattened per row) or an array of rows. */
export type Sample = tf.Tensor | ArrayLike<ArrayLike<number>>;

export interface Rows {
  data: Float64Array;
  n: number;
  d: number;
}

export function toRows(sample: unknown, param: string): Rows {
  if (sample instanceof tf.Tensor) {
    if (sample.rank < 1 || (sample.shape[0] as number) === 0) {
      throw new DlfError(
        'INVALID_SHAPE',
        `${param} must be a non-empty batch [n, ...shape], received ${describeValue(sample)}`,
        {
          param,
        },
      );
    }
    const n = sample.shape[0] as number;
    const data = Float64Array.from(sample.dataSync());
    assertAllFinite(param, data);
    return { data, n, d: data.length / n };
  }
  if (
    sample == null ||
    typeof sample !== 'object' ||
    !('length' in sample) ||
    (sample as ArrayLike<unknown>).length === 0
  ) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${param} must be a tensor or a non-empty array of rows, received ${describeValue(sample)}`,
      {
        param,
      },
    );
  }
  const rows = sample as ArrayLike<ArrayLike<number>>;
  const n = rows.length;
  const d = (rows[0] as ArrayLike<number>)?.length ?? 0;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (row == null || row.length !== d) {
      throw new DlfError(
        'INVALID_SHAPE',
        `${param} rows must all have length ${d}, row ${i} has ${describeValue(row)}`,
        {
          param,
        },
      );
    }
    for (let j = 0; j < d; j++) data[i * d + j] = row[j] as number;
  }
  assertAllFinite(param, data);
  if (d === 0) {
    throw new DlfError('INVALID_SHAPE', `${param} rows must be non-empty`, { param });
  }
  return { data, n, d };
}
