import { type SeedLike, toRng } from '../createRng.js';
import { assertInteger, assertNonNegative, assertPositive } from '../validate.js';
import type { LabeledData } from './labeledData.js';

/** Options of {@link separableGaussians}. */
export interface SeparableGaussiansOptions {
  /** Number of examples; half get label +1 (one more when n is odd), half -1. */
  n: number;
  /** Input dimension. Default: 2. */
  dim?: number;
  /** Guaranteed geometric margin: every example has `y <w, x> / ||w|| >= margin`. Default: 1. */
  margin?: number;
  /** Standard deviation of each class's Gaussian (every direction). Default: 1. */
  std?: number;
  /** Seed or generator. Default: 0. */
  seed?: SeedLike;
}

/** What {@link separableGaussians} returns: the data, labels in {-1, +1}, and the separator. */
export interface SeparableGaussians extends LabeledData {
  y: Int32Array;
  /** The unit vector w (length `dim`) whose hyperplane `<w, x> = 0` separates the classes. */
  weights: Float32Array;
  /** The smallest `y <w, x> / ||w||` over the returned float32 data (>= the requested margin). */
  margin: number;
}

/**
 * Two Gaussian classes that a hyperplane through the origin separates with at least a chosen
 * geometric margin: the setting of the perceptron convergence theorem (Novikoff 1962) and of the
 * implicit bias of gradient descent on separable data (Soudry et al. 2018).
 *
 * A random unit direction w is drawn. Example i gets `y_i` in {-1, +1} (balanced, random order) and
 * `x_i ~ N(y_i (margin + 2 std) w, std^2 I)` conditioned on `y_i <w, x_i> >= margin` (rejection on
 * the component along w, which rejects about 2.3% of draws). The guarantee is checked on the
 * float32 values that are returned, so `min_i y_i <w, x_i> / ||w|| >= margin` holds exactly for them.
 *
 * @returns `{ x, y, n, shape: [dim], weights, margin }`; `y` in {-1, +1} (no `numClasses`).
 * @example
 * ```ts
 * const data = separableGaussians({ n: 100, dim: 2, margin: 0.5, seed: 1 });
 * // every point is at distance >= 0.5 from the line <data.weights, x> = 0, on its label's side
 * console.log(data.margin >= 0.5); // true
 * ```
 */
export function separableGaussians(options: SeparableGaussiansOptions): SeparableGaussians {
  const { n, dim = 2, margin = 1, std = 1, seed } = options;
  assertInteger('n', n, { min: 1 });
  assertInteger('dim', dim, { min: 1 });
  assertNonNegative('margin', margin);
  assertPositive('std', std);
  const rng = toRng(seed);

  // Random unit separator, stored in float32 and renormalised in float64 from the stored values.
  const weights = new Float32Array(dim);
  let norm = 0;
  while (norm < 1e-3) {
    norm = 0;
    for (let j = 0; j < dim; j++) {
      const v = rng.normal();
      weights[j] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm);
  }
  for (let j = 0; j < dim; j++) weights[j] = (weights[j] as number) / norm;
  const w = Array.from(weights, Number);
  const wNorm = Math.sqrt(w.reduce((s, v) => s + v * v, 0));

  const labels = Array.from({ length: n }, (_, i) => (i < Math.ceil(n / 2) ? 1 : -1));
  rng.shuffle(labels);
  const y = Int32Array.from(labels);

  const x = new Float32Array(n * dim);
  const center = margin + 2 * std;
  const point = new Float64Array(dim);
  let minMargin = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const yi = labels[i] as number;
    for (;;) {
      let t = rng.normal(center, std);
      while (t < margin) t = rng.normal(center, std);
      // Orthogonal part: a Gaussian with its component along w removed.
      let along = 0;
      for (let j = 0; j < dim; j++) {
        const g = rng.normal(0, std);
        point[j] = g;
        along += g * (w[j] as number);
      }
      let m = 0;
      for (let j = 0; j < dim; j++) {
        const v = Math.fround((point[j] as number) + (t - along) * (w[j] as number)) * yi;
        x[i * dim + j] = v;
        m += v * (w[j] as number);
      }
      m = (yi * m) / wNorm;
      if (m >= margin) {
        if (m < minMargin) minMargin = m;
        break;
      }
      // Float32 rounding pushed the point just inside the margin: draw it again.
    }
  }
  return { x, y, n, shape: [dim], weights, margin: minMargin };
}
