/**
 * Stable error codes used across every dlf package. A code never changes meaning once released;
 * new codes may be added.
 */
export type DlfErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_SHAPE'
  | 'NON_FINITE'
  | 'UNSUPPORTED'
  | 'BACKEND_UNAVAILABLE'
  | 'ABORTED'
  | 'INVALID_DATA'
  | 'NOT_CONVERGED'
  | 'TENSOR_LEAK';

/**
 * The one error class of dlf. `code` is stable and machine-readable; the message names the
 * parameter, the value received and what was expected.
 *
 * @example
 * ```ts
 * try { createRng(Number.NaN); } catch (e) { if (e instanceof DlfError) console.log(e.code); }
 * ```
 */
export class DlfError extends Error {
  readonly code: DlfErrorCode;
  /** The parameter or input the error is about, when there is one. */
  readonly param: string | undefined;

  constructor(code: DlfErrorCode, message: string, options: { param?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DlfError';
    this.code = code;
    this.param = options.param;
  }
}

/** Short, readable rendering of a received value for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (Array.isArray(value)) return `array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name} of length ${(value as Uint8Array).length}`;
  if (typeof value === 'object' && value !== null && 'shape' in value) {
    return `tensor of shape [${(value as { shape: number[] }).shape.join(', ')}]`;
  }
  if (typeof value === 'function') return 'function';
  return typeof value;
}
