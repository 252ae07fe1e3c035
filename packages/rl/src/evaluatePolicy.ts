import { assertInteger, assertNonNegative, assertOneOf, DlfError, throwIfAborted } from '@dlf/runtime';
import { bellmanExpectationInto, checkValues, supDistance } from './bellmanOperator.js';
import type { FiniteMdp } from './finiteMdp.js';
import { solveLinearSystem } from './linearSolve.js';
import { policyTable, type TabularPolicy } from './tabularPolicy.js';

/** Progress of an iterative dynamic-programming solver, reported after every sweep. */
export interface SweepProgress {
  /** Sweeps done so far (1-based). */
  iteration: number;
  /** Sup-norm change of the value vector in this sweep, ||V_k - V_{k-1}||_inf. */
  residual: number;
}

export interface EvaluatePolicyOptions {
  /**
   * 'exact': solve (I - gamma P_pi) V = R_pi by LU with partial pivoting (float64; numStates <= 3000).
   * 'iterative': apply the Bellman expectation operator from `initialValues` until converged.
   * Default: 'exact'.
   */
  method?: 'exact' | 'iterative';
  /**
   * Iterative only: stop once the error bound gamma / (1 - gamma) * ||V_k - V_{k-1}||_inf, which
   * bounds ||V_k - V^pi||_inf, is <= tolerance. Default: 1e-10.
   */
  tolerance?: number;
  /** Iterative only: sweep budget; the result says `converged: false` if it runs out. Default: 100000. */
  maxIterations?: number;
  /** Iterative only: starting values V_0. Default: zeros. */
  initialValues?: ArrayLike<number>;
  /** Called after every sweep (iterative only). */
  onProgress?: (progress: SweepProgress) => void;
  /** Aborts the sweeps: throws `DlfError('ABORTED')`. */
  signal?: AbortSignal;
}

export interface EvaluatePolicyResult {
  /** V^pi, one value per state. */
  values: Float64Array;
  method: 'exact' | 'iterative';
  /** Sweeps done (0 for 'exact'). */
  iterations: number;
  /** ||V_k - V_{k-1}||_inf for every sweep k (empty for 'exact'). */
  residuals: number[];
  /** Bellman residual of the returned values, ||T^pi V - V||_inf. */
  bellmanResidual: number;
  /** False only when 'iterative' ran out of `maxIterations`. */
  converged: boolean;
}

/** Largest state count the exact (dense, O(S^3)) solver accepts. */
export const MAX_EXACT_STATES = 3000;

/**
 * Policy evaluation: the value V^pi(s) = E[sum_t gamma^t r_t | s_0 = s, pi] of a deterministic or
 * stochastic policy, solving V = R_pi + gamma P_pi V exactly or by fixed-point iteration
 * V_{k+1} = T^pi V_k (a gamma-contraction, so residuals shrink at least by gamma per sweep).
 *
 * @example
 * ```ts
 * const exact = evaluatePolicy(mdp, [0, 1, 1]).values;
 * const { values, iterations, residuals } = evaluatePolicy(mdp, [0, 1, 1], { method: 'iterative' });
 * ```
 */
export function evaluatePolicy(
  mdp: FiniteMdp,
  policy: TabularPolicy,
  options: EvaluatePolicyOptions = {},
): EvaluatePolicyResult {
  const {
    method = 'exact',
    tolerance = 1e-10,
    maxIterations = 100_000,
    initialValues,
    onProgress,
    signal,
  } = options;
  assertOneOf('method', method, ['exact', 'iterative'] as const);
  assertNonNegative('tolerance', tolerance);
  assertInteger('maxIterations', maxIterations, { min: 1 });
  const pi = policyTable(mdp, policy);
  if (method === 'exact') {
    const values = solvePolicyValues(mdp, pi);
    return {
      values,
      method,
      iterations: 0,
      residuals: [],
      bellmanResidual: bellmanResidual(mdp, pi, values),
      converged: true,
    };
  }
  if (initialValues !== undefined) checkValues(mdp, initialValues, 'initialValues');
  const run = iterateExpectation(mdp, pi, { tolerance, maxIterations, initialValues, onProgress, signal });
  return {
    ...run,
    method,
    bellmanResidual: bellmanResidual(mdp, pi, run.values),
  };
}

/** @internal V^pi by a dense LU solve of (I - gamma P_pi) V = R_pi. */
export function solvePolicyValues(mdp: FiniteMdp, pi: Float64Array): Float64Array {
  const S = mdp.numStates;
  const A = mdp.numActions;
  if (S > MAX_EXACT_STATES) {
    throw new DlfError(
      'UNSUPPORTED',
      `method 'exact' solves a dense system and accepts at most ${MAX_EXACT_STATES} states, received ${S}; use method 'iterative'`,
      { param: 'method' },
    );
  }
  const m = new Float64Array(S * S);
  const r = new Float64Array(S);
  const { rowStart, nextState, probability, reward, gamma } = mdp;
  for (let s = 0; s < S; s++) {
    m[s * S + s] = 1;
    let rs = 0;
    for (let a = 0; a < A; a++) {
      const p = pi[s * A + a] as number;
      if (p === 0) continue;
      const sa = s * A + a;
      rs += p * (reward[sa] as number);
      for (let k = rowStart[sa] as number; k < (rowStart[sa + 1] as number); k++) {
        const j = s * S + (nextState[k] as number);
        m[j] = (m[j] as number) - gamma * p * (probability[k] as number);
      }
    }
    r[s] = rs;
  }
  return solveLinearSystem(m, r, S);
}

/** @internal Fixed-point iteration of T^pi with the error-bound stopping rule. */
export function iterateExpectation(
  mdp: FiniteMdp,
  pi: Float64Array,
  opts: {
    tolerance: number;
    maxIterations: number;
    initialValues?: ArrayLike<number> | undefined;
    onProgress?: ((p: SweepProgress) => void) | undefined;
    signal?: AbortSignal | undefined;
  },
): { values: Float64Array; iterations: number; residuals: number[]; converged: boolean } {
  const S = mdp.numStates;
  let v = opts.initialValues ? Float64Array.from(opts.initialValues) : new Float64Array(S);
  let next = new Float64Array(S);
  const residuals: number[] = [];
  const factor = mdp.gamma / (1 - mdp.gamma);
  for (let k = 1; k <= opts.maxIterations; k++) {
    throwIfAborted(opts.signal, 'evaluatePolicy');
    bellmanExpectationInto(mdp, pi, v, next);
    const residual = supDistance(next, v);
    residuals.push(residual);
    [v, next] = [next, v];
    opts.onProgress?.({ iteration: k, residual });
    if (factor * residual <= opts.tolerance) return { values: v, iterations: k, residuals, converged: true };
  }
  return { values: v, iterations: opts.maxIterations, residuals, converged: false };
}

function bellmanResidual(mdp: FiniteMdp, pi: Float64Array, values: Float64Array): number {
  const tv = new Float64Array(mdp.numStates);
  bellmanExpectationInto(mdp, pi, values, tv);
  return supDistance(tv, values);
}
