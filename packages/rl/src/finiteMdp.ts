import { assertInRange, assertInteger, DlfError } from '@dlf/runtime';

/** One entry of a sparse transition list: go to `next` with probability `prob`, earning `reward`. */
export interface SparseTransition {
  /** Index of the next state, in [0, numStates). */
  next: number;
  /** Probability of this transition, >= 0; the entries of one (s, a) sum to 1. */
  prob: number;
  /** Reward r(s, a, s') earned on this transition. Default: 0. */
  reward?: number;
}

/**
 * Transition probabilities, either dense (`P[s][a][s']`, each row of length numStates) or sparse
 * (`P[s][a]` a list of `{ next, prob, reward? }`, as gymnasium's `env.P[s][a]`).
 */
export type TransitionsInput =
  | readonly (readonly ArrayLike<number>[])[]
  | readonly (readonly (readonly SparseTransition[])[])[];

/** Rewards: R(s) (one per state) or R(s, a) (`R[s][a]`). */
export type RewardsInput = ArrayLike<number> | readonly ArrayLike<number>[];

export interface FiniteMdpOptions {
  /** P(s' | s, a), dense or sparse (see `TransitionsInput`). Rows must sum to 1 within 1e-9. */
  transitions: TransitionsInput;
  /**
   * R(s) or R(s, a), added to the expected per-transition rewards of sparse entries. Default: all 0
   * (then the rewards come from the sparse entries alone).
   */
  rewards?: RewardsInput;
  /** Discount factor gamma in [0, 1). */
  gamma: number;
  /** Initial-state distribution mu (length numStates), or one start state. Default: uniform. */
  initialState?: number | ArrayLike<number>;
}

/** The compressed-sparse-row arrays a `FiniteMdp` is stored in; also accepted by `FiniteMdp.fromCsr`. */
export interface FiniteMdpCsr {
  numStates: number;
  numActions: number;
  gamma: number;
  /** Length numStates * numActions + 1: the entries of pair (s, a) are `rowStart[s*A+a] .. rowStart[s*A+a+1]-1`. */
  rowStart: Int32Array;
  /** Next state of each entry. */
  nextState: Int32Array;
  /** Probability of each entry. */
  probability: Float64Array;
  /** Expected reward R(s, a) = E[r | s, a], length numStates * numActions. */
  reward: Float64Array;
  /** Initial-state distribution, length numStates. Default: uniform. */
  initialDistribution?: Float64Array;
}

const ROW_SUM_TOLERANCE = 1e-9;

/**
 * A finite Markov decision process (S, A, P, R, gamma): numStates states, numActions actions,
 * transition probabilities P(s' | s, a), expected rewards R(s, a) and discount gamma in [0, 1).
 * Stored sparse (compressed rows), so dense tables and 10^5-state sparse models both fit.
 * Arrays indexed by state-action pairs are flat: entry (s, a) is at `s * numActions + a`.
 *
 * @example
 * ```ts
 * // Two states; action 1 in state 0 moves to state 1, which pays 1 forever.
 * const mdp = new FiniteMdp({
 *   transitions: [[[1, 0], [0, 1]], [[0, 1], [0, 1]]],
 *   rewards: [[0, 0], [1, 1]],
 *   gamma: 0.9,
 * });
 * valueIteration(mdp).values; // ~ [9, 10]
 * ```
 */
export class FiniteMdp {
  readonly numStates: number;
  readonly numActions: number;
  readonly gamma: number;
  readonly rowStart: Int32Array;
  readonly nextState: Int32Array;
  readonly probability: Float64Array;
  readonly reward: Float64Array;
  readonly initialDistribution: Float64Array;

  constructor(options: FiniteMdpOptions) {
    if (options === null || typeof options !== 'object') {
      throw new DlfError('INVALID_ARGUMENT', 'options must be an object with transitions and gamma', {
        param: 'options',
      });
    }
    const csr = buildCsr(options);
    this.numStates = csr.numStates;
    this.numActions = csr.numActions;
    this.gamma = csr.gamma;
    this.rowStart = csr.rowStart;
    this.nextState = csr.nextState;
    this.probability = csr.probability;
    this.reward = csr.reward;
    this.initialDistribution = csr.initialDistribution as Float64Array;
  }

  /**
   * Builds an MDP straight from compressed-sparse-row arrays (no copies), validating them. The fast
   * path for large generated models.
   *
   * @example
   * ```ts
   * const mdp = FiniteMdp.fromCsr({ numStates: 1, numActions: 1, gamma: 0.5,
   *   rowStart: Int32Array.of(0, 1), nextState: Int32Array.of(0),
   *   probability: Float64Array.of(1), reward: Float64Array.of(1) });
   * ```
   */
  static fromCsr(csr: FiniteMdpCsr): FiniteMdp {
    const mdp = Object.create(FiniteMdp.prototype) as FiniteMdp;
    const checked = validateCsr(csr);
    Object.assign(mdp, checked);
    return mdp;
  }

