import type { SeedLike } from '@dlf/runtime';
import {
  assertInRange,
  assertInteger,
  assertOneOf,
  assertPositive,
  throwIfAborted,
  toRng,
} from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../classifier.js';
import { toLogitsFn } from '../classifier.js';
import { DlfError, describeValue } from '../errors.js';
import { binomialTestHalf, clopperPearson, normalQuantile } from './stats.js';

/** Noise distribution of a smoothed classifier. */
export type SmoothingNoise = 'gaussian' | 'laplace';

export interface SmoothOptions {
  /**
   * Noise scale in input units: the standard deviation for Gaussian noise, the Laplace scale lambda
   * (density exp(-|e| / lambda) / (2 lambda), variance 2 lambda^2) for Laplace noise.
   */
  sigma: number;
  /** `'gaussian'` (L2 certificates, default) or `'laplace'` (L1 certificates). */
  noise?: SmoothingNoise;
  /** Noisy copies per forward pass. Default 1000. */
  batchSize?: number;
  /** Seed of the noise stream; calls draw from it in order. Default 0. */
  seed?: SeedLike;
}

/** Progress of a sampling call. */
export interface SmoothingProgress {
  /** Index of the example in the batch. */
  example: number;
  examples: number;
  /** Noise samples drawn so far for this example. */
  samples: number;
  total: number;
}

export interface SmoothPredictOptions {
  /** Noise samples per example. Default 1000. */
  n?: number;
  /** Significance level: abstain unless the binomial test of the top two counts rejects p = 1/2 at alpha. Default 0.001. */
  alpha?: number;
  onProgress?: (progress: SmoothingProgress) => void;
  /** Aborts between batches with `DlfError('ABORTED')`. */
  signal?: AbortSignal;
}

export interface SmoothPrediction {
  /** Predicted class, or -1 when abstaining. */
  class: number;
  abstained: boolean;
  /** Two-sided binomial-test p-value of the top two counts. */
  pValue: number;
  /** Counts per class over the n samples. */
  counts: Int32Array;
}

export interface SmoothCertifyOptions {
  /** Samples used to pick the top class. Default 100. */
  n0?: number;
  /** Samples used to bound its probability. Default 100000. */
  n?: number;
  /** Failure probability of the certificate. Default 0.001. */
  alpha?: number;
  /**
   * `'one-class'` (Cohen et al. 2019, default): pA_lower from a Clopper-Pearson bound at level alpha,
   * pB = 1 - pA_lower. `'two-class'`: simultaneous Clopper-Pearson bounds for all classes at
   * alpha / numClasses (Bonferroni), pA_lower and pB_upper = max over the other classes.
   */
  method?: 'one-class' | 'two-class';
  onProgress?: (progress: SmoothingProgress) => void;
  /** Aborts between batches with `DlfError('ABORTED')`. */
  signal?: AbortSignal;
}

export interface SmoothCertificate {
  /** Certified class, or -1 when abstaining. */
  class: number;
  abstained: boolean;
  /** Certified radius (L2 for Gaussian noise, L1 for Laplace noise); 0 when abstaining. */
  radius: number;
  /** The norm `radius` is measured in. */
  norm: 'l2' | 'l1';
  /** Lower confidence bound on P(f(x + noise) = class). */
  pALower: number;
  /** Upper confidence bound on the largest other class probability. */
  pBUpper: number;
  /** Counts per class over the n estimation samples. */
  counts: Int32Array;
}

/** A randomised-smoothing classifier g(x) = argmax_c P(f(x + noise) = c). */
export interface SmoothedClassifier {
  readonly sigma: number;
  readonly noise: SmoothingNoise;
  /** Class counts of the base classifier under n noise draws, per example of the batch x. */
  sampleCounts(
    x: tf.Tensor,
    n: number,
    options?: { onProgress?: (p: SmoothingProgress) => void; signal?: AbortSignal },
  ): Promise<Int32Array[]>;
  /** PREDICT of Cohen et al.: the top class, or an abstention, per example of the batch x. */
  predict(x: tf.Tensor, options?: SmoothPredictOptions): Promise<SmoothPrediction[]>;
  /** CERTIFY of Cohen et al.: class and certified radius per example of the batch x. */
  certify(x: tf.Tensor, options?: SmoothCertifyOptions): Promise<SmoothCertificate[]>;
}

