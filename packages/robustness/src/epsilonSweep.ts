import { throwIfAborted } from '@dlf/runtime';
import type * as tf from '@tensorflow/tfjs';
import type { Labels } from './attackCore.js';
import { checkEps, cleanForward, prepareLabels } from './attackCore.js';
import type { AttackResult } from './attackResult.js';
import type { Classifier } from './classifier.js';
import { toLogitsFn } from './classifier.js';
import { DlfError } from './errors.js';

/** An attack function with an `eps` option, such as `fgsm`, `pgd` or `mifgsm`. */
export type BudgetedAttack<O extends { eps?: number }> = (
  model: Classifier,
  x: tf.Tensor,
  y: Labels,
  options?: O,
) => Promise<AttackResult>;

export interface EpsilonSweepResult {
  /** The budgets, sorted ascending. */
  epsilons: number[];
  /** Fraction of examples classified correctly at every budget up to and including each epsilon. */
  robustAccuracy: number[];
  /** Attack success rate at each epsilon (cumulative, see `success`). */
  successRate: number[];
  /**
   * success[e][i]: the attack succeeded on example i at some budget <= epsilons[e]. An adversarial
   * input found at a smaller budget is also inside every larger ball, so this is a valid (and
   * never weaker) per-budget result, and robust accuracy is non-increasing by construction.
   */
  success: boolean[][];
  /** Accuracy on the clean inputs. */
  cleanAccuracy: number;
}

/**
 * Runs one attack at several budgets in one call and reports robust accuracy against epsilon (the
 * `epsilons` argument of foolbox). Adversarial tensors are disposed; only the statistics are kept.
 *
 * @param attack - `fgsm`, `pgd`, `mifgsm` or any function with the same signature and an `eps` option.
 * @param options - the attack's options without `eps`, plus `epsilons` (non-negative numbers),
 *   `onProgress({ index, epsilon, robustAccuracy })` and `signal` (between budgets).
 * @returns `{ epsilons, robustAccuracy, successRate, success, cleanAccuracy }`.
 * @example
 * ```ts
 * const curve = await epsilonSweep(pgd, model, x, y, { epsilons: [0, 0.05, 0.1, 0.2], steps: 20 });
 * curve.epsilons.forEach((e, i) => console.log(e, curve.robustAccuracy[i]));
 * ```
 */
export async function epsilonSweep<O extends { eps?: number }>(
  attack: BudgetedAttack<O>,
  model: Classifier,
  x: tf.Tensor,
  y: Labels,
  options: NoInfer<Omit<O, 'eps'>> & {
    epsilons: readonly number[];
    onProgress?: (progress: { index: number; epsilon: number; robustAccuracy: number }) => void;
    signal?: AbortSignal;
  },
): Promise<EpsilonSweepResult> {
  const { epsilons: raw, onProgress, signal, ...rest } = options;
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new DlfError('INVALID_ARGUMENT', 'epsilons must be a non-empty array of budgets', {
      param: 'epsilons',
    });
  }
  const epsilons = raw.map((e, i) => checkEps(e, `epsilons[${i}]`)).sort((a, b) => a - b);
  const f = toLogitsFn(model);
  const { pred, numClasses } = cleanForward(f, x);
  const n = pred.length;
  const labels = prepareLabels(y, n, numClasses);
  const broken = Array.from(pred, (p, i) => p !== labels[i]);
  const cleanAccuracy = broken.filter((b) => !b).length / n;
  const everSucceeded = new Array<boolean>(n).fill(false);
  const success: boolean[][] = [];
  const robustAccuracy: number[] = [];
  const successRate: number[] = [];
  for (let e = 0; e < epsilons.length; e++) {
    throwIfAborted(signal, 'epsilonSweep');
    const eps = epsilons[e] as number;
    const result = await attack(model, x, y, { ...rest, eps, signal } as unknown as O);
    result.adversarial.dispose();
    for (let i = 0; i < n; i++) {
      if (result.predictions[i] !== labels[i]) broken[i] = true;
      if (result.success[i]) everSucceeded[i] = true;
    }
    success.push([...everSucceeded]);
    robustAccuracy.push(broken.filter((b) => !b).length / n);
    successRate.push(everSucceeded.filter(Boolean).length / n);
    onProgress?.({ index: e, epsilon: eps, robustAccuracy: robustAccuracy[e] as number });
  }
  return { epsilons, robustAccuracy, successRate, success, cleanAccuracy };
}
