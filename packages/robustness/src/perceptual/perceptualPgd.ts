import { assertInteger, assertPositive } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { AttackLoss, Bounds, Labels } from '../attackCore.js';
import {
  attackObjective,
  checkBounds,
  checkEps,
  checkLoss,
  cleanForward,
  prepareInputs,
  prepareLabels,
} from '../attackCore.js';
import type { Classifier } from '../classifier.js';
import { toLogitsFn } from '../classifier.js';
import { DlfError } from '../errors.js';
import type { PerceptualAttackResult } from './perceptualCore.js';
import { finishResult, perceptualStep, projectByBisection } from './perceptualCore.js';
import type { FeatureFn, PerceptualFeatureOptions } from './perceptualDistance.js';
import { toFeatureFn } from './perceptualDistance.js';

export interface PerceptualAttackOptions extends PerceptualFeatureOptions {
  /** Bound on the perceptual distance d(x, x'). Default: 0.5. */
  eps?: number;
  /** Network whose features define the distance. Default: the attacked model (which must then be a LayersModel). */
  features?: tf.LayersModel | FeatureFn;
  /** Objective: `'margin'` (max_{c != y} z_c - z_y, default) or `'ce'`. */
  loss?: AttackLoss;
  /** Input range. Default: [0, 1]. */
  bounds?: Bounds;
  /** Halvings of the projection by bisection. Default: 10. */
  bisectionSteps?: number;
  /** Called after each step. */
  onProgress?: (p: { step: number; steps: number }) => void;
  /** Stops between steps; the current iterate is projected and returned. */
  signal?: AbortSignal;
}

export interface PerceptualPgdOptions extends PerceptualAttackOptions {
  /** Steps. Default: 10. */
  steps?: number;
  /** Perceptual length of each step (to first order). Default: max(1.5 eps / steps, eps / 4). */
  stepSize?: number;
}

/** Validation and set-up shared by the perceptual attacks (internal). */
export function preparePerceptual(
  model: Classifier,
  x: tf.Tensor,
  y: Labels,
  options: PerceptualAttackOptions,
) {
  const eps = checkEps(options.eps ?? 0.5);
  const bounds = checkBounds(options.bounds ?? [0, 1]);
  const loss = checkLoss(options.loss ?? 'margin');
  const bisectionSteps = options.bisectionSteps ?? 10;
  assertInteger('bisectionSteps', bisectionSteps, { min: 1 });
  const f = toLogitsFn(model);
  const inputs = prepareInputs(x, bounds);
  const { numClasses } = cleanForward(f, x);
  const labels = prepareLabels(y, inputs.n, numClasses);
  const source = options.features ?? model;
  if (typeof source === 'function' && options.features === undefined) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      'features must be given when the model is a function (its intermediate layers are not reachable)',
      { param: 'features' },
    );
  }
  const fn = toFeatureFn(source as tf.LayersModel | FeatureFn, options);
  return { eps, bounds, loss, bisectionSteps, f, labels, fn };
}

/**
 * Perceptual PGD (after Laidlaw et al. 2021): maximise the classification loss over inputs within
 * perceptual distance eps (`perceptualDistance`, the classifier's own features by default). Each step
 * moves along the input gradient by a perceptual length `stepSize` to first order (the embedding's
 * directional derivative is measured by a finite difference), clips to the input range, and projects
 * back onto the perceptual ball by bisection on the segment from x (the ball is not convex in input
 * space, so this is a projection along a ray, which always ends inside). Every returned input is within
 * the bounds and at perceptual distance <= eps, checked with the returned `distances`.
 *
 * @param model - the attacked classifier (a LayersModel, or a function with `features`).
 * @param x - inputs `[n, ...]` inside `bounds`.
 * @param y - labels.
 * @returns `{ adversarial, success, successRate, predictions, distances }`.
 * @example
 * ```ts
 * const { adversarial, successRate } = await perceptualPgd(model, x, y, { eps: 0.5, steps: 10 });
 * ```
 */
export async function perceptualPgd(
  model: Classifier,
  x: tf.Tensor,
  y: Labels,
  options: PerceptualPgdOptions = {},
): Promise<PerceptualAttackResult> {
  const { eps, bounds, loss, bisectionSteps, f, labels, fn } = preparePerceptual(model, x, y, options);
  const steps = options.steps ?? 10;
  assertInteger('steps', steps, { min: 1 });
  const stepSize = options.stepSize ?? Math.max((1.5 * eps) / steps, eps / 4);
  if (eps > 0) assertPositive('stepSize', stepSize);
  if (eps === 0) return finishResult(f, x.clone(), labels, new Float64Array(labels.length));
  const cls = tf.tensor1d(labels, 'int32');
  let xAdv = x.clone();
  try {
    for (let s = 0; s < steps; s++) {
      if (options.signal?.aborted) break;
      const next = tf.tidy(() => {
        const g = tf.grad((z: tf.Tensor) => tf.sum(attackObjective(f(z), cls, loss, false)))(xAdv);
        const stepped = perceptualStep(fn, xAdv, g, stepSize, bounds);
        return stepped;
      });
      const projected = projectByBisection(fn, x, next, eps, bisectionSteps);
      tf.dispose([next, xAdv]);
      xAdv = projected.adversarial;
      options.onProgress?.({ step: s, steps });
      if (options.onProgress) await Promise.resolve();
    }
    const final = projectByBisection(fn, x, xAdv, eps, bisectionSteps);
    return finishResult(f, final.adversarial, labels, final.distances);
  } finally {
    tf.dispose([cls, xAdv]);
  }
}
