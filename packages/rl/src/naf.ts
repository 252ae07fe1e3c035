import { toRng } from '@dlf/runtime';
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

export type NafOptions = ContinuousControlOptions;

export interface NafResult extends ContinuousControlResult {
  /** The NAF network: observations -> [V(s) [batch, 1], mu(s) [batch, m], log diag L(s) [batch, m], (m > 1) strictly lower L(s) [batch, m(m-1)/2]]. */
  model: tf.LayersModel;
  /** Q(s, a) = V(s) - 1/2 (a - mu(s))^T P(s) (a - mu(s)) of one observation and action. */
  qValue: (observation: ArrayLike<number>, action: ArrayLike<number>) => number;
}

/** The NAF network and its mu sub-network (sharing layers). @internal */
export function buildNafNetwork(
  spec: ContinuousSpec,
  hiddenSizes: readonly number[],
  seed: number,
): { model: tf.LayersModel; muModel: tf.LayersModel } {
  const m = spec.actionSize;
  const input = tf.input({ shape: [spec.obsSize], name: 'observation' });
  // Three separate MLPs for V, mu and L (as keras-rl's NAF): with one shared trunk the value
  // head's large TD errors dominate the features mu has to use.
  const k = hiddenSizes.length;
  const hV = denseTrunk(input, hiddenSizes, seed, 'naf_v');
  const hMu = denseTrunk(input, hiddenSizes, seed + k + 1, 'naf_mu');
  const hL = denseTrunk(input, hiddenSizes, seed + 2 * k + 2, 'naf_l');
  const head = (h: tf.SymbolicTensor, units: number, name: string, s: number) =>
    tf.layers
      .dense({ units, kernelInitializer: tf.initializers.glorotUniform({ seed: s }), name })
      .apply(h) as tf.SymbolicTensor;
  const value = head(hV, 1, 'naf_value', seed + 3 * k + 3);
  const mu = boundedHead(hMu, spec, seed + 3 * k + 4, 'naf_mu');
  const logDiag = head(hL, m, 'naf_log_diag', seed + 3 * k + 5);
  const outputs = [value, mu.output, logDiag];
  if (m > 1) outputs.push(head(hL, (m * (m - 1)) / 2, 'naf_lower', seed + 3 * k + 6));
  const model = tf.model({ inputs: input, outputs, name: 'naf' });
  mu.setBounds();
  const muModel = tf.model({ inputs: input, outputs: mu.output, name: 'naf_mu' });
  return { model, muModel };
}

/**
 * L(s) [batch, m, m]: lower triangular, diagonal exp(logDiag), strictly lower part filled row by
 * row from `lower` (entries (1,0), (2,0), (2,1), ...). @internal
 */
export function nafLowerTriangular(logDiag: tf.Tensor2D, lower: tf.Tensor2D | undefined): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, m] = logDiag.shape;
    const placeDiag = new Float32Array(m * m * m);
    for (let i = 0; i < m; i++) placeDiag[i * m * m + i * m + i] = 1;
    let flat = tf.matMul(tf.exp(logDiag), tf.tensor2d(placeDiag, [m, m * m]));
    if (m > 1 && lower) {
      const count = (m * (m - 1)) / 2;
      const placeLower = new Float32Array(count * m * m);
      let j = 0;
      for (let r = 1; r < m; r++) for (let c = 0; c < r; c++) placeLower[j++ * m * m + r * m + c] = 1;
      flat = tf.add(flat, tf.matMul(lower, tf.tensor2d(placeLower, [count, m * m])));
    }
    return tf.reshape(flat, [b, m, m]) as tf.Tensor3D;
  });
}

/**
 * Q(s, a) [batch] from the NAF network's outputs: V - 1/2 ||L^T (a - mu)||^2, which equals
 * V - 1/2 (a - mu)^T P (a - mu) with P = L L^T positive definite. @internal
 */
