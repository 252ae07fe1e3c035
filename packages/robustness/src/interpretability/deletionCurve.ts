import { assertFiniteNumber, assertInteger, assertOneOf } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../classifier.js';
import { DlfError, describeValue } from '../errors.js';
import type { AttributionTarget } from './attributionCore.js';
import { prepareAttribution, targetLogits } from './attributionCore.js';

export interface DeletionCurveOptions {
  /** Class scored. Default: the prediction on the clean input. */
  target?: AttributionTarget;
  /** `'deletion'` (default): replace features by the baseline, most attributed first; `'insertion'`: start from the baseline and restore them. */
  mode?: 'deletion' | 'insertion';
  /** Value of a removed feature. Default: 0. */
  baselines?: number;
  /** Number of equal increments of the removed fraction (the curve has steps + 1 points). Default: 20. */
  steps?: number;
  /** Score of the target class: softmax `'probability'` (default) or `'logit'`. */
  output?: 'probability' | 'logit';
}

export interface DeletionCurveResult {
  /** Fraction of the features removed (deletion) or restored (insertion) at each point, 0..1. */
  fractions: Float64Array;
  /** Mean target score over the examples at each point. */
  scores: Float64Array;
  /** Fraction of the examples still (deletion) or already (insertion) predicted as their target. */
  accuracy: Float64Array;
  /** Trapezoid-rule area under `scores` against `fractions` (low is good for deletion, high for insertion). */
  auc: number;
}

/**
 * Deletion and insertion curves (Petsiuk et al. 2018): order each example's features by decreasing
 * attribution, replace the first round(f d) of them by the baseline (deletion) or restore them from
 * the baseline image (insertion) for f = 0, 1/steps, ..., 1, and record the target class's score and
 * whether it is still predicted. A faithful attribution makes the deletion curve fall fast.
 *
 * @param model - a LayersModel or a function x -> logits.
 * @param x - inputs `[n, ...shape]`.
 * @param attributions - a map shaped like `x` (e.g. from `integratedGradients`).
 * @returns `{ fractions, scores, accuracy, auc }`.
 * @example
 * ```ts
 * const { attributions } = await integratedGradients(model, x);
 * const { auc } = await deletionCurve(model, x, attributions, { steps: 10 });
 * ```
 */
export async function deletionCurve(
  model: Classifier,
  x: tf.Tensor,
  attributions: tf.Tensor,
  options: DeletionCurveOptions = {},
): Promise<DeletionCurveResult> {
  const { mode = 'deletion', baselines = 0, steps = 20, output = 'probability' } = options;
  assertOneOf('mode', mode, ['deletion', 'insertion'] as const);
  assertOneOf('output', output, ['probability', 'logit'] as const);
  assertFiniteNumber('baselines', baselines);
  assertInteger('steps', steps, { min: 1 });
  const p = prepareAttribution(model, x, options.target);
  if (!(attributions instanceof tf.Tensor) || !tf.util.arraysEqual(attributions.shape, x.shape)) {
    throw new DlfError(
      'INVALID_SHAPE',
      `attributions must be shaped like x [${x.shape}], received ${describeValue(attributions)}`,
      {
        param: 'attributions',
      },
    );
  }
  const xs = x.dataSync() as Float32Array;
  const as = attributions.dataSync();
  const orders = Array.from({ length: p.n }, (_, i) =>
    Array.from({ length: p.d }, (_, j) => j).sort(
      (a, b) => (as[i * p.d + b] as number) - (as[i * p.d + a] as number) || a - b,
    ),
  );
  const fractions = new Float64Array(steps + 1);
  const scores = new Float64Array(steps + 1);
  const accuracy = new Float64Array(steps + 1);
  for (let s = 0; s <= steps; s++) {
    fractions[s] = s / steps;
    const count = Math.round((s * p.d) / steps);
    const batch = new Float32Array(p.n * p.d);
    for (let i = 0; i < p.n; i++) {
      const order = orders[i] as number[];
      if (mode === 'deletion') {
        batch.set(xs.subarray(i * p.d, (i + 1) * p.d), i * p.d);
        for (let r = 0; r < count; r++) batch[i * p.d + (order[r] as number)] = baselines;
      } else {
        batch.fill(baselines, i * p.d, (i + 1) * p.d);
        for (let r = 0; r < count; r++) {
          const j = order[r] as number;
          batch[i * p.d + j] = xs[i * p.d + j] as number;
        }
      }
    }
    const { score, pred } = tf.tidy(() => {
      const input = tf.tensor(batch, x.shape);
      const z = p.f(input);
      const values =
        output === 'logit'
          ? targetLogits(p.f, input, p.targets)
          : targetLogits((v) => tf.softmax(p.f(v)), input, p.targets);
      return { score: values.dataSync(), pred: tf.argMax(z, 1).dataSync() };
    });
    let total = 0;
    let hits = 0;
    for (let i = 0; i < p.n; i++) {
      total += score[i] as number;
      if (pred[i] === p.targets[i]) hits++;
    }
    scores[s] = total / p.n;
    accuracy[s] = hits / p.n;
  }
  let auc = 0;
  for (let s = 0; s < steps; s++) auc += ((scores[s] as number) + (scores[s + 1] as number)) / (2 * steps);
  return { fractions, scores, accuracy, auc };
}
