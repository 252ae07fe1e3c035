import { assertInteger, assertOneOf, throwIfAborted } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../classifier.js';
import type { AttributionOptions, AttributionProgress } from './attributionCore.js';
import { prepareAttribution, resolveBaseline, targetGradient, targetLogits } from './attributionCore.js';

/** Quadrature rule for the path integral over alpha in [0, 1] (captum's names). */
export type IntegrationMethod =
  | 'riemann_left'
  | 'riemann_right'
  | 'riemann_middle'
  | 'riemann_trapezoid'
  | 'gausslegendre';

const METHODS: readonly IntegrationMethod[] = [
  'riemann_left',
  'riemann_right',
  'riemann_middle',
  'riemann_trapezoid',
  'gausslegendre',
];

export interface IntegratedGradientsOptions extends AttributionOptions {
  /** Reference input x': a number (every entry), a tensor shaped like one example, or like `x`. Default: 0. */
  baselines?: number | tf.Tensor;
  /** Number of points on the path (quadrature nodes). Default: 50. */
  steps?: number;
  /** Quadrature rule. Default: `'gausslegendre'` (exact for gradients polynomial in alpha of degree < 2 steps). */
  method?: IntegrationMethod;
  /** Path inputs per forward/backward pass (captum's `internal_batch_size`). Default: all steps of all examples at once. */
  internalBatchSize?: number;
  /** Called after each internal batch with path points done / total (over all examples). */
  onProgress?: (progress: AttributionProgress) => void;
  /** Aborts between internal batches with `DlfError('ABORTED')`. */
  signal?: AbortSignal;
}

export interface IntegratedGradientsResult {
  /** Attributions shaped like `x` (yours to dispose). */
  attributions: tf.Tensor;
  /**
   * Convergence delta per example: sum of the attributions - (z_t(x) - z_t(x')), computed in
   * float64 from float32 values; completeness makes it 0 for exact integration.
   */
  delta: Float64Array;
}

/** Gauss-Legendre nodes and weights on [0, 1] (Newton on the Legendre recurrence, float64). */
export function gaussLegendre(m: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(m);
  const weights = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let t = Math.cos((Math.PI * (i + 0.75)) / (m + 0.5));
    let dp = 1;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = t;
      for (let k = 2; k <= m; k++) {
        const p2 = ((2 * k - 1) * t * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = (m * (t * p1 - p0)) / (t * t - 1);
      const dt = p1 / dp;
      t -= dt;
      if (Math.abs(dt) < 1e-16) break;
    }
    let p0 = 1;
    let p1 = t;
    for (let k = 2; k <= m; k++) {
      const p2 = ((2 * k - 1) * t * p1 - (k - 1) * p0) / k;
      p0 = p1;
      p1 = p2;
    }
    dp = (m * (t * p1 - p0)) / (t * t - 1);
    // Map [-1, 1] -> [0, 1]: alpha = (1 - t) / 2 (ascending), weight halves.
    nodes[i] = (1 - t) / 2;
    weights[i] = 1 / ((1 - t * t) * dp * dp);
  }
  return { nodes, weights };
}

/** Nodes alpha_k and weights w_k of the rule: integral_0^1 g = sum_k w_k g(alpha_k) (approximately). */
export function quadratureRule(
  method: IntegrationMethod,
  steps: number,
): { nodes: Float64Array; weights: Float64Array } {
  if (method === 'gausslegendre') return gaussLegendre(steps);
  const nodes = new Float64Array(steps);
  const weights = new Float64Array(steps);
  for (let k = 0; k < steps; k++) {
    if (method === 'riemann_trapezoid') {
      nodes[k] = steps === 1 ? 0.5 : k / (steps - 1);
      weights[k] = steps === 1 ? 1 : (k === 0 || k === steps - 1 ? 0.5 : 1) / (steps - 1);
    } else {
      const shift = method === 'riemann_left' ? 0 : method === 'riemann_right' ? 1 : 0.5;
      nodes[k] = (k + shift) / steps;
      weights[k] = 1 / steps;
    }
  }
  return { nodes, weights };
}

