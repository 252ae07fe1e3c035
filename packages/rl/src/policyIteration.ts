import { assertInteger, assertNonNegative, assertOneOf, throwIfAborted } from '@dlf/runtime';
import { iterateExpectation, MAX_EXACT_STATES, solvePolicyValues } from './evaluatePolicy.js';
import type { FiniteMdp } from './finiteMdp.js';
import { qFromV } from './qFromV.js';
import { policyTable, type TabularPolicy } from './tabularPolicy.js';

/** Progress of policy iteration, reported after every improvement step. */
export interface PolicyIterationProgress {
  /** Evaluate-improve rounds done (1-based). */
  iteration: number;
  /** States whose action changed in this improvement step. */
  policyChanges: number;
  /** ||T V^{pi_k} - V^{pi_k}||_inf: 0 exactly when pi_k is optimal. */
  bellmanResidual: number;
}

export interface PolicyIterationOptions {
  /** Deterministic starting policy pi_0 (one action per state). Default: action 0 everywhere. */
  initialPolicy?: ArrayLike<number>;
  /**
   * How each policy is evaluated: 'exact' (dense LU), 'iterative' (Bellman sweeps, warm-started
   * from the previous values, to `tolerance`), or 'auto' (exact up to 3000 states). Default: 'auto'.
   */
  evaluation?: 'exact' | 'iterative' | 'auto';
  /**
   * Iterative evaluation's error bound, and the margin by which an action must beat the current one
   * to replace it (avoids cycling between tied actions). Default: 1e-10.
   */
  tolerance?: number;
  /** Round budget; `converged: false` if the policy is still changing after it. Default: 1000. */
  maxIterations?: number;
  onProgress?: (progress: PolicyIterationProgress) => void;
  /** Aborts: throws `DlfError('ABORTED')`. */
  signal?: AbortSignal;
}

export interface PolicyIterationResult {
  /** V^pi of the final policy (= V* when converged). */
  values: Float64Array;
  /** Q^pi of the final policy, flat at `s * numActions + a`. */
  q: Float64Array;
  /** The final deterministic policy. */
  policy: Int32Array;
  /** Evaluate-improve rounds, counting the last one that found no improvement. */
  iterations: number;
  /** ||T V^{pi_k} - V^{pi_k}||_inf for each round k (the last is ~0 when converged). */
  residuals: number[];
  /** Number of states whose action changed in each round (the last is 0 when converged). */
  policyChanges: number[];
  converged: boolean;
}

/**
 * Policy iteration (Howard 1960): evaluate pi_k (V^{pi_k}), improve greedily
 * (pi_{k+1}(s) = argmax_a Q^{pi_k}(s, a)), until the policy is stable. Values improve monotonically
 * and the loop ends in at most |A|^|S| rounds (in practice a handful) at an optimal policy.
 *
 * @example
 * ```ts
 * const { policy, values, iterations } = policyIteration(mdp);
 * ```
 */
export function policyIteration(mdp: FiniteMdp, options: PolicyIterationOptions = {}): PolicyIterationResult {
  const {
    initialPolicy,
    evaluation = 'auto',
    tolerance = 1e-10,
    maxIterations = 1000,
    onProgress,
    signal,
  } = options;
  assertOneOf('evaluation', evaluation, ['exact', 'iterative', 'auto'] as const);
  assertNonNegative('tolerance', tolerance);
  assertInteger('maxIterations', maxIterations, { min: 1 });
  const S = mdp.numStates;
  const A = mdp.numActions;
  const policy = new Int32Array(S);
  if (initialPolicy !== undefined) {
    policyTable(mdp, initialPolicy as TabularPolicy, 'initialPolicy');
    policy.set(Array.from(initialPolicy));
  }
  const exact = evaluation === 'exact' || (evaluation === 'auto' && S <= MAX_EXACT_STATES);
  const pi = new Float64Array(S * A);
  let values: Float64Array = new Float64Array(S);
  let q: Float64Array = new Float64Array(S * A);
  const residuals: number[] = [];
  const policyChanges: number[] = [];
  let converged = false;
  let k = 0;
  while (k < maxIterations) {
    throwIfAborted(signal, 'policyIteration');
    pi.fill(0);
    for (let s = 0; s < S; s++) pi[s * A + (policy[s] as number)] = 1;
    values = exact
      ? solvePolicyValues(mdp, pi)
      : iterateExpectation(mdp, pi, { tolerance, maxIterations: 1_000_000, initialValues: values, signal })
          .values;
    q = qFromV(mdp, values);
    let changes = 0;
    let residual = 0;
    for (let s = 0; s < S; s++) {
      const current = policy[s] as number;
      let best = current;
      let bestQ = q[s * A + current] as number;
      for (let a = 0; a < A; a++) {
        const qa = q[s * A + a] as number;
        if (qa > bestQ + tolerance * Math.max(1, Math.abs(bestQ))) {
          best = a;
          bestQ = qa;
        }
      }
      let maxQ = Number.NEGATIVE_INFINITY;
      for (let a = 0; a < A; a++) maxQ = Math.max(maxQ, q[s * A + a] as number);
      residual = Math.max(residual, Math.abs(maxQ - (values[s] as number)));
      if (best !== current) {
        policy[s] = best;
        changes++;
      }
    }
    k++;
    residuals.push(residual);
    policyChanges.push(changes);
    onProgress?.({ iteration: k, policyChanges: changes, bellmanResidual: residual });
    if (changes === 0) {
      converged = true;
      break;
    }
  }
  return { values, q, policy, iterations: k, residuals, policyChanges, converged };
}
