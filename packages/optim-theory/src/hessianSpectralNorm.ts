import { type ScalarFn, type SeedLike, topHessianEigenvalues } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { toVec, type VectorLike } from './linalg.js';

/** Options of {@link hessianSpectralNorm}. */
export interface HessianSpectralNormOptions {
  /** Maximum Lanczos steps (Hessian-vector products). Default: 60. */
  iterations?: number;
  /** Relative residual tolerance. Default: 1e-5. */
  tolerance?: number;
  /** Seed of the Lanczos start vector. Default: 0. */
  seed?: SeedLike;
  /** Aborts: throws `DlfError('ABORTED')`. */
  signal?: AbortSignal;
}

/** What {@link hessianSpectralNorm} returns. */
export interface HessianSpectralNormResult {
  /** ||H||_2 = max_i |lambda_i(H)|. */
  spectralNorm: number;
  /** The eigenvalue of largest magnitude, with its sign. */
  eigenvalue: number;
  /** Hessian-vector products used. */
  iterations: number;
  converged: boolean;
}

/**
 * The spectral norm ||H(w)||_2 = max |lambda| of the Hessian of a scalar function of the parameters
 * (a loss, or one output f(w; x) of a model: the quantity that shrinks like 1/sqrt(width) in the
 * transition to linearity, Liu, Zhu and Belkin 2020), by Lanczos on exact Hessian-vector products
 * (the runtime's `topHessianEigenvalues` with `which: 'magnitude'`); the Hessian is never formed.
 *
 * @param f - w -> scalar tensor, built from tfjs ops and the runtime's second-order-safe `ops`.
 * @param w - parameters ([m] tensor or array).
 * @param options - `iterations` (60), `tolerance` (1e-5), `seed` (0), `signal`.
 * @returns `{ spectralNorm, eigenvalue, iterations, converged }`.
 * @example
 * ```ts
 * const { spectralNorm } = await hessianSpectralNorm((w) => net.apply(w, x1).sum(), w);
 * ```
 */
export async function hessianSpectralNorm(
  f: ScalarFn,
  w: VectorLike,
  options: HessianSpectralNormOptions = {},
): Promise<HessianSpectralNormResult> {
  const { iterations = 60, tolerance = 1e-5, seed, signal } = options;
  const owned = !(w instanceof tf.Tensor);
  const wt = w instanceof tf.Tensor ? (w as tf.Tensor1D) : tf.tensor1d(Float32Array.from(toVec('w', w)));
  try {
    const m = wt.shape[0] ?? 0;
    const res = await topHessianEigenvalues(f, wt, {
      k: 1,
      which: 'magnitude',
      iterations: Math.max(1, Math.min(iterations, m)),
      tolerance,
      seed,
      signal,
    });
    res.vectors.dispose();
    const eigenvalue = res.values[0] as number;
    return {
      spectralNorm: Math.abs(eigenvalue),
      eigenvalue,
      iterations: res.iterations,
      converged: res.converged,
    };
  } finally {
    if (owned) wt.dispose();
  }
}
