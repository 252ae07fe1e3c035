import { assertInteger, DlfError, type SeedLike, topHessianEigenvalues } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { toVec, type VectorLike } from './linalg.js';
import { gd } from './optimizers/gd.js';
import type { FlatLoss, OptimizerResult } from './optimizers/runOptimizer.js';
import { plConstantAlongPath } from './plConstantAlongPath.js';

/** Options of {@link plConvergenceCheck}. */
export interface PlConvergenceCheckOptions {
  /** GD steps. Default: 100. */
  steps?: number;
  /** L*, the infimum of the loss. Default: 0. */
  minLoss?: number;
  /**
   * The smoothness constant beta used for eta = 1 / beta. Default: lambda_max of the Hessian at w0
   * (Lanczos on exact Hessian-vector products), a local estimate.
   */
  smoothness?: number;
  /** Lanczos steps for lambda_max. Default: 50. */
  iterations?: number;
  /** Seed of the Lanczos start vector. Default: 0. */
  seed?: SeedLike;
  /** Aborts: throws `DlfError('ABORTED')`. */
  signal?: AbortSignal;
}

/** What {@link plConvergenceCheck} returns. */
export interface PlConvergenceCheckResult {
  /** eta = 1 / beta. */
  learningRate: number;
  /** beta (lambda_max(H(w0)) unless given). */
  smoothness: number;
  /** mu_hat, the smallest observed PL ratio along the path. */
  mu: number;
  /** Measured L(w_t), t = 0..T. */
  losses: number[];
  /** The bound L* + (1 - eta mu)^t (L(w_0) - L*), t = 0..T. */
  bound: number[];
  /** Whether every measured loss is within the bound (relative slack 1e-4 for float32 losses). */
  holds: boolean;
  /** Steps where the descent lemma's sufficient decrease L(w_{t+1}) <= L(w_t) - (eta/2) ||g_t||^2 failed. */
  descentFailures: number[];
  /** The GD run itself. */
  run: OptimizerResult;
}

/**
 * Checks the PL convergence theorem on a real loss: if L is beta-smooth and satisfies
 * ||grad L||^2 >= 2 mu (L - L*), gradient descent with eta = 1/beta gives
 * L(w_t) - L* <= (1 - eta mu)^t (L(w_0) - L*) (Polyak 1963; Karimi et al. 2016). Runs GD with
 * eta = 1 / lambda_max(H(w_0)), measures mu along the path ({@link plConstantAlongPath}) and returns
 * measured losses next to the bound.
 *
 * @param loss - w -> scalar (use the runtime's `ops`/`losses` so Hessian-vector products are exact).
 * @param w0 - starting parameters.
 * @param options - `steps` (100), `minLoss` (0), `smoothness` (lambda_max(H(w0))), `iterations` (50), `seed`, `signal`.
 * @returns `{ learningRate, smoothness, mu, losses, bound, holds, descentFailures, run }`.
 * @example
 * ```ts
 * const check = await plConvergenceCheck((w) => losses.quadratic(y, net.apply(w, X)), net.init(0));
 * check.holds; // true when the local smoothness estimate is valid along the path
 * ```
 */
export async function plConvergenceCheck(
  loss: FlatLoss,
  w0: VectorLike,
  options: PlConvergenceCheckOptions = {},
): Promise<PlConvergenceCheckResult> {
  const { steps = 100, minLoss = 0, iterations = 50, seed, signal } = options;
  assertInteger('steps', steps, { min: 1 });
  const start = toVec('w0', w0);
  let beta = options.smoothness;
  if (beta === undefined) {
    const wt = tf.tensor1d(Float32Array.from(start));
    try {
      const res = await topHessianEigenvalues((w) => loss(w), wt, {
        k: 1,
        which: 'largest',
        iterations: Math.max(1, Math.min(iterations, start.length)),
        seed,
        signal,
      });
      res.vectors.dispose();
      beta = res.values[0] as number;
    } finally {
      wt.dispose();
    }
  }
  if (!(beta > 0) || !Number.isFinite(beta)) {
    throw new DlfError(
      'INVALID_DATA',
      `the smoothness estimate (lambda_max of the Hessian at w0, or options.smoothness) must be > 0, received ${beta}`,
      { param: 'smoothness' },
    );
  }
  const eta = 1 / beta;
  const run = await gd(loss, start, { learningRate: eta, steps, signal });
  const { mu } = plConstantAlongPath(run, { minLoss });
  const gap0 = run.losses[0]! - minLoss;
  const rate = Math.max(0, 1 - eta * mu);
  const bound = run.losses.map((_, t) => minLoss + rate ** t * gap0);
  const holds = run.losses.every(
    (l, t) => l - minLoss <= (bound[t]! - minLoss) * (1 + 1e-4) + 1e-7 * Math.abs(gap0),
  );
  const descentFailures: number[] = [];
  for (let t = 0; t + 1 < run.losses.length; t++) {
    const target = run.losses[t]! - (eta / 2) * run.gradNorms[t]! ** 2;
    if (run.losses[t + 1]! > target + 1e-5 * Math.abs(run.losses[t]!)) descentFailures.push(t);
  }
  return { learningRate: eta, smoothness: beta, mu, losses: run.losses, bound, holds, descentFailures, run };
}
