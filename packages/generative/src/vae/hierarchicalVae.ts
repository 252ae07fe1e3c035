import {
  assertInteger,
  assertNonNegative,
  assertOneOf,
  assertPositive,
  DlfError,
  type ParamModel,
  type Rng,
  type SeedLike,
  toRng,
} from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { assertParamModel } from '../assertParamModel.js';
import { gaussianKl, normalNoise } from './vae.js';

/** Options of {@link hierarchicalVae}. */
export interface HierarchicalVaeOptions {
  /** q(z1 | x): from an input `[...inputShape]` to `2 k1` outputs (means, then log-variances). */
  encoder1: ParamModel;
  /** q(z2 | z1): from `[k1]` to `2 k2` outputs. */
  encoder2: ParamModel;
  /** p(z1 | z2): the learned conditional prior, from `[k2]` to `2 k1` outputs. */
  prior1: ParamModel;
  /** p(x | z1): from `[k1]` to D outputs (Bernoulli logits, or Gaussian means). */
  decoder: ParamModel;
  /** `[k1, k2]`, the sizes of the two latent layers. */
  latentDims: [number, number];
  /** Observation model. Default: 'bernoulli'. */
  likelihood?: 'bernoulli' | 'gaussian';
  /** Standard deviation of the `'gaussian'` observation model. Default: 1. */
  observationStd?: number;
  /** Weight of both KL terms (beta-VAE). Default: 1. */
  beta?: number;
  /** Seed of the four networks' initialisation. Default: 0. */
  seed?: SeedLike;
}

/** The ELBO of a batch and its terms, in nats per example (means over the batch). */
export interface HierarchicalElbo {
  /** `reconstruction - kl1 - kl2`. */
  elbo: number;
  /** `E_q[log p(x | z1)]`. */
  reconstruction: number;
  /** `E_q[log q(z1 | x) - log p(z1 | z2)]`, the first layer's KL (Monte Carlo). */
  kl1: number;
  /** `E_q(z1|x)[KL(q(z2 | z1) || N(0, I))]`, the top layer's KL (analytic given z1). */
  kl2: number;
  /** The ELBO of each example. */
  perExample: number[];
}

/** A two-level VAE made by {@link hierarchicalVae}. It owns `tf.Variable`s: call `dispose()`. */
export interface HierarchicalVae {
  readonly latentDims: readonly [number, number];
  readonly dataSize: number;
  /** Flat parameters of encoder1, encoder2, prior1 and decoder, in that order. */
  readonly params: readonly tf.Variable<tf.Rank.R1>[];
  /** The ELBO and its terms with `samples` draws per input (default 1). */
  elbo(x: tf.Tensor, options?: { samples?: number; seed?: SeedLike }): HierarchicalElbo;
  /** The negative beta-ELBO of a batch as a differentiable `tf.Scalar` (one draw per input). */
  loss(x: tf.Tensor, options?: { seed?: SeedLike }): tf.Scalar;
  /** The importance-weighted bound with K = `samples` draws per input (default 100), per example. */
  logLikelihood(x: tf.Tensor, options?: { samples?: number; seed?: SeedLike }): number[];
  /** `n` draws: z2 ~ N(0, I), z1 ~ p(z1 | z2), decoded means `[n, D]`. */
  sample(n: number, options?: { seed?: SeedLike }): tf.Tensor2D;
  /** Decoded posterior means of z1, `[n, D]`. */
  reconstruct(x: tf.Tensor): tf.Tensor2D;
  /** Active units of each layer (`Cov_x(E_q[z_u])` above `threshold`, default 0.01) and KL per layer. */
  diagnostics(
    x: tf.Tensor,
    options?: { threshold?: number; seed?: SeedLike },
  ): { activeUnits: [number, number]; activity: [number[], number[]]; kl: [number, number] };
  /** Trains the four networks with Adam on the negative beta-ELBO. */
  fit(
    x: tf.Tensor,
    options?: {
      epochs?: number;
      batchSize?: number;
      learningRate?: number;
      seed?: SeedLike;
      onProgress?: (p: {
        epoch: number;
        elbo: number;
        reconstruction: number;
        kl1: number;
        kl2: number;
      }) => void;
      signal?: AbortSignal;
    },
  ): Promise<{
    history: { elbo: number; reconstruction: number; kl1: number; kl2: number }[];
    aborted: boolean;
  }>;
  dispose(): void;
}

const LOG_2PI = Math.log(2 * Math.PI);

