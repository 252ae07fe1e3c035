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
import { assertInputBatch } from '../assertInputBatch.js';
import { assertParamModel } from '../assertParamModel.js';

/** Observation models of {@link vae}. */
export type VaeLikelihood = 'bernoulli' | 'gaussian';

/** Options of {@link vae}. */
export interface VaeOptions {
  /**
   * q(z|x): a flat-parameter model (e.g. the runtime's `mlp`) from an input `[...inputShape]` to
   * `2 latentDim` outputs, the posterior mean then the log-variance of each latent coordinate.
   */
  encoder: ParamModel;
  /**
   * p(x|z): a flat-parameter model from `[latentDim]` to D = prod(encoder.inputShape) outputs:
   * Bernoulli logits, or Gaussian means. For `'gaussian'` it may instead give `2 D` outputs, the
   * means then the log-variances (a learned observation noise).
   */
  decoder: ParamModel;
  /** Latent dimension k. */
  latentDim: number;
  /** The observation model. Default: 'bernoulli' (inputs in [0, 1]). */
  likelihood?: VaeLikelihood;
  /** Fixed observation standard deviation for a `'gaussian'` decoder with D outputs. Default: 1. */
  observationStd?: number;
  /** Weight of the KL term (beta-VAE, Higgins et al. 2017); 1 gives the ELBO. Default: 1. */
  beta?: number;
  /** Seed of the parameter initialisation (encoder, then decoder). Default: 0. */
  seed?: SeedLike;
}

/** The ELBO of a batch, in nats per example (means over the batch unless `perExample`). */
export interface ElboResult {
  /** `E_q[log p(x|z)] - KL(q(z|x) || p(z))` (with weight 1 on the KL, whatever `beta` is). */
  elbo: number;
  /** The reconstruction term `E_q[log p(x|z)]` (Monte Carlo over `samples` draws). */
  reconstruction: number;
  /** The analytic KL term `KL(q(z|x) || N(0, I))`. */
  kl: number;
  /** The ELBO of each example. */
  perExample: number[];
}

/** Posterior-collapse diagnostic of {@link Vae.diagnostics}. */
export interface PosteriorDiagnostics {
  /** Mean over the inputs of `KL(q(z_u|x) || N(0, 1))` for each latent coordinate u, in nats. */
  klPerDim: number[];
  /** `Cov_x(E_q[z_u | x])` for each u (Burda, Grosse and Salakhutdinov 2016). */
  activity: number[];
  /** Number of coordinates with `activity > threshold` (the active units). */
  activeUnits: number;
}

/** Options of {@link Vae.fit}. */
export interface VaeFitOptions {
  /** Passes over the data. Default: 10. */
  epochs?: number;
  /** Examples per step. Default: 64. */
  batchSize?: number;
  /** Adam step size. Default: 1e-3. */
  learningRate?: number;
  /** Seed of the shuffling and of the reparameterisation noise. Default: 0. */
  seed?: SeedLike;
  /** Called after every epoch with the epoch's mean ELBO terms. */
  onProgress?: (progress: { epoch: number; elbo: number; reconstruction: number; kl: number }) => void;
  /** Stops training after the current step; `fit` then resolves with `aborted: true`. */
  signal?: AbortSignal;
}

/** What {@link Vae.fit} returns. */
export interface VaeFitResult {
  /** One entry per completed epoch: means over the epoch's steps, in nats per example. */
  history: { elbo: number; reconstruction: number; kl: number }[];
  /** True when `signal` stopped training early. */
  aborted: boolean;
}

