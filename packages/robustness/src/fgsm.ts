import * as tf from '@tensorflow/tfjs';
import type { AttackLoss, Labels, Norm } from './attackCore.js';
import {
  checkEps,
  checkLoss,
  clipTensor,
  exactProject,
  l2Norms,
  objectiveGradient,
  perExample,
} from './attackCore.js';
import type { BaseAttackOptions } from './attackOptions.js';
import type { AttackResult } from './attackResult.js';
import { buildResult } from './attackResult.js';
import type { Classifier } from './classifier.js';
import { DlfError, describeValue } from './errors.js';
import { prepareAttack } from './prepareAttack.js';

export interface FgsmOptions extends BaseAttackOptions {
  /** Perturbation budget in input units. Default 8/255. */
  eps?: number;
  /** `'linf'` (FGSM: eps * sign(g), default) or `'l2'` (fast gradient method: eps * g / ||g||_2). */
  norm?: Norm;
  /** Objective: `'ce'` cross-entropy (default) or `'margin'`. */
  loss?: AttackLoss;
}

export function checkNorm(norm: unknown): Norm {
  if (norm !== 'linf' && norm !== 'l2') {
    throw new DlfError('INVALID_ARGUMENT', `norm must be 'linf' or 'l2', received ${describeValue(norm)}`, {
      param: 'norm',
    });
  }
  return norm;
}

/**
 * Fast gradient sign method (Goodfellow et al. 2015): one step of size eps along the sign of the
 * input gradient of the loss, x' = clip(x + eps * sign(grad_x L(x, y))); targeted, it descends the
 * loss of the target class instead. With `norm: 'l2'` the step is eps * g / ||g||_2.
 * It is the exact maximiser of the linearised loss over the eps-ball.
 *
 * @param model - a LayersModel or a function x -> logits.
 * @param x - inputs `[n, ...shape]` inside `bounds`.
 * @param y - true labels (indices, one-hot tensor or array).
 * @returns `{ adversarial, success, successRate, predictions, targets, norms, norm }`.
 * @example
 * ```ts
 * const { adversarial, successRate } = await fgsm(model, x, y, { eps: 0.1 });
 * console.log(`fooled ${successRate * 100}%`);
 * adversarial.dispose();
 * ```
 */
export async function fgsm(
  model: Classifier,
  x: tf.Tensor,
  y: Labels,
  options: FgsmOptions = {},
): Promise<AttackResult> {
  const eps = checkEps(options.eps ?? 8 / 255);
  const norm = checkNorm(options.norm ?? 'linf');
  const kind = checkLoss(options.loss ?? 'ce');
  const p = prepareAttack(model, x, y, options);
  const advData = tf.tidy(() => {
    const cls = tf.tensor1d(p.cls, 'int32');
    const { grad } = objectiveGradient(p.f, x, cls, kind, p.targets !== undefined);
    const step =
      norm === 'linf'
        ? tf.mul(tf.sign(grad), eps)
        : tf.mul(grad, perExample(tf.div(eps, tf.maximum(l2Norms(grad), 1e-30)), x.rank));
    return clipTensor(tf.add(x, step), p.bounds).dataSync() as Float32Array;
  });
  const projected = exactProject(p.inputs.data, advData, p.inputs.n, eps, norm, p.bounds);
  return buildResult(p.f, p.inputs, projected, p.labels, p.targets, norm);
}
