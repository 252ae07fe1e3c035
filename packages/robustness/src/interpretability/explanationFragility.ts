import type { SeedLike } from '@dlf/runtime';
import { assertInteger, assertPositive, throwIfAborted, toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../classifier.js';
import { toLogitsFn } from '../classifier.js';
import { DlfError, describeValue } from '../errors.js';
import type { AttributionProgress, AttributionTarget } from './attributionCore.js';
import { checkInput, prepareAttribution } from './attributionCore.js';
import { saliency } from './saliency.js';
import { spearman } from './spearman.js';

/**
 * Fraction of the `k` largest-magnitude entries of `a` that are also among the `k` largest of `b`
 * (ties broken by index, lower first).
 *
 * @example
 * ```ts
 * topKIntersection([5, -4, 1, 0], [0.1, 3, -9, 2], 2); // top {0, 1} vs {2, 1}: 0.5
 * ```
 */
export function topKIntersection(a: ArrayLike<number>, b: ArrayLike<number>, k: number): number {
  if (a == null || b == null || a.length !== b.length) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `a and b must be arrays of the same length, received ${describeValue(a)} and ${describeValue(b)}`,
      {
        param: 'b',
      },
    );
  }
  assertInteger('k', k, { min: 1, max: a.length });
  const top = (v: ArrayLike<number>) =>
    new Set(
      Array.from({ length: v.length }, (_, i) => i)
        .sort((i, j) => Math.abs(v[j] as number) - Math.abs(v[i] as number) || i - j)
        .slice(0, k),
    );
  const ta = top(a);
  let common = 0;
  for (const i of top(b)) if (ta.has(i)) common++;
  return common / k;
}

/** An attribution method: returns a map shaped like `x` for the given classes. */
export type AttributionFn = (model: Classifier, x: tf.Tensor, target: Int32Array) => Promise<tf.Tensor>;

export interface ExplanationFragilityOptions {
  /** Attribution method. Default: saliency with `abs: true`. */
  explain?: AttributionFn;
  /** Class explained. Default: the prediction on the clean input. */
  target?: AttributionTarget;
  /** L-inf radius of the random perturbations, in input units. Default: 8/255. */
  epsilon?: number;
  /** Random perturbations per example. Default: 10. */
  samples?: number;
  /** Size of the top-k sets compared. Default: 10% of the features (at least 1). */
  topK?: number;
  /** Seed or generator of the perturbations. Default: 0. */
  seed?: SeedLike;
  onProgress?: (progress: AttributionProgress) => void;
  /** Aborts between samples with `DlfError('ABORTED')`. */
  signal?: AbortSignal;
}

export interface ExplanationFragilityResult {
  /** Mean top-k intersection between the clean and the perturbed maps (1 = stable). */
  topKIntersection: number;
  /** Mean Spearman rank correlation between the clean and the perturbed maps. */
  rankCorrelation: number;
  /** Perturbations that kept the predicted class and were counted. */
  used: number;
}

/**
 * Fragility of an explanation under random perturbations (the random baseline of Ghorbani et al.
 * 2019): draw delta uniformly in the L-inf ball of radius `epsilon`, keep it when the predicted class
 * does not change, and compare the maps at x and x + delta by top-k intersection and Spearman rank
 * correlation, averaged over kept perturbations and examples.
 *
 * @param model - a LayersModel or a function x -> logits.
 * @param x - inputs `[n, ...shape]`.
 * @returns `{ topKIntersection, rankCorrelation, used }`.
 * @example
 * ```ts
 * const { topKIntersection } = await explanationFragility(model, x, { epsilon: 0.05, samples: 20, seed: 0 });
 * ```
 */
export async function explanationFragility(
  model: Classifier,
  x: tf.Tensor,
  options: ExplanationFragilityOptions = {},
): Promise<ExplanationFragilityResult> {
  const { epsilon = 8 / 255, samples = 10, onProgress, signal } = options;
  assertPositive('epsilon', epsilon);
  assertInteger('samples', samples, { min: 1 });
  checkInput(x);
  const explain: AttributionFn = options.explain ?? ((m, input, target) => saliency(m, input, { target }));
  const p = prepareAttribution(model, x, options.target);
  const k = options.topK ?? Math.max(1, Math.round(0.1 * p.d));
  assertInteger('topK', k, { min: 1, max: p.d });
  const f = toLogitsFn(model);
  const rng = toRng(options.seed);
  const xs = x.dataSync() as Float32Array;
  const predict = (input: tf.Tensor) => tf.tidy(() => tf.argMax(f(input), 1).dataSync() as Int32Array);
  const clean = predict(x);
  const mapOf = async (input: tf.Tensor) => {
    const map = await explain(model, input, p.targets);
    const values = map.dataSync() as Float32Array;
    map.dispose();
    return values;
  };
  const original = await mapOf(x);
  let inter = 0;
  let rank = 0;
  let used = 0;
  for (let s = 0; s < samples; s++) {
    throwIfAborted(signal, 'explanationFragility');
    const noisy = new Float32Array(xs.length);
    for (let q = 0; q < xs.length; q++) noisy[q] = (xs[q] as number) + rng.uniform(-epsilon, epsilon);
    const input = tf.tensor(noisy, x.shape);
    try {
      const pred = predict(input);
      const map = await mapOf(input);
      for (let i = 0; i < p.n; i++) {
        if (pred[i] !== clean[i]) continue;
        const a = original.subarray(i * p.d, (i + 1) * p.d);
        const b = map.subarray(i * p.d, (i + 1) * p.d);
        inter += topKIntersection(a, b, k);
        rank += spearman(a, b);
        used++;
      }
    } finally {
      input.dispose();
    }
    onProgress?.({ done: s + 1, total: samples });
  }
  return {
    topKIntersection: used ? inter / used : Number.NaN,
    rankCorrelation: used ? rank / used : Number.NaN,
    used,
  };
}
