import { assertInteger, assertNonNegative, assertPositive, throwIfAborted } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { Labels } from './attackCore.js';
import { argmaxRows } from './attackCore.js';
import type { BaseAttackOptions } from './attackOptions.js';
import type { AttackResult } from './attackResult.js';
import { buildResult } from './attackResult.js';
import type { Classifier } from './classifier.js';
import { prepareAttack } from './prepareAttack.js';

export interface CwOptions extends BaseAttackOptions {
  /** Initial trade-off constant c (per example, then binary-searched). Default 1. */
  c?: number;
  /** Confidence kappa: the margin the attack must win by. Default 0. */
  kappa?: number;
  /** Adam steps per value of c. Default 100. */
  steps?: number;
  /** Adam learning rate (in tanh space). Default 0.01. */
  learningRate?: number;
  /** Rounds of the binary search over c. Default 5. */
  binarySearchSteps?: number;
  /** Called after every Adam step. */
  onProgress?: (progress: { round: number; rounds: number; step: number; steps: number }) => void;
  /** Aborts between steps with `DlfError('ABORTED')`. */
  signal?: AbortSignal;
}

/**
 * Carlini-Wagner L2 attack (Carlini and Wagner 2017): minimises
 * ||x' - x||_2^2 + c * max(z_y - max_{i != y} z_i, -kappa) over x' = lo + (hi - lo)(tanh(w) + 1)/2
 * (targeted: max(max_{i != t} z_i - z_t, -kappa)) with Adam, binary-searching c per example, and
 * keeps the smallest successful perturbation. Unsuccessful examples return x unchanged. With
 * infinite bounds x' is optimised directly.
 *
 * @returns `{ adversarial, success, successRate, predictions, targets, norms, norm: 'l2' }`.
 * @example
 * ```ts
 * const res = await cw(model, x, y, { steps: 200, binarySearchSteps: 6 });
 * console.log(res.norms);
 * ```
 */
