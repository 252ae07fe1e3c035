import { assertInRange, assertInteger, assertPositive, DlfError, type SeedLike, toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { Env } from './envs/Env.js';
import { ReplayBuffer } from './ReplayBuffer.js';
import { linearSchedule, type Schedule, scheduleValue } from './schedules.js';
import type { EpisodeProgress } from './tdControl.js';

export interface DqnOptions {
  /** Environment steps to train for. Default: 50000. */
  totalSteps?: number;
  /** Hidden layer widths of the Q network (ReLU MLP). Default: [64, 64]. */
  hiddenSizes?: number[];
  /** Adam step size. Default: 1e-3. */
  learningRate?: number;
  /** Discount. Default: 0.99. */
  gamma?: number;
  /** Replay capacity in transitions. Default: 50000. */
  bufferSize?: number;
  /** Minibatch size. Default: 64. */
  batchSize?: number;
  /** Steps of pure exploration before learning starts. Default: 1000. */
  learningStarts?: number;
  /** Environment steps between training phases. Default: 1. */
  trainFrequency?: number;
  /** Gradient steps per training phase. Default: 1. */
  gradientSteps?: number;
  /** Gradient steps between hard copies of the online network into the target network. Default: 500. */
  targetUpdateInterval?: number;
  /** Exploration rate as a function of the environment step. Default: linear 1 -> 0.05 over 10% of totalSteps. */
  epsilon?: Schedule;
  /** Double DQN (van Hasselt et al. 2016): the online net picks the next action, the target net values it. Default: false. */
  doubleDqn?: boolean;
  /** Huber loss threshold (delta). Default: 1. */
  huberDelta?: number;
  /** Clip the global gradient norm to this value (as Stable-Baselines3). Default: 10. */
  maxGradNorm?: number;
  seed?: SeedLike;
  /** Called after every episode with its return, length, epsilon and mean loss. */
  onProgress?: (progress: EpisodeProgress) => void;
  /** Stops training at the next step; the result is returned with `aborted: true`. */
  signal?: AbortSignal;
}

export interface DqnResult {
  /** The online Q network: observations [batch, obsSize] -> Q values [batch, numActions]. */
  model: tf.LayersModel;
  /** Greedy action of the learned Q function. */
  policy: (observation: ArrayLike<number>) => number;
  /** Q values of one observation. */
  qValues: (observation: ArrayLike<number>) => Float32Array;
  episodeReturns: number[];
  /** Mean loss of each episode (NaN before learning starts). */
  episodeLosses: number[];
  steps: number;
  aborted: boolean;
  /** Frees the networks' tensors. */
  dispose: () => void;
}

function buildQNetwork(
  inputSize: number,
  hiddenSizes: number[],
  outputSize: number,
  seed: number,
): tf.Sequential {
  const model = tf.sequential();
  hiddenSizes.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i }),
        ...(i === 0 ? { inputShape: [inputSize] } : {}),
      }),
    );
  });
  model.add(
    tf.layers.dense({
      units: outputSize,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + hiddenSizes.length }),
      ...(hiddenSizes.length === 0 ? { inputShape: [inputSize] } : {}),
    }),
  );
  return model;
}

/**
 * Deep Q-network (Mnih et al. 2015): an MLP Q(s, .; w) trained on minibatches from a replay buffer
 * to minimise the Huber loss of `Q(s, a; w) - (r + gamma (1 - terminated) max_a' Q(s', a'; w-))`,
 * with a periodically copied target network w-, epsilon-greedy exploration on a schedule, Adam, and
 * optionally the double-DQN target `Q(s', argmax_a' Q(s', a'; w); w-)`. Truncated episodes still
 * bootstrap. Needs vector observations (a Box space) and discrete actions. Call `dispose()` when done.
 *
 * @example
 * ```ts
 * const agent = await dqn(makeEnv('CartPole-v1'), { totalSteps: 50_000, seed: 0 });
 * runEpisodes(makeEnv('CartPole-v1'), agent.policy, { episodes: 100 }).meanReturn;
 * agent.dispose();
 * ```
 */
