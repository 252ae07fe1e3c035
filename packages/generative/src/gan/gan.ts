import {
  assertInteger,
  assertNonNegative,
  assertOneOf,
  assertPositive,
  DlfError,
  ExtragradientOptimizer,
  type MinMaxMethod,
  OptimisticOptimizer,
  type ParamModel,
  type PreconditionerName,
  type Rng,
  type SeedLike,
  toRng,
} from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { assertParamModel } from '../assertParamModel.js';
import { gradientPenalty } from './gradientPenalty.js';

/** GAN objectives. */
export type GanLoss = 'minimax' | 'non-saturating' | 'wasserstein';

/** Options of {@link gan}. */
export interface GanOptions {
  /** G: a flat-parameter model from a latent vector `[latentDim]` to `prod(discriminator.inputShape)` outputs. */
  generator: ParamModel;
  /** D: a flat-parameter model from an example `[...inputShape]` to 1 output (a logit, or a critic score for 'wasserstein'). */
  discriminator: ParamModel;
  /**
   * - `'minimax'` (Goodfellow et al. 2014): D minimises `E softplus(-D(x)) + E softplus(D(G(z)))`, G
   *   minimises `-E softplus(D(G(z)))` (= E log(1 - sigmoid D(G(z)))), the zero-sum game.
   * - `'non-saturating'` (default): same D loss, G minimises `E softplus(-D(G(z)))` (= -E log sigmoid D(G(z))).
   * - `'wasserstein'` (Arjovsky et al. 2017): the critic minimises `E D(G(z)) - E D(x)`, G minimises `-E D(G(z))`;
   *   keep the critic Lipschitz with `gradientPenalty` or `weightClip`.
   */
  loss?: GanLoss;
  /** Weight lambda of the WGAN-GP penalty added to D's loss (Gulrajani et al. 2017; 10 there). Default: 0. */
  gradientPenalty?: number;
  /** Clip every critic parameter to [-c, c] after each critic step (the original WGAN; 0.01 there). Default: none. */
  weightClip?: number;
  /** Seed of the parameter initialisation (generator, then discriminator). Default: 0. */
  seed?: SeedLike;
}

/** Options of {@link Gan.fit}. */
export interface GanFitOptions {
  /** Generator updates. Default: 1000. */
  steps?: number;
  /** Real and generated examples per update. Default: 64. */
  batchSize?: number;
  /** `'gda'` (default), `'ogda'` (optimistic) or `'extragradient'` (simultaneous updates only). */
  method?: MinMaxMethod;
  /** `'alternating'` (default: nCritic D steps, then one G step) or `'simultaneous'`. */
  updates?: 'alternating' | 'simultaneous';
  /** Step size of G (and of D unless `discriminatorLearningRate` is set). Default: 1e-3. */
  learningRate?: number;
  /** Step size of D. Default: `learningRate`. */
  discriminatorLearningRate?: number;
  /** Step direction: `'adam'` (default; beta1 0.5, beta2 0.9) or `'none'` (plain gradient). */
  preconditioner?: PreconditionerName;
  /** D steps per G step with alternating updates. Default: 1 (5 is usual for WGANs). */
  nCritic?: number;
  /** Seed of the minibatches and latent draws. Default: 0. */
  seed?: SeedLike;
  /** Called every `progressEvery` generator steps. */
  onProgress?: (progress: { step: number; discriminatorLoss: number; generatorLoss: number }) => void;
  /** Default: 50. Also the spacing of `history`. */
  progressEvery?: number;
  /** Stops after the current step; `fit` then resolves with `aborted: true`. */
  signal?: AbortSignal;
}

/** What {@link Gan.fit} returns. */
export interface GanFitResult {
  /** Losses (of the last batch) every `progressEvery` generator steps. */
  history: { step: number; discriminatorLoss: number; generatorLoss: number }[];
  /** Generator steps done. */
  steps: number;
  aborted: boolean;
}

