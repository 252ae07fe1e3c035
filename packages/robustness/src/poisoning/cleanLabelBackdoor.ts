import type { LabeledData, SeedLike } from '@dlf/runtime';
import { assertInRange, assertInteger, toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { Bounds } from '../attackCore.js';
import type { Classifier } from '../classifier.js';
import { DlfError } from '../errors.js';
import { pgd } from '../pgd.js';
import type { Trigger } from './trigger.js';
import { applyTrigger } from './trigger.js';

export interface CleanLabelBackdoorOptions {
  trigger: Trigger;
  /** The class the backdoor maps to; only its examples are modified, and no label changes. */
  targetLabel: number;
  /** A model trained on clean data, used to make the poisons hard to classify by their content. */
  model: Classifier;
  /** Fraction of the target class's examples to poison, in (0, 1]. Default 0.5. */
  fraction?: number;
  /** L-inf budget of the PGD perturbation applied before the trigger. Default 8/255. */
  eps?: number;
  /** PGD steps. Default 10. */
  steps?: number;
  bounds?: Bounds;
  seed?: SeedLike;
}

/**
 * Clean-label backdoor (Turner, Tsipras and Madry 2019): poisons only examples of the target class
 * and keeps their (correct) labels. Each chosen example is first pushed by an untargeted PGD attack
 * against a clean model, so its content no longer explains its label, then stamped with the trigger;
 * a model trained on the result leans on the trigger for that class. Returns a new dataset.
 *
 * @returns `{ data, poisoned }`: the poisoned copy and the indices of the modified examples.
 * @example
 * ```ts
 * const { data } = await cleanLabelBackdoor(train, { trigger, targetLabel: 0, model: reference, eps: 0.3 });
 * ```
 */
export async function cleanLabelBackdoor(
  data: LabeledData,
  options: CleanLabelBackdoorOptions,
): Promise<{ data: LabeledData; poisoned: Int32Array }> {
  const fraction = options.fraction ?? 0.5;
  assertInRange('fraction', fraction, 0, 1, { minInclusive: false });
  assertInteger('targetLabel', options.targetLabel, { min: 0 });
  if (!(data.y instanceof Int32Array)) {
    throw new DlfError('INVALID_DATA', 'data.y must hold class indices (Int32Array)', { param: 'data' });
  }
  const d = data.shape.reduce((a, b) => a * b, 1);
  const rng = toRng(options.seed);
  const own = Array.from({ length: data.n }, (_, i) => i).filter((i) => data.y[i] === options.targetLabel);
  const chosen = rng
    .shuffle(own)
    .slice(0, Math.round(fraction * own.length))
    .sort((a, b) => a - b);
  const x = Float32Array.from(data.x);
  if (chosen.length > 0) {
    const batch = new Float32Array(chosen.length * d);
    chosen.forEach((i, j) => {
      batch.set(data.x.subarray(i * d, (i + 1) * d), j * d);
    });
    const xb = tf.tensor(batch, [chosen.length, ...data.shape]);
    const res = await pgd(options.model, xb, new Array(chosen.length).fill(options.targetLabel), {
      eps: options.eps ?? 8 / 255,
      steps: options.steps ?? 10,
      bounds: options.bounds ?? [0, 1],
      seed: rng,
    });
    const adv = applyTrigger(res.adversarial.dataSync() as Float32Array, options.trigger);
    res.adversarial.dispose();
    xb.dispose();
    chosen.forEach((i, j) => {
      x.set(adv.subarray(j * d, (j + 1) * d), i * d);
    });
  }
  const out: LabeledData = { x, y: Int32Array.from(data.y), n: data.n, shape: [...data.shape] };
  if (data.numClasses !== undefined) out.numClasses = data.numClasses;
  return { data: out, poisoned: Int32Array.from(chosen) };
}