function checkModel(
  param: string,
  model: unknown,
  inputs: number[] | undefined,
  outputs: number[],
): asserts model is ParamModel {
  assertParamModel(param, model);
  const m = model;
  if (inputs && (m.inputShape.length !== inputs.length || m.inputShape.some((d, i) => d !== inputs[i]))) {
    throw new DlfError(
      'INVALID_SHAPE',
      `${param} must take inputs of shape [${inputs.join(', ')}], it takes [${m.inputShape.join(', ')}]`,
      {
        param,
      },
    );
  }
  if (!outputs.includes(m.outputSize)) {
    throw new DlfError(
      'INVALID_SHAPE',
      `${param} must output ${outputs.join(' or ')} values, it outputs ${m.outputSize}`,
      {
        param,
      },
    );
  }
}

/** log N(z; mean, exp(logVar)) summed over the last axis. */
const logNormal = (z: tf.Tensor, mean: tf.Tensor, logVar: tf.Tensor): tf.Tensor =>
  tf.mul(
    -0.5,
    tf.sum(tf.add(tf.add(tf.div(tf.square(tf.sub(z, mean)), tf.exp(logVar)), logVar), LOG_2PI), -1),
  );

/**
 * A two-level hierarchical VAE: the generative model `p(z2) p(z1 | z2) p(x | z1)` with
 * `p(z2) = N(0, I)` and a learned Gaussian conditional prior `p(z1 | z2)`, and the bottom-up
 * inference model `q(z1 | x) q(z2 | z1)` (the Markov structure of the generative model: z2 is
 * independent of x given z1). The ELBO
 * `E_q[log p(x | z1)] - E_q[log q(z1 | x) - log p(z1 | z2)] - E_q(z1|x)[KL(q(z2 | z1) || p(z2))]`
 * is estimated with reparameterised draws (the top KL analytically); it equals log p(x) exactly when
 * both q's are the true posteriors. `logLikelihood` is the importance-weighted bound.
 *
 * @example
 * ```ts
 * const model = hierarchicalVae({
 *   encoder1: mlp({ sizes: [784, 256, 2 * 16] }), encoder2: mlp({ sizes: [16, 64, 2 * 4] }),
 *   prior1: mlp({ sizes: [4, 64, 2 * 16] }), decoder: mlp({ sizes: [16, 256, 784] }),
 *   latentDims: [16, 4],
 * });
 * await model.fit(images, { epochs: 10 });
 * console.log(model.diagnostics(images).activeUnits); // per layer
 * model.dispose();
 * ```
 */
