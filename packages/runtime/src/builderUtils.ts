import * as tf from '@tensorflow/tfjs';
import type { Rng } from './createRng.js';
import { DlfError, describeValue } from './DlfError.js';
import { assertInteger } from './validate.js';

/**
 * @internal Helpers shared by the model builders (`createMlp`, `createCnn`, ...): seeded
 * initialisers and option checks. Not exported from the package.
 */

/** A tfjs-layers weight initialiser (the class is not exported by name). */
export type Initializer = ReturnType<typeof tf.initializers.glorotUniform>;

/** A Glorot-uniform initialiser seeded from `rng` (a fresh seed per call, so per weight). */
export function glorot(rng: Rng): Initializer {
  return tf.initializers.glorotUniform({ seed: rng.nextSeed() });
}

/** Throws INVALID_ARGUMENT unless `options` is a plain object. */
export function assertOptionsObject(
  fn: string,
  options: unknown,
): asserts options is Record<string, unknown> {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${fn} options must be an object, received ${describeValue(options)}`,
      {
        param: 'options',
      },
    );
  }
}

/** Throws INVALID_ARGUMENT unless `value` is a non-empty array of positive integers. */
export function assertShape(param: string, value: unknown, rank?: number): asserts value is number[] {
  const ok =
    Array.isArray(value) &&
    value.length > 0 &&
    (rank === undefined || value.length === rank) &&
    value.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1);
  if (!ok) {
    const what =
      rank === undefined ? 'a non-empty array of positive integers' : `an array of ${rank} positive integers`;
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${param} must be ${what}, received ${Array.isArray(value) ? `[${value.join(', ')}]` : describeValue(value)}`,
      { param },
    );
  }
}

/** Throws INVALID_ARGUMENT unless `value` is an array (possibly empty) of positive integers. */
export function assertSizes(param: string, value: unknown): asserts value is number[] {
  if (!Array.isArray(value)) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${param} must be an array of positive integers, received ${describeValue(value)}`,
      {
        param,
      },
    );
  }
  value.forEach((d, i) => {
    assertInteger(`${param}[${i}]`, d, { min: 1 });
  });
}
