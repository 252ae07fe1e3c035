import {
  assertInRange,
  assertInteger,
  assertNonNegative,
  assertOneOf,
  assertPositive,
  DlfError,
  type Rng,
  type SeedLike,
} from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { ContinuousReplayBuffer } from './ContinuousReplayBuffer.js';
import type { Env } from './envs/Env.js';
import type { EpisodeProgress } from './tdControl.js';

/** Options shared by the continuous-action learners `naf` and `ddpg`. */
export interface ContinuousControlOptions {
  /** Environment steps to train for. Default: 20000. */
  totalSteps?: number;
  /** Hidden layer widths (ReLU MLPs). Default: [64, 64]. */
  hiddenSizes?: number[];
  /** Adam step size of the Q network (the critic). Default: 1e-3. */
  learningRate?: number;
  /** Discount. Default: 0.99. */
  gamma?: number;
  /** Soft target update step: target <- tau * online + (1 - tau) * target after every gradient step. Default: 0.005. */
  tau?: number;
  /** Replay capacity in transitions. Default: 100000. */
  bufferSize?: number;
  /** Minibatch size. Default: 64. */
  batchSize?: number;
  /** Steps of uniformly random actions before learning starts. Default: 1000. */
  learningStarts?: number;
  /** Environment steps between training phases. Default: 1. */
  trainFrequency?: number;
  /** Gradient steps per training phase. Default: 1. */
  gradientSteps?: number;
  /** Exploration noise added to the deterministic action: 'gaussian' (independent) or 'ornstein-uhlenbeck' (temporally correlated, theta 0.15, dt 0.01). Default: 'gaussian'. */
  noiseType?: 'gaussian' | 'ornstein-uhlenbeck';
  /** Noise scale in units of half the action range ((high - low) / 2): the Gaussian's standard deviation, or the OU process's sigma (its stationary std is sigma / sqrt(2 theta) = 1.83 sigma). Default: 0.1. */
  noiseStd?: number;
  seed?: SeedLike;
  /** Called after every episode with its return, length and mean critic loss. */
  onProgress?: (progress: EpisodeProgress) => void;
  /** Stops training at the next step; the result is returned with `aborted: true`. */
  signal?: AbortSignal;
}

/** What `naf` and `ddpg` return. */
export interface ContinuousControlResult {
  /** The deterministic policy network: observations [batch, obsSize] -> actions [batch, actionSize], inside the action bounds. */
  policyModel: tf.LayersModel;
  /** The greedy (noise-free) action of one observation. */
  policy: (observation: ArrayLike<number>) => Float32Array;
  episodeReturns: number[];
  /** Mean critic (Q) loss of each episode (NaN before learning starts). */
  episodeLosses: number[];
  steps: number;
  aborted: boolean;
  /** Frees the networks' and optimisers' tensors. */
  dispose: () => void;
}

/** Sizes and bounds of a continuous-control env. @internal */
export interface ContinuousSpec {
  obsSize: number;
  actionSize: number;
  low: Float64Array;
  high: Float64Array;
}

/** Checks the env (Box observations, bounded Box actions) and the shared options. @internal */
export function continuousSpec(env: Env<ArrayLike<number>, ArrayLike<number>>, name: string): ContinuousSpec {
  if (env?.observationSpace?.type !== 'box' || env.actionSpace?.type !== 'box') {
    throw new DlfError(
      'UNSUPPORTED',
      `${name} needs vector observations and vector actions (Box spaces), received ${env?.id ?? String(env)}`,
      { param: 'env' },
    );
  }
  const { low, high } = env.actionSpace;
  for (let i = 0; i < low.length; i++) {
    if (!Number.isFinite(low[i] as number) || !Number.isFinite(high[i] as number) || !(low[i]! < high[i]!)) {
      throw new DlfError(
        'UNSUPPORTED',
        `${name} needs finite action bounds low < high, received [${low[i]}, ${high[i]}] for action ${i} of ${env.id}`,
        { param: 'env' },
      );
    }
  }
  return { obsSize: env.observationSpace.low.length, actionSize: low.length, low, high };
}

