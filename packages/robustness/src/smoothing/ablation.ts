import type { Rng, SeedLike } from '@dlf/runtime';
import { assertInRange, assertInteger, throwIfAborted, toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../classifier.js';
import { toLogitsFn } from '../classifier.js';
import { DlfError, describeValue } from '../errors.js';
import { clopperPearson } from './stats.js';

/**
 * The ablation certificate's probability gap (Levine and Feizi 2020): the chance that a uniformly
 * random set of k retained pixels out of d touches at least one of rho changed pixels,
 * delta = 1 - C(d - rho, k) / C(d, k) (0 when rho = 0, 1 when d - rho < k).
 *
 * @example
 * ```ts
 * ablationDelta(784, 45, 1); // 45 / 784
 * ```
 */
export function ablationDelta(d: number, k: number, rho: number): number {
  assertInteger('d', d, { min: 1 });
  assertInteger('k', k, { min: 1, max: d });
  assertInteger('rho', rho, { min: 0, max: d });
  if (rho === 0) return 0;
  if (d - rho < k) return 1;
  // C(d - rho, k) / C(d, k) = prod_{i<rho} (1 - k / (d - i)) = prod_{i<k} (1 - rho / (d - i));
  // take the shorter product, in logs, and 1 - exp(.) by expm1 so small gaps keep full precision.
  const [terms, m] = rho < k ? [rho, k] : [k, rho];
  let logRatio = 0;
  for (let i = 0; i < terms; i++) logRatio += Math.log1p(-m / (d - i));
  return -Math.expm1(logRatio);
}

/** How one example is split into pixels: the last axis holds a pixel's channels when rank >= 2. */
function pixelLayout(rowShape: number[]): { pixels: number; channels: number } {
  const size = rowShape.reduce((a, b) => a * b, 1);
  const channels = rowShape.length >= 2 ? (rowShape[rowShape.length - 1] as number) : 1;
  return { pixels: size / channels, channels };
}

/** The encoded shape: the last axis doubled (rank >= 2), or the vector doubled (rank 1). */
function encodedShape(rowShape: number[]): number[] {
  const out = [...rowShape];
  out[out.length - 1] = (out[out.length - 1] as number) * 2;
  return out;
}

/** Writes the null encoding of `row` with the given retained pixels into out (zeroed beforehand). */
function encodeInto(
  row: Float32Array,
  channels: number,
  keep: ArrayLike<number>,
  out: Float32Array,
  offset: number,
): void {
  for (let t = 0; t < keep.length; t++) {
    const p = keep[t] as number;
    for (let c = 0; c < channels; c++) {
      const v = row[p * channels + c] as number;
      out[offset + p * 2 * channels + c] = v;
      out[offset + p * 2 * channels + channels + c] = 1 - v;
    }
  }
}

/**
 * Encodes ablated copies of one example: k pixels chosen uniformly without replacement keep
 * (x, 1 - x) in their channels, the others are (0, 0), so a removed pixel differs from every real
 * value (the "null" encoding of Levine and Feizi 2020). Inputs must lie in [0, 1]. Per pixel the
 * channels are laid out [x_1..x_C, 1 - x_1..1 - x_C].
 */
function encodeCopies(
  row: Float32Array,
  rowShape: number[],
  k: number,
  copies: number,
  rng: Rng,
): Float32Array {
  const { pixels, channels } = pixelLayout(rowShape);
  const out = new Float32Array(copies * row.length * 2);
  const idx = Int32Array.from({ length: pixels }, (_, i) => i);
  for (let s = 0; s < copies; s++) {
    // Partial Fisher-Yates: the first k entries of idx become a uniform k-subset.
    for (let i = 0; i < k; i++) {
      const j = rng.int(i, pixels);
      const tmp = idx[i] as number;
      idx[i] = idx[j] as number;
      idx[j] = tmp;
    }
    encodeInto(row, channels, idx.subarray(0, k), out, s * row.length * 2);
  }
  return out;
}

/**
 * A batch of randomly ablated, null-encoded inputs for training the base classifier of
 * `randomizedAblation`: each example keeps k random pixels (see there for the encoding).
 *
 * @param x - a batch `[n, ...shape]` in [0, 1].
 * @returns a new tensor `[n, ...shape]` with the last axis doubled.
 * @example
 * ```ts
 * const xa = ablateBatch(xb, { k: 20, seed: step });  // train the base model on (xa, yb)
 * ```
 */
export function ablateBatch(x: tf.Tensor, options: { k: number; seed?: SeedLike }): tf.Tensor {
  if (!(x instanceof tf.Tensor) || x.rank < 2) {
    throw new DlfError('INVALID_SHAPE', `x must be a batch [n, ...shape], received ${describeValue(x)}`, {
      param: 'x',
    });
  }
  const rowShape = x.shape.slice(1);
  const { pixels } = pixelLayout(rowShape);
  assertInteger('k', options.k, { min: 1, max: pixels });
  const rng = toRng(options.seed);
  const data = x.dataSync() as Float32Array;
  checkUnitRange(data);
  const n = x.shape[0] as number;
  const d = data.length / n;
  const out = new Float32Array(data.length * 2);
  for (let i = 0; i < n; i++) {
    out.set(encodeCopies(data.subarray(i * d, (i + 1) * d), rowShape, options.k, 1, rng), i * 2 * d);
  }
  return tf.tensor(out, [n, ...encodedShape(rowShape)]);
}

function checkUnitRange(data: Float32Array): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (!(v >= 0 && v <= 1)) {
      throw new DlfError(
        'INVALID_DATA',
        `x must lie in [0, 1] for the null encoding, received ${v} at index ${i}`,
        {
          param: 'x',
        },
      );
    }
  }
}

