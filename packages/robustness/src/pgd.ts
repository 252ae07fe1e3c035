import type * as tf from '@tensorflow/tfjs';
import type { Labels, Norm } from './attackCore.js';
import { checkEps, checkLoss } from './attackCore.js';
import type { IterativeAttackOptions } from './attackOptions.js';
import type { AttackResult } from './attackResult.js';
import { buildResult } from './attackResult.js';
import type { Classifier } from './classifier.js';
import { checkNorm } from './fgsm.js';
import { checkLoopCounts, projectedGradientLoop } from './iterate.js';
import { prepareAttack } from './prepareAttack.js';

export interface PgdOptions extends IterativeAttackOptions {
  /** Radius of the threat ball in input units. Default 8/255. */
  eps?: number;
  /** `'linf'` (default) or `'l2'`. */
  norm?: Norm;
  /** Step size per iteration. Default 2.5 * eps / steps (Madry et al. 2018). */
  stepSize?: number;
  /** Iterations per restart. Default 10. */
  steps?: number;
  /** Start from a uniform point of the ball instead of x. Default true. */
  randomStart?: boolean;
  /** Independent runs; per example the best (successful, else highest-loss) one is kept. Default 1. */
  restarts?: number;
}

/**
 * Projected gradient descent on the negative loss (Madry et al. 2018): from a random point of the
 * ball, repeat x' <- Proj_{B(x, eps) ∩ bounds}(x' + a * sign(grad)) (L-inf) or
 * x' + a * grad / ||grad||_2 (L2). Targeted, it descends the target's loss instead.
 *
 * @param model - a LayersModel or a function x -> logits.
 * @param x - inputs `[n, ...shape]` inside `bounds`.
 * @param y - true labels.
 * @returns `{ adversarial, success, successRate, predictions, targets, norms, norm }`; every
 * adversarial input satisfies ||x' - x|| <= eps exactly (checked in float64) and lies in `bounds`.
 * @example
 * ```ts
 * const res = await pgd(model, x, y, { eps: 0.3, steps: 40, restarts: 2, seed: 1 });
 * console.log(res.successRate, res.success);
 * res.adversarial.dispose();
 * ```
 */
export async function pgd(
  model: Classifier,
  x: tf.Tensor,
  y: Labels,
  options: PgdOptions = {},
): Promise<AttackResult> {
  const eps = checkEps(options.eps ?? 8 / 255);
  const norm = checkNorm(options.norm ?? 'linf');
  const steps = options.steps ?? 10;
  const restarts = options.restarts ?? 1;
  const stepSize = options.stepSize ?? (eps > 0 ? (2.5 * eps) / (steps as number) : 1);
  checkLoopCounts(steps, restarts, stepSize);
  const kind = checkLoss(options.loss ?? 'ce');
  const p = prepareAttack(model, x, y, options);
  const adv = await projectedGradientLoop(p, x, {
    eps,
    norm,
    stepSize,
    steps,
    restarts,
    randomStart: options.randomStart ?? true,
    momentum: undefined,
    kind,
    onProgress: options.onProgress,
    signal: options.signal,
  });
  return buildResult(p.f, p.inputs, adv, p.labels, p.targets, norm);
}
