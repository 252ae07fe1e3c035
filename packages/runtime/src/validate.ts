import { DlfError, describeValue } from './DlfError.js';

/**
 * Argument checks shared by every dlf package. Each throws a `DlfError` with code
 * `INVALID_ARGUMENT` naming the parameter, the received value and what was expected.
 */

export function assertFiniteNumber(param: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${param} must be a finite number, received ${describeValue(value)}`,
      {
        param,
      },
    );
  }
}

export function assertPositive(param: string, value: unknown): asserts value is number {
  assertFiniteNumber(param, value);
  if (value <= 0) {
    throw new DlfError('INVALID_ARGUMENT', `${param} must be > 0, received ${value}`, { param });
  }
}

export function assertNonNegative(param: string, value: unknown): asserts value is number {
  assertFiniteNumber(param, value);
  if (value < 0) {
    throw new DlfError('INVALID_ARGUMENT', `${param} must be >= 0, received ${value}`, { param });
  }
}

export function assertInteger(
  param: string,
  value: unknown,
  { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY }: { min?: number; max?: number } = {},
): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range =
      min > Number.NEGATIVE_INFINITY && max < Number.POSITIVE_INFINITY
        ? ` in [${min}, ${max}]`
        : min > Number.NEGATIVE_INFINITY
          ? ` >= ${min}`
          : max < Number.POSITIVE_INFINITY
            ? ` <= ${max}`
            : '';
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${param} must be an integer${range}, received ${describeValue(value)}`,
      {
        param,
      },
    );
  }
}

export function assertInRange(
  param: string,
  value: unknown,
  min: number,
  max: number,
  { minInclusive = true, maxInclusive = true }: { minInclusive?: boolean; maxInclusive?: boolean } = {},
): asserts value is number {
  assertFiniteNumber(param, value);
  const lowOk = minInclusive ? value >= min : value > min;
  const highOk = maxInclusive ? value <= max : value < max;
  if (!lowOk || !highOk) {
    const interval = `${minInclusive ? '[' : '('}${min}, ${max}${maxInclusive ? ']' : ')'}`;
    throw new DlfError('INVALID_ARGUMENT', `${param} must be in ${interval}, received ${value}`, { param });
  }
}

export function assertOneOf<T extends string>(
  param: string,
  value: unknown,
  allowed: readonly T[],
): asserts value is T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${param} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, received ${describeValue(value)}`,
      { param },
    );
  }
}

/** Throws `NON_FINITE` if any entry of `values` is NaN or infinite. */
export function assertAllFinite(param: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i] as number)) {
      throw new DlfError('NON_FINITE', `${param} contains a non-finite value (${values[i]}) at index ${i}`, {
        param,
      });
    }
  }
}

/** Throws `ABORTED` if the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, what = 'operation'): void {
  if (signal?.aborted) {
    throw new DlfError('ABORTED', `${what} was aborted`, { cause: signal.reason });
  }
}