/**
 * Integrated gradients (Sundararajan et al. 2017): attribution_j = (x_j - x'_j) * integral_0^1
 * d z_t(x' + alpha (x - x')) / d x_j d alpha, integrated with the chosen quadrature rule. By
 * completeness the attributions sum to z_t(x) - z_t(x'); the reported `delta` is the difference,
 * which shrinks with `steps` at the rule's rate (O(1/steps) for left/right Riemann sums, O(1/steps^2)
 * for midpoint and trapezoid, exact for low-degree polynomial paths with Gauss-Legendre).
 *
 * @param model - a LayersModel or a function x -> logits.
 * @param x - inputs `[n, ...shape]`.
 * @returns `{ attributions, delta }`.
 * @example
 * ```ts
 * const { attributions, delta } = await integratedGradients(model, x, { baselines: 0, steps: 64 });
 * console.log(delta); // completeness error per example
 * attributions.dispose();
 * ```
 */
export async function integratedGradients(
  model: Classifier,
  x: tf.Tensor,
  options: IntegratedGradientsOptions = {},
): Promise<IntegratedGradientsResult> {
  const { baselines = 0, steps = 50, method = 'gausslegendre', onProgress, signal } = options;
  assertInteger('steps', steps, { min: 1 });
  assertOneOf('method', method, METHODS);
  const p = prepareAttribution(model, x, options.target);
  const internalBatchSize = options.internalBatchSize ?? p.n * steps;
  assertInteger('internalBatchSize', internalBatchSize, { min: 1 });
  const base = resolveBaseline(baselines, x);
  try {
    const { nodes, weights } = quadratureRule(method, steps);
    const xs = x.dataSync() as Float32Array;
    const bs = base.dataSync() as Float32Array;
    const integral = new Float64Array(p.n * p.d);
    const totalPoints = p.n * steps;
    for (let start = 0; start < totalPoints; start += internalBatchSize) {
      throwIfAborted(signal, 'integratedGradients');
      const count = Math.min(internalBatchSize, totalPoints - start);
      // Work item r: example i = floor(q / steps), node k = q mod steps, q = start + r.
      const path = new Float32Array(count * p.d);
      const rowTargets = new Int32Array(count);
      for (let r = 0; r < count; r++) {
        const q = start + r;
        const i = Math.floor(q / steps);
        const alpha = nodes[q % steps] as number;
        rowTargets[r] = p.targets[i] as number;
        for (let j = 0; j < p.d; j++) {
          const b = bs[i * p.d + j] as number;
          path[r * p.d + j] = b + alpha * ((xs[i * p.d + j] as number) - b);
        }
      }
      const g = tf.tidy(() =>
        targetGradient(p.f, tf.tensor(path, [count, ...p.exampleShape]), rowTargets).dataSync(),
      );
      for (let r = 0; r < count; r++) {
        const q = start + r;
        const i = Math.floor(q / steps);
        const w = weights[q % steps] as number;
        for (let j = 0; j < p.d; j++) {
          integral[i * p.d + j] = (integral[i * p.d + j] as number) + w * (g[r * p.d + j] as number);
        }
      }
      onProgress?.({ done: start + count, total: totalPoints });
    }
    const attr = new Float32Array(p.n * p.d);
    const sums = new Float64Array(p.n);
    for (let i = 0; i < p.n; i++) {
      for (let j = 0; j < p.d; j++) {
        const k = i * p.d + j;
        attr[k] = ((xs[k] as number) - (bs[k] as number)) * (integral[k] as number);
        sums[i] = (sums[i] as number) + (attr[k] as number);
      }
    }
    const zx = tf.tidy(() => targetLogits(p.f, x, p.targets).dataSync());
    const zb = tf.tidy(() => targetLogits(p.f, base, p.targets).dataSync());
    const delta = new Float64Array(p.n);
    for (let i = 0; i < p.n; i++) delta[i] = (sums[i] as number) - ((zx[i] as number) - (zb[i] as number));
    return { attributions: tf.tensor(attr, x.shape), delta };
  } finally {
    base.dispose();
  }
}