  /** The same model with another discount factor. */
  withGamma(gamma: number): FiniteMdp {
    return FiniteMdp.fromCsr({ ...this.toCsr(), gamma });
  }

  /** The compressed-sparse-row arrays (shared, not copied). */
  toCsr(): Required<FiniteMdpCsr> {
    return {
      numStates: this.numStates,
      numActions: this.numActions,
      gamma: this.gamma,
      rowStart: this.rowStart,
      nextState: this.nextState,
      probability: this.probability,
      reward: this.reward,
      initialDistribution: this.initialDistribution,
    };
  }

  /** The transitions out of (state, action) as `{ next, prob }` entries. */
  transitions(state: number, action: number): { next: number; prob: number }[] {
    const sa = this.pairIndex(state, action);
    const out: { next: number; prob: number }[] = [];
    for (let k = this.rowStart[sa] as number; k < (this.rowStart[sa + 1] as number); k++) {
      out.push({ next: this.nextState[k] as number, prob: this.probability[k] as number });
    }
    return out;
  }

  /** P(next | state, action), summing duplicate entries. */
  transitionProbability(state: number, action: number, next: number): number {
    const sa = this.pairIndex(state, action);
    let p = 0;
    for (let k = this.rowStart[sa] as number; k < (this.rowStart[sa + 1] as number); k++) {
      if (this.nextState[k] === next) p += this.probability[k] as number;
    }
    return p;
  }

  /** Dense copies: `P[s][a][s']` and `R[s][a]`. Memory numStates^2 * numActions: small models only. */
  toDense(): { P: Float64Array[][]; R: Float64Array[] } {
    const S = this.numStates;
    const A = this.numActions;
    const P: Float64Array[][] = [];
    const R: Float64Array[] = [];
    for (let s = 0; s < S; s++) {
      const rowP: Float64Array[] = [];
      const rowR = new Float64Array(A);
      for (let a = 0; a < A; a++) {
        const sa = s * A + a;
        const dist = new Float64Array(S);
        for (let k = this.rowStart[sa] as number; k < (this.rowStart[sa + 1] as number); k++) {
          dist[this.nextState[k] as number] =
            (dist[this.nextState[k] as number] as number) + (this.probability[k] as number);
        }
        rowP.push(dist);
        rowR[a] = this.reward[sa] as number;
      }
      P.push(rowP);
      R.push(rowR);
    }
    return { P, R };
  }

  /** Draws s' ~ P(. | state, action) with `u` uniform in [0, 1). */
  sampleNext(state: number, action: number, u: number): number {
    const sa = state * this.numActions + action;
    const end = this.rowStart[sa + 1] as number;
    let acc = 0;
    for (let k = this.rowStart[sa] as number; k < end; k++) {
      acc += this.probability[k] as number;
      if (u < acc) return this.nextState[k] as number;
    }
    // Rounding slack: the last entry with positive probability.
    for (let k = end - 1; k >= (this.rowStart[sa] as number); k--) {
      if ((this.probability[k] as number) > 0) return this.nextState[k] as number;
    }
    return this.nextState[end - 1] as number;
  }

  private pairIndex(state: number, action: number): number {
    assertInteger('state', state, { min: 0, max: this.numStates - 1 });
    assertInteger('action', action, { min: 0, max: this.numActions - 1 });
    return state * this.numActions + action;
  }
}

function isSparseRow(row: unknown): boolean {
  if (!Array.isArray(row)) return false;
  if (row.length === 0) return true;
  const first = row[0];
  return first !== null && typeof first === 'object' && !ArrayBuffer.isView(first) && !Array.isArray(first);
}

