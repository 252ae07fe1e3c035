import { toRng } from '@dlf/runtime';
import type * as tf from '@tensorflow/tfjs';
import type { Bounds, Labels, PreparedInputs } from './attackCore.js';
import { checkBounds, cleanForward, prepareInputs, prepareLabels, resolveTargets } from './attackCore.js';
import type { BaseAttackOptions } from './attackOptions.js';
import type { Classifier, LogitsFn } from './classifier.js';
import { toLogitsFn } from './classifier.js';

export interface PreparedAttack {
  f: LogitsFn;
  inputs: PreparedInputs;
  bounds: Bounds;
  labels: Int32Array;
  targets: Int32Array | undefined;
  /** The classes the objective is about: targets when targeted, labels otherwise. */
  cls: Int32Array;
  numClasses: number;
  cleanPred: Int32Array;
  cleanLogits: Float32Array;
  rng: ReturnType<typeof toRng>;
}

/** Validates model, inputs, labels and target; runs the clean forward pass once. */
export function prepareAttack(
  model: Classifier,
  x: tf.Tensor,
  y: Labels,
  options: BaseAttackOptions,
): PreparedAttack {
  const f = toLogitsFn(model);
  const bounds = checkBounds(options.bounds ?? [0, 1]);
  const inputs = prepareInputs(x, bounds);
  const { logits, numClasses, pred } = cleanForward(f, x);
  const labels = prepareLabels(y, inputs.n, numClasses);
  const rng = toRng(options.seed);
  const targets = resolveTargets(options.target, labels, logits, numClasses, rng);
  return {
    f,
    inputs,
    bounds,
    labels,
    targets,
    cls: targets ?? labels,
    numClasses,
    cleanPred: pred,
    cleanLogits: logits,
    rng,
  };
}
