/** Shared pieces of the perceptual attacks (internal). */
import * as tf from '@tensorflow/tfjs';
import type { Bounds } from '../attackCore.js';
import { argmaxRows, perExample } from '../attackCore.js';
import type { LogitsFn } from '../classifier.js';
import type { FeatureFn } from './perceptualDistance.js';
import { embed } from './perceptualDistance.js';

/** What the perceptual attacks return. The caller owns `adversarial`. */
export interface PerceptualAttackResult {
  /** The adversarial batch, inside the bounds and within perceptual distance `eps` of x. */
  adversarial: tf.Tensor;
  /** Per example: the prediction on the adversarial input differs from the label. */
  success: boolean[];
  successRate: number;
  /** Predicted class on each adversarial input. */
  predictions: Int32Array;
  /** Perceptual distance of each adversarial input to its clean input. */
  distances: Float64Array;
}

/** Per-example perceptual distance d(x, z) `[n]`; `smooth` adds 1e-12 under the root (for gradients). */
export function distanceTo(fn: FeatureFn, x: tf.Tensor, z: tf.Tensor, smooth = false): tf.Tensor1D {
  return tf.tidy(() => {
    const sq = tf.sum(tf.square(tf.sub(embed(fn, x), embed(fn, z))), 1);
    return tf.sqrt(smooth ? tf.add(sq, 1e-12) : sq) as tf.Tensor1D;
  });
}

/**
 * x~ + eta u / ||J u||: a step along the per-example unit direction u = g / ||g||_2 whose first-order
 * change of the embedding has length eta (||J u|| by a forward difference of size h), clipped to the bounds.
 */
export function perceptualStep(
  fn: FeatureFn,
  xAdv: tf.Tensor,
  g: tf.Tensor,
  eta: tf.Tensor | number,
  bounds: Bounds,
): tf.Tensor {
  return tf.tidy(() => {
    const n = g.shape[0] as number;
    const gNorm = tf.sqrt(tf.add(tf.sum(tf.square(tf.reshape(g, [n, -1])), 1), 1e-24));
    const u = tf.div(g, perExample(gNorm, g.rank));
    const h = 1e-3;
    const moved = tf.sub(embed(fn, tf.add(xAdv, tf.mul(u, h))), embed(fn, xAdv));
    const ju = tf.maximum(tf.div(tf.sqrt(tf.sum(tf.square(moved), 1)), h), 1e-6);
    const scale = tf.div(eta, ju);
    return tf.clipByValue(tf.add(xAdv, tf.mul(u, perExample(scale, g.rank))), bounds[0], bounds[1]);
  });
}

/**
 * Projection by bisection onto { z : d(x, z) <= eps }: per example the largest t in [0, 1] found by
 * `iterations` halvings such that x + t (xAdv - x) is within eps (t = 1 when xAdv already is). The
 * segment stays inside the bounds when both ends are. Returns the projected batch and its distances.
 */
export function projectByBisection(
  fn: FeatureFn,
  x: tf.Tensor,
  xAdv: tf.Tensor,
  eps: number,
  iterations: number,
): { adversarial: tf.Tensor; distances: Float64Array } {
  const n = x.shape[0] as number;
  const at = (t: Float32Array) =>
    tf.tidy(() => tf.add(x, tf.mul(tf.sub(xAdv, x), perExample(tf.tensor1d(t), x.rank))));
  const distances = (z: tf.Tensor) => {
    const d = distanceTo(fn, x, z);
    const out = Float64Array.from(d.dataSync());
    d.dispose();
    return out;
  };
  const lo = new Float32Array(n);
  const hi = new Float32Array(n).fill(1);
  const full = distances(xAdv);
  let done = true;
  for (let i = 0; i < n; i++) {
    if ((full[i] as number) <= eps) lo[i] = 1;
    else done = false;
  }
  if (done) return { adversarial: xAdv.clone(), distances: full };
  for (let k = 0; k < iterations; k++) {
    const mid = Float32Array.from(lo, (l, i) => (l === 1 ? 1 : (l + (hi[i] as number)) / 2));
    const z = at(mid);
    const d = distances(z);
    z.dispose();
    for (let i = 0; i < n; i++) {
      if (lo[i] === 1) continue;
      if ((d[i] as number) <= eps) lo[i] = mid[i] as number;
      else hi[i] = mid[i] as number;
    }
  }
  // Examples already inside keep xAdv itself (x + 1 (xAdv - x) could round differently).
  const adversarial = tf.tidy(() => {
    const keep = perExample(tf.tensor1d(Float32Array.from(lo, (l) => (l === 1 ? 1 : 0))), x.rank);
    const mixed = at(lo);
    return tf.add(tf.mul(keep, xAdv), tf.mul(tf.sub(1, keep), mixed));
  });
  return { adversarial, distances: distances(adversarial) };
}

export function finishResult(
  f: LogitsFn,
  adversarial: tf.Tensor,
  labels: Int32Array,
  distances: Float64Array,
): PerceptualAttackResult {
  const logits = tf.tidy(() => f(adversarial));
  const predictions = argmaxRows(logits.dataSync(), logits.shape[1] as number);
  logits.dispose();
  const success = Array.from(predictions, (p, i) => p !== labels[i]);
  return {
    adversarial,
    success,
    successRate: success.filter(Boolean).length / success.length,
    predictions,
    distances,
  };
}
