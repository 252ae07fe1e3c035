import * as tf from '@tensorflow/tfjs';
import type { Norm, PreparedInputs } from './attackCore.js';
import { cleanForward, perturbationNorms, successOf } from './attackCore.js';
import type { LogitsFn } from './classifier.js';

/** What every attack returns. The caller owns (and disposes) `adversarial`. */
export interface AttackResult {
  /** The adversarial batch, same shape as x, inside the bounds (and the eps-ball for bounded attacks). */
  adversarial: tf.Tensor;
  /**
   * Per example: the model's prediction on the adversarial input differs from the label
   * (untargeted) or equals the target (targeted). A clean misclassification counts as a success.
   */
  success: boolean[];
  /** Fraction of examples where `success` is true. */
  successRate: number;
  /** The model's predicted class on each adversarial input. */
  predictions: Int32Array;
  /** The resolved target class per example, or undefined for an untargeted attack. */
  targets: Int32Array | undefined;
  /** Per-example norm of adversarial - x (float64), in the attack's norm (`norm`). */
  norms: Float64Array;
  /** The norm `norms` is measured in. */
  norm: Norm;
}

/** Builds the result from the final (already exactly projected) adversarial data. */
export function buildResult(
  f: LogitsFn,
  inputs: PreparedInputs,
  advData: Float32Array,
  labels: Int32Array,
  targets: Int32Array | undefined,
  norm: Norm,
): AttackResult {
  const adversarial = tf.tensor(advData, inputs.shape, 'float32');
  const { pred } = cleanForward(f, adversarial);
  const success = successOf(pred, labels, targets);
  return {
    adversarial,
    success,
    successRate: success.filter(Boolean).length / success.length,
    predictions: pred,
    targets,
    norms: perturbationNorms(inputs.data, advData, inputs.n, norm),
    norm,
  };
}
