import { DlfError, type Rng } from '@dlf/runtime';
import { solvePolicyValues } from './evaluatePolicy.js';
import type { FiniteMdp } from './finiteMdp.js';
import { solveLinearSystem } from './linearSolve.js';
import { qFromV } from './qFromV.js';

/**
 * The tabular softmax policy pi(a | s) = exp(theta[s, a]) / sum_b exp(theta[s, b]) of a flat
 * parameter table theta (length numStates * numActions, row-major).
 *
 * @returns the probabilities, flat like theta.
 * @example
 * ```ts
 * const pi = softmaxPolicy(new Float64Array(mdp.numStates * mdp.numActions), mdp.numActions); // uniform
 * ```
 */
export function softmaxPolicy(theta: ArrayLike<number>, numActions: number): Float64Array {
  if (!Number.isInteger(numActions) || numActions < 1 || theta.length % numActions !== 0) {
    throw new DlfError(
      'INVALID_SHAPE',
      `theta must have numStates * numActions entries with numActions = ${numActions}, received length ${theta.length}`,
      { param: 'theta' },
    );
  }
  const out = new Float64Array(theta.length);
  for (let base = 0; base < theta.length; base += numActions) {
    let m = Number.NEGATIVE_INFINITY;
    for (let a = 0; a < numActions; a++) m = Math.max(m, theta[base + a] as number);
    if (!Number.isFinite(m)) {
      throw new DlfError('NON_FINITE', `theta must be finite, received ${m} in row ${base / numActions}`, {
        param: 'theta',
      });
    }
    let z = 0;
    for (let a = 0; a < numActions; a++) {
      const e = Math.exp((theta[base + a] as number) - m);
      out[base + a] = e;
      z += e;
    }
    for (let a = 0; a < numActions; a++) out[base + a] = (out[base + a] as number) / z;
  }
  return out;
}

export interface ExactPolicyGradientResult {
  /** dJ/dtheta, flat like theta. */
  gradient: Float64Array;
  /** J(theta) = sum_s mu(s) V^pi(s), with mu the MDP's initial distribution. */
  value: number;
  /** Discounted state visitation d(s) = sum_t gamma^t P(s_t = s) (sums to 1 / (1 - gamma)). */
  visitation: Float64Array;
  values: Float64Array;
  q: Float64Array;
  /** The policy's probabilities pi(a | s), flat. */
  probabilities: Float64Array;
}

/**
 * The exact policy gradient of a tabular softmax policy by the policy gradient theorem
 * (Sutton et al. 2000): dJ/dtheta[s, a] = d(s) pi(a|s) (Q^pi(s, a) - V^pi(s)), with
 * d = (I - gamma P_pi^T)^{-1} mu the discounted visitation. Dense solves: numStates <= 3000.
 *
 * @example
 * ```ts
 * const { gradient, value } = exactPolicyGradient(mdp, theta);
 * ```
 */
export function exactPolicyGradient(mdp: FiniteMdp, theta: ArrayLike<number>): ExactPolicyGradientResult {
  const S = mdp.numStates;
  const A = mdp.numActions;
  if (theta.length !== S * A) {
    throw new DlfError(
      'INVALID_SHAPE',
      `theta must have numStates * numActions = ${S * A} entries, received ${theta.length}`,
      {
        param: 'theta',
      },
    );
  }
  const pi = softmaxPolicy(theta, A);
  const values = solvePolicyValues(mdp, pi);
  const q = qFromV(mdp, values);
  // (I - gamma P_pi)^T d = mu.
  const m = new Float64Array(S * S);
  for (let s = 0; s < S; s++) m[s * S + s] = 1;
  const { rowStart, nextState, probability, gamma } = mdp;
  for (let s = 0; s < S; s++) {
    for (let a = 0; a < A; a++) {
      const p = pi[s * A + a] as number;
      for (let k = rowStart[s * A + a] as number; k < (rowStart[s * A + a + 1] as number); k++) {
        const j = (nextState[k] as number) * S + s; // transposed
        m[j] = (m[j] as number) - gamma * p * (probability[k] as number);
      }
    }
  }
  const visitation = solveLinearSystem(m, mdp.initialDistribution, S);
  const gradient = new Float64Array(S * A);
  let value = 0;
  for (let s = 0; s < S; s++) {
    value += (mdp.initialDistribution[s] as number) * (values[s] as number);
    for (let a = 0; a < A; a++) {
      gradient[s * A + a] =
        (visitation[s] as number) *
        (pi[s * A + a] as number) *
        ((q[s * A + a] as number) - (values[s] as number));
    }
  }
  return { gradient, value, visitation, values, q, probabilities: pi };
}

/** @internal Samples an action from row s of a flat probability table. */
export function sampleAction(pi: Float64Array, s: number, A: number, rng: Rng): number {
  const u = rng.random();
  let acc = 0;
  for (let a = 0; a < A; a++) {
    acc += pi[s * A + a] as number;
    if (u < acc) return a;
  }
  for (let a = A - 1; a >= 0; a--) if ((pi[s * A + a] as number) > 0) return a;
  return A - 1;
}
