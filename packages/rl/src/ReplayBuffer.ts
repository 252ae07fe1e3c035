import { assertInteger, type Rng } from '@dlf/runtime';

/** A batch of transitions drawn from a `ReplayBuffer` (flat, row-major observations). */
export interface ReplayBatch {
  observations: Float32Array;
  actions: Int32Array;
  rewards: Float32Array;
  nextObservations: Float32Array;
  /** 1 where the transition ended in a terminal state (no bootstrapping), else 0. */
  terminated: Float32Array;
  size: number;
}

/**
 * A fixed-capacity circular experience-replay memory (Lin 1992; Mnih et al. 2015) of transitions
 * (s, a, r, s', terminated) with vector observations, sampled uniformly with replacement.
 *
 * @example
 * ```ts
 * const buffer = new ReplayBuffer(10_000, 4);
 * buffer.add(obs, action, reward, nextObs, terminated);
 * const batch = buffer.sample(64, rng);
 * ```
 */
export class ReplayBuffer {
  readonly capacity: number;
  readonly observationSize: number;
  private readonly obs: Float32Array;
  private readonly nextObs: Float32Array;
  private readonly acts: Int32Array;
  private readonly rews: Float32Array;
  private readonly dones: Float32Array;
  private next = 0;
  private count = 0;

  constructor(capacity: number, observationSize: number) {
    assertInteger('capacity', capacity, { min: 1 });
    assertInteger('observationSize', observationSize, { min: 1 });
    this.capacity = capacity;
    this.observationSize = observationSize;
    this.obs = new Float32Array(capacity * observationSize);
    this.nextObs = new Float32Array(capacity * observationSize);
    this.acts = new Int32Array(capacity);
    this.rews = new Float32Array(capacity);
    this.dones = new Float32Array(capacity);
  }

  /** Transitions stored (at most `capacity`; the oldest are overwritten first). */
  get size(): number {
    return this.count;
  }

  add(
    observation: ArrayLike<number>,
    action: number,
    reward: number,
    nextObservation: ArrayLike<number>,
    terminated: boolean,
  ): void {
    const d = this.observationSize;
    const i = this.next;
    for (let k = 0; k < d; k++) {
      this.obs[i * d + k] = observation[k] as number;
      this.nextObs[i * d + k] = nextObservation[k] as number;
    }
    this.acts[i] = action;
    this.rews[i] = reward;
    this.dones[i] = terminated ? 1 : 0;
    this.next = (i + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** `batchSize` transitions drawn uniformly with replacement. */
  sample(batchSize: number, rng: Rng): ReplayBatch {
    assertInteger('batchSize', batchSize, { min: 1 });
    assertInteger('size', this.count, { min: 1 });
    const d = this.observationSize;
    const batch: ReplayBatch = {
      observations: new Float32Array(batchSize * d),
      actions: new Int32Array(batchSize),
      rewards: new Float32Array(batchSize),
      nextObservations: new Float32Array(batchSize * d),
      terminated: new Float32Array(batchSize),
      size: batchSize,
    };
    for (let b = 0; b < batchSize; b++) {
      const i = rng.int(0, this.count);
      batch.observations.set(this.obs.subarray(i * d, i * d + d), b * d);
      batch.nextObservations.set(this.nextObs.subarray(i * d, i * d + d), b * d);
      batch.actions[b] = this.acts[i] as number;
      batch.rewards[b] = this.rews[i] as number;
      batch.terminated[b] = this.dones[i] as number;
    }
    return batch;
  }
}
