/** The projected-gradient loop shared by `pgd` and `mifgsm` (internal). */
import type { Rng } from '@dlf/runtime';
import { assertInteger, assertPositive, throwIfAborted } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { AttackLoss, Norm } from './attackCore.js';
import {
  argmaxRows,
  attackObjective,
  exactProject,
  l1Norms,
  l2Norms,
  objectiveGradient,
  perExample,
  projectTensor,
  successOf,
} from './attackCore.js';
import type { AttackProgress } from './attackOptions.js';
import type { PreparedAttack } from './prepareAttack.js';

export interface LoopSettings {
  eps: number;
  norm: Norm;
  stepSize: number;
  steps: number;
  restarts: number;
  randomStart: boolean;
  /** Momentum decay mu of MI-FGSM; undefined for plain PGD. */
  momentum: number | undefined;
  kind: AttackLoss;
  onProgress: ((p: AttackProgress) => void) | undefined;
  signal: AbortSignal | undefined;
}

export function checkLoopCounts(steps: unknown, restarts: unknown, stepSize: unknown): void {
  assertInteger('steps', steps, { min: 1 });
  assertInteger('restarts', restarts, { min: 1 });
  assertPositive('stepSize', stepSize);
}

/** A random point of the eps-ball around 0, shape of the batch (uniform in the ball for both norms). */
function randomDelta(rng: Rng, n: number, d: number, eps: number, norm: Norm): Float32Array {
  if (norm === 'linf') return rng.uniformArray(n * d, -eps, eps);
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    let sq = 0;
    const dir = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      const v = rng.normal();
      dir[j] = v;
      sq += v * v;
    }
    const radius = (eps * rng.random() ** (1 / d)) / Math.max(Math.sqrt(sq), 1e-30);
    for (let j = 0; j < d; j++) out[i * d + j] = (dir[j] as number) * radius;
  }
  return out;
}

/**
 * Runs `restarts` projected-gradient ascents and keeps, per example, a successful restart if any
 * (else the one with the highest objective). Returns exactly projected adversarial data.
 */
export async function projectedGradientLoop(
  p: PreparedAttack,
  x: tf.Tensor,
  s: LoopSettings,
): Promise<Float32Array> {
  const { n, d } = p.inputs;
  const targeted = p.targets !== undefined;
  const cls = tf.tensor1d(p.cls, 'int32');
  const best = new Float32Array(n * d);
  const bestObjective = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
  const bestSuccess = new Array<boolean>(n).fill(false);
  try {
    for (let r = 0; r < s.restarts; r++) {
      let adv = s.randomStart
        ? tf.tidy(() =>
            projectTensor(
              tf.add(x, tf.tensor(randomDelta(p.rng, n, d, s.eps, s.norm), x.shape)),
              x,
              s.eps,
              s.norm,
              p.bounds,
            ),
          )
        : x.clone();
      let g: tf.Tensor | undefined = s.momentum === undefined ? undefined : tf.zerosLike(x);
      try {
        for (let t = 0; t < s.steps; t++) {
          throwIfAborted(s.signal, 'attack');
          const next = tf.tidy(() => {
            const { grad } = objectiveGradient(p.f, adv, cls, s.kind, targeted);
            let direction = grad;
            if (g !== undefined && s.momentum !== undefined) {
              // g <- mu g + grad / ||grad||_1 (Dong et al. 2018)
              const normalised = tf.div(grad, perExample(tf.maximum(l1Norms(grad), 1e-30), x.rank));
              direction = tf.add(tf.mul(g, s.momentum), normalised);
              const old = g;
              g = tf.keep(direction);
              old.dispose();
            }
            const step =
              s.norm === 'linf'
                ? tf.mul(tf.sign(direction), s.stepSize)
                : tf.mul(
                    direction,
                    perExample(tf.div(s.stepSize, tf.maximum(l2Norms(direction), 1e-30)), x.rank),
                  );
            return projectTensor(tf.add(adv, step), x, s.eps, s.norm, p.bounds);
          });
          adv.dispose();
          adv = next;
          s.onProgress?.({ restart: r, restarts: s.restarts, step: t + 1, steps: s.steps });
          if (s.onProgress) await Promise.resolve();
        }
        const exact = exactProject(p.inputs.data, adv.dataSync() as Float32Array, n, s.eps, s.norm, p.bounds);
        const { objective, pred } = tf.tidy(() => {
          const a = tf.tensor(exact, x.shape);
          const logits = p.f(a);
          return {
            objective: attackObjective(logits, cls, s.kind, targeted).dataSync(),
            pred: argmaxRows(logits.dataSync(), p.numClasses),
          };
        });
        const success = successOf(pred, p.labels, p.targets);
        for (let i = 0; i < n; i++) {
          const ok = success[i] as boolean;
          const obj = objective[i] as number;
          const better =
            (ok && !bestSuccess[i]) || (ok === bestSuccess[i] && obj > (bestObjective[i] as number));
          if (r === 0 || better) {
            bestSuccess[i] = ok;
            bestObjective[i] = obj;
            best.set(exact.subarray(i * d, (i + 1) * d), i * d);
          }
        }
      } finally {
        adv.dispose();
        (g as tf.Tensor | undefined)?.dispose();
      }
    }
  } finally {
    cls.dispose();
  }
  return best;
}
