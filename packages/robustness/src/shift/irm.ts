import type { LabeledData } from '@dlf/runtime';
import { assertInteger, assertLabeledData, assertNonNegative, assertPositive, ops } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../classifier.js';
import { toLogitsFn } from '../classifier.js';
import { DlfError, describeValue } from '../errors.js';
import { irmPenalty } from './irmPenalty.js';

export interface IrmOptions {
  /** Full-batch gradient steps (every environment whole in each step, as Arjovsky et al.). Default: 500. */
  steps?: number;
  /** Penalty weight after the annealing period. Default: 1e4. */
  penaltyWeight?: number;
  /** Steps with penalty weight 1 before `penaltyWeight` applies. Default: 100. */
  penaltyAnnealSteps?: number;
  /** Learning rate of the default Adam optimizer. Default: 1e-3. */
  learningRate?: number;
  /** Optimizer (overrides `learningRate`). Default: `tf.train.adam(learningRate)`. */
  optimizer?: tf.Optimizer;
  /** Trainable variables when `model` is a function. Default: the LayersModel's trainable weights. */
  variables?: tf.Variable[];
  /** Called after each step. */
  onProgress?: (step: IrmStep) => void;
  /** Stops between steps; the history so far is returned. */
  signal?: AbortSignal;
}

export interface IrmStep {
  step: number;
  /** Mean over environments of the cross-entropy risk and of the IRMv1 penalty (before the update). */
  risk: number;
  penalty: number;
  /** Weight applied to the penalty at this step. */
  weight: number;
}

/**
 * IRMv1 training (Arjovsky et al. 2019): minimise mean_e R^e + w * mean_e P^e, with R^e the
 * cross-entropy on environment e and P^e = `irmPenalty` (the squared gradient of R^e with respect to
 * a dummy scale on the logits, differentiated by double backprop). The weight is 1 for the first
 * `penaltyAnnealSteps` steps and `penaltyWeight` after; when it exceeds 1 the loss is divided by it
 * (as the reference implementation does), keeping the step size of the risk term bounded.
 *
 * @param model - a LayersModel (trained in place) or a function x -> logits with `variables`.
 * @param environments - labelled data sets (class indices), one per training environment.
 * @returns `{ history }`, one entry per step.
 * @example
 * ```ts
 * const { environments: [e1, e2] } = await coloredMnist({ seed: 0 });
 * const { history } = await irm(model, [e1, e2], { steps: 500, penaltyWeight: 1e4 });
 * ```
 */
export async function irm(
  model: Classifier,
  environments: LabeledData[],
  options: IrmOptions = {},
): Promise<{ history: IrmStep[] }> {
  const {
    steps = 500,
    penaltyWeight = 1e4,
    penaltyAnnealSteps = 100,
    learningRate = 1e-3,
    onProgress,
    signal,
  } = options;
  assertInteger('steps', steps, { min: 1 });
  assertNonNegative('penaltyWeight', penaltyWeight);
  assertInteger('penaltyAnnealSteps', penaltyAnnealSteps, { min: 0 });
  assertPositive('learningRate', learningRate);
  if (!Array.isArray(environments) || environments.length === 0) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `environments must be a non-empty array of data sets, received ${describeValue(environments)}`,
      {
        param: 'environments',
      },
    );
  }
  environments.forEach((e, i) => {
    assertLabeledData(`environments[${i}]`, e);
  });
  const f = toLogitsFn(model, { training: true });
  const variables =
    options.variables ??
    (model instanceof tf.LayersModel
      ? model.trainableWeights.map((w) => w.read() as tf.Variable)
      : undefined);
  if (!variables || variables.length === 0) {
    throw new DlfError('INVALID_ARGUMENT', 'variables must be given (non-empty) when model is a function', {
      param: 'variables',
    });
  }
  const data = environments.map((e) =>
    tf.tidy(() => {
      const x = tf.tensor(e.x, [e.n, ...e.shape]);
      const logits = f(x.slice(0, 1));
      const k = e.numClasses ?? (logits.shape[1] as number);
      return { x, y: tf.oneHot(tf.tensor1d(Int32Array.from(e.y), 'int32'), k) };
    }),
  );
  const optimizer = options.optimizer ?? tf.train.adam(learningRate);
  const history: IrmStep[] = [];
  try {
    for (let step = 0; step < steps; step++) {
      if (signal?.aborted) break;
      const weight = step >= penaltyAnnealSteps ? penaltyWeight : 1;
      let risk = 0;
      let penalty = 0;
      tf.tidy(() => {
        optimizer.minimize(
          () => {
            let r = tf.scalar(0);
            let p = tf.scalar(0);
            for (const { x, y } of data) {
              const logits = f(x);
              r = tf.add(r, ops.softmaxCrossEntropy(y, logits));
              p = tf.add(p, irmPenalty(logits, y));
            }
            r = tf.div(r, data.length);
            p = tf.div(p, data.length);
            risk = r.dataSync()[0] as number;
            penalty = p.dataSync()[0] as number;
            const loss = tf.add(r, tf.mul(p, weight));
            return (weight > 1 ? tf.div(loss, weight) : loss) as tf.Scalar;
          },
          false,
          variables,
        );
      });
      const entry = { step, risk, penalty, weight };
      history.push(entry);
      onProgress?.(entry);
    }
  } finally {
    for (const { x, y } of data) tf.dispose([x, y]);
    if (!options.optimizer) optimizer.dispose();
  }
  return { history };
}
