// Test fixtures shared by the optimiser tests (not part of the package API; excluded from `files`).
import { createRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { FlatLoss } from './runOptimizer.js';

/** A = Q diag(eigs) Q^T with a seeded random orthogonal Q (Gram-Schmidt), as nested arrays. */
export function spdMatrix(eigs: number[], seed: number): { A: number[][]; Q: number[][] } {
  const d = eigs.length;
  const rng = createRng(seed);
  const Q: number[][] = [];
  for (let k = 0; k < d; k++) {
    const v = Array.from({ length: d }, () => rng.normal());
    for (const q of Q) {
      const p = v.reduce((s, x, i) => s + x * q[i]!, 0);
      for (let i = 0; i < d; i++) v[i]! -= p * q[i]!;
    }
    const n = Math.hypot(...v);
    Q.push(v.map((x) => x / n));
  }
  // Q holds orthonormal rows q_k; A = sum_k eigs_k q_k q_k^T.
  const A = Array.from({ length: d }, (_, i) =>
    Array.from({ length: d }, (_, j) => Q.reduce((s, q, k) => s + eigs[k]! * q[i]! * q[j]!, 0)),
  );
  return { A, Q };
}

/** L(w) = 1/2 w^T A w as a tfjs loss. */
export function quadraticLoss(A: number[][]): FlatLoss {
  return (w) =>
    tf.tidy(() => {
      const At = tf.tensor2d(A);
      return tf.mul(0.5, tf.sum(tf.mul(w, tf.matMul(At, tf.reshape(w, [-1, 1])).reshape([-1])))) as tf.Scalar;
    });
}

/**
 * A smooth non-quadratic problem: L2-regularised logistic regression plus a quartic term,
 * L(w) = mean softplus(-y_i x_i.w) + 0.05 ||w||^2 + 0.01 sum w^4, on seeded data.
 */
export function logisticProblem(seed: number, n = 24, d = 5): { loss: FlatLoss; w0: number[] } {
  const rng = createRng(seed);
  const X = Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()));
  const y = Array.from({ length: n }, (_, i) => (rng.random() < 0.5 + 0.4 * Math.tanh(X[i]![0]!) ? 1 : -1));
  const w0 = Array.from({ length: d }, () => rng.normal(0, 1.5));
  const loss: FlatLoss = (w) =>
    tf.tidy(() => {
      const margins = tf.mul(tf.tensor1d(y), tf.matMul(tf.tensor2d(X), tf.reshape(w, [-1, 1])).reshape([-1]));
      const data = tf.mean(tf.softplus(tf.neg(margins)));
      const reg = tf.add(tf.mul(0.05, tf.sum(tf.square(w))), tf.mul(0.01, tf.sum(tf.pow(w, 4))));
      return tf.add(data, reg) as tf.Scalar;
    });
  return { loss, w0 };
}

/**
 * Runs a tfjs optimiser on the same loss from the same start for `steps` steps and returns the
 * iterates w_0..w_T (float32, as tfjs keeps them).
 */
export function tfjsTrajectory(
  makeOptimizer: () => tf.Optimizer,
  loss: FlatLoss,
  w0: number[],
  steps: number,
  batches?: (Int32Array | undefined)[],
): number[][] {
  const opt = makeOptimizer();
  const v = tf.variable(tf.tensor1d(w0));
  const out: number[][] = [Array.from(v.dataSync())];
  for (let t = 0; t < steps; t++) {
    const batch = batches?.[t];
    tf.tidy(() => {
      opt.minimize(() => loss(v as unknown as tf.Tensor1D, batch) as tf.Scalar);
    });
    out.push(Array.from(v.dataSync()));
  }
  v.dispose();
  opt.dispose();
  return out;
}

/** Largest |a - b| / (|b| + floor) over all entries of two trajectories. */
export function maxRelativeGap(a: number[][], b: number[][], floor = 1e-3): number {
  let worst = 0;
  for (let t = 0; t < Math.min(a.length, b.length); t++) {
    const at = a[t]!;
    const bt = b[t]!;
    for (let i = 0; i < at.length; i++) {
      worst = Math.max(worst, Math.abs(at[i]! - bt[i]!) / (Math.abs(bt[i]!) + floor));
    }
  }
  return worst;
}

/** Least-squares slope of ys against xs. */
export function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  return sxy / sxx;
}