function buildCsr(options: FiniteMdpOptions): FiniteMdpCsr {
  const { transitions, rewards, gamma, initialState } = options;
  if (!Array.isArray(transitions) || transitions.length === 0) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `transitions must be a non-empty array P[s][a] (dense rows or sparse entry lists), received ${describe(transitions)}`,
      { param: 'transitions' },
    );
  }
  const S = transitions.length;
  const first = transitions[0];
  if (!Array.isArray(first) || first.length === 0) {
    throw new DlfError(
      'INVALID_SHAPE',
      `transitions[0] must be a non-empty array with one entry per action, received ${describe(first)}`,
      { param: 'transitions' },
    );
  }
  const A = first.length;
  const sparse = isSparseRow(first[0]);
  const rowStart = new Int32Array(S * A + 1);
  const next: number[] = [];
  const prob: number[] = [];
  const reward = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    const row = transitions[s] as unknown;
    if (!Array.isArray(row) || row.length !== A) {
      throw new DlfError(
        'INVALID_SHAPE',
        `transitions[${s}] must have one entry per action (${A}), received ${describe(row)}`,
        { param: 'transitions' },
      );
    }
    for (let a = 0; a < A; a++) {
      const sa = s * A + a;
      rowStart[sa] = next.length;
      const entry = row[a] as unknown;
      const where = `transitions[${s}][${a}]`;
      let sum = 0;
      if (sparse) {
        if (!isSparseRow(entry)) {
          throw new DlfError(
            'INVALID_SHAPE',
            `${where} must be a list of { next, prob, reward? } like transitions[0][0], received ${describe(entry)}`,
            { param: 'transitions' },
          );
        }
        let r = 0;
        for (const [k, t] of (entry as SparseTransition[]).entries()) {
          const n = t.next;
          if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n >= S) {
            throw new DlfError(
              'INVALID_DATA',
              `${where}[${k}].next must be an integer state in [0, ${S - 1}], received ${describe(n)}`,
              { param: 'transitions' },
            );
          }
          checkProbability(where + `[${k}].prob`, t.prob);
          const rr = t.reward ?? 0;
          if (typeof rr !== 'number' || !Number.isFinite(rr)) {
            throw new DlfError(
              'NON_FINITE',
              `${where}[${k}].reward must be a finite number, received ${describe(rr)}`,
              {
                param: 'transitions',
              },
            );
          }
          if (t.prob > 0) {
            next.push(n);
            prob.push(t.prob);
          }
          sum += t.prob;
          r += t.prob * rr;
        }
        reward[sa] = r;
      } else {
        const dense = entry as ArrayLike<number>;
        if (dense === null || typeof dense !== 'object' || dense.length !== S) {
          throw new DlfError(
            'INVALID_SHAPE',
            `${where} must be a probability row of length numStates (${S}), received ${describe(dense)}`,
            { param: 'transitions' },
          );
        }
        for (let n = 0; n < S; n++) {
          const p = dense[n] as number;
          checkProbability(`${where}[${n}]`, p);
          if (p > 0) {
            next.push(n);
            prob.push(p);
          }
          sum += p;
        }
      }
      if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
        throw new DlfError(
          'INVALID_DATA',
          `${where} must sum to 1 (within ${ROW_SUM_TOLERANCE}), received a sum of ${sum}`,
          { param: 'transitions' },
        );
      }
    }
  }
  rowStart[S * A] = next.length;
  if (rewards !== undefined) addRewards(reward, rewards, S, A);
  return validateCsr({
    numStates: S,
    numActions: A,
    gamma,
    rowStart,
    nextState: Int32Array.from(next),
    probability: Float64Array.from(prob),
    reward,
    initialDistribution: initialDistributionFrom(initialState, S),
  });
}

function addRewards(reward: Float64Array, rewards: RewardsInput, S: number, A: number): void {
  if (rewards === null || typeof rewards !== 'object' || rewards.length !== S) {
    throw new DlfError(
      'INVALID_SHAPE',
      `rewards must be R(s) (length ${S}) or R(s, a) (${S} rows of length ${A}), received ${describe(rewards)}`,
      { param: 'rewards' },
    );
  }
  for (let s = 0; s < S; s++) {
    const r = rewards[s] as number | ArrayLike<number>;
    if (typeof r === 'number') {
      if (!Number.isFinite(r)) {
        throw new DlfError('NON_FINITE', `rewards[${s}] must be finite, received ${r}`, { param: 'rewards' });
      }
      for (let a = 0; a < A; a++) reward[s * A + a] = (reward[s * A + a] as number) + r;
    } else {
      if (r === null || typeof r !== 'object' || r.length !== A) {
        throw new DlfError(
          'INVALID_SHAPE',
          `rewards[${s}] must be a number (R(s)) or a row of length numActions (${A}), received ${describe(r)}`,
          { param: 'rewards' },
        );
      }
      for (let a = 0; a < A; a++) {
        const v = r[a] as number;
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          throw new DlfError(
            'NON_FINITE',
            `rewards[${s}][${a}] must be a finite number, received ${describe(v)}`,
            {
              param: 'rewards',
            },
          );
        }
        reward[s * A + a] = (reward[s * A + a] as number) + v;
      }
    }
  }
}

function initialDistributionFrom(initial: number | ArrayLike<number> | undefined, S: number): Float64Array {
  if (initial === undefined) return new Float64Array(S).fill(1 / S);
  if (typeof initial === 'number') {
    assertInteger('initialState', initial, { min: 0, max: S - 1 });
    const d = new Float64Array(S);
    d[initial] = 1;
    return d;
  }
  return Float64Array.from(initial as ArrayLike<number>);
}