export interface RandomizedAblationOptions {
  /** Retained pixels per sample. */
  k: number;
  /** Ablated copies per forward pass. Default 1000. */
  batchSize?: number;
  /** Seed of the subset stream. Default 0. */
  seed?: SeedLike;
}

export interface AblationCertificate {
  /** Certified class, or -1 when abstaining. */
  class: number;
  abstained: boolean;
  /** Number of pixels (L0) that may be changed arbitrarily without changing the class; -1 when abstaining. */
  radius: number;
  pALower: number;
  /** Counts per class over the n estimation samples. */
  counts: Int32Array;
}

export interface RandomizedAblation {
  readonly k: number;
  /** Class counts of the base classifier over n random ablations, per example of the batch x. */
  sampleCounts(x: tf.Tensor, n: number, options?: { signal?: AbortSignal }): Promise<Int32Array[]>;
  /** Class and certified L0 radius per example of x (Cohen et al.'s CERTIFY with the ablation gap). */
  certify(
    x: tf.Tensor,
    options?: { n0?: number; n?: number; alpha?: number; signal?: AbortSignal },
  ): Promise<AblationCertificate[]>;
}

/**
 * Randomised ablation against sparse (L0) attacks (Levine and Feizi 2020): g(x) = argmax_c
 * P_S(f(encode(x, S)) = c) over uniform k-subsets S of the d pixels. Changing rho pixels moves every
 * class probability by at most delta(rho) = 1 - C(d - rho, k) / C(d, k), so g is certified for rho
 * changed pixels while pA_lower - delta(rho) > 1/2. `model` is the base classifier on encoded
 * inputs (last axis doubled; train it on `ablateBatch`). A "pixel" is a position with all its
 * channels for inputs of rank >= 2 per example, one entry for vectors.
 *
 * @returns `{ k, sampleCounts, certify }`.
 * @example
 * ```ts
 * const g = randomizedAblation(base, { k: 45, seed: 0 });
 * const [cert] = await g.certify(x.slice(0, 1), { n: 10000 });
 * console.log(cert.class, cert.radius); // pixels an attacker may change
 * ```
 */
