import { assertInteger, assertNonNegative, throwIfAborted } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { Labels } from './attackCore.js';
import { argmaxRows, clipTensor } from './attackCore.js';
import type { BaseAttackOptions } from './attackOptions.js';
import type { AttackResult } from './attackResult.js';
import { buildResult } from './attackResult.js';
import type { Classifier } from './classifier.js';
import { prepareAttack } from './prepareAttack.js';

export interface DeepfoolOptions extends BaseAttackOptions {
  /** Maximum number of linearisation steps. Default 50. */
  steps?: number;
  /** Overshoot eta: the final perturbation is (1 + eta) * sum of steps. Default 0.02. */
  overshoot?: number;
  /** Called after every step with the number of examples not yet fooled. */
  onProgress?: (progress: { step: number; steps: number; remaining: number }) => void;
  /** Aborts between steps with `DlfError('ABORTED')`. */
  signal?: AbortSignal;
}

/**
 * DeepFool (Moosavi-Dezfooli et al. 2016), L2: at the current point it linearises the classifier
 * and steps to the nearest linearised decision boundary,
 * r = |f_l| / ||w_l||^2 * w_l with l = argmin_{k != c} |f_k| / ||w_k||, f_k = z_k - z_c,
 * w_k = grad z_k - grad z_c; it repeats until the label changes and returns x + (1 + eta) * sum r.
 * For an affine classifier one step is the exact minimal L2 perturbation. Targeted, only the
 * target's boundary is considered (c is the current prediction).
 *
 * @returns `{ adversarial, success, successRate, predictions, targets, norms, norm: 'l2' }`.
 * @example
 * ```ts
 * const res = await deepfool(model, x, y, { steps: 50, overshoot: 0.02 });
 * console.log(res.norms); // per-example L2 size of the minimal perturbation found
 * ```
 */
export async function deepfool(
  model: Classifier,
  x: tf.Tensor,
  y: Labels,
  options: DeepfoolOptions = {},
): Promise<AttackResult> {
  const steps = options.steps ?? 50;
  assertInteger('steps', steps, { min: 1 });
  const overshoot = options.overshoot ?? 0.02;
  assertNonNegative('overshoot', overshoot);
  const p = prepareAttack(model, x, y, options);
  const { n, d } = p.inputs;
  const k = p.numClasses;
  const rTot = new Float64Array(n * d);
  const current = (): tf.Tensor =>
    tf.tidy(() => {
      const scaled = Float32Array.from(rTot, (v) => v * (1 + overshoot));
      return clipTensor(tf.add(x, tf.tensor(scaled, x.shape)), p.bounds);
    });
  let adv = current();
  try {
    for (let step = 0; step < steps; step++) {
      throwIfAborted(options.signal, 'deepfool');
      const { logits, grads } = tf.tidy(() => {
        const z = p.f(adv);
        const zData = z.dataSync() as Float32Array;
        const g: Float32Array[] = [];
        for (let c = 0; c < k; c++) {
          const dy = tf.oneHot(tf.fill([n], c, 'int32') as tf.Tensor1D, k).toFloat();
          g.push(
            tf
              .grad((xi: tf.Tensor) => p.f(xi))(adv, dy)
              .dataSync() as Float32Array,
          );
        }
        return { logits: zData, grads: g };
      });
      const pred = argmaxRows(logits, k);
      const at = adv.dataSync() as Float32Array;
      const [lo, hi] = p.bounds;
      let remaining = 0;
      const w = new Float64Array(d);
      for (let i = 0; i < n; i++) {
        const reference = p.targets ? (pred[i] as number) : (p.labels[i] as number);
        const done = p.targets ? pred[i] === p.targets[i] : pred[i] !== p.labels[i];
        if (done) continue;
        remaining++;
        let bestRatio = Number.POSITIVE_INFINITY;
        let bestClass = -1;
        const candidates = p.targets ? [p.targets[i] as number] : Array.from({ length: k }, (_, c) => c);
        const gRef = grads[reference] as Float32Array;
        // Moving along +w raises z_c - z_ref; entries already at a bound that w would push further
        // out are frozen, so the step lives in the feasible directions (a no-op inside the box).
        const direction = (c: number, out: Float64Array): number => {
          const gC = grads[c] as Float32Array;
          let sq = 0;
          for (let j = 0; j < d; j++) {
            const v = (gC[i * d + j] as number) - (gRef[i * d + j] as number);
            const a = at[i * d + j] as number;
            const frozen = (a <= lo && v < 0) || (a >= hi && v > 0);
            out[j] = frozen ? 0 : v;
            sq += frozen ? 0 : v * v;
          }
          return sq;
        };
        for (const c of candidates) {
          if (c === reference) continue;
          const sq = direction(c, w);
          const fk = Math.abs((logits[i * k + c] as number) - (logits[i * k + reference] as number));
          const ratio = sq > 0 ? fk / Math.sqrt(sq) : Number.POSITIVE_INFINITY;
          if (ratio < bestRatio) {
            bestRatio = ratio;
            bestClass = c;
          }
        }
        if (bestClass < 0) continue;
        const sq = direction(bestClass, w);
        const fk = Math.abs((logits[i * k + bestClass] as number) - (logits[i * k + reference] as number));
        const scale = fk / sq;
        for (let j = 0; j < d; j++) {
          const idx = i * d + j;
          const xj = p.inputs.data[idx] as number;
          // Re-base the accumulated step on the clipped point, so later steps act on real entries.
          const clipped = Math.min(Math.max(xj + (1 + overshoot) * (rTot[idx] as number), lo), hi);
          rTot[idx] = (clipped - xj) / (1 + overshoot) + scale * (w[j] as number);
        }
      }
      options.onProgress?.({ step: step + 1, steps, remaining });
      if (remaining === 0) break;
      adv.dispose();
      adv = current();
    }
    const advData = Float32Array.from(adv.dataSync() as Float32Array);
    return buildResult(p.f, p.inputs, advData, p.labels, p.targets, 'l2');
  } finally {
    adv.dispose();
  }
}
