import { backup, checkValues } from './bellmanOperator.js';
import type { FiniteMdp } from './finiteMdp.js';

/**
 * The action values of a state-value vector: `Q(s, a) = R(s, a) + gamma sum_s' P(s'|s,a) V(s')`.
 * With V = V^pi this is Q^pi; with V = V* it is Q*.
 *
 * @returns a flat `Float64Array` of length numStates * numActions, Q(s, a) at `s * numActions + a`.
 * @example
 * ```ts
 * const { values } = valueIteration(mdp);
 * const q = qFromV(mdp, values);
 * const qOfState2Action1 = q[2 * mdp.numActions + 1];
 * ```
 */
export function qFromV(mdp: FiniteMdp, values: ArrayLike<number>): Float64Array {
  checkValues(mdp, values, 'values');
  const q = new Float64Array(mdp.numStates * mdp.numActions);
  for (let sa = 0; sa < q.length; sa++) q[sa] = backup(mdp, sa, values);
  return q;
}
