import { assertInteger, assertPositive, toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { ContinuousReplayBuffer } from './ContinuousReplayBuffer.js';
import {
  boundedHead,
  type ContinuousControlOptions,
  type ContinuousControlResult,
  type ContinuousSpec,
  continuousSpec,
  denseTrunk,
  predictOne,
  resolveContinuousOptions,
  trainOffPolicy,
} from './continuousControl.js';
import type { Env } from './envs/Env.js';
import { softUpdate } from './softUpdate.js';

export interface DdpgOptions extends ContinuousControlOptions {
  /** Adam step size of the actor. Default: 1e-3. */
  actorLearningRate?: number;
  /** Gradient steps of the critic per actor step (TD3's delayed policy updates use 2). Default: 1. */
  policyDelay?: number;
}

export interface DdpgResult extends ContinuousControlResult {
  /** The deterministic actor mu(s): observations -> actions (the same model as `policyModel`). */
  actor: tf.LayersModel;
  /** The critic Q(s, a): inputs [observations, actions] -> [batch, 1]. */
  critic: tf.LayersModel;
  /** Q(s, a) of one observation and action. */
  qValue: (observation: ArrayLike<number>, action: ArrayLike<number>) => number;
}

/** The actor mu(s), tanh-bounded to the action box. @internal */
export function buildActor(
  spec: ContinuousSpec,
  hiddenSizes: readonly number[],
  seed: number,
): tf.LayersModel {
  const input = tf.input({ shape: [spec.obsSize], name: 'observation' });
  const head = boundedHead(
    denseTrunk(input, hiddenSizes, seed, 'actor'),
    spec,
    seed + hiddenSizes.length,
    'actor',
  );
  const model = tf.model({ inputs: input, outputs: head.output, name: 'actor' });
  head.setBounds();
  return model;
}

/** The critic Q(s, a) on the concatenated observation and action. @internal */
export function buildCritic(
  spec: ContinuousSpec,
  hiddenSizes: readonly number[],
  seed: number,
): tf.LayersModel {
  const s = tf.input({ shape: [spec.obsSize], name: 'observation' });
  const a = tf.input({ shape: [spec.actionSize], name: 'action' });
  const x = tf.layers.concatenate().apply([s, a]) as tf.SymbolicTensor;
  const h = denseTrunk(x, hiddenSizes, seed, 'critic');
  const q = tf.layers
    .dense({
      units: 1,
      kernelInitializer: tf.initializers.randomUniform({
        minval: -3e-3,
        maxval: 3e-3,
        seed: seed + hiddenSizes.length,
      }),
      name: 'critic_q',
    })
    .apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: [s, a], outputs: q, name: 'critic' });
}

/** J = mean over the batch of Q(s, mu(s)), the actor's objective. @internal */
export function actorObjective(
  actor: tf.LayersModel,
  critic: tf.LayersModel,
  observations: tf.Tensor2D,
): tf.Scalar {
  return tf.tidy(() => {
    const actions = actor.apply(observations, { training: true }) as tf.Tensor;
    return tf.mean(critic.apply([observations, actions], { training: true }) as tf.Tensor) as tf.Scalar;
  });
}

/**
 * One deterministic-policy-gradient step (Silver et al. 2014): ascends J(theta) =
 * mean Q(s, mu_theta(s)) in the actor's weights only (the critic is held fixed), the gradient
 * flowing through the action: grad J = mean grad_a Q(s, a)|_{a = mu(s)} grad_theta mu(s).
 * Returns J before the step. @internal
 */
export function actorStep(
  actor: tf.LayersModel,
  critic: tf.LayersModel,
  observations: tf.Tensor2D,
  optimizer: tf.Optimizer,
): number {
  return tf.tidy(() => {
    const variables = actor.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(
      () => tf.neg(actorObjective(actor, critic, observations)) as tf.Scalar,
      variables,
    );
    optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
    return -(value.dataSync()[0] as number);
  });
}

