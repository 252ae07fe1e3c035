import {
  assertInteger,
  assertNonNegative,
  assertOneOf,
  assertPositive,
  DlfError,
  gradientReversal,
  type ParamModel,
  type SeedLike,
  toRng,
} from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { assertInputBatch } from '../assertInputBatch.js';
import { assertParamModel } from '../assertParamModel.js';

/** Options of {@link vqVae}. */
export interface VqVaeOptions {
  /**
   * The encoder: a flat-parameter model from an input `[...inputShape]` to `m * codeDim` outputs, read
   * as m latent vectors of length `codeDim` (m = outputSize / codeDim, the number of codes per input).
   */
  encoder: ParamModel;
  /** The decoder: a flat-parameter model from `[m * codeDim]` (the quantised vectors, concatenated) to D outputs. */
  decoder: ParamModel;
  /** K, the number of codebook vectors. */
  codebookSize: number;
  /** Length of each codebook vector and of each encoder vector. */
  codeDim: number;
  /** beta, the weight of the commitment loss `||z_e - sg(e)||^2`. Default: 0.25 (van den Oord et al. 2017). */
  commitment?: number;
  /** Observation model: Bernoulli logits for inputs in [0, 1], or a Gaussian of fixed std. Default: 'bernoulli'. */
  likelihood?: 'bernoulli' | 'gaussian';
  /** Standard deviation of the `'gaussian'` observation model. Default: 1. */
  observationStd?: number;
  /** Seed of the encoder, decoder and codebook initialisation. Default: 0. */
  seed?: SeedLike;
}

/** The three terms of the VQ-VAE loss of a batch, each a mean over the batch of per-example sums. */
export interface VqVaeLossTerms {
  /** `-log p(x | z_q)`, in nats per example. */
  reconstruction: number;
  /** `||sg(z_e) - e||^2`: moves the codebook towards the encoder outputs. */
  codebook: number;
  /** `||z_e - sg(e)||^2` (unweighted): keeps the encoder close to its codes. */
  commitment: number;
  /** `reconstruction + codebook + beta commitment`, what `fit` minimises. */
  total: number;
}

/** Codebook usage over a set of inputs. */
export interface CodebookUsage {
  /** How many of the encoder's vectors were assigned to each code. */
  counts: number[];
  /** Number of codes used at least once. */
  usedCodes: number;
  /** `exp(H(p))` of the empirical code distribution p: K when all codes are used equally, 1 when one code takes all. */
  perplexity: number;
}

/** Options of {@link VqVae.fit}. */
export interface VqVaeFitOptions {
  /** Passes over the data. Default: 10. */
  epochs?: number;
  /** Examples per step. Default: 64. */
  batchSize?: number;
  /** Adam step size. Default: 1e-3. */
  learningRate?: number;
  /** Seed of the shuffling and of the codebook initialisation. Default: 0. */
  seed?: SeedLike;
  /**
   * On the first `fit` call, set the codebook to the encoder outputs of K randomly chosen training
   * vectors (a data-dependent start that avoids most dead codes). Default: true.
   */
  initCodebookFromData?: boolean;
  /** Called after every epoch with the epoch's mean loss terms and the perplexity of the codes used. */
  onProgress?: (progress: VqVaeLossTerms & { epoch: number; perplexity: number }) => void;
  /** Stops training after the current step; `fit` then resolves with `aborted: true`. */
  signal?: AbortSignal;
}

