import type { SeedLike } from '@dlf/runtime';
import { assertInteger, assertPositive, toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { Labels } from '../attackCore.js';
import { attackObjective } from '../attackCore.js';
import type { Classifier } from '../classifier.js';
import type { PerceptualAttackResult } from './perceptualCore.js';
import { distanceTo, finishResult, perceptualStep, projectByBisection } from './perceptualCore.js';
import type { PerceptualAttackOptions } from './perceptualPgd.js';
import { preparePerceptual } from './perceptualPgd.js';

export interface LagrangianPerceptualAttackOptions extends PerceptualAttackOptions {
  /** Gradient steps per value of lambda. Default: 5. */
  steps?: number;
  /** Rounds of lambda (multiplied by 10 after each round for the examples still outside the bound). Default: 3. */
  lambdaSteps?: number;
  /** Initial penalty weight lambda. Default: 1. */
  lambda?: number;
  /** Perceptual length of the first step of a round, decaying geometrically to a tenth. Default: eps. */
  stepSize?: number;
  /** Seed of the small random start (the distance is not differentiable at x itself). Default: 0. */
  seed?: SeedLike;
}

/**
 * The Lagrangian perceptual attack (LPA, Laidlaw et al. 2021): maximise
 * L(f(x'), y) - lambda max(0, d(x, x') - eps) by normalised gradient steps of decaying perceptual
 * length, raising lambda tenfold for the examples that still exceed the bound after each round,
 * then project by bisection so every returned input is within perceptual distance eps (and the
 * bounds). The penalty lets the search leave the ball on the way, which often finds stronger
 * adversarial inputs than perceptual PGD at the same bound.
 *
 * @param model - the attacked classifier (a LayersModel, or a function with `features`).
 * @param x - inputs `[n, ...]` inside `bounds`.
 * @param y - labels.
 * @returns `{ adversarial, success, successRate, predictions, distances }`.
 * @example
 * ```ts
 * const lpa = await lagrangianPerceptualAttack(model, x, y, { eps: 0.5, steps: 5, lambdaSteps: 3 });
 * ```
 */
export async function lagrangianPerceptualAttack(
  model: Classifier,
  x: tf.Tensor,
  y: Labels,
  options: LagrangianPerceptualAttackOptions = {},
): Promise<PerceptualAttackResult> {
  const { eps, bounds, loss, bisectionSteps, f, labels, fn } = preparePerceptual(model, x, y, options);
  const steps = options.steps ?? 5;
  const lambdaSteps = options.lambdaSteps ?? 3;
  const lambda0 = options.lambda ?? 1;
  const stepSize = options.stepSize ?? eps;
  assertInteger('steps', steps, { min: 1 });
  assertInteger('lambdaSteps', lambdaSteps, { min: 1 });
  assertPositive('lambda', lambda0);
  if (eps > 0) assertPositive('stepSize', stepSize);
  const n = labels.length;
  if (eps === 0) return finishResult(f, x.clone(), labels, new Float64Array(n));
  const rng = toRng(options.seed);
  const cls = tf.tensor1d(labels, 'int32');
  const lambdas = new Float32Array(n).fill(lambda0);
  let xAdv = tf.tidy(() =>
    tf.clipByValue(tf.add(x, tf.tensor(rng.normalArray(x.size, 0, 1e-3), x.shape)), bounds[0], bounds[1]),
  );
  const total = steps * lambdaSteps;
  try {
    outer: for (let r = 0; r < lambdaSteps; r++) {
      for (let s = 0; s < steps; s++) {
        if (options.signal?.aborted) break outer;
        const eta = stepSize * 0.1 ** (s / steps);
        const next = tf.tidy(() => {
          const lam = tf.tensor1d(lambdas);
          const g = tf.grad((z: tf.Tensor) => {
            const over = tf.relu(tf.sub(distanceTo(fn, x, z, true), eps));
            return tf.sum(tf.sub(attackObjective(f(z), cls, loss, false), tf.mul(lam, over)));
          })(xAdv);
          return perceptualStep(fn, xAdv, g, eta, bounds);
        });
        xAdv.dispose();
        xAdv = next;
        options.onProgress?.({ step: r * steps + s, steps: total });
        if (options.onProgress) await Promise.resolve();
      }
      const d = distanceTo(fn, x, xAdv);
      const values = d.dataSync();
      d.dispose();
      for (let i = 0; i < n; i++) if ((values[i] as number) > eps) lambdas[i] = (lambdas[i] as number) * 10;
    }
    const final = projectByBisection(fn, x, xAdv, eps, bisectionSteps);
    return finishResult(f, final.adversarial, labels, final.distances);
  } finally {
    tf.dispose([cls, xAdv]);
  }
}
