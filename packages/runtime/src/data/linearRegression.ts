import { type SeedLike, toRng } from '../createRng.js';
import { DlfError, describeValue } from '../DlfError.js';
import { assertAllFinite, assertFiniteNumber, assertInteger, assertNonNegative } from '../validate.js';
import type { LabeledData } from './labeledData.js';

/** Options of {@link linearRegression}. */
export interface LinearRegressionOptions {
  /** Number of examples. */
  n: number;
  /** Input dimension. Default: 1 (or the length of `weights` when given). */
  dim?: number;
  /** Standard deviation of the Gaussian label noise. Default: 0.1. */
  noise?: number;
  /** The true weights (length `dim`). Default: drawn from N(0, 1), one per input. */
  weights?: ArrayLike<number>;
  /** The true intercept. Default: 0. */
  bias?: number;
  /** Seed or generator. Default: 0. */
  seed?: SeedLike;
}

/** What {@link linearRegression} returns: the data and the true parameters. */
export interface LinearRegressionData extends LabeledData {
  y: Float32Array;
  /** The true weights w (length `dim`). */
  weights: Float32Array;
  /** The true intercept b. */
  bias: number;
}

/**
 * Noisy linear regression: `x_i ~ N(0, I_dim)` and `y_i = <w, x_i> + b + eps_i` with
 * `eps_i ~ N(0, noise^2)`. The setting of least squares, ridge and double descent.
 *
 * @returns `{ x, y, n, shape: [dim], weights, bias }` with real targets in `y` (Float32Array).
 * @example
 * ```ts
 * const data = linearRegression({ n: 200, dim: 5, noise: 0.1, seed: 0 });
 * const fixed = linearRegression({ n: 50, weights: [2, -1], bias: 0.5, seed: 1 });
 * console.log(data.weights.length, fixed.shape); // 5 [2]
 * ```
 */
export function linearRegression(options: LinearRegressionOptions): LinearRegressionData {
  const { n, noise = 0.1, bias = 0, seed } = options;
  assertInteger('n', n, { min: 1 });
  assertNonNegative('noise', noise);
  assertFiniteNumber('bias', bias);
  const rng = toRng(seed);
  let weights: Float32Array;
  let dim: number;
  if (options.weights !== undefined) {
    const given = options.weights;
    if (given == null || typeof given.length !== 'number' || given.length === 0) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `weights must be a non-empty array of numbers, received ${describeValue(given)}`,
        { param: 'weights' },
      );
    }
    assertAllFinite('weights', given);
    if (options.dim !== undefined && options.dim !== given.length) {
      throw new DlfError('INVALID_ARGUMENT', `dim is ${options.dim} but weights has length ${given.length}`, {
        param: 'dim',
      });
    }
    dim = given.length;
    weights = Float32Array.from(given);
  } else {
    dim = options.dim ?? 1;
    assertInteger('dim', dim, { min: 1 });
    weights = rng.normalArray(dim);
  }
  const x = rng.normalArray(n * dim);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = bias;
    for (let j = 0; j < dim; j++) s += (weights[j] as number) * (x[i * dim + j] as number);
    y[i] = s + rng.normal(0, noise);
  }
  return { x, y, n, shape: [dim], weights, bias };
}
