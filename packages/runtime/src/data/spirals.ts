import { type SeedLike, toRng } from '../createRng.js';
import { assertInteger, assertNonNegative, assertPositive } from '../validate.js';
import { classSizes, type LabeledData, linspace } from './labeledData.js';

/** Options of {@link spirals}. */
export interface SpiralsOptions {
  /** Number of examples, split evenly over the arms (the first `n % classes` arms get one more). */
  n: number;
  /** Number of arms, one class each. Default: 2. */
  classes?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate. Default: 0.05. */
  noise?: number;
  /** How many full turns each arm makes between radius 0.1 and 1. Default: 1. */
  turns?: number;
  /** Seed or generator. Default: 0. */
  seed?: SeedLike;
}

/**
 * Interleaved spiral arms in the plane, one class per arm: a hard low-dimensional set for MLPs.
 *
 * Arm `k` of `K` holds the points `r (cos a, sin a)` with `r` evenly spaced on `[0.1, 1]` and
 * `a = 2 pi (k / K + turns * r)`, so the arms are rotations of each other by `2 pi / K`; then
 * `N(0, noise^2)` noise on each coordinate and a seeded shuffle.
 *
 * @returns `{ x, y, n, shape: [2], numClasses: classes }` with `y` in `0..classes-1`.
 * @example
 * ```ts
 * const data = spirals({ n: 600, classes: 3, noise: 0.05, seed: 0 });
 * console.log(data.numClasses); // 3
 * ```
 */
export function spirals(options: SpiralsOptions): LabeledData & { y: Int32Array } {
  const { n, classes = 2, noise = 0.05, turns = 1, seed } = options;
  assertInteger('n', n, { min: 1 });
  assertInteger('classes', classes, { min: 1 });
  assertNonNegative('noise', noise);
  assertPositive('turns', turns);
  const rng = toRng(seed);
  const clean: number[] = [];
  const labels: number[] = [];
  classSizes(n, classes).forEach((size, k) => {
    if (size === 0) return;
    for (const r of size === 1 ? [1] : linspace(0.1, 1, size)) {
      const a = 2 * Math.PI * (k / classes + turns * r);
      clean.push(r * Math.cos(a), r * Math.sin(a));
      labels.push(k);
    }
  });
  const order = rng.permutation(n);
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const src = order[i] as number;
    x[2 * i] = (clean[2 * src] as number) + rng.normal(0, noise);
    x[2 * i + 1] = (clean[2 * src + 1] as number) + rng.normal(0, noise);
    y[i] = labels[src] as number;
  }
  return { x, y, n, shape: [2], numClasses: classes };
}
