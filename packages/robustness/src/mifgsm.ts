import { assertNonNegative } from '@dlf/runtime';
import type * as tf from '@tensorflow/tfjs';
import type { Labels } from './attackCore.js';
import { checkEps, checkLoss } from './attackCore.js';
import type { IterativeAttackOptions } from './attackOptions.js';
import type { AttackResult } from './attackResult.js';
import { buildResult } from './attackResult.js';
import type { Classifier } from './classifier.js';
import { checkLoopCounts, projectedGradientLoop } from './iterate.js';
import { prepareAttack } from './prepareAttack.js';

export interface MifgsmOptions extends IterativeAttackOptions {
  /** L-inf budget in input units. Default 8/255. */
  eps?: number;
  /** Step size. Default eps / steps (Dong et al. 2018). */
  stepSize?: number;
  /** Iterations. Default 10. */
  steps?: number;
  /** Momentum decay mu. Default 1. */
  decay?: number;
}

/**
 * Momentum iterative FGSM (Dong et al. 2018): g <- mu * g + grad / ||grad||_1,
 * x' <- Proj_{B_inf(x, eps) ∩ bounds}(x' + a * sign(g)), starting at x. With `decay: 0` it is the
 * basic iterative method (PGD without random start).
 *
 * @returns `{ adversarial, success, successRate, predictions, targets, norms, norm }`.
 * @example
 * ```ts
 * const res = await mifgsm(model, x, y, { eps: 0.1, steps: 10, decay: 1 });
 * res.adversarial.dispose();
 * ```
 */
export async function mifgsm(
  model: Classifier,
  x: tf.Tensor,
  y: Labels,
  options: MifgsmOptions = {},
): Promise<AttackResult> {
  const eps = checkEps(options.eps ?? 8 / 255);
  const steps = options.steps ?? 10;
  const stepSize = options.stepSize ?? (eps > 0 ? eps / (steps as number) : 1);
  checkLoopCounts(steps, 1, stepSize);
  const decay = options.decay ?? 1;
  assertNonNegative('decay', decay);
  const kind = checkLoss(options.loss ?? 'ce');
  const p = prepareAttack(model, x, y, options);
  const adv = await projectedGradientLoop(p, x, {
    eps,
    norm: 'linf',
    stepSize,
    steps,
    restarts: 1,
    randomStart: false,
    momentum: decay,
    kind,
    onProgress: options.onProgress,
    signal: options.signal,
  });
  return buildResult(p.f, p.inputs, adv, p.labels, p.targets, 'linf');
}
