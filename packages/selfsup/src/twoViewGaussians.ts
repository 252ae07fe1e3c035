import { assertInteger, assertPositive, DlfError, type SeedLike, toRng } from '@dlf/runtime';

/** Options of {@link twoViewGaussians}. */
export interface TwoViewGaussiansOptions {
  /** Number of latent classes K. Default: 3. */
  numClasses?: number;
  /** Dimension of each view. Default: 2. */
  dim?: number;
  /** Scale of the class means of view x (drawn N(0, separationX^2 I)). Default: 2. */
  separationX?: number;
  /** Scale of the class means of view z. Default: 2. */
  separationZ?: number;
  /** Within-class standard deviation of both views. Default: 1. */
  std?: number;
  /** Seed of the class means. Default: 0. */
  seed?: SeedLike;
}

/** A two-view latent-class model with its closed forms; all arrays are row-major float64. */
export interface TwoViewModel {
  numClasses: number;
  dim: number;
  /** Class prior pi (uniform). */
  prior: Float64Array;
  /** Class means of each view, `[K, dim]`. */
  meansX: Float64Array;
  meansZ: Float64Array;
  std: number;
  /** `n` draws of `(y, x, z)`: y ~ pi, x ~ N(meansX[y], std^2 I), z ~ N(meansZ[y], std^2 I) independently. */
  sample(n: number, seed?: SeedLike): { x: Float64Array; z: Float64Array; y: Int32Array };
  /** `P(y | x)`, `[K]`. */
  posteriorX(x: ArrayLike<number>): Float64Array;
  /** `P(y | z)`, `[K]`. */
  posteriorZ(z: ArrayLike<number>): Float64Array;
  /** The density ratio `p(x, z) / (p(x) p(z)) = sum_y P(y|x) P(y|z) / pi_y`. */
  densityRatio(x: ArrayLike<number>, z: ArrayLike<number>): number;
  /** `g*(x, z) = log densityRatio(x, z)`, the optimal contrastive score (pointwise mutual information). */
  pmi(x: ArrayLike<number>, z: ArrayLike<number>): number;
  /** The direct embedding `psi(x)_y = P(y|x) / sqrt(pi_y)`: `densityRatio(x, z) = psi(x) . eta(z)` with eta the same map for z. */
  directEmbeddingX(x: ArrayLike<number>): Float64Array;
  directEmbeddingZ(z: ArrayLike<number>): Float64Array;
}

/**
 * A synthetic two-view model where the contrastive optimum is known in closed form (the setting of
 * Tosh, Krishnamurthy and Hsu 2021): a latent class `y ~ pi` (uniform over K), and two views drawn
 * independently given y, `x ~ N(mu_y, s^2 I)`, `z ~ N(nu_y, s^2 I)`. Then
 * `p(x, z) / (p(x) p(z)) = sum_y P(y|x) P(y|z) / pi_y`, whose log `g*` is what a contrastive
 * objective with product-of-marginals negatives learns.
 *
 * @example
 * ```ts
 * const model = twoViewGaussians({ numClasses: 3, dim: 2, separationZ: 4, seed: 0 });
 * const { x, z } = model.sample(1000, 1);
 * const g = model.pmi(x.subarray(0, 2), z.subarray(0, 2));
 * ```
 */
export function twoViewGaussians(options: TwoViewGaussiansOptions = {}): TwoViewModel {
  const { numClasses: K = 3, dim = 2, separationX = 2, separationZ = 2, std = 1 } = options;
  assertInteger('numClasses', K, { min: 2 });
  assertInteger('dim', dim, { min: 1 });
  assertPositive('separationX', separationX);
  assertPositive('separationZ', separationZ);
  assertPositive('std', std);
  const rng = toRng(options.seed);
  const meansX = Float64Array.from({ length: K * dim }, () => rng.normal(0, separationX));
  const meansZ = Float64Array.from({ length: K * dim }, () => rng.normal(0, separationZ));
  const prior = new Float64Array(K).fill(1 / K);
  const posterior = (means: Float64Array, v: ArrayLike<number>, param: string) => {
    if (v.length !== dim) {
      throw new DlfError('INVALID_SHAPE', `${param} must have ${dim} coordinates, received ${v.length}`, {
        param,
      });
    }
    const logits = new Float64Array(K);
    let m = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < K; k++) {
      let sq = 0;
      for (let j = 0; j < dim; j++) sq += ((v[j] as number) - (means[k * dim + j] as number)) ** 2;
      logits[k] = Math.log(prior[k] as number) - sq / (2 * std * std);
      m = Math.max(m, logits[k] as number);
    }
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp((logits[k] as number) - m);
    return logits.map((l) => Math.exp(l - m) / s);
  };
  const posteriorX = (x: ArrayLike<number>) => posterior(meansX, x, 'x');
  const posteriorZ = (z: ArrayLike<number>) => posterior(meansZ, z, 'z');
  const densityRatio = (x: ArrayLike<number>, z: ArrayLike<number>) => {
    const px = posteriorX(x);
    const pz = posteriorZ(z);
    let r = 0;
    for (let k = 0; k < K; k++) r += ((px[k] as number) * (pz[k] as number)) / (prior[k] as number);
    return r;
  };
  const embedWith = (post: Float64Array) => post.map((p, k) => p / Math.sqrt(prior[k] as number));
  return {
    numClasses: K,
    dim,
    prior,
    meansX,
    meansZ,
    std,
    sample(n: number, seed?: SeedLike) {
      assertInteger('n', n, { min: 1 });
      const r = toRng(seed);
      const x = new Float64Array(n * dim);
      const z = new Float64Array(n * dim);
      const y = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const c = r.int(0, K);
        y[i] = c;
        for (let j = 0; j < dim; j++) x[i * dim + j] = (meansX[c * dim + j] as number) + r.normal(0, std);
        for (let j = 0; j < dim; j++) z[i * dim + j] = (meansZ[c * dim + j] as number) + r.normal(0, std);
      }
      return { x, z, y };
    },
    posteriorX,
    posteriorZ,
    densityRatio,
    pmi: (x, z) => Math.log(densityRatio(x, z)),
    directEmbeddingX: (x) => embedWith(posteriorX(x)),
    directEmbeddingZ: (z) => embedWith(posteriorZ(z)),
  };
}
