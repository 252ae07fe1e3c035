import { assertInteger, DlfError, type Rng } from '@dlf/runtime';

/** A batch of transitions drawn from a `ContinuousReplayBuffer` (flat, row-major arrays). */
export interface ContinuousReplayBatch {
  observations: Float32Array;
  /** Actions, `size * actionSize` values. */
  actions: Float32Array;
  rewards: Float32Array;
  nextObservations: Float32Array;
  /** 1 where the transition ended in a terminal state (no bootstrapping), else 0. */
  terminated: Float32Array;
  size: number;
}

/**
 * The experience-replay memory of `ReplayBuffer` for vector (continuous) actions: a fixed-capacity
 * circular store of transitions (s, a, r, s', terminated), sampled uniformly with replacement.
 *
 * @example
 * ```ts
 * const buffer = new ContinuousReplayBuffer(100_000, 3, 1); // Pendulum: 3 observations, 1 torque
 * buffer.add(obs, [0.5], reward, nextObs, false);
 * const batch = buffer.sample(64, rng);
 * ```
 */
export class ContinuousReplayBuffer {
  readonly capacity: number;
  readonly observationSize: number;
  readonly actionSize: number;
  private readonly obs: Float32Array;
  private readonly nextObs: Float32Array;
  private readonly acts: Float32Array;
  private readonly rews: Float32Array;
  private readonly dones: Float32Array;
  private next = 0;
  private count = 0;

  constructor(capacity: number, observationSize: number, actionSize: number) {
    assertInteger('capacity', capacity, { min: 1 });
    assertInteger('observationSize', observationSize, { min: 1 });
    assertInteger('actionSize', actionSize, { min: 1 });
    this.capacity = capacity;
    this.observationSize = observationSize;
    this.actionSize = actionSize;
    this.obs = new Float32Array(capacity * observationSize);
    this.nextObs = new Float32Array(capacity * observationSize);
    this.acts = new Float32Array(capacity * actionSize);
    this.rews = new Float32Array(capacity);
    this.dones = new Float32Array(capacity);
  }

  /** Transitions stored (at most `capacity`; the oldest are overwritten first). */
  get size(): number {
    return this.count;
  }

  add(
    observation: ArrayLike<number>,
    action: ArrayLike<number>,
    reward: number,
    nextObservation: ArrayLike<number>,
    terminated: boolean,
  ): void {
    const d = this.observationSize;
    const m = this.actionSize;
    if (observation.length !== d || nextObservation.length !== d || action.length !== m) {
      throw new DlfError(
        'INVALID_SHAPE',
        `transitions need observations of length ${d} and actions of length ${m}, received ${observation.length}, ${nextObservation.length} and ${action.length}`,
        { param: 'action' },
      );
    }
    const i = this.next;
    for (let k = 0; k < d; k++) {
      this.obs[i * d + k] = observation[k] as number;
      this.nextObs[i * d + k] = nextObservation[k] as number;
    }
    for (let k = 0; k < m; k++) this.acts[i * m + k] = action[k] as number;
    this.rews[i] = reward;
    this.dones[i] = terminated ? 1 : 0;
    this.next = (i + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** `batchSize` transitions drawn uniformly with replacement. */
  sample(batchSize: number, rng: Rng): ContinuousReplayBatch {
    assertInteger('batchSize', batchSize, { min: 1 });
    assertInteger('size', this.count, { min: 1 });
    const d = this.observationSize;
    const m = this.actionSize;
    const batch: ContinuousReplayBatch = {
      observations: new Float32Array(batchSize * d),
      actions: new Float32Array(batchSize * m),
      rewards: new Float32Array(batchSize),
      nextObservations: new Float32Array(batchSize * d),
      terminated: new Float32Array(batchSize),
      size: batchSize,
    };
    for (let b = 0; b < batchSize; b++) {
      const i = rng.int(0, this.count);
      batch.observations.set(this.obs.subarray(i * d, i * d + d), b * d);
      batch.nextObservations.set(this.nextObs.subarray(i * d, i * d + d), b * d);
      batch.actions.set(this.acts.subarray(i * m, i * m + m), b * m);
      batch.rewards[b] = this.rews[i] as number;
      batch.terminated[b] = this.dones[i] as number;
    }
    return batch;
  }
}
