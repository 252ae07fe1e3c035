import { assertInteger, DlfError } from '@dlf/runtime';
import { describeValue } from './describeValue.js';

/** Options of {@link landmarkEmbedding}. */
export interface LandmarkEmbeddingOptions {
  /** Coordinates per x (rows of `xs`). */
  dimX: number;
  /** Coordinates per landmark z (rows of `landmarks`). */
  dimZ: number;
  /** `'exp'`: `exp(g(x, z_j))`, the density-ratio form; `'none'`: `g(x, z_j)`. Default: 'exp'. */
  transform?: 'exp' | 'none';
}

/**
 * The landmark embedding of Tosh, Krishnamurthy and Hsu (2021): given a contrastive score `g(x, z)`
 * (ideally the pointwise mutual information `log p(x,z) / (p(x) p(z))`) and landmarks `z_1..z_m`
 * drawn from the marginal of the second view, `phi(x) = (exp g(x, z_j))_{j=1..m}`. Since
 * `E[h(Z) | X = x] = E_{Z ~ p(z)}[exp(g*(x, Z)) h(Z)]`, every conditional expectation is
 * approximately linear in `phi`: `E[h(Z) | x] ~ (1/m) sum_j phi_j(x) h(z_j)`.
 *
 * @returns `[n, m]` row-major.
 * @example
 * ```ts
 * const { z: landmarks } = model.sample(500, 1);
 * const phi = landmarkEmbedding(model.pmi, xs, landmarks, { dimX: 2, dimZ: 2 });
 * ```
 */
export function landmarkEmbedding(
  g: (x: Float64Array, z: Float64Array) => number,
  xs: ArrayLike<number>,
  landmarks: ArrayLike<number>,
  options: LandmarkEmbeddingOptions,
): Float64Array {
  if (typeof g !== 'function') {
    throw new DlfError('INVALID_ARGUMENT', `g must be a function, received ${describeValue(g)}`, {
      param: 'g',
    });
  }
  const { dimX, dimZ, transform = 'exp' } = options;
  assertInteger('dimX', dimX, { min: 1 });
  assertInteger('dimZ', dimZ, { min: 1 });
  if (xs.length % dimX !== 0 || landmarks.length % dimZ !== 0 || landmarks.length === 0) {
    throw new DlfError(
      'INVALID_SHAPE',
      `xs must hold a multiple of dimX = ${dimX} values and landmarks a positive multiple of dimZ = ${dimZ}, received ${xs.length} and ${landmarks.length}`,
      { param: 'xs' },
    );
  }
  const n = xs.length / dimX;
  const m = landmarks.length / dimZ;
  const out = new Float64Array(n * m);
  const x = new Float64Array(dimX);
  const z = new Float64Array(dimZ);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < dimX; t++) x[t] = xs[i * dimX + t] as number;
    for (let j = 0; j < m; j++) {
      for (let t = 0; t < dimZ; t++) z[t] = landmarks[j * dimZ + t] as number;
      const v = g(x, z);
      out[i * m + j] = transform === 'exp' ? Math.exp(v) : v;
    }
  }
  return out;
}