/** A variational autoencoder made by {@link vae}. It owns two `tf.Variable`s: call `dispose()`. */
export interface Vae {
  readonly latentDim: number;
  readonly likelihood: VaeLikelihood;
  readonly beta: number;
  /** D, the number of scalars per input. */
  readonly dataSize: number;
  /** The encoder's flat parameters (trained in place by `fit`). */
  readonly encoderParams: tf.Variable<tf.Rank.R1>;
  /** The decoder's flat parameters. */
  readonly decoderParams: tf.Variable<tf.Rank.R1>;
  /** The Gaussian posterior q(z|x): means and log-variances `[n, k]`. */
  encode(x: tf.Tensor): { mean: tf.Tensor2D; logVar: tf.Tensor2D };
  /** The mean of p(x|z), `[n, D]`: Bernoulli probabilities, or Gaussian means. */
  decode(z: tf.Tensor2D): tf.Tensor2D;
  /**
   * The negative beta-ELBO of a batch, a differentiable `tf.Scalar` (for your own training loop):
   * `-mean_x(E_q[log p(x|z)] - beta KL)`, one reparameterised sample `z = mu + sigma eps` per input.
   */
  loss(x: tf.Tensor, options?: { seed?: SeedLike }): tf.Scalar;
  /** The ELBO and its two terms, with `samples` reparameterised draws per input (default 1). */
  elbo(x: tf.Tensor, options?: { samples?: number; seed?: SeedLike }): ElboResult;
  /**
   * The importance-weighted bound `log (1/K) sum_k p(x, z_k) / q(z_k|x)` with K = `samples`
   * (Burda et al. 2016), per example: `ELBO <= IWAE_K <= log p(x)`, tending to log p(x) as K grows.
   */
  logLikelihood(x: tf.Tensor, options?: { samples?: number; seed?: SeedLike }): number[];
  /** Decoded posterior means (or, with `sample: true`, decoded posterior draws), `[n, D]`. */
  reconstruct(x: tf.Tensor, options?: { sample?: boolean; seed?: SeedLike }): tf.Tensor2D;
  /** `n` draws from the model: decoded means of `z ~ N(0, I)`, `[n, D]`. */
  sample(n: number, options?: { seed?: SeedLike }): tf.Tensor2D;
  /**
   * Decoded points on the segment between the posterior means of `x1` and `x2` (one example each),
   * `[steps, D]`, endpoints included.
   */
  interpolate(x1: tf.Tensor, x2: tf.Tensor, options?: { steps?: number }): tf.Tensor2D;
  /** KL per latent dimension and active units over the inputs `x` (threshold default 0.01). */
  diagnostics(x: tf.Tensor, options?: { threshold?: number }): PosteriorDiagnostics;
  /** Trains both networks with Adam on the negative beta-ELBO. */
  fit(x: tf.Tensor, options?: VaeFitOptions): Promise<VaeFitResult>;
  /** Frees the parameters. */
  dispose(): void;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** @internal Standard normal noise `[rows, cols]` from a seeded generator. */
export function normalNoise(rng: Rng, rows: number, cols: number): tf.Tensor2D {
  return tf.tensor2d(rng.normalArray(rows * cols), [rows, cols]);
}

/** @internal Per-example `KL(N(mean, exp(logVar)) || N(0, I))` summed over the last axis. */
export function gaussianKl(mean: tf.Tensor, logVar: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() =>
    tf.mul(0.5, tf.sum(tf.sub(tf.add(tf.square(mean), tf.exp(logVar)), tf.add(1, logVar)), -1)),
  ) as tf.Tensor1D;
}

/**
 * A variational autoencoder (Kingma and Welling 2014; Rezende, Mohamed and Wierstra 2014) on two
 * flat-parameter models. With q(z|x) = N(mu(x), diag sigma^2(x)) and p(z) = N(0, I):
 * `ELBO(x) = E_q[log p(x|z)] - KL(q(z|x) || p(z)) <= log p(x)`, the KL analytic
 * (`0.5 sum(mu^2 + sigma^2 - 1 - log sigma^2)`), the expectation estimated with reparameterised
 * draws `z = mu + sigma eps`. Bernoulli: `log p(x|z) = sum x l - softplus(l)` for logits l;
 * Gaussian: `sum log N(x; m, s^2)` with a fixed or learned s.
 *
 * @returns a {@link Vae}; it holds `tf.Variable`s, free them with `dispose()`.
 * @throws DlfError `INVALID_ARGUMENT` / `INVALID_SHAPE` when the networks' sizes do not fit.
 * @example
 * ```ts
 * const model = vae({ encoder: mlp({ sizes: [784, 256, 4] }), decoder: mlp({ sizes: [2, 256, 784] }), latentDim: 2 });
 * await model.fit(images, { epochs: 20, seed: 0 });
 * const digits = model.sample(16, { seed: 1 }); // [16, 784] probabilities
 * model.dispose();
 * ```
 */