/** The options with their defaults, validated. @internal */
export function resolveContinuousOptions(options: ContinuousControlOptions) {
  const resolved = {
    totalSteps: options.totalSteps ?? 20_000,
    hiddenSizes: options.hiddenSizes ?? [64, 64],
    learningRate: options.learningRate ?? 1e-3,
    gamma: options.gamma ?? 0.99,
    tau: options.tau ?? 0.005,
    bufferSize: options.bufferSize ?? 100_000,
    batchSize: options.batchSize ?? 64,
    learningStarts: options.learningStarts ?? 1000,
    trainFrequency: options.trainFrequency ?? 1,
    gradientSteps: options.gradientSteps ?? 1,
    noiseType: options.noiseType ?? 'gaussian',
    noiseStd: options.noiseStd ?? 0.1,
  };
  assertInteger('totalSteps', resolved.totalSteps, { min: 1 });
  if (!Array.isArray(resolved.hiddenSizes)) {
    throw new DlfError('INVALID_ARGUMENT', 'hiddenSizes must be an array of layer widths', {
      param: 'hiddenSizes',
    });
  }
  for (const [i, h] of resolved.hiddenSizes.entries()) assertInteger(`hiddenSizes[${i}]`, h, { min: 1 });
  assertPositive('learningRate', resolved.learningRate);
  assertInRange('gamma', resolved.gamma, 0, 1);
  assertInRange('tau', resolved.tau, 0, 1, { minInclusive: false });
  assertInteger('bufferSize', resolved.bufferSize, { min: 1 });
  assertInteger('batchSize', resolved.batchSize, { min: 1 });
  assertInteger('learningStarts', resolved.learningStarts, { min: 0 });
  assertInteger('trainFrequency', resolved.trainFrequency, { min: 1 });
  assertInteger('gradientSteps', resolved.gradientSteps, { min: 1 });
  assertOneOf('noiseType', resolved.noiseType, ['gaussian', 'ornstein-uhlenbeck'] as const);
  assertNonNegative('noiseStd', resolved.noiseStd);
  return resolved;
}

/** ReLU hidden layers with seeded Glorot-uniform kernels. @internal */
export function denseTrunk(
  x: tf.SymbolicTensor,
  hiddenSizes: readonly number[],
  seed: number,
  prefix: string,
): tf.SymbolicTensor {
  let h = x;
  hiddenSizes.forEach((units, i) => {
    h = tf.layers
      .dense({
        units,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i }),
        name: `${prefix}_hidden${i}`,
      })
      .apply(h) as tf.SymbolicTensor;
  });
  return h;
}

/**
 * tanh then the fixed affine map of [-1, 1] onto [low, high] (a non-trainable Dense layer, so the
 * network's output is the action itself and exports as one model). Call `setBounds` once built.
 * @internal
 */
export function boundedHead(
  h: tf.SymbolicTensor,
  spec: ContinuousSpec,
  seed: number,
  prefix: string,
): { output: tf.SymbolicTensor; setBounds: () => void } {
  const m = spec.actionSize;
  const pre = tf.layers
    .dense({
      units: m,
      activation: 'tanh',
      // Small final weights keep the initial actions near the centre (Lillicrap et al. 2016).
      kernelInitializer: tf.initializers.randomUniform({ minval: -3e-3, maxval: 3e-3, seed }),
      name: `${prefix}_tanh`,
    })
    .apply(h) as tf.SymbolicTensor;
  const scale = tf.layers.dense({ units: m, trainable: false, name: `${prefix}_bounds` });
  const output = scale.apply(pre) as tf.SymbolicTensor;
  const setBounds = () => {
    const kernel = new Float32Array(m * m);
    const bias = new Float32Array(m);
    for (let i = 0; i < m; i++) {
      kernel[i * m + i] = ((spec.high[i] as number) - (spec.low[i] as number)) / 2;
      bias[i] = ((spec.high[i] as number) + (spec.low[i] as number)) / 2;
    }
    const weights = [tf.tensor2d(kernel, [m, m]), tf.tensor1d(bias)];
    scale.setWeights(weights);
    tf.dispose(weights);
  };
  return { output, setBounds };
}

