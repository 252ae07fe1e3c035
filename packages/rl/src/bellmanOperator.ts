import { DlfError } from '@dlf/runtime';
import type { FiniteMdp } from './finiteMdp.js';
import { policyTable, type TabularPolicy } from './tabularPolicy.js';

export interface BellmanOperatorOptions {
  /**
   * Apply the expectation operator T^pi of this policy instead of the optimality operator T.
   * Default: undefined (optimality operator).
   */
  policy?: TabularPolicy;
}

/**
 * One application of a Bellman operator to a value vector V (length numStates):
 * optimality `(T V)(s) = max_a [R(s,a) + gamma sum_s' P(s'|s,a) V(s')]`, or with `policy`,
 * expectation `(T^pi V)(s) = sum_a pi(a|s) [R(s,a) + gamma sum_s' P(s'|s,a) V(s')]`.
 * Both are gamma-contractions in the sup norm. Returns a new `Float64Array`.
 *
 * @example
 * ```ts
 * const tv = bellmanOperator(mdp, new Float64Array(mdp.numStates)); // = max_a R(s, a)
 * const tpiV = bellmanOperator(mdp, v, { policy: [0, 1, 1] });
 * ```
 */
export function bellmanOperator(
  mdp: FiniteMdp,
  values: ArrayLike<number>,
  options: BellmanOperatorOptions = {},
): Float64Array {
  checkValues(mdp, values, 'values');
  const out = new Float64Array(mdp.numStates);
  if (options.policy === undefined) {
    bellmanOptimalityInto(mdp, values, out);
  } else {
    bellmanExpectationInto(mdp, policyTable(mdp, options.policy), values, out);
  }
  return out;
}

/** @internal Throws unless `values` has one finite entry per state. */
export function checkValues(mdp: FiniteMdp, values: ArrayLike<number>, param: string): void {
  if (values === null || typeof values !== 'object' || values.length !== mdp.numStates) {
    throw new DlfError(
      'INVALID_SHAPE',
      `${param} must have one entry per state (${mdp.numStates}), received ${
        values === null || typeof values !== 'object' ? String(values) : `length ${values.length}`
      }`,
      { param },
    );
  }
  for (let s = 0; s < values.length; s++) {
    if (!Number.isFinite(values[s] as number)) {
      throw new DlfError('NON_FINITE', `${param}[${s}] must be finite, received ${values[s]}`, { param });
    }
  }
}

/** @internal Q(s, a) = R(s, a) + gamma sum P(s'|s,a) V(s') for one pair index sa. */
export function backup(mdp: FiniteMdp, sa: number, values: ArrayLike<number>): number {
  const { rowStart, nextState, probability } = mdp;
  let acc = 0;
  const end = rowStart[sa + 1] as number;
  for (let k = rowStart[sa] as number; k < end; k++) {
    acc += (probability[k] as number) * (values[nextState[k] as number] as number);
  }
  return (mdp.reward[sa] as number) + mdp.gamma * acc;
}

/** @internal out = T V (optimality). */
export function bellmanOptimalityInto(mdp: FiniteMdp, values: ArrayLike<number>, out: Float64Array): void {
  const A = mdp.numActions;
  for (let s = 0; s < mdp.numStates; s++) {
    let best = Number.NEGATIVE_INFINITY;
    for (let a = 0; a < A; a++) {
      const q = backup(mdp, s * A + a, values);
      if (q > best) best = q;
    }
    out[s] = best;
  }
}

/** @internal out = T^pi V with a flat policy table. */
export function bellmanExpectationInto(
  mdp: FiniteMdp,
  pi: Float64Array,
  values: ArrayLike<number>,
  out: Float64Array,
): void {
  const A = mdp.numActions;
  for (let s = 0; s < mdp.numStates; s++) {
    let v = 0;
    for (let a = 0; a < A; a++) {
      const p = pi[s * A + a] as number;
      if (p !== 0) v += p * backup(mdp, s * A + a, values);
    }
    out[s] = v;
  }
}

/** @internal Sup norm of a - b. */
export function supDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (b[i] as number));
    if (d > m) m = d;
  }
  return m;
}
