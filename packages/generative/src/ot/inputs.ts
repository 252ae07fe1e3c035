import { DlfError } from '@dlf/runtime';

/** A cost matrix: `n` rows of `m` numbers (arrays or typed arrays). */
export type CostMatrix = readonly ArrayLike<number>[];

function isArrayLikeOfNumbers(value: unknown): value is ArrayLike<number> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { length?: unknown }).length === 'number' &&
    (Array.isArray(value) || ArrayBuffer.isView(value))
  );
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/**
 * @internal Copies a vector of finite numbers into a Float64Array, checking length and sign.
 */
export function toVector(
  param: string,
  value: unknown,
  {
    length,
    nonNegative = false,
    minLength = 1,
  }: { length?: number; nonNegative?: boolean; minLength?: number } = {},
): Float64Array {
  if (!isArrayLikeOfNumbers(value)) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${param} must be an array of numbers, received ${describe(value)}`,
      {
        param,
      },
    );
  }
  if (length !== undefined && value.length !== length) {
    throw new DlfError(
      'INVALID_SHAPE',
      `${param} must have length ${length}, received length ${value.length}`,
      {
        param,
      },
    );
  }
  if (value.length < minLength) {
    throw new DlfError(
      'INVALID_SHAPE',
      `${param} must have at least ${minLength} entr${minLength === 1 ? 'y' : 'ies'}, received ${value.length}`,
      { param },
    );
  }
  const out = new Float64Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const x = value[i] as number;
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new DlfError('NON_FINITE', `${param}[${i}] must be a finite number, received ${String(x)}`, {
        param,
      });
    }
    if (nonNegative && x < 0) {
      throw new DlfError('INVALID_ARGUMENT', `${param}[${i}] must be >= 0, received ${x}`, { param });
    }
    out[i] = x;
  }
  return out;
}

/** @internal Checks that a weight vector has a positive sum; returns the sum. */
export function positiveMass(param: string, w: Float64Array): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i] as number;
  if (!(s > 0)) {
    throw new DlfError('INVALID_ARGUMENT', `${param} must have a positive sum, received all zeros`, {
      param,
    });
  }
  return s;
}

/**
 * @internal Checks that two weight vectors carry the same mass (relative tolerance 1e-8, as
 * POT's `emd`) and returns `b` rescaled so that the sums match exactly.
 */
export function balance(b: Float64Array, sa: number, sb: number): Float64Array {
  if (Math.abs(sa - sb) > 1e-8 * Math.max(sa, sb)) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `a and b must have the same total mass (balanced transport), received sum(a) = ${sa} and sum(b) = ${sb}`,
      { param: 'b' },
    );
  }
  if (sa === sb) return b;
  const scale = sa / sb;
  return b.map((x) => x * scale);
}

/** @internal Uniform weights 1/n. */
export function uniformWeights(n: number): Float64Array {
  return new Float64Array(n).fill(1 / n);
}

/** @internal Copies an `n x m` matrix of finite numbers into a row-major Float64Array. */
export function toMatrix(param: string, value: unknown, rows: number, cols: number): Float64Array {
  if (!Array.isArray(value)) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${param} must be an array of ${rows} rows (arrays of numbers), received ${describe(value)}`,
      { param },
    );
  }
  if (value.length !== rows) {
    throw new DlfError('INVALID_SHAPE', `${param} must have ${rows} rows, received ${value.length}`, {
      param,
    });
  }
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row: unknown = value[i];
    if (!isArrayLikeOfNumbers(row) || row.length !== cols) {
      throw new DlfError(
        'INVALID_SHAPE',
        `${param}[${i}] must be an array of ${cols} numbers, received ${describe(row)}`,
        { param },
      );
    }
    for (let j = 0; j < cols; j++) {
      const x = row[j] as number;
      if (typeof x !== 'number' || !Number.isFinite(x)) {
        throw new DlfError(
          'NON_FINITE',
          `${param}[${i}][${j}] must be a finite number, received ${String(x)}`,
          {
            param,
          },
        );
      }
      out[i * cols + j] = x;
    }
  }
  return out;
}

/** @internal Row-major flat matrix to an array of rows. */
export function toRows(flat: Float64Array, rows: number, cols: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < rows; i++) out.push(Array.from(flat.subarray(i * cols, (i + 1) * cols)));
  return out;
}

/** @internal Number of columns of a matrix given as rows (0 when it has no rows). */
export function columnsOf(param: string, value: unknown): number {
  if (!Array.isArray(value) || value.length === 0) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${param} must be a non-empty array of rows (arrays of numbers), received ${describe(value)}`,
      { param },
    );
  }
  const first: unknown = value[0];
  if (!isArrayLikeOfNumbers(first)) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${param}[0] must be an array of numbers, received ${describe(first)}`,
      {
        param,
      },
    );
  }
  return first.length;
}