/**
 * Certified radius from probability bounds: Gaussian noise (L2), sigma/2 (Phi^-1(pA) - Phi^-1(pB));
 * with pB = 1 - pA this is sigma Phi^-1(pA) (Cohen et al. 2019). Laplace noise (L1, Teng et al.
 * 2020), max(lambda/2 log(pA/pB), -lambda log(1 - pA + pB)); with pB = 1 - pA this is
 * -lambda log(2 (1 - pA)). Returns 0 when pA <= pB.
 *
 * @example
 * ```ts
 * smoothingRadius(0.99, 0.01, 0.5, 'gaussian'); // 0.5 * Phi^-1(0.99) = 1.163
 * ```
 */
export function smoothingRadius(pA: number, pB: number, sigma: number, noise: SmoothingNoise): number {
  assertInRange('pA', pA, 0, 1);
  assertInRange('pB', pB, 0, 1);
  assertPositive('sigma', sigma);
  if (pA <= pB) return 0;
  if (noise === 'gaussian') return (sigma / 2) * (normalQuantile(pA) - normalQuantile(pB));
  const ratio = pB > 0 ? (sigma / 2) * Math.log(pA / pB) : Number.POSITIVE_INFINITY;
  const shift = -sigma * Math.log(1 - pA + pB);
  return Math.max(ratio, shift);
}

/**
 * Wraps a classifier into its randomised smoothing g(x) = argmax_c P(f(x + e) = c), e Gaussian
 * N(0, sigma^2 I) or Laplace(0, sigma) per entry, with Cohen et al.'s (2019) Monte-Carlo PREDICT
 * (abstains when the top-two binomial test is not significant) and CERTIFY (class and radius that
 * hold with probability >= 1 - alpha). Inputs are batches `[m, ...shape]`; noise is not clipped.
 *
 * @returns `{ sigma, noise, sampleCounts, predict, certify }`.
 * @example
 * ```ts
 * const g = smooth(model, { sigma: 0.25, seed: 0 });
 * const [cert] = await g.certify(x.slice(0, 1), { n0: 100, n: 10000, alpha: 0.001 });
 * console.log(cert.class, cert.radius); // the class is constant in the L2 ball of that radius
 * ```
 */
