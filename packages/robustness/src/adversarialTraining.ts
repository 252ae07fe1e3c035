import type { SeedLike } from '@dlf/runtime';
import { assertInteger, assertNonNegative, assertOneOf, assertPositive, toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { Bounds, Norm } from './attackCore.js';
import { checkBounds, checkEps, cleanForward, l2Norms, perExample, projectTensor } from './attackCore.js';
import type { Classifier, LogitsFn } from './classifier.js';
import { checkNorm, fgsm } from './fgsm.js';
import { pgd } from './pgd.js';
import type { TrainingData, TrainingOptions } from './trainingLoop.js';
import { trainingLoop } from './trainingLoop.js';

export type { TrainingData, TrainingOptions } from './trainingLoop.js';

export interface AdversarialTrainingOptions extends TrainingOptions {
  /** Inner attack of Madry training: `'pgd'` (default) or `'fgsm'` (fast adversarial training). */
  attack?: 'pgd' | 'fgsm';
  /** Objective: `'madry'` (train on the adversarial points, default) or `'trades'` (Zhang et al. 2019). */
  method?: 'madry' | 'trades';
  /** Threat-model radius in input units; 0 gives standard training. Default 8/255. */
  epsilon?: number;
  /** `'linf'` (default) or `'l2'`. */
  norm?: Norm;
  /** Inner steps (PGD and TRADES). Default 7. */
  steps?: number;
  /** Inner step size. Default 2.5 * epsilon / steps. */
  stepSize?: number;
  /** TRADES weight beta of the KL term. Default 6. */
  beta?: number;
  /** Passes over the data. Default 10. */
  epochs?: number;
  /** Examples per update. Default 64. */
  batchSize?: number;
  /** Input range. Default [0, 1]. */
  bounds?: Bounds;
  /** Radius of the per-epoch robust accuracy. Default: `epsilon` (set it to compare with standard training, epsilon 0). */
  evalEpsilon?: number;
  /** PGD steps of the per-epoch robust accuracy. Default 10. */
  evalSteps?: number;
  /** Seed of shuffling, random starts and TRADES's initial noise. Default 0. */
  seed?: SeedLike;
}

/** One epoch of adversarial training. */
export interface AdversarialEpoch {
  epoch: number;
  /** Mean training objective over the epoch's batches. */
  loss: number;
  /** Accuracy on the validation data. */
  cleanAccuracy: number;
  /** Accuracy on the validation data under PGD with `evalEpsilon` and the training norm. */
  robustAccuracy: number;
}

export interface AdversarialTrainingResult {
  history: AdversarialEpoch[];
  /** True when `signal` stopped training early. */
  stopped: boolean;
}

/** TRADES inner maximisation of KL(p(x) || p(x')) over the ball, from x + 0.001 N(0, I). */
function tradesAdversary(
  f: LogitsFn,
  x: tf.Tensor,
  eps: number,
  norm: Norm,
  stepSize: number,
  steps: number,
  bounds: Bounds,
  rng: ReturnType<typeof toRng>,
): tf.Tensor {
  return tf.tidy(() => {
    const pClean = tf.softmax(f(x) as tf.Tensor2D);
    const logClean = tf.log(tf.maximum(pClean, 1e-30));
    let adv = projectTensor(
      tf.add(x, tf.tensor(rng.normalArray(x.size, 0, 0.001), x.shape)),
      x,
      eps,
      norm,
      bounds,
    );
    const kl = (xi: tf.Tensor) =>
      tf.sum(tf.mul(pClean, tf.sub(logClean, tf.logSoftmax(f(xi) as tf.Tensor2D))));
    for (let t = 0; t < steps; t++) {
      const g = tf.grad(kl)(adv);
      const step =
        norm === 'linf'
          ? tf.mul(tf.sign(g), stepSize)
          : tf.mul(g, perExample(tf.div(stepSize, tf.maximum(l2Norms(g), 1e-30)), x.rank));
      adv = projectTensor(tf.add(adv, step), x, eps, norm, bounds);
    }
    return adv;
  });
}

/**
 * Adversarial training (Madry et al. 2018): min_theta E max_{||delta|| <= eps} L(f_theta(x + delta), y),
 * the inner max by PGD (or FGSM) on each batch, the outer min by a tfjs optimiser on the adversarial
 * batch. With `method: 'trades'` (Zhang et al. 2019) the loss is
 * CE(f(x), y) + beta * KL(p(x) || p(x')), x' maximising the KL term in the ball. After every epoch
 * it measures clean accuracy and robust accuracy (PGD, `evalSteps` steps) on `validation`.
 * The model's weights are updated in place.
 *
 * @param model - a LayersModel (its trainable weights are trained) or a function x -> logits with `variables`.
 * @param data - `{ x, y }` tensors or a runtime LabeledData.
 * @returns `{ history: [{ epoch, loss, cleanAccuracy, robustAccuracy }], stopped }`.
 * @example
 * ```ts
 * const { history } = await adversarialTraining(model, { x, y }, { epsilon: 0.1, steps: 7, epochs: 5 });
 * console.log(history.map((h) => h.robustAccuracy));
 * ```
 */
export async function adversarialTraining(
  model: Classifier,
  data: TrainingData,
  options: AdversarialTrainingOptions = {},
): Promise<AdversarialTrainingResult> {
  const attack = options.attack ?? 'pgd';
  assertOneOf('attack', attack, ['pgd', 'fgsm'] as const);
  const method = options.method ?? 'madry';
  assertOneOf('method', method, ['madry', 'trades'] as const);
  const eps = checkEps(options.epsilon ?? 8 / 255, 'epsilon');
  const norm = checkNorm(options.norm ?? 'linf');
  const steps = options.steps ?? 7;
  assertInteger('steps', steps, { min: 1 });
  const stepSize = options.stepSize ?? (eps > 0 ? (2.5 * eps) / steps : 1);
  assertPositive('stepSize', stepSize);
  const beta = options.beta ?? 6;
  assertNonNegative('beta', beta);
  const epochs = options.epochs ?? 10;
  assertInteger('epochs', epochs, { min: 1 });
  const batchSize = options.batchSize ?? 64;
  assertInteger('batchSize', batchSize, { min: 1 });
  const evalEps = checkEps(options.evalEpsilon ?? eps, 'evalEpsilon');
  const evalSteps = options.evalSteps ?? 10;
  assertInteger('evalSteps', evalSteps, { min: 1 });
  const bounds = checkBounds(options.bounds ?? [0, 1]);
  const rng = toRng(options.seed);
  return trainingLoop<{ cleanAccuracy: number; robustAccuracy: number }>(model, data, {
    ...options,
    bounds,
    epochs,
    batchSize,
    rng,
    perturb: async (evalF, xb, yb) => {
      if (eps === 0) return xb.clone();
      if (method === 'trades') return tradesAdversary(evalF, xb, eps, norm, stepSize, steps, bounds, rng);
      if (attack === 'fgsm') return (await fgsm(evalF, xb, yb, { eps, norm, bounds })).adversarial;
      return (await pgd(evalF, xb, yb, { eps, norm, steps, stepSize, bounds, seed: rng })).adversarial;
    },
    loss:
      method === 'trades'
        ? (trainF, xb, xAdv, oneHot) => {
            const zClean = trainF(xb) as tf.Tensor2D;
            const ce = tf.losses.softmaxCrossEntropy(oneHot, zClean);
            const logP = tf.logSoftmax(zClean);
            const kl = tf.mean(
              tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, tf.logSoftmax(trainF(xAdv) as tf.Tensor2D))), 1),
            );
            return tf.add(ce, tf.mul(beta, kl)) as tf.Scalar;
          }
        : undefined,
    evaluate: async (evalF, valX, valY, epoch) => {
      const { pred } = cleanForward(evalF, valX);
      const clean = Array.from(pred).filter((p, i) => p === valY[i]).length / valY.length;
      let robust = clean;
      if (evalEps > 0) {
        const r = await pgd(evalF, valX, valY, { eps: evalEps, norm, steps: evalSteps, bounds, seed: epoch });
        r.adversarial.dispose();
        robust = Array.from(r.predictions).filter((p, i) => p === valY[i]).length / valY.length;
      }
      return { cleanAccuracy: clean, robustAccuracy: robust };
    },
  });
}
