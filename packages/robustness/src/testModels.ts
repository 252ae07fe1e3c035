/** Small models with known closed forms, shared by the tests (not published). */
import * as tf from '@tensorflow/tfjs';

export interface LinearModel {
  /** Logits = flatten(x) W + b. */
  f: (x: tf.Tensor) => tf.Tensor;
  /** Row-major W [d, k]. */
  w: Float64Array;
  b: Float64Array;
  d: number;
  k: number;
  dispose: () => void;
}

/** A fixed affine classifier logits = x W + b (kept tensors; call dispose() in afterAll). */
export function linearModel(w: ArrayLike<number>, b: ArrayLike<number>, d: number, k: number): LinearModel {
  const W = tf.tensor2d(Array.from(w), [d, k]);
  const B = tf.tensor1d(Array.from(b));
  return {
    f: (x) => tf.tidy(() => tf.add(tf.matMul(tf.reshape(x, [x.shape[0] as number, -1]), W), B)),
    w: Float64Array.from(Array.from(w, Math.fround)),
    b: Float64Array.from(Array.from(b, Math.fround)),
    d,
    k,
    dispose: () => {
      W.dispose();
      B.dispose();
    },
  };
}

/** Logits of the linear model in float64. */
export function linearLogits(m: LinearModel, x: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let c = 0; c < m.k; c++) {
    let s = m.b[c] as number;
    for (let j = 0; j < m.d; j++) s += (x[j] as number) * (m.w[j * m.k + c] as number);
    out.push(s);
  }
  return out;
}

/** Column difference w_a - w_b of the linear model. */
export function columnDiff(m: LinearModel, a: number, b: number): number[] {
  return Array.from({ length: m.d }, (_, j) => (m.w[j * m.k + a] as number) - (m.w[j * m.k + b] as number));
}

/** Cross-entropy of the logits for class y, float64. */
export function crossEntropy(logits: number[], y: number): number {
  const max = Math.max(...logits);
  const lse = max + Math.log(logits.reduce((s, v) => s + Math.exp(v - max), 0));
  return lse - (logits[y] as number);
}

/** Deterministic pseudo-random numbers for building fixtures (a tiny LCG, not the package's rng). */
export function fixtureValues(count: number, seed: number, low = -1, high = 1): number[] {
  let s = seed >>> 0;
  return Array.from({ length: count }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return low + ((high - low) * s) / 4294967296;
  });
}
