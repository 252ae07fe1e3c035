import { assertInteger, assertOneOf, assertPositive, DlfError, type SeedLike, toRng } from '@dlf/runtime';

/** Options of {@link gaussianMixture2d}. */
export interface GaussianMixture2dOptions {
  /** Number of components K (for `'grid'`, a perfect square). Default: 8. */
  modes?: number;
  /** `'ring'` (default): centres evenly on a circle; `'grid'`: a square grid centred at 0. */
  layout?: 'ring' | 'grid';
  /** Ring radius, or grid spacing. Default: 2. */
  radius?: number;
  /** Standard deviation of every (isotropic) component. Default: 0.02 (Metz et al. 2017 use 0.02 on a ring of radius 2). */
  std?: number;
}

/** A 2-D mixture of K equally weighted isotropic Gaussians, with its exact density. */
export interface GaussianMixture2d {
  /** The K centres. */
  readonly centers: number[][];
  /** The components' standard deviation. */
  readonly std: number;
  /** `n` draws as n rows `[x, y]` (seeded). */
  sample(n: number, seed?: SeedLike): number[][];
  /** The exact log-density `log (1/K) sum_k N(p; c_k, std^2 I)` at each point. */
  logDensity(points: readonly ArrayLike<number>[]): number[];
}

/**
 * The 2-D Gaussian mixtures of the mode-collapse literature (a ring of 8, a 5 x 5 grid), with
 * sampling and the exact density.
 *
 * @example
 * ```ts
 * const ring = gaussianMixture2d({ modes: 8, radius: 2, std: 0.02 });
 * const data = ring.sample(1000, 0);
 * ```
 */
export function gaussianMixture2d(options: GaussianMixture2dOptions = {}): GaussianMixture2d {
  const { modes = 8, layout = 'ring', radius = 2, std = 0.02 } = options;
  assertInteger('modes', modes, { min: 1 });
  assertOneOf('layout', layout, ['ring', 'grid'] as const);
  assertPositive('radius', radius);
  assertPositive('std', std);
  const centers: number[][] = [];
  if (layout === 'ring') {
    for (let k = 0; k < modes; k++) {
      const a = (2 * Math.PI * k) / modes;
      centers.push([radius * Math.cos(a), radius * Math.sin(a)]);
    }
  } else {
    const side = Math.round(Math.sqrt(modes));
    if (side * side !== modes) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `modes must be a perfect square for layout 'grid', received ${modes}`,
        {
          param: 'modes',
        },
      );
    }
    for (let i = 0; i < side; i++) {
      for (let j = 0; j < side; j++)
        centers.push([(i - (side - 1) / 2) * radius, (j - (side - 1) / 2) * radius]);
    }
  }
  const logNorm = -Math.log(2 * Math.PI * std * std) - Math.log(modes);
  return {
    centers,
    std,
    sample(n, seed) {
      assertInteger('n', n, { min: 0 });
      const rng = toRng(seed);
      return Array.from({ length: n }, () => {
        const c = centers[rng.int(0, modes)] as number[];
        return [(c[0] as number) + std * rng.normal(), (c[1] as number) + std * rng.normal()];
      });
    },
    logDensity(points) {
      return points.map((p) => {
        const terms = centers.map(
          (c) =>
            -(((p[0] as number) - (c[0] as number)) ** 2 + ((p[1] as number) - (c[1] as number)) ** 2) /
            (2 * std * std),
        );
        const m = Math.max(...terms);
        return logNorm + m + Math.log(terms.reduce((s, t) => s + Math.exp(t - m), 0));
      });
    },
  };
}
