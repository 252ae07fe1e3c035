import { assertInteger, assertPositive, throwIfAborted } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { Labels } from './attackCore.js';
import { attackObjective, checkEps, checkLoss, exactProject, projectTensor } from './attackCore.js';
import type { IterativeAttackOptions } from './attackOptions.js';
import type { AttackResult } from './attackResult.js';
import { buildResult } from './attackResult.js';
import type { Classifier } from './classifier.js';
import { prepareAttack } from './prepareAttack.js';

export interface SpsaOptions extends IterativeAttackOptions {
  /** L-inf budget in input units. Default 8/255. */
  eps?: number;
  /** Iterations. Default 40. */
  steps?: number;
  /** Rademacher directions per gradient estimate (each costs two forward passes). Default 64. */
  samples?: number;
  /** Finite-difference step delta. Default 0.01. */
  delta?: number;
  /** Adam learning rate of the ascent. Default 0.01. */
  learningRate?: number;
}

/**
 * SPSA (Uesato et al. 2018), a score-based black-box L-inf attack: it never asks the model for a
 * gradient, only for logits. Each step estimates the gradient of the objective (default the logit
 * margin) as mean_v (L(x + delta v) - L(x - delta v)) / (2 delta) * v over Rademacher directions v,
 * takes an Adam ascent step and projects onto the ball and the bounds. A black-box attack that beats
 * gradient attacks is a sign of gradient masking (see `gradientMaskingReport`).
 *
 * @returns `{ adversarial, success, successRate, predictions, targets, norms, norm: 'linf' }`.
 * @example
 * ```ts
 * const res = await spsa(model, x, y, { eps: 0.1, steps: 40, samples: 64, seed: 0 });
 * res.adversarial.dispose();
 * ```
 */
export async function spsa(
  model: Classifier,
  x: tf.Tensor,
  y: Labels,
  options: SpsaOptions = {},
): Promise<AttackResult> {
  const eps = checkEps(options.eps ?? 8 / 255);
  const steps = options.steps ?? 40;
  assertInteger('steps', steps, { min: 1 });
  const samples = options.samples ?? 64;
  assertInteger('samples', samples, { min: 1 });
  const delta = options.delta ?? 0.01;
  assertPositive('delta', delta);
  const lr = options.learningRate ?? 0.01;
  assertPositive('learningRate', lr);
  const kind = checkLoss(options.loss ?? 'margin');
  const p = prepareAttack(model, x, y, options);
  const { n, d } = p.inputs;
  const targeted = p.targets !== undefined;
  const rowShape = x.shape.slice(1);
  const clsTiled = tf.tensor1d(
    Int32Array.from({ length: 2 * samples * n }, (_, i) => p.cls[i % n] as number),
    'int32',
  );
  let adv = x.clone();
  let m = tf.zerosLike(x);
  let v = tf.zerosLike(x);
  try {
    for (let t = 1; t <= steps; t++) {
      throwIfAborted(options.signal, 'spsa');
      const signs = new Float32Array(samples * n * d);
      for (let i = 0; i < signs.length; i++) signs[i] = p.rng.random() < 0.5 ? -1 : 1;
      const next = tf.tidy(() => {
        const dirs = tf.tensor(signs, [samples, n, ...rowShape]);
        const base = tf.expandDims(adv, 0);
        const plus = tf.add(base, tf.mul(dirs, delta));
        const minus = tf.sub(base, tf.mul(dirs, delta));
        const batch = tf.reshape(tf.concat([plus, minus], 0), [2 * samples * n, ...rowShape]);
        const obj = attackObjective(p.f(batch), clsTiled, kind, targeted).reshape([2, samples, n]);
        const diff = tf.div(
          tf.sub(obj.slice([0, 0, 0], [1, -1, -1]), obj.slice([1, 0, 0], [1, -1, -1])),
          2 * delta,
        );
        const g = tf.mean(tf.mul(tf.reshape(diff, [samples, n, ...rowShape.map(() => 1)]), dirs), 0);
        const mNew = tf.add(tf.mul(m, 0.9), tf.mul(g, 0.1));
        const vNew = tf.add(tf.mul(v, 0.999), tf.mul(tf.square(g), 0.001));
        const step = tf.div(tf.div(mNew, 1 - 0.9 ** t), tf.add(tf.sqrt(tf.div(vNew, 1 - 0.999 ** t)), 1e-8));
        return { a: projectTensor(tf.add(adv, tf.mul(step, lr)), x, eps, 'linf', p.bounds), mNew, vNew };
      });
      adv.dispose();
      m.dispose();
      v.dispose();
      adv = next.a;
      m = next.mNew;
      v = next.vNew;
      options.onProgress?.({ restart: 0, restarts: 1, step: t, steps });
      if (options.onProgress) await Promise.resolve();
    }
    const exact = exactProject(p.inputs.data, adv.dataSync() as Float32Array, n, eps, 'linf', p.bounds);
    return buildResult(p.f, p.inputs, exact, p.labels, p.targets, 'linf');
  } finally {
    adv.dispose();
    m.dispose();
    v.dispose();
    clsTiled.dispose();
  }
}
