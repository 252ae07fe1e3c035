import type * as Runtime from '@dlf/runtime';

/** The `@dlf/runtime` module as an example's `run` receives it (validators, DlfError). */
export type RuntimeModule = typeof Runtime;

/**
 * Checks a list of hidden-layer widths: a non-empty array of positive integers, else
 * `DlfError('INVALID_ARGUMENT')` naming `param`. Runs inside `run`, where the runtime is loaded.
 */
export function checkWidths(runtime: RuntimeModule, param: string, widths: unknown): void {
  if (!Array.isArray(widths) || widths.length === 0) {
    throw new runtime.DlfError(
      'INVALID_ARGUMENT',
      `${param} must be a non-empty array of layer widths, received ${runtime.describeValue(widths)}`,
      { param },
    );
  }
  for (const [i, h] of widths.entries()) runtime.assertInteger(`${param}[${i}]`, h, { min: 1 });
}
