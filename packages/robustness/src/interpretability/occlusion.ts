import { assertFiniteNumber, assertInteger, throwIfAborted } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../classifier.js';
import { DlfError, describeValue } from '../errors.js';
import type { AttributionOptions, AttributionProgress } from './attributionCore.js';
import { prepareAttribution, targetLogits } from './attributionCore.js';

export interface OcclusionOptions extends AttributionOptions {
  /** Shape of the occluding window, one entry per example dimension (e.g. `[3, 3, 1]` for `[8, 8, 1]` images). */
  slidingWindowShapes: readonly number[];
  /** Step of the window along each dimension: a number for all or one per dimension. Default: 1. */
  strides?: number | readonly number[];
  /** Value written into the window. Default: 0. */
  baselines?: number;
  /** Occluded inputs per forward pass. Default: 64. */
  perturbationsPerEval?: number;
  /** Called after each forward pass with windows done / total (over all examples). */
  onProgress?: (progress: AttributionProgress) => void;
  /** Aborts between forward passes with `DlfError('ABORTED')`. */
  signal?: AbortSignal;
}

/**
 * Occlusion (Zeiler and Fergus 2014), captum's call shape: slide a window over each example,
 * replace its entries by `baselines`, and give every entry in the window the drop of the target
 * logit z_t(x) - z_t(x with the window occluded); an entry covered by several windows gets the mean
 * of their drops (entries no window covers get 0). For a linear model and non-overlapping windows
 * the attribution of entry j is sum over its window of w_i (x_i - b).
 *
 * @param model - a LayersModel or a function x -> logits.
 * @param x - inputs `[n, ...shape]`.
 * @returns attributions shaped like `x` (yours to dispose).
 * @example
 * ```ts
 * const map = await occlusion(model, x, { slidingWindowShapes: [2, 2, 1], strides: 2, target: 7 });
 * map.dispose();
 * ```
 */
export async function occlusion(
  model: Classifier,
  x: tf.Tensor,
  options: OcclusionOptions,
): Promise<tf.Tensor> {
  if (typeof options !== 'object' || options === null) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `options must be an object with slidingWindowShapes, received ${describeValue(options)}`,
      {
        param: 'options',
      },
    );
  }
  const { baselines = 0, perturbationsPerEval = 64, onProgress, signal } = options;
  assertFiniteNumber('baselines', baselines);
  assertInteger('perturbationsPerEval', perturbationsPerEval, { min: 1 });
  const p = prepareAttribution(model, x, options.target);
  const shape = p.exampleShape;
  const rank = shape.length;
  const window = options.slidingWindowShapes;
  if (!Array.isArray(window) || window.length !== rank) {
    throw new DlfError(
      'INVALID_SHAPE',
      `slidingWindowShapes must have one entry per example dimension (${rank}, example shape [${shape}]), received ${describeValue(window)}`,
      { param: 'slidingWindowShapes' },
    );
  }
  const strideIn = options.strides ?? 1;
  const strides =
    typeof strideIn === 'number' ? new Array<number>(rank).fill(strideIn) : Array.from(strideIn);
  if (strides.length !== rank) {
    throw new DlfError(
      'INVALID_SHAPE',
      `strides must be a number or have ${rank} entries, received ${strides.length}`,
      {
        param: 'strides',
      },
    );
  }
  for (let a = 0; a < rank; a++) {
    assertInteger(`slidingWindowShapes[${a}]`, window[a], { min: 1, max: shape[a] as number });
    assertInteger(`strides[${a}]`, strides[a], { min: 1 });
  }
  // Window origins along each axis, and their Cartesian product.
  const origins = shape.map((s, a) => {
    const count = Math.floor((s - (window[a] as number)) / (strides[a] as number)) + 1;
    return Array.from({ length: count }, (_, k) => k * (strides[a] as number));
  });
  const positions: number[][] = [[]];
  for (const axis of origins) {
    const next: number[][] = [];
    for (const prefix of positions) for (const o of axis) next.push([...prefix, o]);
    positions.splice(0, positions.length, ...next);
  }
  const strideOf = shape.map((_, a) => shape.slice(a + 1).reduce((u, v) => u * v, 1));
  const windowIndices = positions.map((origin) => {
    let idx = [0];
    for (let a = 0; a < rank; a++) {
      const next: number[] = [];
      for (const base of idx) {
        for (let o = 0; o < (window[a] as number); o++)
          next.push(base + ((origin[a] as number) + o) * (strideOf[a] as number));
      }
      idx = next;
    }
    return idx;
  });
  const xs = x.dataSync() as Float32Array;
  const clean = tf.tidy(() => targetLogits(p.f, x, p.targets).dataSync());
  const sums = new Float64Array(p.n * p.d);
  const counts = new Float64Array(p.d);
  for (const idx of windowIndices) for (const j of idx) counts[j] = (counts[j] as number) + 1;
  const total = p.n * positions.length;
  for (let start = 0; start < total; start += perturbationsPerEval) {
    throwIfAborted(signal, 'occlusion');
    const count = Math.min(perturbationsPerEval, total - start);
    const batch = new Float32Array(count * p.d);
    const rowTargets = new Int32Array(count);
    for (let r = 0; r < count; r++) {
      const i = Math.floor((start + r) / positions.length);
      const idx = windowIndices[(start + r) % positions.length] as number[];
      batch.set(xs.subarray(i * p.d, (i + 1) * p.d), r * p.d);
      for (const j of idx) batch[r * p.d + j] = baselines;
      rowTargets[r] = p.targets[i] as number;
    }
    const z = tf.tidy(() => targetLogits(p.f, tf.tensor(batch, [count, ...shape]), rowTargets).dataSync());
    for (let r = 0; r < count; r++) {
      const i = Math.floor((start + r) / positions.length);
      const idx = windowIndices[(start + r) % positions.length] as number[];
      const drop = (clean[i] as number) - (z[r] as number);
      for (const j of idx) sums[i * p.d + j] = (sums[i * p.d + j] as number) + drop;
    }
    onProgress?.({ done: start + count, total });
  }
  const out = new Float32Array(p.n * p.d);
  for (let i = 0; i < p.n; i++) {
    for (let j = 0; j < p.d; j++) {
      const c = counts[j] as number;
      out[i * p.d + j] = c > 0 ? (sums[i * p.d + j] as number) / c : 0;
    }
  }
  return tf.tensor(out, x.shape);
}