/**
 * Deep deterministic policy gradient (Lillicrap et al. 2016): a critic Q(s, a; w) learns by
 * minimising the MSE to `r + gamma (1 - terminated) Q(s', mu(s'; theta-); w-)`, and a deterministic
 * actor mu(s; theta) (tanh-bounded to the action box) is trained to maximise Q(s, mu(s)) by the
 * deterministic policy gradient; both have soft-updated target networks (tau), transitions come
 * from a replay buffer, and exploration adds Gaussian or Ornstein-Uhlenbeck noise to mu(s).
 * Call `dispose()` when done.
 *
 * @example
 * ```ts
 * const agent = await ddpg(new Pendulum(), { totalSteps: 10_000, seed: 0 });
 * runEpisodes(new Pendulum(), agent.policy, { episodes: 10 }).meanReturn;
 * agent.dispose();
 * ```
 */
export async function ddpg(
  env: Env<ArrayLike<number>, ArrayLike<number>>,
  options: DdpgOptions = {},
): Promise<DdpgResult> {
  const spec = continuousSpec(env, 'ddpg');
  const opts = resolveContinuousOptions(options);
  const { actorLearningRate = 1e-3, policyDelay = 1 } = options;
  assertPositive('actorLearningRate', actorLearningRate);
  assertInteger('policyDelay', policyDelay, { min: 1 });
  const rng = toRng(options.seed);
  const { obsSize: d, actionSize: m } = spec;
  const actorSeed = rng.nextSeed() % 1_000_000;
  const criticSeed = rng.nextSeed() % 1_000_000;
  const actor = buildActor(spec, opts.hiddenSizes, actorSeed);
  const critic = buildCritic(spec, opts.hiddenSizes, criticSeed);
  const actorTarget = buildActor(spec, opts.hiddenSizes, actorSeed);
  const criticTarget = buildCritic(spec, opts.hiddenSizes, criticSeed);
  softUpdate(actorTarget, actor, 1);
  softUpdate(criticTarget, critic, 1);
  const actorOptimizer = tf.train.adam(actorLearningRate);
  const criticOptimizer = tf.train.adam(opts.learningRate);
  const criticVariables = critic.trainableWeights.map((w) => w.read() as tf.Variable);
  let updates = 0;

  const update = (buffer: ContinuousReplayBuffer): number => {
    const batch = buffer.sample(opts.batchSize, rng);
    const n = opts.batchSize;
    const s = tf.tensor2d(batch.observations, [n, d]);
    const loss = tf.tidy(() => {
      const a = tf.tensor2d(batch.actions, [n, m]);
      const s2 = tf.tensor2d(batch.nextObservations, [n, d]);
      const a2 = actorTarget.predict(s2) as tf.Tensor;
      const nextQ = tf.reshape(criticTarget.predict([s2, a2]) as tf.Tensor, [n]);
      const notDone = tf.sub(1, tf.tensor1d(batch.terminated));
      const y = tf.add(tf.tensor1d(batch.rewards), tf.mul(opts.gamma, tf.mul(notDone, nextQ)));
      const { value, grads } = tf.variableGrads(() => {
        const q = tf.reshape(critic.apply([s, a], { training: true }) as tf.Tensor, [n]);
        return tf.mean(tf.square(tf.sub(q, y))) as tf.Scalar;
      }, criticVariables);
      criticOptimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      return value.dataSync()[0] as number;
    });
    updates++;
    if (updates % policyDelay === 0) {
      actorStep(actor, critic, s, actorOptimizer);
      softUpdate(actorTarget, actor, opts.tau);
      softUpdate(criticTarget, critic, opts.tau);
    }
    s.dispose();
    return loss;
  };

  const greedy = (observation: ArrayLike<number>) => predictOne(actor, observation, d);
  const run = await trainOffPolicy(env, spec, opts, rng, greedy, update, options);
  const qValue = (observation: ArrayLike<number>, action: ArrayLike<number>): number =>
    tf.tidy(
      () =>
        (
          critic.predict([
            tf.tensor2d(Array.from(observation), [1, d]),
            tf.tensor2d(Array.from(action), [1, m]),
          ]) as tf.Tensor
        ).dataSync()[0] as number,
    );
  const dispose = () => {
    actorOptimizer.dispose();
    criticOptimizer.dispose();
    for (const model of [actor, critic, actorTarget, criticTarget]) model.dispose();
  };
  return { actor, critic, policyModel: actor, policy: greedy, qValue, ...run, dispose };
}
