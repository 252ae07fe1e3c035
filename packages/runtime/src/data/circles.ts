import { type SeedLike, toRng } from '../createRng.js';
import { assertInRange, assertInteger, assertNonNegative } from '../validate.js';
import { type LabeledData, linspace } from './labeledData.js';

/** Options of {@link circles}. */
export interface CirclesOptions {
  /** Number of examples: `floor(n / 2)` on the outer circle (label 0), the rest on the inner one (label 1). */
  n: number;
  /** Standard deviation of the Gaussian noise added to each coordinate. Default: 0.05. */
  noise?: number;
  /** Radius of the inner circle relative to the outer one (radius 1), in [0, 1). Default: 0.5. */
  factor?: number;
  /** Seed or generator. Default: 0. */
  seed?: SeedLike;
}

/**
 * Two concentric circles in the plane (the layout of scikit-learn's `make_circles`): separable by
 * the radius, not by any line.
 *
 * Outer circle (label 0): `(cos t, sin t)`; inner circle (label 1): `factor (cos t, sin t)`, with
 * `t` evenly spaced on `[0, 2 pi)`; then `N(0, noise^2)` noise on each coordinate and a seeded shuffle.
 *
 * @returns `{ x, y, n, shape: [2], numClasses: 2 }` with `y` in {0, 1}.
 * @example
 * ```ts
 * const data = circles({ n: 400, noise: 0.05, factor: 0.5, seed: 0 });
 * console.log(data.shape, data.numClasses); // [2] 2
 * ```
 */
export function circles(options: CirclesOptions): LabeledData & { y: Int32Array } {
  const { n, noise = 0.05, factor = 0.5, seed } = options;
  assertInteger('n', n, { min: 1 });
  assertNonNegative('noise', noise);
  assertInRange('factor', factor, 0, 1, { maxInclusive: false });
  const rng = toRng(seed);
  const nOuter = Math.floor(n / 2);
  const nInner = n - nOuter;
  const clean: number[] = [];
  const labels: number[] = [];
  for (const t of nOuter > 0 ? linspace(0, 2 * Math.PI, nOuter, false) : []) {
    clean.push(Math.cos(t), Math.sin(t));
    labels.push(0);
  }
  for (const t of linspace(0, 2 * Math.PI, nInner, false)) {
    clean.push(factor * Math.cos(t), factor * Math.sin(t));
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