export function smooth(model: Classifier, options: SmoothOptions): SmoothedClassifier {
  if (options === null || typeof options !== 'object') {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `options must be an object with sigma, received ${describeValue(options)}`,
      {
        param: 'options',
      },
    );
  }
  const { sigma } = options;
  assertPositive('sigma', sigma);
  const noise = options.noise ?? 'gaussian';
  assertOneOf('noise', noise, ['gaussian', 'laplace'] as const);
  const batchSize = options.batchSize ?? 1000;
  assertInteger('batchSize', batchSize, { min: 1 });
  const f = toLogitsFn(model);
  const rng = toRng(options.seed);

  const drawNoise = (size: number): Float32Array => {
    if (noise === 'gaussian') return rng.normalArray(size, 0, sigma);
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      // Inverse CDF: u uniform in (-1/2, 1/2), e = -lambda sign(u) log(1 - 2|u|).
      let u = rng.random() - 0.5;
      while (u === -0.5) u = rng.random() - 0.5;
      out[i] = -sigma * Math.sign(u) * Math.log1p(-2 * Math.abs(u));
    }
    return out;
  };

  const checkBatch = (x: unknown): { m: number; rowShape: number[]; d: number; data: Float32Array } => {
    if (!(x instanceof tf.Tensor) || x.rank < 2 || x.dtype !== 'float32') {
      throw new DlfError(
        'INVALID_SHAPE',
        `x must be a float32 batch [m, ...shape] (use x.expandDims(0) for one example), received ${describeValue(x)}`,
        { param: 'x' },
      );
    }
    const m = x.shape[0] as number;
    const rowShape = x.shape.slice(1);
    const data = x.dataSync() as Float32Array;
    return { m, rowShape, d: data.length / Math.max(m, 1), data };
  };

  let numClasses: number | undefined;

  const counts = async (
    row: Float32Array,
    rowShape: number[],
    n: number,
    example: number,
    examples: number,
    onProgress: ((p: SmoothingProgress) => void) | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Int32Array> => {
    const d = row.length;
    let result: Int32Array | undefined;
    let done = 0;
    while (done < n) {
      throwIfAborted(signal, 'smoothing');
      const b = Math.min(batchSize, n - done);
      const eps = drawNoise(b * d);
      const preds = tf.tidy(() => {
        const base = tf.tensor(row, [1, ...rowShape]);
        const noisy = tf.add(base, tf.tensor(eps, [b, ...rowShape]));
        const logits = f(noisy);
        if (numClasses === undefined) numClasses = logits.shape[1] as number;
        return tf.argMax(logits, 1).dataSync() as Int32Array;
      });
      if (!result) result = new Int32Array(numClasses as number);
      for (const p of preds) result[p] = (result[p] as number) + 1;
      done += b;
      if (onProgress) {
        onProgress({ example, examples, samples: done, total: n });
        await Promise.resolve();
      }
    }
    return result as Int32Array;
  };

  const sampleCounts: SmoothedClassifier['sampleCounts'] = async (x, n, opts = {}) => {
    assertInteger('n', n, { min: 1 });
    const { m, rowShape, d, data } = checkBatch(x);
    const out: Int32Array[] = [];
    for (let i = 0; i < m; i++) {
      out.push(
        await counts(data.subarray(i * d, (i + 1) * d), rowShape, n, i, m, opts.onProgress, opts.signal),
      );
    }
    return out;
  };

  const topTwo = (c: Int32Array): [number, number] => {
    let a = 0;
    for (let k = 1; k < c.length; k++) if ((c[k] as number) > (c[a] as number)) a = k;
    let b = a === 0 ? 1 : 0;
    for (let k = 0; k < c.length; k++) if (k !== a && (c[k] as number) > (c[b] as number)) b = k;
    return [a, b];
  };

  const predict: SmoothedClassifier['predict'] = async (x, opts = {}) => {
    const n = opts.n ?? 1000;
    assertInteger('n', n, { min: 1 });
    const alpha = opts.alpha ?? 0.001;
    assertInRange('alpha', alpha, 0, 1, { minInclusive: false, maxInclusive: false });
    const all = await sampleCounts(x, n, opts);
    return all.map((c) => {
      const [a, b] = topTwo(c);
      const nA = c[a] as number;
      const nB = c.length > 1 ? (c[b] as number) : 0;
      const pValue = binomialTestHalf(nA, nA + nB);
      const abstained = pValue > alpha;
      return { class: abstained ? -1 : a, abstained, pValue, counts: c };
    });
  };

  const certify: SmoothedClassifier['certify'] = async (x, opts = {}) => {
    const n0 = opts.n0 ?? 100;
    const n = opts.n ?? 100000;
    assertInteger('n0', n0, { min: 1 });
    assertInteger('n', n, { min: 1 });
    const alpha = opts.alpha ?? 0.001;
    assertInRange('alpha', alpha, 0, 1, { minInclusive: false, maxInclusive: false });
    const method = opts.method ?? 'one-class';
    assertOneOf('method', method, ['one-class', 'two-class'] as const);
    const { m, rowShape, d, data } = checkBatch(x);
    const out: SmoothCertificate[] = [];
    const norm = noise === 'gaussian' ? 'l2' : 'l1';
    for (let i = 0; i < m; i++) {
      const row = data.subarray(i * d, (i + 1) * d);
      const selection = await counts(row, rowShape, n0, i, m, undefined, opts.signal);
      const [cA] = topTwo(selection);
      const c = await counts(row, rowShape, n, i, m, opts.onProgress, opts.signal);
      const nA = c[cA] as number;
      let pALower: number;
      let pBUpper: number;
      if (method === 'one-class') {
        pALower = clopperPearson(nA, n, alpha).lower;
        pBUpper = 1 - pALower;
      } else {
        const level = alpha / c.length;
        pALower = clopperPearson(nA, n, level).lower;
        pBUpper = 0;
        for (let k = 0; k < c.length; k++) {
          if (k !== cA) pBUpper = Math.max(pBUpper, clopperPearson(c[k] as number, n, level).upper);
        }
        pBUpper = Math.min(pBUpper, 1 - pALower);
      }
      const abstained = pALower <= pBUpper;
      out.push({
        class: abstained ? -1 : cA,
        abstained,
        radius: abstained ? 0 : smoothingRadius(pALower, pBUpper, sigma, noise),
        norm,
        pALower,
        pBUpper,
        counts: c,
      });
    }
    return out;
  };

  return { sigma, noise, sampleCounts, predict, certify };
}