export async function dqn(env: Env<ArrayLike<number>, number>, options: DqnOptions = {}): Promise<DqnResult> {
  const {
    totalSteps = 50_000,
    hiddenSizes = [64, 64],
    learningRate = 1e-3,
    gamma = 0.99,
    bufferSize = 50_000,
    batchSize = 64,
    learningStarts = 1000,
    trainFrequency = 1,
    gradientSteps = 1,
    targetUpdateInterval = 500,
    doubleDqn = false,
    huberDelta = 1,
    maxGradNorm = 10,
    onProgress,
    signal,
  } = options;
  if (env?.observationSpace?.type !== 'box' || env.actionSpace?.type !== 'discrete') {
    throw new DlfError(
      'UNSUPPORTED',
      `dqn needs vector observations (a Box space) and discrete actions, received ${env?.id ?? String(env)}`,
      { param: 'env' },
    );
  }
  assertInteger('totalSteps', totalSteps, { min: 1 });
  for (const [i, h] of hiddenSizes.entries()) assertInteger(`hiddenSizes[${i}]`, h, { min: 1 });
  assertPositive('learningRate', learningRate);
  assertInRange('gamma', gamma, 0, 1);
  assertInteger('bufferSize', bufferSize, { min: 1 });
  assertInteger('batchSize', batchSize, { min: 1 });
  assertInteger('learningStarts', learningStarts, { min: 0 });
  assertInteger('trainFrequency', trainFrequency, { min: 1 });
  assertInteger('gradientSteps', gradientSteps, { min: 1 });
  assertInteger('targetUpdateInterval', targetUpdateInterval, { min: 1 });
  assertPositive('huberDelta', huberDelta);
  assertPositive('maxGradNorm', maxGradNorm);
  const epsilon =
    options.epsilon ??
    linearSchedule({ start: 1, end: 0.05, steps: Math.max(1, Math.floor(totalSteps / 10)) });
  const rng = toRng(options.seed);
  const d = env.observationSpace.low.length;
  const A = env.actionSpace.n;
  const netSeed = rng.nextSeed() % 1_000_000;
  const online = buildQNetwork(d, hiddenSizes, A, netSeed);
  const target = buildQNetwork(d, hiddenSizes, A, netSeed);
  target.trainable = false;
  const copyWeights = () => {
    const w = online.getWeights();
    target.setWeights(w);
  };
  copyWeights();
  const optimizer = tf.train.adam(learningRate);
  const variables = online.trainableWeights.map((w) => w.read() as tf.Variable);
  const buffer = new ReplayBuffer(bufferSize, d);

  const qValues = (observation: ArrayLike<number>): Float32Array =>
    tf.tidy(
      () =>
        (
          online.predict(tf.tensor2d(Array.from(observation), [1, d])) as tf.Tensor
        ).dataSync() as Float32Array,
    );
  const policy = (observation: ArrayLike<number>): number => {
    const q = qValues(observation);
    let best = 0;
    for (let a = 1; a < A; a++) if ((q[a] as number) > (q[best] as number)) best = a;
    return best;
  };

  const trainStep = (): number => {
    const batch = buffer.sample(batchSize, rng);
    return tf.tidy(() => {
      const s = tf.tensor2d(batch.observations, [batchSize, d]);
      const s2 = tf.tensor2d(batch.nextObservations, [batchSize, d]);
      const actionMask = tf.oneHot(tf.tensor1d(batch.actions, 'int32'), A);
      const nextTarget = target.predict(s2) as tf.Tensor2D;
      let nextValue: tf.Tensor1D;
      if (doubleDqn) {
        const nextOnline = online.predict(s2) as tf.Tensor2D;
        const argmax = tf.oneHot(nextOnline.argMax(1) as tf.Tensor1D, A);
        nextValue = tf.sum(tf.mul(nextTarget, argmax), 1) as tf.Tensor1D;
      } else {
        nextValue = tf.max(nextTarget, 1) as tf.Tensor1D;
      }
      const notDone = tf.sub(1, tf.tensor1d(batch.terminated));
      const y = tf.add(tf.tensor1d(batch.rewards), tf.mul(gamma, tf.mul(notDone, nextValue)));
      const { value, grads } = tf.variableGrads(() => {
        const q = online.apply(s, { training: true }) as tf.Tensor2D;
        const qa = tf.sum(tf.mul(q, actionMask), 1);
        return tf.losses.huberLoss(y, qa, undefined, huberDelta) as tf.Scalar;
      }, variables);
      // Global-norm clipping, on the device (no synchronous reads).
      const names = Object.keys(grads);
      const norm = tf.sqrt(tf.addN(names.map((k) => tf.sum(tf.square(grads[k] as tf.Tensor)))));
      const factor = tf.minimum(1, tf.div(maxGradNorm, tf.maximum(norm, 1e-12)));
      optimizer.applyGradients(
        names.map((name) => ({ name, tensor: tf.mul(grads[name] as tf.Tensor, factor) })),
      );
      return value.dataSync()[0] as number;
    });
  };

  const episodeReturns: number[] = [];
  const episodeLosses: number[] = [];
  let aborted = false;
  let gradientUpdates = 0;
  let obs = Float32Array.from(env.reset({ seed: rng.nextSeed() }).observation);
  let episodeReturn = 0;
  let episodeLength = 0;
  let lossSum = 0;
  let lossCount = 0;
  let step = 0;
  for (; step < totalSteps; step++) {
    if (signal?.aborted) {
      aborted = true;
      break;
    }
    if (step % 1000 === 999) await new Promise((resolve) => setTimeout(resolve, 0));
    const eps = scheduleValue('epsilon', epsilon, step, 0, 1);
    const action = rng.random() < eps ? rng.int(0, A) : policy(obs);
    const r = env.step(action);
    const nextObs = Float32Array.from(r.observation);
    buffer.add(obs, action, r.reward, nextObs, r.terminated);
    episodeReturn += r.reward;
    episodeLength++;
    if (step >= learningStarts && step % trainFrequency === 0) {
      for (let g = 0; g < gradientSteps; g++) {
        lossSum += trainStep();
        lossCount++;
        gradientUpdates++;
        if (gradientUpdates % targetUpdateInterval === 0) copyWeights();
      }
    }
    if (r.terminated || r.truncated) {
      episodeReturns.push(episodeReturn);
      const loss = lossCount > 0 ? lossSum / lossCount : Number.NaN;
      episodeLosses.push(loss);
      onProgress?.({
        episode: episodeReturns.length,
        episodeReturn,
        length: episodeLength,
        epsilon: eps,
        loss,
      });
      obs = Float32Array.from(env.reset({ seed: rng.nextSeed() }).observation);
      episodeReturn = 0;
      episodeLength = 0;
      lossSum = 0;
      lossCount = 0;
    } else {
      obs = nextObs;
    }
  }
  const dispose = () => {
    optimizer.dispose();
    online.dispose();
    target.dispose();
  };
  return { model: online, policy, qValues, episodeReturns, episodeLosses, steps: step, aborted, dispose };
}