/** Gaussian or Ornstein-Uhlenbeck exploration noise in action units. @internal */
export class ExplorationNoise {
  private readonly state: Float64Array;
  private readonly sigma: Float64Array;
  constructor(
    private readonly type: 'gaussian' | 'ornstein-uhlenbeck',
    std: number,
    spec: ContinuousSpec,
    private readonly rng: Rng,
  ) {
    this.state = new Float64Array(spec.actionSize);
    this.sigma = Float64Array.from(spec.low, (lo, i) => (std * ((spec.high[i] as number) - lo)) / 2);
  }
  reset(): void {
    this.state.fill(0);
  }
  sample(): Float64Array {
    const out = new Float64Array(this.state.length);
    for (let i = 0; i < out.length; i++) {
      const s = this.sigma[i] as number;
      if (this.type === 'gaussian') out[i] = s * this.rng.normal();
      else {
        // dx = theta (0 - x) dt + sigma sqrt(dt) N(0, 1), as Stable-Baselines3's OrnsteinUhlenbeckActionNoise.
        const x = this.state[i] as number;
        this.state[i] = x - 0.15 * x * 0.01 + s * 0.1 * this.rng.normal();
        out[i] = this.state[i] as number;
      }
    }
    return out;
  }
}

/** One forward pass of a single observation through `model`. @internal */
export function predictOne(
  model: tf.LayersModel,
  observation: ArrayLike<number>,
  size: number,
): Float32Array {
  return tf.tidy(() => {
    const out = model.predict(tf.tensor2d(Array.from(observation), [1, size])) as tf.Tensor;
    return out.dataSync() as Float32Array;
  });
}

/**
 * The off-policy loop shared by `naf` and `ddpg`: act with the noisy greedy action (uniform random
 * before `learningStarts`), store the transition, run `update` (one gradient step on a sampled
 * minibatch, returning the critic loss) on schedule, report episodes. @internal
 */
export async function trainOffPolicy(
  env: Env<ArrayLike<number>, ArrayLike<number>>,
  spec: ContinuousSpec,
  opts: ReturnType<typeof resolveContinuousOptions>,
  rng: Rng,
  greedy: (observation: Float32Array) => Float32Array,
  update: (buffer: ContinuousReplayBuffer) => number,
  options: ContinuousControlOptions,
): Promise<{ episodeReturns: number[]; episodeLosses: number[]; steps: number; aborted: boolean }> {
  const { onProgress, signal } = options;
  const m = spec.actionSize;
  const buffer = new ContinuousReplayBuffer(opts.bufferSize, spec.obsSize, m);
  const noise = new ExplorationNoise(opts.noiseType, opts.noiseStd, spec, rng);
  const episodeReturns: number[] = [];
  const episodeLosses: number[] = [];
  const action = new Float32Array(m);
  let aborted = false;
  let obs = Float32Array.from(env.reset({ seed: rng.nextSeed() }).observation);
  let episodeReturn = 0;
  let episodeLength = 0;
  let lossSum = 0;
  let lossCount = 0;
  let step = 0;
  for (; step < opts.totalSteps; step++) {
    if (signal?.aborted) {
      aborted = true;
      break;
    }
    if (step % 500 === 499) await new Promise((resolve) => setTimeout(resolve, 0));
    if (step < opts.learningStarts) {
      for (let i = 0; i < m; i++) action[i] = rng.uniform(spec.low[i] as number, spec.high[i] as number);
    } else {
      const mu = greedy(obs);
      const eps = noise.sample();
      for (let i = 0; i < m; i++) {
        const a = (mu[i] as number) + (eps[i] as number);
        action[i] = Math.min(Math.max(a, spec.low[i] as number), spec.high[i] as number);
      }
    }
    const r = env.step(action);
    const nextObs = Float32Array.from(r.observation);
    buffer.add(obs, action, r.reward, nextObs, r.terminated);
    episodeReturn += r.reward;
    episodeLength++;
    if (step >= opts.learningStarts && step % opts.trainFrequency === 0) {
      for (let g = 0; g < opts.gradientSteps; g++) {
        lossSum += update(buffer);
        lossCount++;
      }
    }
    if (r.terminated || r.truncated) {
      episodeReturns.push(episodeReturn);
      const loss = lossCount > 0 ? lossSum / lossCount : Number.NaN;
      episodeLosses.push(loss);
      onProgress?.({ episode: episodeReturns.length, episodeReturn, length: episodeLength, loss });
      obs = Float32Array.from(env.reset({ seed: rng.nextSeed() }).observation);
      noise.reset();
      episodeReturn = 0;
      episodeLength = 0;
      lossSum = 0;
      lossCount = 0;
    } else {
      obs = nextObs;
    }
  }
  return { episodeReturns, episodeLosses, steps: step, aborted };
}
