import { type SeedLike, toRng } from '../createRng.js';
import { assertInteger, assertNonNegative } from '../validate.js';
import { type LabeledData, linspace } from './labeledData.js';

/** Options of {@link twoMoons}. */
export interface TwoMoonsOptions {
  /** Number of examples: `floor(n / 2)` on the upper moon (label 0), the rest on the lower one (label 1). */
  n: number;
  /** Standard deviation of the Gaussian noise added to each coordinate. Default: 0.1. */
  noise?: number;
  /** Seed or generator. Default: 0. */
  seed?: SeedLike;
}

/**
 * Two interleaving half circles in the plane (the layout of scikit-learn's `make_moons`): a classic
 * set that no line separates but a small MLP does.
 *
 * Upper moon (label 0): `(cos t, sin t)`; lower moon (label 1): `(1 - cos t, 1/2 - sin t)`, with
 * `t` evenly spaced on `[0, pi]`; then `N(0, noise^2)` noise on each coordinate and a seeded shuffle.
 *
 * @returns `{ x, y, n, shape: [2], numClasses: 2 }` with `y` in {0, 1}.
 * @example
 * ```ts
 * const data = twoMoons({ n: 500, noise: 0.1, seed: 0 });
 * const { x, y } = toTensors(data, { oneHot: true }); // x: [500, 2], y: [500, 2]
 * ```
 */
export function twoMoons(options: TwoMoonsOptions): LabeledData & { y: Int32Array } {
  const { n, noise = 0.1, seed } = options;
  assertInteger('n', n, { min: 1 });
  assertNonNegative('noise', noise);
  const rng = toRng(seed);
  const nUpper = Math.floor(n / 2);
  const nLower = n - nUpper;
  const clean: number[] = [];
  const labels: number[] = [];
  for (const t of nUpper > 0 ? linspace(0, Math.PI, nUpper) : []) {
    clean.push(Math.cos(t), Math.sin(t));
    labels.push(0);
  }
  for (const t of linspace(0, Math.PI, nLower)) {
    clean.push(1 - Math.cos(t), 0.5 - Math.sin(t));
    labels.push(1);
  }
  const order = rng.permutation(n);
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const src = order[i] as number;
    x[2 * i] = (clean[2 * src] as number) + rng.normal(0, noise);
    x[2 * i + 1] = (clean[2 * src + 1] as number) + rng.normal(0, noise);
    y[i] = labels[src] as number;
  }
  return { x, y, n, shape: [2], numClasses: 2 };
}