/** A vector-quantised VAE made by {@link vqVae}. It owns `tf.Variable`s: call `dispose()`. */
export interface VqVae {
  readonly codebookSize: number;
  readonly codeDim: number;
  /** m, the number of codes per input. */
  readonly codesPerInput: number;
  readonly commitment: number;
  /** D, the number of scalars per input. */
  readonly dataSize: number;
  readonly encoderParams: tf.Variable<tf.Rank.R1>;
  readonly decoderParams: tf.Variable<tf.Rank.R1>;
  /** The codebook, `[K, codeDim]`. */
  readonly codebook: tf.Variable<tf.Rank.R2>;
  /**
   * Encodes and quantises: `indices` `[n, m]` (int32) of the nearest code (squared Euclidean) for each
   * encoder vector, the encoder outputs `zE` and their codes `zQ`, both `[n, m, codeDim]`.
   */
  encode(x: tf.Tensor): { indices: tf.Tensor2D; zE: tf.Tensor3D; zQ: tf.Tensor3D };
  /** Decodes code indices `[n, m]` to the mean of p(x | z_q), `[n, D]` (probabilities for Bernoulli). */
  decode(indices: tf.Tensor2D): tf.Tensor2D;
  /** Decoded codes of `x`, `[n, D]`. */
  reconstruct(x: tf.Tensor): tf.Tensor2D;
  /**
   * The differentiable loss of a batch (a `tf.Scalar`), for your own loop: reconstruction through the
   * straight-through estimator (the decoder reads `z_e + sg(z_q - z_e)`), plus the codebook and the
   * beta-weighted commitment terms.
   */
  loss(x: tf.Tensor): tf.Scalar;
  /** The loss terms of a batch as numbers. */
  lossTerms(x: tf.Tensor): VqVaeLossTerms;
  /** How often each code is chosen on `x`. */
  codebookUsage(x: tf.Tensor): CodebookUsage;
  /** Trains encoder, decoder and codebook jointly with Adam on {@link VqVae.loss}. */
  fit(
    x: tf.Tensor,
    options?: VqVaeFitOptions,
  ): Promise<{ history: (VqVaeLossTerms & { perplexity: number })[]; aborted: boolean }>;
  dispose(): void;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** `sg(x)`: the identity forward, a zero gradient backward. */
const stopGradient = <T extends tf.Tensor>(x: T): T => gradientReversal(x, 0);

/**
 * A vector-quantised variational autoencoder (VQ-VAE; van den Oord, Vinyals and Kavukcuoglu 2017).
 * The encoder maps an input to m vectors `z_e` of length `codeDim`; each is replaced by its nearest
 * codebook vector `z_q = e_k`, `k = argmin_j ||z_e - e_j||^2`, and the decoder reconstructs from the
 * codes. The argmin has no gradient, so the decoder reads `z_e + sg(z_q - z_e)` (the
 * straight-through estimator: forward value `z_q`, gradient copied to `z_e`). The loss is
 * `-log p(x | z_q) + ||sg(z_e) - z_q||^2 + beta ||z_e - sg(z_q)||^2`: the second term learns the
 * codebook, the third (commitment) keeps the encoder's outputs near their codes. With a uniform prior
 * over codes the KL term of the ELBO is the constant `m log K` and is left out.
 *
 * @returns a {@link VqVae}; it holds `tf.Variable`s, free them with `dispose()`.
 * @throws DlfError `INVALID_ARGUMENT` / `INVALID_SHAPE` when sizes do not fit.
 * @example
 * ```ts
 * const model = vqVae({
 *   encoder: mlp({ sizes: [784, 256, 4 * 8] }), // 4 codes of length 8 per image
 *   decoder: mlp({ sizes: [4 * 8, 256, 784] }),
 *   codebookSize: 32,
 *   codeDim: 8,
 * });
 * await model.fit(images, { epochs: 10 });
 * const { indices } = model.encode(images); // [n, 4] code ids
 * console.log(model.codebookUsage(images).perplexity);
 * model.dispose();
 * ```
 */
export function vqVae(options: VqVaeOptions): VqVae {
  if (options === null || typeof options !== 'object') {
    throw new DlfError('INVALID_ARGUMENT', 'vqVae options must be an object', { param: 'options' });
  }
  const { encoder, decoder, codebookSize, codeDim, commitment = 0.25, likelihood = 'bernoulli' } = options;
  const { observationStd = 1 } = options;
  assertParamModel('encoder', encoder);
  assertParamModel('decoder', decoder);
  assertInteger('codebookSize', codebookSize, { min: 1 });
  assertInteger('codeDim', codeDim, { min: 1 });
  assertNonNegative('commitment', commitment);
  assertOneOf('likelihood', likelihood, ['bernoulli', 'gaussian'] as const);
  assertPositive('observationStd', observationStd);
  if (encoder.outputSize % codeDim !== 0) {
    throw new DlfError(
      'INVALID_SHAPE',
      `encoder must output a multiple of codeDim = ${codeDim} values (m vectors of length codeDim), it outputs ${encoder.outputSize}`,
      { param: 'encoder' },
    );
  }
  const m = encoder.outputSize / codeDim;
  const dataSize = encoder.inputShape.reduce((a, b) => a * b, 1);
  if (decoder.inputShape.length !== 1 || decoder.inputShape[0] !== m * codeDim) {
    throw new DlfError(
      'INVALID_SHAPE',
      `decoder must take inputs of shape [${m * codeDim}] (codes per input ${m} x codeDim ${codeDim}), it takes [${decoder.inputShape.join(', ')}]`,
      { param: 'decoder' },
    );
  }
  if (decoder.outputSize !== dataSize) {
    throw new DlfError(
      'INVALID_SHAPE',
      `decoder must output D = ${dataSize} values, it outputs ${decoder.outputSize}`,
      {
        param: 'decoder',
      },
    );
  }
  const rng = toRng(options.seed);
  const encInit = encoder.init(rng.nextSeed());
  const decInit = decoder.init(rng.nextSeed());
  const encoderParams = tf.variable(encInit, true) as tf.Variable<tf.Rank.R1>;
  const decoderParams = tf.variable(decInit, true) as tf.Variable<tf.Rank.R1>;
  // Uniform(-1/K, 1/K), as in the reference implementation of van den Oord et al.
  const codebook = tf.variable(
    tf.tensor2d(rng.uniformArray(codebookSize * codeDim, -1 / codebookSize, 1 / codebookSize), [
      codebookSize,
      codeDim,
    ]),
    true,
  ) as tf.Variable<tf.Rank.R2>;
  tf.dispose([encInit, decInit]);
  let disposed = false;
  let fitted = false;

  const checkX = (x: unknown): tf.Tensor => {
    if (disposed) throw new DlfError('INVALID_ARGUMENT', 'this VQ-VAE was disposed', { param: 'this' });
    assertInputBatch(x, encoder.inputShape);
    return x;
  };

  /** Nearest codes of rows `[r, codeDim]`: indices `[r]`. */
  const nearest = (rows: tf.Tensor2D): tf.Tensor1D => {
    const d = tf.add(
      tf.sub(tf.sum(tf.square(rows), 1, true), tf.mul(2, tf.matMul(rows, codebook, false, true))),
      tf.sum(tf.square(codebook), 1),
    );
    return tf.argMin(d, 1) as tf.Tensor1D;
  };

  /** Encoder vectors `[n m, codeDim]`, their code indices `[n m]` and codes `[n m, codeDim]`. */
  const quantise = (x: tf.Tensor, w: tf.Tensor1D = encoderParams) => {
    const n = x.shape[0] as number;
    const zE = tf.reshape(encoder.apply(w, x), [n * m, codeDim]) as tf.Tensor2D;
    // The argmin is not differentiable: the indices are read back and re-created off the tape.
    const found = tf.tidy(() => nearest(stopGradient(zE)));
    const idx = tf.tensor1d(found.dataSync(), 'int32');
    found.dispose();
    const zQ = tf.gather(codebook, idx) as tf.Tensor2D;
    return { n, zE, idx, zQ };
  };

  const negLogLik = (x: tf.Tensor, out: tf.Tensor2D): tf.Tensor1D => {
    const n = x.shape[0] as number;
    const xf = tf.reshape(x.dtype === 'float32' ? x : tf.cast(x, 'float32'), [n, dataSize]);
    if (likelihood === 'bernoulli')
      return tf.sum(tf.sub(tf.softplus(out), tf.mul(xf, out)), 1) as tf.Tensor1D;
    const sq = tf.div(tf.square(tf.sub(xf, out)), observationStd ** 2);
    return tf.mul(0.5, tf.sum(tf.add(sq, 2 * Math.log(observationStd) + LOG_2PI), 1)) as tf.Tensor1D;
  };

  const termTensors = (x: tf.Tensor) => {
    const { n, zE, zQ } = quantise(x);
    const straightThrough = tf.add(zE, stopGradient(tf.sub(zQ, zE)));
    const out = decoder.apply(decoderParams, tf.reshape(straightThrough, [n, m * codeDim])) as tf.Tensor2D;
    const recon = tf.mean(negLogLik(x, out));
    const perExample = (t: tf.Tensor) => tf.div(tf.sum(tf.square(t)), n);
    const codebookTerm = perExample(tf.sub(stopGradient(zE), zQ));
    const commitmentTerm = perExample(tf.sub(zE, stopGradient(zQ)));
    const total = tf.add(tf.add(recon, codebookTerm), tf.mul(commitment, commitmentTerm));
    return { recon, codebookTerm, commitmentTerm, total: total as tf.Scalar };
  };

  const usageOf = (counts: number[]): CodebookUsage => {
    const total = counts.reduce((a, b) => a + b, 0);
    let entropy = 0;
    for (const c of counts) if (c > 0) entropy -= (c / total) * Math.log(c / total);
    return { counts, usedCodes: counts.filter((c) => c > 0).length, perplexity: Math.exp(entropy) };
  };

  const decodeMean = (out: tf.Tensor2D) => (likelihood === 'bernoulli' ? tf.sigmoid(out) : out);

  const model: VqVae = {
    codebookSize,
    codeDim,
    codesPerInput: m,
    commitment,
    dataSize,
    encoderParams,
    decoderParams,
    codebook,
    encode(x) {
      checkX(x);
      return tf.tidy(() => {
        const { n, zE, idx, zQ } = quantise(x);
        return {
          indices: tf.reshape(idx, [n, m]) as tf.Tensor2D,
          zE: tf.reshape(zE, [n, m, codeDim]) as tf.Tensor3D,
          zQ: tf.reshape(zQ, [n, m, codeDim]) as tf.Tensor3D,
        };
      });
    },
    decode(indices) {
      if (disposed) throw new DlfError('INVALID_ARGUMENT', 'this VQ-VAE was disposed', { param: 'this' });
      if (!(indices instanceof tf.Tensor) || indices.rank !== 2 || indices.shape[1] !== m) {
        throw new DlfError(
          'INVALID_SHAPE',
          `indices must be a tf.Tensor of shape [n, ${m}], received ${indices instanceof tf.Tensor ? `[${indices.shape.join(', ')}]` : typeof indices}`,
          { param: 'indices' },
        );
      }
      const values = indices.dataSync();
      for (const v of values) {
        if (!Number.isInteger(v) || v < 0 || v >= codebookSize) {
          throw new DlfError(
            'INVALID_ARGUMENT',
            `indices must be integers in [0, ${codebookSize - 1}], found ${v}`,
            {
              param: 'indices',
            },
          );
        }
      }
      return tf.tidy(() => {
        const n = indices.shape[0] as number;
        const zQ = tf.gather(codebook, tf.cast(tf.reshape(indices, [n * m]), 'int32'));
        return decodeMean(decoder.apply(decoderParams, tf.reshape(zQ, [n, m * codeDim])) as tf.Tensor2D);
      });
    },
    reconstruct(x) {
      checkX(x);
      return tf.tidy(() => {
        const { n, zQ } = quantise(x);
        return decodeMean(decoder.apply(decoderParams, tf.reshape(zQ, [n, m * codeDim])) as tf.Tensor2D);
      });
    },
    loss(x) {
      checkX(x);
      return tf.tidy(() => termTensors(x).total);
    },
    lossTerms(x) {
      checkX(x);
      const t = tf.tidy(() => {
        const { recon, codebookTerm, commitmentTerm, total } = termTensors(x);
        return tf.stack([recon, codebookTerm, commitmentTerm, total]);
      });
      const [reconstruction, cb, cm, total] = Array.from(t.dataSync());
      t.dispose();
      return {
        reconstruction: reconstruction as number,
        codebook: cb as number,
        commitment: cm as number,
        total: total as number,
      };
    },
    codebookUsage(x) {
      checkX(x);
      const idx = tf.tidy(() => quantise(x).idx);
      const counts = new Array<number>(codebookSize).fill(0);
      for (const k of idx.dataSync()) counts[k] = (counts[k] as number) + 1;
      idx.dispose();
      return usageOf(counts);
    },
    async fit(x, opts = {}) {
      checkX(x);
      const { epochs = 10, batchSize = 64, learningRate = 1e-3, onProgress, signal } = opts;
      const { initCodebookFromData = true } = opts;
      assertInteger('epochs', epochs, { min: 1 });
      assertInteger('batchSize', batchSize, { min: 1 });
      assertPositive('learningRate', learningRate);
      const order = toRng(opts.seed);
      const n = x.shape[0] as number;
      if (initCodebookFromData && !fitted) {
        const picks = order.permutation(n).slice(0, Math.min(n, codebookSize));
        tf.tidy(() => {
          const sample = tf.gather(x, tf.tensor1d(picks, 'int32'));
          const vectors = tf.reshape(encoder.apply(encoderParams, sample), [picks.length * m, codeDim]);
          // K rows drawn from the n m vectors (repeating when there are fewer), jittered so none coincide.
          const rows = Array.from({ length: codebookSize }, (_, j) => j % (picks.length * m));
          const jitter = tf.tensor2d(order.normalArray(codebookSize * codeDim, 0, 1e-3), [
            codebookSize,
            codeDim,
          ]);
          codebook.assign(tf.add(tf.gather(vectors, tf.tensor1d(rows, 'int32')), jitter) as tf.Tensor2D);
        });
      }
      fitted = true;
      const optimizer = tf.train.adam(learningRate);
      const history: (VqVaeLossTerms & { perplexity: number })[] = [];
      let aborted = false;
      try {
        for (let epoch = 0; epoch < epochs && !aborted; epoch++) {
          const perm = order.permutation(n);
          const sums = [0, 0, 0, 0];
          const counts = new Array<number>(codebookSize).fill(0);
          let steps = 0;
          for (let start = 0; start < n; start += batchSize) {
            if (signal?.aborted) {
              aborted = true;
              break;
            }
            const idx = tf.tensor1d(perm.slice(start, start + batchSize), 'int32');
            const batch = tf.gather(x, idx);
            let stats: tf.Tensor | undefined;
            let codes: tf.Tensor | undefined;
            optimizer.minimize(
              () => {
                const t = termTensors(batch);
                stats = tf.keep(tf.stack([t.recon, t.codebookTerm, t.commitmentTerm, t.total]));
                return t.total;
              },
              false,
              [encoderParams, decoderParams, codebook],
            );
            codes = tf.tidy(() => quantise(batch).idx);
            const values = (await (stats as tf.Tensor).data()) as Float32Array;
            for (let i = 0; i < 4; i++) sums[i] = (sums[i] as number) + (values[i] as number);
            for (const k of await codes.data()) counts[k] = (counts[k] as number) + 1;
            tf.dispose([idx, batch, stats as tf.Tensor, codes]);
            steps++;
          }
          if (steps === 0 || aborted) break;
          const [r, cb, cm, tot] = sums.map((s) => s / steps) as [number, number, number, number];
          const entry = {
            reconstruction: r,
            codebook: cb,
            commitment: cm,
            total: tot,
            perplexity: usageOf(counts).perplexity,
          };
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
      tf.dispose([encoderParams, decoderParams, codebook]);
    },
  };
  return model;
}