/** A GAN made by {@link gan}. It owns two `tf.Variable`s: call `dispose()`. */
export interface Gan {
  readonly loss: GanLoss;
  readonly latentDim: number;
  readonly generatorParams: tf.Variable<tf.Rank.R1>;
  readonly discriminatorParams: tf.Variable<tf.Rank.R1>;
  /** `n` generated examples `[n, ...inputShape]` from `z ~ N(0, I)`. */
  sample(n: number, options?: { seed?: SeedLike }): tf.Tensor;
  /** D's outputs `[n, 1]` (logits, or critic scores). */
  discriminate(x: tf.Tensor): tf.Tensor2D;
  /** D's loss on a real batch and a generated one (plus lambda GP), differentiable in `discriminatorParams`. */
  discriminatorLoss(real: tf.Tensor, fake: tf.Tensor, options?: { seed?: SeedLike }): tf.Scalar;
  /** G's loss for latent draws `z [n, latentDim]`, differentiable in `generatorParams`. */
  generatorLoss(z: tf.Tensor2D): tf.Scalar;
  /** Trains both players; see {@link GanFitOptions}. */
  fit(real: tf.Tensor, options?: GanFitOptions): Promise<GanFitResult>;
  dispose(): void;
}

/**
 * A generative adversarial network on two flat-parameter models, trained as a two-player game with
 * gradient descent-ascent, optimistic GDA or extragradient steps (the optimisers of
 * `minimax`), as the minimax, non-saturating or Wasserstein game, optionally with the WGAN-GP
 * gradient penalty (exact double backprop through the runtime's ops) or weight clipping.
 *
 * @returns a {@link Gan}; free it with `dispose()`.
 * @throws DlfError `INVALID_SHAPE` when the networks do not fit together.
 * @example
 * ```ts
 * const model = gan({ generator: mlp({ sizes: [2, 64, 64, 2] }), discriminator: mlp({ sizes: [2, 64, 64, 1] }) });
 * await model.fit(realPoints, { steps: 2000, method: 'ogda', seed: 0 });
 * const fake = model.sample(500, { seed: 1 });
 * ```
 */
