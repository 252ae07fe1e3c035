import { DlfError } from '@dlf/runtime';
import type { FiniteMdp } from './finiteMdp.js';

/**
 * A policy on a finite MDP: deterministic (one action index per state, e.g. an `Int32Array` of
 * length numStates) or stochastic (one probability row per state, `pi[s][a]`).
 */
export type TabularPolicy = ArrayLike<number> | readonly ArrayLike<number>[];

const ROW_SUM_TOLERANCE = 1e-9;

/**
 * The policy as a flat table of probabilities pi(a | s) at `s * numActions + a`, validated against
 * the MDP (integer actions in range, or rows of non-negative probabilities summing to 1).
 */
export function policyTable(mdp: FiniteMdp, policy: TabularPolicy, param = 'policy'): Float64Array {
  const S = mdp.numStates;
  const A = mdp.numActions;
  if (policy === null || typeof policy !== 'object' || policy.length !== S) {
    throw new DlfError(
      'INVALID_SHAPE',
      `${param} must have one entry per state (${S}): an action index or a probability row, received ${
        policy === null || typeof policy !== 'object'
          ? String(policy)
          : `length ${(policy as ArrayLike<unknown>).length}`
      }`,
      { param },
    );
  }
  const table = new Float64Array(S * A);
  const stochastic = typeof policy[0] === 'object';
  for (let s = 0; s < S; s++) {
    const entry = policy[s] as number | ArrayLike<number>;
    if (!stochastic) {
      if (typeof entry !== 'number' || !Number.isInteger(entry) || entry < 0 || entry >= A) {
        throw new DlfError(
          'INVALID_ARGUMENT',
          `${param}[${s}] must be an action index in [0, ${A - 1}], received ${String(entry)}`,
          { param },
        );
      }
      table[s * A + entry] = 1;
      continue;
    }
    if (entry === null || typeof entry !== 'object' || entry.length !== A) {
      throw new DlfError(
        'INVALID_SHAPE',
        `${param}[${s}] must be a probability row of length numActions (${A}), received ${String(entry)}`,
        { param },
      );
    }
    let sum = 0;
    for (let a = 0; a < A; a++) {
      const p = entry[a] as number;
      if (typeof p !== 'number' || !Number.isFinite(p) || p < 0) {
        throw new DlfError(
          'INVALID_DATA',
          `${param}[${s}][${a}] must be a probability >= 0, received ${String(p)}`,
          {
            param,
          },
        );
      }
      table[s * A + a] = p;
      sum += p;
    }
    if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
      throw new DlfError(
        'INVALID_DATA',
        `${param}[${s}] must sum to 1 (within ${ROW_SUM_TOLERANCE}), received ${sum}`,
        {
          param,
        },
      );
    }
  }
  return table;
}
