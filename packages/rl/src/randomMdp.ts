import { assertInRange, assertInteger, type SeedLike, toRng } from '@dlf/runtime';
import { FiniteMdp } from './finiteMdp.js';

export interface RandomMdpOptions {
  numStates: number;
  numActions: number;
  /**
   * Next states per (s, a) pair, drawn without replacement; their probabilities are a random split
   * of 1 (uniform on the simplex). Default: numStates (dense).
   */
  branching?: number;
  /** Discount factor in [0, 1). Default: 0.9. */
  gamma?: number;
  /** Rewards R(s, a) are drawn uniformly from [rewardLow, rewardHigh). Default: [0, 1). */
  rewardLow?: number;
  rewardHigh?: number;
  seed?: SeedLike;
}

/**
 * A random finite MDP of the "Garnet" kind (Archibald, McKinnon and Thomas 1995): every
 * state-action pair leads to `branching` random next states with random probabilities, and has a
 * uniform random reward. Useful for tests and benchmarks; seeded.
 *
 * @example
 * ```ts
 * const mdp = randomMdp({ numStates: 10_000, numActions: 4, branching: 5, gamma: 0.95, seed: 1 });
 * valueIteration(mdp).iterations;
 * ```
 */
export function randomMdp(options: RandomMdpOptions): FiniteMdp {
  const { numStates: S, numActions: A, gamma = 0.9, rewardLow = 0, rewardHigh = 1, seed } = options;
  assertInteger('numStates', S, { min: 1 });
  assertInteger('numActions', A, { min: 1 });
  const branching = options.branching ?? S;
  assertInteger('branching', branching, { min: 1, max: S });
  assertInRange('gamma', gamma, 0, 1, { maxInclusive: false });
  assertInRange('rewardHigh', rewardHigh, rewardLow, Number.MAX_VALUE);
  const rng = toRng(seed);
  const rowStart = new Int32Array(S * A + 1);
  const nextState = new Int32Array(S * A * branching);
  const probability = new Float64Array(S * A * branching);
  const reward = new Float64Array(S * A);
  const chosen = new Set<number>();
  for (let sa = 0; sa < S * A; sa++) {
    const base = sa * branching;
    rowStart[sa] = base;
    chosen.clear();
    if (branching === S) {
      for (let j = 0; j < S; j++) nextState[base + j] = j;
    } else {
      let j = 0;
      while (j < branching) {
        const n = rng.int(0, S);
        if (chosen.has(n)) continue;
        chosen.add(n);
        nextState[base + j] = n;
        j++;
      }
    }
    // Uniform on the simplex: normalised exponentials.
    let total = 0;
    for (let j = 0; j < branching; j++) {
      const e = -Math.log(1 - rng.random());
      probability[base + j] = e;
      total += e;
    }
    for (let j = 0; j < branching; j++) probability[base + j] = (probability[base + j] as number) / total;
    reward[sa] = rng.uniform(rewardLow, rewardHigh);
  }
  rowStart[S * A] = S * A * branching;
  return FiniteMdp.fromCsr({ numStates: S, numActions: A, gamma, rowStart, nextState, probability, reward });
}