export function gan(options: GanOptions): Gan {
  if (options === null || typeof options !== 'object') {
    throw new DlfError('INVALID_ARGUMENT', 'gan options must be an object', { param: 'options' });
  }
  const {
    generator,
    discriminator,
    loss = 'non-saturating',
    gradientPenalty: lambda = 0,
    weightClip,
  } = options;
  assertParamModel('generator', generator);
  assertParamModel('discriminator', discriminator);
  assertOneOf('loss', loss, ['minimax', 'non-saturating', 'wasserstein'] as const);
  assertNonNegative('gradientPenalty', lambda);
  if (weightClip !== undefined) assertPositive('weightClip', weightClip);
  if (generator.inputShape.length !== 1) {
    throw new DlfError(
      'INVALID_SHAPE',
      `generator must take latent vectors [latentDim], it takes [${generator.inputShape.join(', ')}]`,
      {
        param: 'generator',
      },
    );
  }
  const latentDim = generator.inputShape[0] as number;
  const dataShape = [...discriminator.inputShape];
  const dataSize = dataShape.reduce((a, b) => a * b, 1);
  if (generator.outputSize !== dataSize) {
    throw new DlfError(
      'INVALID_SHAPE',
      `generator must output prod(discriminator.inputShape) = ${dataSize} values, it outputs ${generator.outputSize}`,
      { param: 'generator' },
    );
  }
  if (discriminator.outputSize !== 1) {
    throw new DlfError(
      'INVALID_SHAPE',
      `discriminator must output 1 value, it outputs ${discriminator.outputSize}`,
      {
        param: 'discriminator',
      },
    );
  }
  const rngInit = toRng(options.seed);
  const g0 = generator.init(rngInit.nextSeed());
  const d0 = discriminator.init(rngInit.nextSeed());
  const generatorParams = tf.variable(g0, true) as tf.Variable<tf.Rank.R1>;
  const discriminatorParams = tf.variable(d0, true) as tf.Variable<tf.Rank.R1>;
  tf.dispose([g0, d0]);
  let disposed = false;
  const alive = (): void => {
    if (disposed) throw new DlfError('INVALID_ARGUMENT', 'this GAN was disposed', { param: 'this' });
  };

  const generate = (z: tf.Tensor2D): tf.Tensor =>
    tf.reshape(generator.apply(generatorParams, z), [z.shape[0] as number, ...dataShape]);
  const score = (x: tf.Tensor): tf.Tensor2D => discriminator.apply(discriminatorParams, x);
  const latent = (rng: Rng, n: number): tf.Tensor2D =>
    tf.tensor2d(rng.normalArray(n * latentDim), [n, latentDim]);

  const dLoss = (real: tf.Tensor, fake: tf.Tensor, gpSeed: number): tf.Scalar =>
    tf.tidy(() => {
      const sr = score(real);
      const sf = score(fake);
      let l: tf.Tensor =
        loss === 'wasserstein'
          ? tf.sub(tf.mean(sf), tf.mean(sr))
          : tf.add(tf.mean(tf.softplus(tf.neg(sr))), tf.mean(tf.softplus(sf)));
      if (lambda > 0) l = tf.add(l, tf.mul(lambda, gradientPenalty(score, real, fake, { seed: gpSeed })));
      return l as tf.Scalar;
    });
  const gLoss = (z: tf.Tensor2D): tf.Scalar =>
    tf.tidy(() => {
      const sf = score(generate(z));
      if (loss === 'wasserstein') return tf.neg(tf.mean(sf)) as tf.Scalar;
      if (loss === 'minimax') return tf.neg(tf.mean(tf.softplus(sf))) as tf.Scalar;
      return tf.mean(tf.softplus(tf.neg(sf))) as tf.Scalar;
    });

  const checkData = (param: string, x: unknown): tf.Tensor => {
    const ok =
      x instanceof tf.Tensor &&
      x.rank === dataShape.length + 1 &&
      (x.shape[0] ?? 0) >= 1 &&
      dataShape.every((d, i) => x.shape[i + 1] === d);
    if (!ok) {
      throw new DlfError(
        'INVALID_SHAPE',
        `${param} must have shape [n, ${dataShape.join(', ')}], received ${x instanceof tf.Tensor ? `[${x.shape.join(', ')}]` : typeof x}`,
        { param },
      );
    }
    return x as tf.Tensor;
  };

  const model: Gan = {
    loss,
    latentDim,
    generatorParams,
    discriminatorParams,
    sample(n, { seed } = {}) {
      alive();
      assertInteger('n', n, { min: 1 });
      const rng = toRng(seed);
      return tf.tidy(() => generate(latent(rng, n)));
    },
    discriminate(x) {
      alive();
      checkData('x', x);
      return tf.tidy(() => score(x));
    },
    discriminatorLoss(real, fake, { seed } = {}) {
      alive();
      checkData('real', real);
      checkData('fake', fake);
      if (real.shape[0] !== fake.shape[0] && lambda > 0) {
        throw new DlfError(
          'INVALID_SHAPE',
          'real and fake must have the same batch size for the gradient penalty',
          {
            param: 'fake',
          },
        );
      }
      return dLoss(real, fake, toRng(seed).nextSeed());
    },
    generatorLoss(z) {
      alive();
      if (!(z instanceof tf.Tensor) || z.rank !== 2 || z.shape[1] !== latentDim) {
        throw new DlfError('INVALID_SHAPE', `z must have shape [n, ${latentDim}]`, { param: 'z' });
      }
      return gLoss(z);
    },
    async fit(real, opts = {}) {
      alive();
      checkData('real', real);
      const {
        steps = 1000,
        batchSize = 64,
        method = 'gda',
        updates = 'alternating',
        learningRate = 1e-3,
        preconditioner = 'adam',
        nCritic = 1,
        progressEvery = 50,
        onProgress,
        signal,
      } = opts;
      const dLearningRate = opts.discriminatorLearningRate ?? learningRate;
      assertInteger('steps', steps, { min: 0 });
      assertInteger('batchSize', batchSize, { min: 1 });
      assertOneOf('method', method, ['gda', 'ogda', 'extragradient'] as const);
      assertOneOf('updates', updates, ['alternating', 'simultaneous'] as const);
      assertPositive('learningRate', learningRate);
      assertPositive('discriminatorLearningRate', dLearningRate);
      assertInteger('nCritic', nCritic, { min: 1 });
      assertInteger('progressEvery', progressEvery, { min: 1 });
      if (method === 'extragradient' && updates === 'alternating') {
        throw new DlfError(
          'UNSUPPORTED',
          "extragradient takes simultaneous updates: pass updates: 'simultaneous'",
          {
            param: 'updates',
          },
        );
      }
      if (updates === 'simultaneous' && nCritic !== 1) {
        throw new DlfError(
          'UNSUPPORTED',
          `nCritic applies to alternating updates only, received ${nCritic} with simultaneous`,
          {
            param: 'nCritic',
          },
        );
      }
      const rng = toRng(opts.seed);
      const n = real.shape[0] as number;
      // GDA is the extragradient optimiser's plain step (no extrapolation): same preconditioner for every method.
      const make = (lr: number): OptimisticOptimizer | ExtragradientOptimizer =>
        method === 'ogda'
          ? new OptimisticOptimizer({ learningRate: lr, preconditioner })
          : new ExtragradientOptimizer({ learningRate: lr, preconditioner });
      const optD = make(dLearningRate);
      const optG = make(learningRate);
      const history: GanFitResult['history'] = [];
      const batchOf = (): tf.Tensor => {
        const idx = tf.tensor1d(
          Array.from({ length: Math.min(batchSize, n) }, () => rng.int(0, n)),
          'int32',
        );
        const b = tf.gather(real, idx);
        idx.dispose();
        return b;
      };
      const clip = (): void => {
        if (weightClip === undefined) return;
        tf.tidy(() =>
          discriminatorParams.assign(tf.clipByValue(discriminatorParams, -weightClip, weightClip)),
        );
      };
      let lastD = Number.NaN;
      let lastG = Number.NaN;
      let done = 0;
      let aborted = false;
      try {
        for (let step = 1; step <= steps; step++) {
          if (signal?.aborted) {
            aborted = true;
            break;
          }
          if (updates === 'alternating') {
            for (let c = 0; c < nCritic; c++) {
              const xb = batchOf();
              const fake = tf.tidy(() => generate(latent(rng, xb.shape[0] as number)));
              const gpSeed = rng.nextSeed();
              const { value, grads } = optD.computeGradients(
                () => dLoss(xb, fake, gpSeed),
                [discriminatorParams],
              );
              optD.applyGradients(grads);
              clip();
              lastD = value.dataSync()[0] as number;
              tf.dispose([xb, fake, value, grads]);
            }
            const z = latent(rng, Math.min(batchSize, n));
            const { value, grads } = optG.computeGradients(() => gLoss(z), [generatorParams]);
            optG.applyGradients(grads);
            lastG = value.dataSync()[0] as number;
            tf.dispose([z, value, grads]);
          } else {
            const xb = batchOf();
            const z = latent(rng, xb.shape[0] as number);
            const gpSeed = rng.nextSeed();
            // Both players' gradients at the same point.
            const dObjective = (): tf.Scalar => tf.tidy(() => dLoss(xb, generate(z), gpSeed));
            const gObjective = (): tf.Scalar => gLoss(z);
            const gd = optD.computeGradients(dObjective, [discriminatorParams]);
            const gg = optG.computeGradients(gObjective, [generatorParams]);
            lastD = gd.value.dataSync()[0] as number;
            lastG = gg.value.dataSync()[0] as number;
            if (method === 'extragradient') {
              (optD as ExtragradientOptimizer).extrapolate(gd.grads);
              (optG as ExtragradientOptimizer).extrapolate(gg.grads);
              tf.dispose([gd.value, gd.grads, gg.value, gg.grads]);
              const gd2 = optD.computeGradients(dObjective, [discriminatorParams]);
              const gg2 = optG.computeGradients(gObjective, [generatorParams]);
              optD.applyGradients(gd2.grads);
              optG.applyGradients(gg2.grads);
              tf.dispose([gd2.value, gd2.grads, gg2.value, gg2.grads]);
            } else {
              optD.applyGradients(gd.grads);
              optG.applyGradients(gg.grads);
              tf.dispose([gd.value, gd.grads, gg.value, gg.grads]);
            }
            clip();
            tf.dispose([xb, z]);
          }
          done = step;
          if (step % progressEvery === 0 || step === steps) {
            const entry = { step, discriminatorLoss: lastD, generatorLoss: lastG };
            history.push(entry);
            onProgress?.(entry);
            await new Promise((resolve) => setTimeout(resolve, 0));
          }
        }
      } finally {
        optD.dispose();
        optG.dispose();
      }
      return { history, steps: done, aborted };
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      generatorParams.dispose();
      discriminatorParams.dispose();
    },
  };
  return model;
}