export async function cw(
  model: Classifier,
  x: tf.Tensor,
  y: Labels,
  options: CwOptions = {},
): Promise<AttackResult> {
  const c0 = options.c ?? 1;
  assertPositive('c', c0);
  const kappa = options.kappa ?? 0;
  assertNonNegative('kappa', kappa);
  const steps = options.steps ?? 100;
  assertInteger('steps', steps, { min: 1 });
  const lr = options.learningRate ?? 0.01;
  assertPositive('learningRate', lr);
  const rounds = options.binarySearchSteps ?? 5;
  assertInteger('binarySearchSteps', rounds, { min: 1 });
  const p = prepareAttack(model, x, y, options);
  const { n, d } = p.inputs;
  const [lo, hi] = p.bounds;
  const boxed = Number.isFinite(lo) && Number.isFinite(hi);
  const targeted = p.targets !== undefined;
  const k = p.numClasses;

  const best = Float32Array.from(p.inputs.data);
  const bestSq = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const cs = new Float64Array(n).fill(c0);
  const lower = new Float64Array(n).fill(0);
  const upper = new Float64Array(n).fill(Number.POSITIVE_INFINITY);

  const toInput = (w: tf.Tensor): tf.Tensor =>
    boxed ? tf.add(lo, tf.mul((hi - lo) / 2, tf.add(tf.tanh(w), 1))) : w.clone();
  const w0 = tf.tidy(() => {
    if (!boxed) return x.clone();
    const unit = tf.clipByValue(tf.sub(tf.mul(tf.div(tf.sub(x, lo), hi - lo), 2), 1), -1 + 1e-6, 1 - 1e-6);
    return tf.atanh(unit);
  });
  const cls = tf.tensor1d(p.cls, 'int32');
  const oneHot = tf.tidy(() => tf.oneHot(cls, k).toFloat());
  try {
    for (let round = 0; round < rounds; round++) {
      const cT = tf.tensor1d(Float32Array.from(cs));
      let w = w0.clone();
      let m = tf.zerosLike(x);
      let v = tf.zerosLike(x);
      const succeeded = new Array<boolean>(n).fill(false);
      try {
        for (let t = 1; t <= steps; t++) {
          throwIfAborted(options.signal, 'cw');
          const out = tf.tidy(() => {
            const objective = (wi: tf.Tensor) => {
              const xAdv = toInput(wi);
              const z = p.f(xAdv);
              const own = tf.sum(tf.mul(oneHot, z), 1);
              const other = tf.max(tf.sub(z, tf.mul(oneHot, 1e9)), 1);
              const margin = targeted ? tf.sub(other, own) : tf.sub(own, other);
              const sq = tf.sum(tf.square(tf.reshape(tf.sub(xAdv, x), [n, -1])), 1);
              return tf.sum(tf.add(sq, tf.mul(cT, tf.maximum(margin, -kappa))));
            };
            // Evaluate the current iterate (before the step) for the best-so-far bookkeeping.
            const xAdv = toInput(w);
            const z = p.f(xAdv);
            const sq = tf.sum(tf.square(tf.reshape(tf.sub(xAdv, x), [n, -1])), 1);
            const grad = tf.grad(objective)(w);
            const mNew = tf.add(tf.mul(m, 0.9), tf.mul(grad, 0.1));
            const vNew = tf.add(tf.mul(v, 0.999), tf.mul(tf.square(grad), 0.001));
            const mHat = tf.div(mNew, 1 - 0.9 ** t);
            const vHat = tf.div(vNew, 1 - 0.999 ** t);
            const wNew = tf.sub(w, tf.mul(lr, tf.div(mHat, tf.add(tf.sqrt(vHat), 1e-8))));
            return {
              wNew,
              mNew,
              vNew,
              logits: z.dataSync() as Float32Array,
              sq: sq.dataSync() as Float32Array,
              xAdv: xAdv.dataSync() as Float32Array,
            };
          });
          w.dispose();
          m.dispose();
          v.dispose();
          w = out.wNew;
          m = out.mNew;
          v = out.vNew;
          const pred = argmaxRows(out.logits, k);
          for (let i = 0; i < n; i++) {
            const c = p.cls[i] as number;
            const zc = out.logits[i * k + c] as number;
            let zo = Number.NEGATIVE_INFINITY;
            for (let j = 0; j < k; j++) if (j !== c) zo = Math.max(zo, out.logits[i * k + j] as number);
            const hit = targeted ? pred[i] === c && zc - zo >= kappa : pred[i] !== c && zo - zc >= kappa;
            if (!hit) continue;
            succeeded[i] = true;
            const s = out.sq[i] as number;
            if (s < (bestSq[i] as number)) {
              bestSq[i] = s;
              best.set(out.xAdv.subarray(i * d, (i + 1) * d), i * d);
            }
          }
          options.onProgress?.({ round, rounds, step: t, steps });
        }
      } finally {
        w.dispose();
        m.dispose();
        v.dispose();
        cT.dispose();
      }
      for (let i = 0; i < n; i++) {
        const c = cs[i] as number;
        if (succeeded[i]) {
          upper[i] = Math.min(upper[i] as number, c);
          cs[i] = ((lower[i] as number) + (upper[i] as number)) / 2;
        } else {
          lower[i] = Math.max(lower[i] as number, c);
          cs[i] = Number.isFinite(upper[i] as number)
            ? ((lower[i] as number) + (upper[i] as number)) / 2
            : c * 10;
        }
      }
    }
  } finally {
    w0.dispose();
    cls.dispose();
    oneHot.dispose();
  }
  // Clip the tanh-space round-off back into the bounds.
  for (let j = 0; j < best.length; j++) best[j] = Math.min(Math.max(best[j] as number, lo), hi);
  return buildResult(p.f, p.inputs, best, p.labels, p.targets, 'l2');
}