export function randomizedAblation(
  model: Classifier,
  options: RandomizedAblationOptions,
): RandomizedAblation {
  if (options === null || typeof options !== 'object') {
    throw new DlfError('INVALID_ARGUMENT', `options must be { k, ... }, received ${describeValue(options)}`, {
      param: 'options',
    });
  }
  const { k } = options;
  assertInteger('k', k, { min: 1 });
  const batchSize = options.batchSize ?? 1000;
  assertInteger('batchSize', batchSize, { min: 1 });
  const f = toLogitsFn(model);
  const rng = toRng(options.seed);

  const counts = async (row: Float32Array, rowShape: number[], n: number, signal?: AbortSignal) => {
    let result: Int32Array | undefined;
    for (let done = 0; done < n; ) {
      throwIfAborted(signal, 'randomizedAblation');
      const b = Math.min(batchSize, n - done);
      const enc = encodeCopies(row, rowShape, k, b, rng);
      const preds = tf.tidy(() => {
        const logits = f(tf.tensor(enc, [b, ...encodedShape(rowShape)]));
        result ??= new Int32Array(logits.shape[1] as number);
        return tf.argMax(logits, 1).dataSync() as Int32Array;
      });
      for (const p of preds) (result as Int32Array)[p] = ((result as Int32Array)[p] as number) + 1;
      done += b;
    }
    return result as Int32Array;
  };

  const rows = (x: unknown) => {
    if (!(x instanceof tf.Tensor) || x.rank < 2 || x.dtype !== 'float32') {
      throw new DlfError(
        'INVALID_SHAPE',
        `x must be a float32 batch [m, ...shape], received ${describeValue(x)}`,
        {
          param: 'x',
        },
      );
    }
    const rowShape = x.shape.slice(1);
    const { pixels } = pixelLayout(rowShape);
    if (k > pixels) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `k must be at most the number of pixels (${pixels}), received ${k}`,
        {
          param: 'k',
        },
      );
    }
    const data = x.dataSync() as Float32Array;
    checkUnitRange(data);
    const m = x.shape[0] as number;
    return { m, rowShape, d: data.length / m, data, pixels };
  };

  const sampleCounts: RandomizedAblation['sampleCounts'] = async (x, n, opts = {}) => {
    assertInteger('n', n, { min: 1 });
    const { m, rowShape, d, data } = rows(x);
    const out: Int32Array[] = [];
    for (let i = 0; i < m; i++)
      out.push(await counts(data.subarray(i * d, (i + 1) * d), rowShape, n, opts.signal));
    return out;
  };

  const certify: RandomizedAblation['certify'] = async (x, opts = {}) => {
    const n0 = opts.n0 ?? 100;
    const n = opts.n ?? 10000;
    assertInteger('n0', n0, { min: 1 });
    assertInteger('n', n, { min: 1 });
    const alpha = opts.alpha ?? 0.001;
    assertInRange('alpha', alpha, 0, 1, { minInclusive: false, maxInclusive: false });
    const { m, rowShape, d, data, pixels } = rows(x);
    const out: AblationCertificate[] = [];
    for (let i = 0; i < m; i++) {
      const row = data.subarray(i * d, (i + 1) * d);
      const sel = await counts(row, rowShape, n0, opts.signal);
      let cA = 0;
      for (let c = 1; c < sel.length; c++) if ((sel[c] as number) > (sel[cA] as number)) cA = c;
      const c = await counts(row, rowShape, n, opts.signal);
      const pALower = clopperPearson(c[cA] as number, n, alpha).lower;
      if (pALower <= 0.5) {
        out.push({ class: -1, abstained: true, radius: -1, pALower, counts: c });
        continue;
      }
      let radius = 0;
      while (radius < pixels && pALower - ablationDelta(pixels, k, radius + 1) > 0.5) radius++;
      out.push({ class: cA, abstained: false, radius, pALower, counts: c });
    }
    return out;
  };

  return { k, sampleCounts, certify };
}
