import type { SeedLike } from '@dlf/runtime';
import { assertInRange, assertInteger, assertNonNegative, assertPositive, toRng } from '@dlf/runtime';
import { DlfError } from '../errors.js';
import type { Sample } from './sampleRows.js';
import { toRows } from './sampleRows.js';

export interface ProxyADistanceOptions {
  /** Fraction of each domain held out to measure the classifier's error. Default: 0.5. */
  testFraction?: number;
  /** Full-batch gradient steps of the logistic regression. Default: 500. */
  iterations?: number;
  /** Step size of gradient descent on the mean logistic loss (features standardised). Default: 0.5. */
  learningRate?: number;
  /** L2 penalty on the weights (not the bias). Default: 1e-4. */
  l2?: number;
  /** Seed or generator of the train/test split. Default: 0. */
  seed?: SeedLike;
}

export interface ProxyADistanceResult {
  /** 2 (1 - 2 err); near 0 for indistinguishable domains, 2 for separable ones (negative if err > 0.5). */
  distance: number;
  /** Held-out error of the domain classifier. */
  error: number;
  /** Held-out examples the error was measured on. */
  testSize: number;
}

/**
 * Proxy A-distance (Ben-David et al. 2007): train a domain classifier (here an L2-regularised
 * logistic regression on standardised features, float64, full-batch gradient descent) to tell
 * source from target, measure its held-out error err, and return 2 (1 - 2 err). Each domain is
 * split separately, so the held-out set keeps the domains' proportions.
 *
 * @param source - a tensor `[m, ...shape]` or an array of rows (features, e.g. a network's embeddings).
 * @param target - same row size.
 * @returns `{ distance, error, testSize }`.
 * @example
 * ```ts
 * const { distance } = proxyADistance(sourceFeatures, targetFeatures, { seed: 0 });
 * ```
 */
export function proxyADistance(
  source: Sample,
  target: Sample,
  options: ProxyADistanceOptions = {},
): ProxyADistanceResult {
  const { testFraction = 0.5, iterations = 500, learningRate = 0.5, l2 = 1e-4 } = options;
  assertInRange('testFraction', testFraction, 0, 1, { minInclusive: false, maxInclusive: false });
  assertInteger('iterations', iterations, { min: 1 });
  assertPositive('learningRate', learningRate);
  assertNonNegative('l2', l2);
  const s = toRows(source, 'source');
  const t = toRows(target, 'target');
  if (s.d !== t.d) {
    throw new DlfError(
      'INVALID_SHAPE',
      `source and target must have rows of the same size, received ${s.d} and ${t.d}`,
      {
        param: 'target',
      },
    );
  }
  const d = s.d;
  const rng = toRng(options.seed);
  const trainIdx: [number, number][] = [];
  const testIdx: [number, number][] = [];
  for (const [dom, rows] of [
    [0, s],
    [1, t],
  ] as const) {
    const order = rng.permutation(rows.n);
    const nTest = Math.round(rows.n * testFraction);
    if (nTest < 1 || nTest >= rows.n) {
      throw new DlfError(
        'INVALID_SHAPE',
        `${dom === 0 ? 'source' : 'target'} has too few points (${rows.n}) to hold out testFraction = ${testFraction} and train on the rest`,
        { param: dom === 0 ? 'source' : 'target' },
      );
    }
    order.forEach((i, k) => {
      (k < nTest ? testIdx : trainIdx).push([dom, i]);
    });
  }
  const row = (dom: number, i: number) => (dom === 0 ? s : t).data.subarray(i * d, (i + 1) * d);
  // Standardise with training statistics.
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (const [dom, i] of trainIdx) {
    const r = row(dom, i);
    for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (r[j] as number);
  }
  for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) / trainIdx.length;
  for (const [dom, i] of trainIdx) {
    const r = row(dom, i);
    for (let j = 0; j < d; j++)
      scale[j] = (scale[j] as number) + ((r[j] as number) - (mean[j] as number)) ** 2;
  }
  for (let j = 0; j < d; j++) {
    const sd = Math.sqrt((scale[j] as number) / trainIdx.length);
    scale[j] = sd > 0 ? 1 / sd : 0;
  }
  const features = (dom: number, i: number) => {
    const r = row(dom, i);
    const out = new Float64Array(d);
    for (let j = 0; j < d; j++) out[j] = ((r[j] as number) - (mean[j] as number)) * (scale[j] as number);
    return out;
  };
  const train = trainIdx.map(([dom, i]) => ({ f: features(dom, i), y: dom }));
  const w = new Float64Array(d);
  let b = 0;
  const grad = new Float64Array(d);
  for (let it = 0; it < iterations; it++) {
    grad.fill(0);
    let gb = 0;
    for (const { f, y } of train) {
      let z = b;
      for (let j = 0; j < d; j++) z += (w[j] as number) * (f[j] as number);
      const p = 1 / (1 + Math.exp(-z));
      const r = p - y;
      for (let j = 0; j < d; j++) grad[j] = (grad[j] as number) + r * (f[j] as number);
      gb += r;
    }
    for (let j = 0; j < d; j++)
      w[j] = (w[j] as number) - learningRate * ((grad[j] as number) / train.length + l2 * (w[j] as number));
    b -= (learningRate * gb) / train.length;
  }
  let wrong = 0;
  for (const [dom, i] of testIdx) {
    const f = features(dom, i);
    let z = b;
    for (let j = 0; j < d; j++) z += (w[j] as number) * (f[j] as number);
    if ((z > 0 ? 1 : 0) !== dom) wrong++;
  }
  const error = wrong / testIdx.length;
  return { distance: 2 * (1 - 2 * error), error, testSize: testIdx.length };
}
