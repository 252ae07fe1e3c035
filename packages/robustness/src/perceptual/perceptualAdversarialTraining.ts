import type { SeedLike } from '@dlf/runtime';
import { assertInteger, assertOneOf, toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { checkBounds, checkEps } from '../attackCore.js';
import type { Classifier } from '../classifier.js';
import { DlfError } from '../errors.js';
import type { TrainingData, TrainingOptions } from '../trainingLoop.js';
import { trainingLoop } from '../trainingLoop.js';
import { lagrangianPerceptualAttack } from './lagrangianPerceptualAttack.js';
import type { FeatureFn } from './perceptualDistance.js';
import { perceptualFeatures } from './perceptualDistance.js';
import { perceptualPgd } from './perceptualPgd.js';

export interface PerceptualAdversarialTrainingOptions extends TrainingOptions {
  /** Inner attack: `'ppgd'` (perceptual PGD, default) or `'lpa'` (Lagrangian perceptual attack). */
  attack?: 'ppgd' | 'lpa';
  /** Perceptual bound of the inner attack; 0 gives standard training. Default: 0.5. */
  eps?: number;
  /** Inner attack steps (per lambda round for `'lpa'`). Default: 5. */
  steps?: number;
  /** Features of the distance. Default: the trained model's own hidden layers (updated as it trains). */
  features?: tf.LayersModel | FeatureFn;
  /** Perceptual PGD steps of the per-epoch robust accuracy. Default: 10. */
  evalSteps?: number;
  /** Passes over the data. Default: 10. */
  epochs?: number;
  /** Examples per update. Default: 64. */
  batchSize?: number;
  /** Input range. Default: [0, 1]. */
  bounds?: readonly [number, number];
  /** Seed of the batch order and the attacks' random starts. Default: 0. */
  seed?: SeedLike;
}

/** One epoch of perceptual adversarial training. */
export interface PerceptualEpoch {
  epoch: number;
  /** Mean cross-entropy on the adversarial batches. */
  loss: number;
  /** Accuracy on the validation data. */
  cleanAccuracy: number;
  /** Accuracy on the validation data under perceptual PGD at `eps` (`evalSteps` steps). */
  robustAccuracy: number;
}

/**
 * Perceptual adversarial training (PAT, Laidlaw et al. 2021): min_theta E max_{d(x, x') <= eps}
 * CE(f_theta(x'), y), the inner maximisation by perceptual PGD or the Lagrangian perceptual attack
 * with the perceptual distance of the model's own features (self-bounded, as in the paper's
 * experiments without AlexNet), the outer by a tfjs optimiser on the adversarial batch. Reports clean
 * and perceptual-robust validation accuracy per epoch. The model's weights are updated in place.
 *
 * @param model - a LayersModel, or a function x -> logits with `variables` and `features`.
 * @param data - `{ x, y }` tensors or a runtime LabeledData.
 * @returns `{ history: [{ epoch, loss, cleanAccuracy, robustAccuracy }], stopped }`.
 * @example
 * ```ts
 * const { history } = await perceptualAdversarialTraining(model, train, { eps: 0.5, epochs: 5 });
 * ```
 */
export async function perceptualAdversarialTraining(
  model: Classifier,
  data: TrainingData,
  options: PerceptualAdversarialTrainingOptions = {},
): Promise<{ history: PerceptualEpoch[]; stopped: boolean }> {
  const attack = options.attack ?? 'ppgd';
  assertOneOf('attack', attack, ['ppgd', 'lpa'] as const);
  const eps = checkEps(options.eps ?? 0.5);
  const steps = options.steps ?? 5;
  assertInteger('steps', steps, { min: 1 });
  const evalSteps = options.evalSteps ?? 10;
  assertInteger('evalSteps', evalSteps, { min: 1 });
  const epochs = options.epochs ?? 10;
  assertInteger('epochs', epochs, { min: 1 });
  const batchSize = options.batchSize ?? 64;
  assertInteger('batchSize', batchSize, { min: 1 });
  const bounds = checkBounds(options.bounds ?? [0, 1]);
  const rng = toRng(options.seed);
  let features: tf.LayersModel | FeatureFn;
  if (options.features !== undefined) features = options.features;
  else if (model instanceof tf.LayersModel) features = perceptualFeatures(model);
  else {
    throw new DlfError('INVALID_ARGUMENT', 'features must be given when the model is a function', {
      param: 'features',
    });
  }
  return trainingLoop<{ cleanAccuracy: number; robustAccuracy: number }>(model, data, {
    ...options,
    bounds,
    epochs,
    batchSize,
    rng,
    perturb: async (evalF, xb, yb) => {
      if (eps === 0) return xb.clone();
      const common = { eps, bounds, features, steps };
      const r =
        attack === 'lpa'
          ? await lagrangianPerceptualAttack(evalF, xb, yb, { ...common, seed: rng.nextSeed() })
          : await perceptualPgd(evalF, xb, yb, common);
      return r.adversarial;
    },
    loss: undefined,
    evaluate: async (evalF, valX, valY) => {
      const clean = tf.tidy(() => tf.argMax(evalF(valX), 1).dataSync());
      const cleanAccuracy = Array.from(clean).filter((p, i) => p === valY[i]).length / valY.length;
      let robustAccuracy = cleanAccuracy;
      if (eps > 0) {
        const r = await perceptualPgd(evalF, valX, valY, { eps, bounds, features, steps: evalSteps });
        r.adversarial.dispose();
        robustAccuracy = 1 - r.successRate;
      }
      return { cleanAccuracy, robustAccuracy };
    },
  });
}
