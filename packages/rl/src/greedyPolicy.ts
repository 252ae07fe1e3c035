import { assertNonNegative, DlfError } from '@dlf/runtime';
import type { FiniteMdp } from './finiteMdp.js';
import { qFromV } from './qFromV.js';

export interface GreedyPolicyOptions {
  /**
   * Actions whose value is within `tolerance` of the best count as ties, broken towards the lowest
   * action index (so that nearly-equal values from different solvers give the same policy).
   * Default: 1e-9.
   */
  tolerance?: number;
}

/**
 * The greedy policy `pi(s) = argmax_a Q(s, a)`, from action values Q (flat, length
 * numStates * numActions) or from state values V (length numStates; Q = qFromV(mdp, V) first).
 *
 * @returns an `Int32Array` with one action per state.
 * @example
 * ```ts
 * const pi = greedyPolicy(mdp, valueIteration(mdp).values);
 * evaluatePolicy(mdp, pi).values;
 * ```
 */
export function greedyPolicy(
  mdp: FiniteMdp,
  valuesOrQ: ArrayLike<number>,
  options: GreedyPolicyOptions = {},
): Int32Array {
  const { tolerance = 1e-9 } = options;
  assertNonNegative('tolerance', tolerance);
  const S = mdp.numStates;
  const A = mdp.numActions;
  let q: ArrayLike<number>;
  if (valuesOrQ !== null && typeof valuesOrQ === 'object' && valuesOrQ.length === S * A) {
    q = valuesOrQ;
    for (let i = 0; i < q.length; i++) {
      if (!Number.isFinite(q[i] as number)) {
        throw new DlfError('NON_FINITE', `valuesOrQ[${i}] must be finite, received ${q[i]}`, {
          param: 'valuesOrQ',
        });
      }
    }
  } else if (valuesOrQ !== null && typeof valuesOrQ === 'object' && valuesOrQ.length === S) {
    q = qFromV(mdp, valuesOrQ);
  } else {
    throw new DlfError(
      'INVALID_SHAPE',
      `valuesOrQ must be V (length ${S}) or flat Q (length ${S * A}), received ${
        valuesOrQ === null || typeof valuesOrQ !== 'object' ? String(valuesOrQ) : `length ${valuesOrQ.length}`
      }`,
      { param: 'valuesOrQ' },
    );
  }
  return argmaxRows(q, S, A, tolerance);
}

/** @internal Row-wise argmax of a flat S x A table with tie tolerance, lowest index first. */
export function argmaxRows(q: ArrayLike<number>, S: number, A: number, tolerance = 0): Int32Array {
  const pi = new Int32Array(S);
  for (let s = 0; s < S; s++) {
    let best = Number.NEGATIVE_INFINITY;
    for (let a = 0; a < A; a++) best = Math.max(best, q[s * A + a] as number);
    for (let a = 0; a < A; a++) {
      if ((q[s * A + a] as number) >= best - tolerance) {
        pi[s] = a;
        break;
      }
    }
  }
  return pi;
}