export function hierarchicalVae(options: HierarchicalVaeOptions): HierarchicalVae {
  if (options === null || typeof options !== 'object') {
    throw new DlfError('INVALID_ARGUMENT', 'hierarchicalVae options must be an object', { param: 'options' });
  }
  const { encoder1, encoder2, prior1, decoder, latentDims, likelihood = 'bernoulli' } = options;
  const { observationStd = 1, beta = 1 } = options;
  if (!Array.isArray(latentDims) || latentDims.length !== 2) {
    throw new DlfError('INVALID_ARGUMENT', 'latentDims must be [k1, k2]', { param: 'latentDims' });
  }
  const [k1, k2] = latentDims;
  assertInteger('latentDims[0]', k1, { min: 1 });
  assertInteger('latentDims[1]', k2, { min: 1 });
  assertOneOf('likelihood', likelihood, ['bernoulli', 'gaussian'] as const);
  assertPositive('observationStd', observationStd);
  assertNonNegative('beta', beta);
  checkModel('encoder1', encoder1, undefined, [2 * k1]);
  const dataSize = encoder1.inputShape.reduce((a, b) => a * b, 1);
  checkModel('encoder2', encoder2, [k1], [2 * k2]);
  checkModel('prior1', prior1, [k2], [2 * k1]);
  checkModel('decoder', decoder, [k1], [dataSize]);
  const rng0 = toRng(options.seed);
  const params = [encoder1, encoder2, prior1, decoder].map((m) => {
    const init = m.init(rng0.nextSeed());
    const v = tf.variable(init, true) as tf.Variable<tf.Rank.R1>;
    init.dispose();
    return v;
  });
  const [w1, w2, wp, wd] = params as [
    tf.Variable<tf.Rank.R1>,
    tf.Variable<tf.Rank.R1>,
    tf.Variable<tf.Rank.R1>,
    tf.Variable<tf.Rank.R1>,
  ];
  let disposed = false;

  const checkX = (x: unknown): tf.Tensor => {
    if (disposed)
      throw new DlfError('INVALID_ARGUMENT', 'this hierarchical VAE was disposed', { param: 'this' });
    if (
      !(x instanceof tf.Tensor) ||
      x.rank !== encoder1.inputShape.length + 1 ||
      (x.shape[0] ?? 0) < 1 ||
      !encoder1.inputShape.every((d, i) => x.shape[i + 1] === d)
    ) {
      throw new DlfError(
        'INVALID_SHAPE',
        `x must be a tf.Tensor of shape [n, ${encoder1.inputShape.join(', ')}], received ${x instanceof tf.Tensor ? `[${x.shape.join(', ')}]` : typeof x}`,
        { param: 'x' },
      );
    }
    return x;
  };

  const split = (out: tf.Tensor, k: number) => {
    const [mean, logVar] = tf.split(out, [k, k], -1);
    return { mean: mean as tf.Tensor, logVar: logVar as tf.Tensor };
  };

  const logLik = (xFlat: tf.Tensor2D, out: tf.Tensor2D): tf.Tensor1D => {
    if (likelihood === 'bernoulli')
      return tf.sum(tf.sub(tf.mul(xFlat, out), tf.softplus(out)), 1) as tf.Tensor1D;
    const sq = tf.div(tf.square(tf.sub(xFlat, out)), observationStd ** 2);
    return tf.mul(-0.5, tf.sum(tf.add(sq, 2 * Math.log(observationStd) + LOG_2PI), 1)) as tf.Tensor1D;
  };

  /**
   * S draws per example (rows `[S n]`, draw-major): reconstruction, first-layer log-ratio
   * `log q(z1|x) - log p(z1|z2)`, analytic top KL, and log weights `log p(x, z) - log q(z | x)`.
   */
  const terms = (x: tf.Tensor, samples: number, rng: Rng) => {
    const n = x.shape[0] as number;
    const xFlat = tf.reshape(x.dtype === 'float32' ? x : tf.cast(x, 'float32'), [n, dataSize]) as tf.Tensor2D;
    const q1 = split(encoder1.apply(w1, x), k1);
    const rows = samples * n;
    const tile = (t: tf.Tensor) => (samples === 1 ? t : tf.tile(t, [samples, 1]));
    const m1 = tile(q1.mean);
    const lv1 = tile(q1.logVar);
    const z1 = tf.add(m1, tf.mul(tf.exp(tf.mul(0.5, lv1)), normalNoise(rng, rows, k1)));
    const q2 = split(encoder2.apply(w2, z1), k2);
    const z2 = tf.add(q2.mean, tf.mul(tf.exp(tf.mul(0.5, q2.logVar)), normalNoise(rng, rows, k2)));
    const p1 = split(prior1.apply(wp, z2), k1);
    const recon = logLik(tile(xFlat) as tf.Tensor2D, decoder.apply(wd, z1) as tf.Tensor2D);
    const logRatio1 = tf.sub(logNormal(z1, m1, lv1), logNormal(z1, p1.mean, p1.logVar));
    const kl2 = gaussianKl(q2.mean, q2.logVar);
    // log p(z2) - log q(z2 | z1) at the draw (for the importance weights).
    const logRatio2 = tf.sub(
      logNormal(z2, tf.zerosLike(z2), tf.zerosLike(z2)),
      logNormal(z2, q2.mean, q2.logVar),
    );
    const logWeights = tf.reshape(tf.add(tf.sub(recon, logRatio1), logRatio2), [samples, n]);
    const perDraw = (t: tf.Tensor) => tf.mean(tf.reshape(t, [samples, n]), 0);
    return { recon: perDraw(recon), kl1: perDraw(logRatio1), kl2: perDraw(kl2), logWeights };
  };

  const model: HierarchicalVae = {
    latentDims: [k1, k2],
    dataSize,
    params,
    elbo(x, { samples = 1, seed } = {}) {
      checkX(x);
      assertInteger('samples', samples, { min: 1 });
      const rng = toRng(seed);
      const out = tf.tidy(() => {
        const t = terms(x, samples, rng);
        return tf.stack([t.recon, t.kl1, t.kl2]);
      });
      const [r, a, b] = out.arraySync() as [number[], number[], number[]];
      out.dispose();
      const perExample = r.map((v, i) => v - (a[i] as number) - (b[i] as number));
      const mean = (v: number[]) => v.reduce((s, u) => s + u, 0) / v.length;
      return { elbo: mean(perExample), reconstruction: mean(r), kl1: mean(a), kl2: mean(b), perExample };
    },
    loss(x, { seed } = {}) {
      checkX(x);
      const rng = toRng(seed);
      return tf.tidy(() => {
        const t = terms(x, 1, rng);
        return tf.neg(tf.mean(tf.sub(t.recon, tf.mul(beta, tf.add(t.kl1, t.kl2))))) as tf.Scalar;
      });
    },
    logLikelihood(x, { samples = 100, seed } = {}) {
      checkX(x);
      assertInteger('samples', samples, { min: 1 });
      const rng = toRng(seed);
      const est = tf.tidy(() => {
        const lw = terms(x, samples, rng).logWeights;
        const m = tf.max(lw, 0);
        return tf.add(m, tf.log(tf.mean(tf.exp(tf.sub(lw, m)), 0)));
      });
      const out = Array.from(est.dataSync());
      est.dispose();
      return out;
    },
    sample(n, { seed } = {}) {
      if (disposed)
        throw new DlfError('INVALID_ARGUMENT', 'this hierarchical VAE was disposed', { param: 'this' });
      assertInteger('n', n, { min: 1 });
      const rng = toRng(seed);
      return tf.tidy(() => {
        const z2 = normalNoise(rng, n, k2);
        const p1 = split(prior1.apply(wp, z2), k1);
        const z1 = tf.add(p1.mean, tf.mul(tf.exp(tf.mul(0.5, p1.logVar)), normalNoise(rng, n, k1)));
        const out = decoder.apply(wd, z1) as tf.Tensor2D;
        return likelihood === 'bernoulli' ? tf.sigmoid(out) : out;
      });
    },
    reconstruct(x) {
      checkX(x);
      return tf.tidy(() => {
        const out = decoder.apply(wd, split(encoder1.apply(w1, x), k1).mean) as tf.Tensor2D;
        return likelihood === 'bernoulli' ? tf.sigmoid(out) : out;
      });
    },
    diagnostics(x, { threshold = 0.01, seed } = {}) {
      checkX(x);
      assertNonNegative('threshold', threshold);
      const rng = toRng(seed);
      const n = x.shape[0] as number;
      const [a1, a2] = tf.tidy(() => {
        const q1 = split(encoder1.apply(w1, x), k1);
        const q2 = split(encoder2.apply(w2, q1.mean), k2);
        const activity = (mean: tf.Tensor) =>
          tf.div(tf.sum(tf.square(tf.sub(mean, tf.mean(mean, 0))), 0), Math.max(n - 1, 1));
        return [activity(q1.mean), activity(q2.mean)];
      });
      const act1 = Array.from((a1 as tf.Tensor).dataSync());
      const act2 = Array.from((a2 as tf.Tensor).dataSync());
      tf.dispose([a1 as tf.Tensor, a2 as tf.Tensor]);
      const e = model.elbo(x, { seed: rng.nextSeed() });
      return {
        activeUnits: [act1.filter((v) => v > threshold).length, act2.filter((v) => v > threshold).length],
        activity: [act1, act2],
        kl: [e.kl1, e.kl2],
      };
    },
    async fit(x, opts = {}) {
      checkX(x);
      const { epochs = 10, batchSize = 64, learningRate = 1e-3, onProgress, signal } = opts;
      assertInteger('epochs', epochs, { min: 1 });
      assertInteger('batchSize', batchSize, { min: 1 });
      assertPositive('learningRate', learningRate);
      const rng = toRng(opts.seed);
      const optimizer = tf.train.adam(learningRate);
      const n = x.shape[0] as number;
      const history: { elbo: number; reconstruction: number; kl1: number; kl2: number }[] = [];
      let aborted = false;
      try {
        for (let epoch = 0; epoch < epochs && !aborted; epoch++) {
          const order = rng.permutation(n);
          const sums = [0, 0, 0];
          let steps = 0;
          for (let start = 0; start < n; start += batchSize) {
            if (signal?.aborted) {
              aborted = true;
              break;
            }
            const idx = tf.tensor1d(order.slice(start, start + batchSize), 'int32');
            const batch = tf.gather(x, idx);
            let stats: tf.Tensor | undefined;
            optimizer.minimize(
              () => {
                const t = terms(batch, 1, rng);
                const r = tf.mean(t.recon);
                const a = tf.mean(t.kl1);
                const b = tf.mean(t.kl2);
                stats = tf.keep(tf.stack([r, a, b]));
                return tf.neg(tf.sub(r, tf.mul(beta, tf.add(a, b)))) as tf.Scalar;
              },
              false,
              params,
            );
            const v = (await (stats as tf.Tensor).data()) as Float32Array;
            for (let i = 0; i < 3; i++) sums[i] = (sums[i] as number) + (v[i] as number);
            tf.dispose([idx, batch, stats as tf.Tensor]);
            steps++;
          }
          if (steps === 0 || aborted) break;
          const [reconstruction, kl1, kl2] = sums.map((s) => s / steps) as [number, number, number];
          const entry = { elbo: reconstruction - kl1 - kl2, reconstruction, kl1, kl2 };
          history.push(entry);
          onProgress?.({ epoch, ...entry });
        }
      } finally {
        optimizer.dispose();
      }
      return { history, aborted };
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      tf.dispose(params);
    },
  };
  return model;
}