export function nafQ(outputs: tf.Tensor[], actions: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const [value, mu, logDiag, lower] = outputs as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D?];
    const [b, m] = mu.shape;
    const L = nafLowerTriangular(logDiag, lower);
    const diff = tf.reshape(tf.sub(actions, mu), [b, 1, m]) as tf.Tensor3D;
    const z = tf.matMul(diff, L); // row vector (a - mu)^T L = (L^T (a - mu))^T
    const advantage = tf.mul(-0.5, tf.sum(tf.square(z), [1, 2]));
    return tf.add(tf.reshape(value, [b]), advantage) as tf.Tensor1D;
  });
}

/**
 * Normalized Advantage Functions (Gu, Lillicrap, Sutskever and Levine 2016): deep Q-learning for
 * continuous actions with a Q function quadratic in the action,
 * `Q(s, a) = V(s) - 1/2 (a - mu(s))^T P(s) (a - mu(s))`, `P = L L^T`, L lower triangular with
 * positive (exp) diagonal. P is positive definite, so the greedy action is `mu(s)` (kept inside
 * the action box by a tanh) and `max_a Q(s, a) = V(s)` in closed form: the TD target is
 * `r + gamma (1 - terminated) V(s'; w-)` with a soft-updated target network w-. V, mu and L come
 * from three MLPs of widths `hiddenSizes` on the observation. MSE loss, Adam, replay buffer,
 * Gaussian or Ornstein-Uhlenbeck exploration noise. Call `dispose()` when done.
 *
 * @example
 * ```ts
 * const agent = await naf(new Pendulum(), { totalSteps: 10_000, seed: 0 });
 * runEpisodes(new Pendulum(), agent.policy, { episodes: 10 }).meanReturn;
 * agent.dispose();
 * ```
 */
export async function naf(
  env: Env<ArrayLike<number>, ArrayLike<number>>,
  options: NafOptions = {},
): Promise<NafResult> {
  const spec = continuousSpec(env, 'naf');
  const opts = resolveContinuousOptions(options);
  const rng = toRng(options.seed);
  const { obsSize: d, actionSize: m } = spec;
  const netSeed = rng.nextSeed() % 1_000_000;
  const online = buildNafNetwork(spec, opts.hiddenSizes, netSeed);
  const target = buildNafNetwork(spec, opts.hiddenSizes, netSeed);
  softUpdate(target.model, online.model, 1);
  const optimizer = tf.train.adam(opts.learningRate);
  const variables = online.model.trainableWeights.map((w) => w.read() as tf.Variable);

  const update = (buffer: ContinuousReplayBuffer): number => {
    const batch = buffer.sample(opts.batchSize, rng);
    const n = opts.batchSize;
    const loss = tf.tidy(() => {
      const s = tf.tensor2d(batch.observations, [n, d]);
      const a = tf.tensor2d(batch.actions, [n, m]);
      const s2 = tf.tensor2d(batch.nextObservations, [n, d]);
      const nextValue = tf.reshape((target.model.predict(s2) as tf.Tensor[])[0] as tf.Tensor, [n]);
      const notDone = tf.sub(1, tf.tensor1d(batch.terminated));
      const y = tf.add(tf.tensor1d(batch.rewards), tf.mul(opts.gamma, tf.mul(notDone, nextValue)));
      const { value, grads } = tf.variableGrads(() => {
        const out = online.model.apply(s, { training: true }) as tf.Tensor[];
        return tf.mean(tf.square(tf.sub(nafQ(out, a), y))) as tf.Scalar;
      }, variables);
      optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      return value.dataSync()[0] as number;
    });
    softUpdate(target.model, online.model, opts.tau);
    return loss;
  };

  const greedy = (observation: ArrayLike<number>) => predictOne(online.muModel, observation, d);
  const run = await trainOffPolicy(env, spec, opts, rng, greedy, update, options);
  const qValue = (observation: ArrayLike<number>, action: ArrayLike<number>): number =>
    tf.tidy(() => {
      const out = online.model.predict(tf.tensor2d(Array.from(observation), [1, d])) as tf.Tensor[];
      return nafQ(out, tf.tensor2d(Array.from(action), [1, m])).dataSync()[0] as number;
    });
  const dispose = () => {
    optimizer.dispose();
    online.model.dispose();
    target.model.dispose();
  };
  return { model: online.model, policyModel: online.muModel, policy: greedy, qValue, ...run, dispose };
}