function checkProbability(where: string, p: unknown): void {
  if (typeof p !== 'number' || !Number.isFinite(p) || p < 0) {
    throw new DlfError(
      'INVALID_DATA',
      `${where} must be a finite probability >= 0, received ${describe(p)}`,
      {
        param: 'transitions',
      },
    );
  }
}

function validateCsr(csr: FiniteMdpCsr): Required<FiniteMdpCsr> {
  const { numStates: S, numActions: A, rowStart, nextState, probability, reward } = csr;
  assertInteger('numStates', S, { min: 1 });
  assertInteger('numActions', A, { min: 1 });
  assertInRange('gamma', csr.gamma, 0, 1, { maxInclusive: false });
  if (!(rowStart instanceof Int32Array) || rowStart.length !== S * A + 1) {
    throw new DlfError(
      'INVALID_SHAPE',
      `rowStart must be an Int32Array of length numStates * numActions + 1 (${S * A + 1}), received ${describe(rowStart)}`,
      { param: 'rowStart' },
    );
  }
  const nnz = rowStart[S * A] as number;
  if (!(nextState instanceof Int32Array) || nextState.length !== nnz) {
    throw new DlfError(
      'INVALID_SHAPE',
      `nextState must be an Int32Array of length ${nnz}, received ${describe(nextState)}`,
      {
        param: 'nextState',
      },
    );
  }
  if (!(probability instanceof Float64Array) || probability.length !== nnz) {
    throw new DlfError(
      'INVALID_SHAPE',
      `probability must be a Float64Array of length ${nnz}, received ${describe(probability)}`,
      { param: 'probability' },
    );
  }
  if (!(reward instanceof Float64Array) || reward.length !== S * A) {
    throw new DlfError(
      'INVALID_SHAPE',
      `reward must be a Float64Array of length numStates * numActions (${S * A}), received ${describe(reward)}`,
      { param: 'reward' },
    );
  }
  if (rowStart[0] !== 0) {
    throw new DlfError('INVALID_DATA', `rowStart[0] must be 0, received ${rowStart[0]}`, {
      param: 'rowStart',
    });
  }
  for (let sa = 0; sa < S * A; sa++) {
    const lo = rowStart[sa] as number;
    const hi = rowStart[sa + 1] as number;
    if (hi < lo) {
      throw new DlfError(
        'INVALID_DATA',
        `rowStart must be non-decreasing, but rowStart[${sa + 1}] = ${hi} < ${lo}`,
        {
          param: 'rowStart',
        },
      );
    }
    let sum = 0;
    for (let k = lo; k < hi; k++) {
      const n = nextState[k] as number;
      const p = probability[k] as number;
      if (n < 0 || n >= S) {
        throw new DlfError('INVALID_DATA', `nextState[${k}] must be in [0, ${S - 1}], received ${n}`, {
          param: 'nextState',
        });
      }
      if (!(p >= 0) || !Number.isFinite(p)) {
        throw new DlfError('INVALID_DATA', `probability[${k}] must be a finite number >= 0, received ${p}`, {
          param: 'probability',
        });
      }
      sum += p;
    }
    if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
      const s = Math.floor(sa / A);
      throw new DlfError(
        'INVALID_DATA',
        `the transition probabilities of (state ${s}, action ${sa - s * A}) must sum to 1 (within ${ROW_SUM_TOLERANCE}), received a sum of ${sum}`,
        { param: 'transitions' },
      );
    }
    if (!Number.isFinite(reward[sa] as number)) {
      throw new DlfError('NON_FINITE', `reward[${sa}] must be finite, received ${reward[sa]}`, {
        param: 'rewards',
      });
    }
  }
  const mu = csr.initialDistribution ?? new Float64Array(S).fill(1 / S);
  if (!(mu instanceof Float64Array) || mu.length !== S) {
    throw new DlfError(
      'INVALID_SHAPE',
      `initialState must be a state index or a distribution of length ${S}, received ${describe(mu)}`,
      { param: 'initialState' },
    );
  }
  let total = 0;
  for (let s = 0; s < S; s++) {
    const m = mu[s] as number;
    if (!(m >= 0) || !Number.isFinite(m)) {
      throw new DlfError(
        'INVALID_DATA',
        `initialState[${s}] must be a finite probability >= 0, received ${m}`,
        {
          param: 'initialState',
        },
      );
    }
    total += m;
  }
  if (Math.abs(total - 1) > ROW_SUM_TOLERANCE) {
    throw new DlfError(
      'INVALID_DATA',
      `initialState must sum to 1 (within ${ROW_SUM_TOLERANCE}), received ${total}`,
      {
        param: 'initialState',
      },
    );
  }
  return {
    numStates: S,
    numActions: A,
    gamma: csr.gamma,
    rowStart,
    nextState,
    probability,
    reward,
    initialDistribution: mu,
  };
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value))
    return `a ${value.constructor.name} of length ${(value as Uint8Array).length}`;
  return typeof value;
}