export function vae(options: VaeOptions): Vae {
  if (options === null || typeof options !== 'object') {
    throw new DlfError('INVALID_ARGUMENT', 'vae options must be an object', { param: 'options' });
  }
  const { encoder, decoder, latentDim, likelihood = 'bernoulli', observationStd = 1, beta = 1 } = options;
  assertParamModel('encoder', encoder);
  assertParamModel('decoder', decoder);
  assertInteger('latentDim', latentDim, { min: 1 });
  assertOneOf('likelihood', likelihood, ['bernoulli', 'gaussian'] as const);
  assertPositive('observationStd', observationStd);
  assertNonNegative('beta', beta);
  const dataSize = encoder.inputShape.reduce((a, b) => a * b, 1);
  if (encoder.outputSize !== 2 * latentDim) {
    throw new DlfError(
      'INVALID_SHAPE',
      `encoder must output 2 * latentDim = ${2 * latentDim} values (means, log-variances), it outputs ${encoder.outputSize}`,
      { param: 'encoder' },
    );
  }
  if (decoder.inputShape.length !== 1 || decoder.inputShape[0] !== latentDim) {
    throw new DlfError(
      'INVALID_SHAPE',
      `decoder must take inputs of shape [${latentDim}] (latentDim), it takes [${decoder.inputShape.join(', ')}]`,
      { param: 'decoder' },
    );
  }
  const learnedNoise = likelihood === 'gaussian' && decoder.outputSize === 2 * dataSize;
  if (decoder.outputSize !== dataSize && !learnedNoise) {
    throw new DlfError(
      'INVALID_SHAPE',
      `decoder must output D = ${dataSize} values${likelihood === 'gaussian' ? ` (or 2 D = ${2 * dataSize} for a learned variance)` : ''}, it outputs ${decoder.outputSize}`,
      { param: 'decoder' },
    );
  }
  const initRng = toRng(options.seed);
  const encInit = encoder.init(initRng.nextSeed());
  const decInit = decoder.init(initRng.nextSeed());
  const encoderParams = tf.variable(encInit, true) as tf.Variable<tf.Rank.R1>;
  const decoderParams = tf.variable(decInit, true) as tf.Variable<tf.Rank.R1>;
  encInit.dispose();
  decInit.dispose();
  let disposed = false;
  const k = latentDim;
  const logObsVar = 2 * Math.log(observationStd);

  const checkX = (x: unknown): tf.Tensor => {
    if (disposed) throw new DlfError('INVALID_ARGUMENT', 'this VAE was disposed', { param: 'this' });
    assertInputBatch(x, encoder.inputShape);
    return x;
  };

  const encodeRaw = (
    x: tf.Tensor,
    w: tf.Tensor1D = encoderParams,
  ): { mean: tf.Tensor2D; logVar: tf.Tensor2D } => {
    const out = encoder.apply(w, x);
    const [mean, logVar] = tf.split(out, [k, k], 1) as [tf.Tensor2D, tf.Tensor2D];
    return { mean, logVar };
  };

  /** log p(x|z) per example for flattened x `[n, D]` and decoder outputs `[n, D or 2D]`. */
  const logLik = (xFlat: tf.Tensor2D, out: tf.Tensor2D): tf.Tensor1D => {
    if (likelihood === 'bernoulli') {
      // x l - softplus(l), stable for every logit.
      return tf.sum(tf.sub(tf.mul(xFlat, out), tf.softplus(out)), 1) as tf.Tensor1D;
    }
    if (learnedNoise) {
      const [mu, lv] = tf.split(out, [dataSize, dataSize], 1) as [tf.Tensor2D, tf.Tensor2D];
      const sq = tf.mul(tf.square(tf.sub(xFlat, mu)), tf.exp(tf.neg(lv)));
      return tf.mul(-0.5, tf.sum(tf.add(tf.add(sq, lv), LOG_2PI), 1)) as tf.Tensor1D;
    }
    const sq = tf.div(tf.square(tf.sub(xFlat, out)), observationStd ** 2);
    return tf.mul(-0.5, tf.sum(tf.add(sq, logObsVar + LOG_2PI), 1)) as tf.Tensor1D;
  };

  const flatten = (x: tf.Tensor): tf.Tensor2D => {
    const xf = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
    return tf.reshape(xf, [x.shape[0] as number, dataSize]);
  };

  const decodeMean = (out: tf.Tensor2D): tf.Tensor2D => {
    if (likelihood === 'bernoulli') return tf.sigmoid(out);
    if (learnedNoise) return tf.slice(out, [0, 0], [-1, dataSize]);
    return out;
  };

  /** Terms for S samples per example: recon [n] (mean over samples), kl [n], plus log weights [S, n]. */
  const terms = (
    x: tf.Tensor,
    samples: number,
    rng: Rng,
    wantLogWeights: boolean,
  ): { recon: tf.Tensor1D; kl: tf.Tensor1D; logWeights?: tf.Tensor2D } => {
    const n = x.shape[0] as number;
    const xFlat = flatten(x);
    const { mean, logVar } = encodeRaw(x);
    const kl = gaussianKl(mean, logVar);
    const std = tf.exp(tf.mul(0.5, logVar));
    // All S draws in one batch: eps [S, n, k], decoded as [S n, k].
    const eps = tf.reshape(normalNoise(rng, samples * n, k), [samples, n, k]);
    const z = tf.add(mean, tf.mul(std, eps));
    const zFlat = tf.reshape(z, [samples * n, k]) as tf.Tensor2D;
    const xTiled = samples === 1 ? xFlat : (tf.tile(xFlat, [samples, 1]) as tf.Tensor2D);
    const ll = tf.reshape(logLik(xTiled, decoder.apply(decoderParams, zFlat)), [samples, n]);
    const recon = tf.mean(ll, 0) as tf.Tensor1D;
    if (!wantLogWeights) return { recon, kl };
    // log p(x|z) + log p(z) - log q(z|x); the 2 pi terms of p(z) and q cancel.
    const logPz = tf.mul(-0.5, tf.sum(tf.square(z), 2));
    const logQz = tf.mul(-0.5, tf.sum(tf.add(tf.square(eps), logVar), 2));
    return { recon, kl, logWeights: tf.add(ll, tf.sub(logPz, logQz)) as tf.Tensor2D };
  };

  const lossOf = (x: tf.Tensor, rng: Rng): tf.Scalar =>
    tf.tidy(() => {
      const { recon, kl } = terms(x, 1, rng, false);
      return tf.neg(tf.mean(tf.sub(recon, tf.mul(beta, kl)))) as tf.Scalar;
    });

  const model: Vae = {
    latentDim,
    likelihood,
    beta,
    dataSize,
    encoderParams,
    decoderParams,
    encode(x) {
      checkX(x);
      return tf.tidy(() => encodeRaw(x));
    },
    decode(z) {
      if (disposed) throw new DlfError('INVALID_ARGUMENT', 'this VAE was disposed', { param: 'this' });
      if (!(z instanceof tf.Tensor) || z.rank !== 2 || z.shape[1] !== k) {
        throw new DlfError(
          'INVALID_SHAPE',
          `z must have shape [n, ${k}], received ${z instanceof tf.Tensor ? `[${z.shape.join(', ')}]` : typeof z}`,
          { param: 'z' },
        );
      }
      return tf.tidy(() => decodeMean(decoder.apply(decoderParams, z)));
    },
    loss(x, { seed } = {}) {
      checkX(x);
      return lossOf(x, toRng(seed));
    },
    elbo(x, { samples = 1, seed } = {}) {
      checkX(x);
      assertInteger('samples', samples, { min: 1 });
      const rng = toRng(seed);
      const [recon, kl] = tf.tidy(() => {
        const t = terms(x, samples, rng, false);
        return [t.recon, t.kl];
      }) as [tf.Tensor1D, tf.Tensor1D];
      const r = Array.from(recon.dataSync());
      const q = Array.from(kl.dataSync());
      tf.dispose([recon, kl]);
      const perExample = r.map((v, i) => v - (q[i] as number));
      const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
      return { elbo: mean(perExample), reconstruction: mean(r), kl: mean(q), perExample };
    },
    logLikelihood(x, { samples = 100, seed } = {}) {
      checkX(x);
      assertInteger('samples', samples, { min: 1 });
      const rng = toRng(seed);
      const est = tf.tidy(() => {
        const { logWeights } = terms(x, samples, rng, true);
        const lw = logWeights as tf.Tensor2D;
        const m = tf.max(lw, 0);
        return tf.add(m, tf.log(tf.mean(tf.exp(tf.sub(lw, m)), 0)));
      });
      const out = Array.from(est.dataSync());
      est.dispose();
      return out;
    },
    reconstruct(x, { sample = false, seed } = {}) {
      checkX(x);
      const rng = toRng(seed);
      return tf.tidy(() => {
        const { mean, logVar } = encodeRaw(x);
        const z = sample
          ? tf.add(mean, tf.mul(tf.exp(tf.mul(0.5, logVar)), normalNoise(rng, x.shape[0] as number, k)))
          : mean;
        return decodeMean(decoder.apply(decoderParams, z as tf.Tensor2D));
      });
    },
    sample(n, { seed } = {}) {
      assertInteger('n', n, { min: 1 });
      const z = normalNoise(toRng(seed), n, k);
      const out = model.decode(z);
      z.dispose();
      return out;
    },
    interpolate(x1, x2, { steps = 8 } = {}) {
      checkX(x1);
      checkX(x2);
      assertInteger('steps', steps, { min: 2 });
      if (x1.shape[0] !== 1 || x2.shape[0] !== 1) {
        throw new DlfError('INVALID_SHAPE', 'x1 and x2 must each hold one example (batch size 1)', {
          param: 'x1',
        });
      }
      return tf.tidy(() => {
        const a = encodeRaw(x1).mean;
        const b = encodeRaw(x2).mean;
        const t = tf.reshape(tf.linspace(0, 1, steps), [steps, 1]);
        const z = tf.add(a, tf.mul(t, tf.sub(b, a))) as tf.Tensor2D;
        return decodeMean(decoder.apply(decoderParams, z));
      });
    },
    diagnostics(x, { threshold = 0.01 } = {}) {
      checkX(x);
      assertNonNegative('threshold', threshold);
      const [klDims, activity] = tf.tidy(() => {
        const { mean, logVar } = encodeRaw(x);
        const perDim = tf.mul(0.5, tf.sub(tf.add(tf.square(mean), tf.exp(logVar)), tf.add(1, logVar)));
        const n = x.shape[0] as number;
        const centred = tf.sub(mean, tf.mean(mean, 0));
        const variance = tf.div(tf.sum(tf.square(centred), 0), Math.max(n - 1, 1));
        return [tf.mean(perDim, 0), variance] as [tf.Tensor, tf.Tensor];
      });
      const klPerDim = Array.from(klDims.dataSync());
      const act = Array.from(activity.dataSync());
      tf.dispose([klDims, activity]);
      return { klPerDim, activity: act, activeUnits: act.filter((a) => a > threshold).length };
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
      const history: VaeFitResult['history'] = [];
      let aborted = false;
      try {
        for (let epoch = 0; epoch < epochs && !aborted; epoch++) {
          const order = rng.permutation(n);
          let reconSum = 0;
          let klSum = 0;
          let steps = 0;
          for (let start = 0; start < n; start += batchSize) {
            if (signal?.aborted) {
              aborted = true;
              break;
            }
            const idx = tf.tensor1d(order.slice(start, start + batchSize), 'int32');
            const batch = tf.gather(x, idx);
            let recon: tf.Tensor | undefined;
            let kl: tf.Tensor | undefined;
            optimizer.minimize(
              () => {
                const t = terms(batch, 1, rng, false);
                recon = tf.keep(tf.mean(t.recon));
                kl = tf.keep(tf.mean(t.kl));
                return tf.neg(tf.sub(recon, tf.mul(beta, kl))) as tf.Scalar;
              },
              false,
              [encoderParams, decoderParams],
            );
            const both = tf.stack([recon as tf.Tensor, kl as tf.Tensor]);
            const [r, q] = (await both.data()) as Float32Array;
            tf.dispose([idx, batch, recon as tf.Tensor, kl as tf.Tensor, both]);
            reconSum += r as number;
            klSum += q as number;
            steps++;
          }
          if (steps === 0) break;
          if (aborted) break;
          const reconstruction = reconSum / steps;
          const kl = klSum / steps;
          const entry = { elbo: reconstruction - kl, reconstruction, kl };
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
      encoderParams.dispose();
      decoderParams.dispose();
    },
  };
  return model;
}
