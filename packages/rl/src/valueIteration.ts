import { assertInteger, assertNonNegative, throwIfAborted } from '@dlf/runtime';
import { bellmanOptimalityInto, checkValues, supDistance } from './bellmanOperator.js';
import type { SweepProgress } from './evaluatePolicy.js';
import type { FiniteMdp } from './finiteMdp.js';
import { greedyPolicy } from './greedyPolicy.js';
import { qFromV } from './qFromV.js';

export interface ValueIterationOptions {
  /**
   * Stop once gamma / (1 - gamma) * ||V_k - V_{k-1}||_inf <= tolerance; this bounds the error
   * ||V_k - V*||_inf by tolerance. Default: 1e-8.
   */
  tolerance?: number;
  /** Sweep budget; the result says `converged: false` if it runs out. Default: 100000. */
  maxIterations?: number;
  /** Starting values V_0. Default: zeros. */
  initialValues?: ArrayLike<number>;
  /** Called after every sweep with the iteration and its residual. */
  onProgress?: (progress: SweepProgress) => void;
  /** Aborts the sweeps: throws `DlfError('ABORTED')`. */
  signal?: AbortSignal;
}

export interface ValueIterationResult {
  /** V_k, within `tolerance` of V* in the sup norm when converged. */
  values: Float64Array;
  /** Q(s, a) = R + gamma P V_k, flat at `s * numActions + a`. */
  q: Float64Array;
  /** The greedy policy of `values` (lowest action index on ties within 1e-9). */
  policy: Int32Array;
  /** Sweeps done. */
  iterations: number;
  /** ||V_k - V_{k-1}||_inf for every sweep k; decreases at least by a factor gamma each sweep. */
  residuals: number[];
  converged: boolean;
}

/**
 * Value iteration (Bellman 1957): V_{k+1} = T V_k with the optimality operator
 * (T V)(s) = max_a [R(s,a) + gamma sum_s' P(s'|s,a) V(s')], a gamma-contraction whose unique fixed
 * point is V* (Banach). Synchronous (Jacobi) sweeps, so the residuals follow the contraction bound.
 *
 * @example
 * ```ts
 * const { values, policy, iterations } = valueIteration(mdp, { tolerance: 1e-10 });
 * ```
 */
export function valueIteration(mdp: FiniteMdp, options: ValueIterationOptions = {}): ValueIterationResult {
  const { tolerance = 1e-8, maxIterations = 100_000, initialValues, onProgress, signal } = options;
  assertNonNegative('tolerance', tolerance);
  assertInteger('maxIterations', maxIterations, { min: 1 });
  if (initialValues !== undefined) checkValues(mdp, initialValues, 'initialValues');
  const S = mdp.numStates;
  let v = initialValues ? Float64Array.from(initialValues) : new Float64Array(S);
  let next = new Float64Array(S);
  const residuals: number[] = [];
  const factor = mdp.gamma / (1 - mdp.gamma);
  let converged = false;
  let k = 0;
  while (k < maxIterations) {
    throwIfAborted(signal, 'valueIteration');
    bellmanOptimalityInto(mdp, v, next);
    const residual = supDistance(next, v);
    residuals.push(residual);
    [v, next] = [next, v];
    k++;
    onProgress?.({ iteration: k, residual });
    if (factor * residual <= tolerance) {
      converged = true;
      break;
    }
  }
  const q = qFromV(mdp, v);
  return { values: v, q, policy: greedyPolicy(mdp, q), iterations: k, residuals, converged };
}
