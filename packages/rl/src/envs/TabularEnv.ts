import { assertInRange, assertInteger, DlfError } from '@dlf/runtime';
import { FiniteMdp } from '../finiteMdp.js';
import { EnvBase, type ResetResult } from './Env.js';
import { Discrete } from './spaces.js';

/** One outcome of (s, a) in a tabular environment, as an entry of gymnasium's `env.P[s][a]`. */
export interface TabularOutcome {
  prob: number;
  next: number;
  reward: number;
  /** Whether landing in `next` ends the episode. */
  terminated: boolean;
}

export interface TabularEnvOptions {
  /** `P[s][a]`: the possible outcomes of action a in state s; probabilities sum to 1. */
  P: readonly (readonly (readonly TabularOutcome[])[])[];
  /** Initial-state distribution (length numStates) or a single start state. */
  initialState: number | ArrayLike<number>;
  /** Episode length limit. Default: undefined (none). */
  maxEpisodeSteps?: number;
  /** gymnasium-style id. Default: 'Tabular'. */
  id?: string;
}

/**
 * A finite environment given by gymnasium's transition table `P[s][a] = [{ prob, next, reward,
 * terminated }]` (the representation of FrozenLake, CliffWalking, Taxi). Observations are state
 * indices. `toMdp(gamma)` gives the `FiniteMdp` with the same dynamics in which the states that
 * end an episode are absorbing with reward 0, so that its values are the episodic returns.
 *
 * @example
 * ```ts
 * const env = new TabularEnv({ P: [[[{ prob: 1, next: 0, reward: 1, terminated: true }]]], initialState: 0 });
 * env.reset({ seed: 1 });
 * env.step(0); // { observation: 0, reward: 1, terminated: true, ... }
 * ```
 */
export class TabularEnv extends EnvBase<number, number> {
  readonly id: string;
  readonly observationSpace: Discrete;
  readonly actionSpace: Discrete;
  /** The transition table (shared, do not modify). */
  readonly P: readonly (readonly (readonly TabularOutcome[])[])[];
  readonly initialDistribution: Float64Array;
  /** Whether the episode ends on reaching each state (from the table's `terminated` flags). */
  readonly terminalStates: Uint8Array;
  protected state = 0;

  constructor(options: TabularEnvOptions) {
    super(options.maxEpisodeSteps);
    const { P, initialState, id = 'Tabular' } = options;
    if (!Array.isArray(P) || P.length === 0 || !Array.isArray(P[0]) || P[0].length === 0) {
      throw new DlfError('INVALID_ARGUMENT', 'P must be a non-empty table P[s][a] of outcome lists', {
        param: 'P',
      });
    }
    const S = P.length;
    const A = (P[0] as unknown[]).length;
    this.terminalStates = new Uint8Array(S);
    for (let s = 0; s < S; s++) {
      const row = P[s];
      if (!Array.isArray(row) || row.length !== A) {
        throw new DlfError(
          'INVALID_SHAPE',
          `P[${s}] must have ${A} actions, received ${String(row?.length)}`,
          { param: 'P' },
        );
      }
      for (let a = 0; a < A; a++) {
        let total = 0;
        for (const o of row[a] as TabularOutcome[]) {
          assertInteger(`P[${s}][${a}].next`, o.next, { min: 0, max: S - 1 });
          assertInRange(`P[${s}][${a}].prob`, o.prob, 0, 1);
          assertInRange(`P[${s}][${a}].reward`, o.reward, -Number.MAX_VALUE, Number.MAX_VALUE);
          total += o.prob;
          if (o.terminated) this.terminalStates[o.next] = 1;
        }
        if (Math.abs(total - 1) > 1e-9) {
          throw new DlfError('INVALID_DATA', `P[${s}][${a}] probabilities must sum to 1, received ${total}`, {
            param: 'P',
          });
        }
      }
    }
    this.P = P;
    this.id = id;
    this.observationSpace = new Discrete(S);
    this.actionSpace = new Discrete(A);
    if (typeof initialState === 'number') {
      assertInteger('initialState', initialState, { min: 0, max: S - 1 });
      this.initialDistribution = new Float64Array(S);
      this.initialDistribution[initialState] = 1;
    } else {
      this.initialDistribution = Float64Array.from(initialState);
    }
  }

  get numStates(): number {
    return this.observationSpace.n;
  }

  get numActions(): number {
    return this.actionSpace.n;
  }

  /** The current state (valid after `reset`). */
  get currentState(): number {
    return this.state;
  }

  /**
   * The finite MDP with these dynamics and discount `gamma`: expected rewards
   * R(s, a) = sum prob * reward; states that end episodes are absorbing with reward 0.
   */
  toMdp(gamma = 0.99): FiniteMdp {
    const transitions = this.P.map((row, s) =>
      row.map((outcomes) =>
        this.terminalStates[s]
          ? [{ next: s, prob: 1, reward: 0 }]
          : outcomes.map((o) => ({ next: o.next, prob: o.prob, reward: o.reward })),
      ),
    );
    return new FiniteMdp({ transitions, gamma, initialState: this.initialDistribution });
  }

  protected resetState(): ResetResult<number> {
    this.state = sampleIndex(this.initialDistribution, this.rng.random());
    return { observation: this.state, info: { prob: 1 } };
  }

  protected transition(action: number) {
    const outcomes = this.P[this.state]![action]!;
    const u = this.rng.random();
    let acc = 0;
    let chosen = outcomes[outcomes.length - 1]!;
    for (const o of outcomes) {
      acc += o.prob;
      if (u < acc) {
        chosen = o;
        break;
      }
    }
    this.state = chosen.next;
    return {
      observation: chosen.next,
      reward: chosen.reward,
      terminated: chosen.terminated,
      info: { prob: chosen.prob },
    };
  }
}

function sampleIndex(p: Float64Array, u: number): number {
  let acc = 0;
  for (let i = 0; i < p.length; i++) {
    acc += p[i] as number;
    if (u < acc) return i;
  }
  for (let i = p.length - 1; i >= 0; i--) if ((p[i] as number) > 0) return i;
  return 0;
}
