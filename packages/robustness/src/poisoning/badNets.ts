import type { LabeledData, SeedLike } from '@dlf/runtime';
import { assertInRange, assertInteger, toRng } from '@dlf/runtime';
import { DlfError } from '../errors.js';
import type { Trigger } from './trigger.js';
import { applyTrigger } from './trigger.js';

export interface BadNetsOptions {
  trigger: Trigger;
  /** Label the backdoor maps to. */
  targetLabel: number;
  /** Fraction of the training examples (from the other classes) to poison, in (0, 1]. Default 0.1. */
  fraction?: number;
  /** Seed of the choice of poisoned examples. Default 0. */
  seed?: SeedLike;
}

/**
 * BadNets poisoning (Gu et al. 2017): stamps the trigger on a random `fraction` of the training set
 * (drawn among examples whose label is not the target) and relabels them `targetLabel`. A model
 * trained on the result learns the shortcut "trigger => target". Returns a new dataset.
 *
 * @returns `{ data, poisoned }`: the poisoned copy and the indices of the poisoned examples.
 * @example
 * ```ts
 * const { data } = badNets(train, { trigger: squareTrigger([8, 8, 1], { size: 2 }), targetLabel: 0, fraction: 0.1 });
 * ```
 */
export function badNets(
  data: LabeledData,
  options: BadNetsOptions,
): { data: LabeledData; poisoned: Int32Array } {
  const d = data.shape.reduce((a, b) => a * b, 1);
  const fraction = options.fraction ?? 0.1;
  assertInRange('fraction', fraction, 0, 1, { minInclusive: false });
  assertInteger('targetLabel', options.targetLabel, { min: 0 });
  if (!(data.y instanceof Int32Array)) {
    throw new DlfError('INVALID_DATA', 'data.y must hold class indices (Int32Array)', { param: 'data' });
  }
  const rng = toRng(options.seed);
  const candidates = Array.from({ length: data.n }, (_, i) => i).filter(
    (i) => data.y[i] !== options.targetLabel,
  );
  const count = Math.min(candidates.length, Math.round(fraction * data.n));
  const chosen = rng
    .shuffle(candidates)
    .slice(0, count)
    .sort((a, b) => a - b);
  const x = Float32Array.from(data.x);
  const y = Int32Array.from(data.y);
  for (const i of chosen) {
    x.set(applyTrigger(data.x.subarray(i * d, (i + 1) * d), options.trigger), i * d);
    y[i] = options.targetLabel;
  }
  const out: LabeledData = { x, y, n: data.n, shape: [...data.shape] };
  if (data.numClasses !== undefined) out.numClasses = data.numClasses;
  return { data: out, poisoned: Int32Array.from(chosen) };
}
