import { assertInteger, assertPositive, DlfError, type ParamModel, type SeedLike, toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { assertParamModel } from '../assertParamModel.js';
import { sinkhorn } from '../ot/sinkhorn.js';

/** Options of {@link entropicGan}. */
export interface EntropicGanOptions {
  /** G: a flat-parameter model from latent codes `[latentDim]` to data points `[d]`. */
  generator: ParamModel;
  /**
   * lambda, the entropic regularisation, in the units of the cost `||y - G(x)||^2`. It is also the
   * noise scale of the model the likelihoods refer to: `Y | X = x ~ N(G(x), (lambda / 2) I)`.
   * Default: 0.1.
   */
  lambda?: number;
  /** Seed of the generator's initialisation. Default: 0. */
  seed?: SeedLike;
}

/** Options of {@link EntropicGan.fit}. */
export interface EntropicGanFitOptions {
  /** Generator updates. Default: 500. */
  steps?: number;
  /** Data points and generated points per step (the two sides of each minibatch OT problem). Default: 128. */
  batchSize?: number;
  /** Adam step size. Default: 1e-3. */
  learningRate?: number;
  /** Most Sinkhorn iterations per step. Default: 200. */
  sinkhornIterations?: number;
  /** Seed of the minibatches and latent draws. Default: 0. */
  seed?: SeedLike;
  /** Called every `progressEvery` steps with the step's entropic OT objective and transport cost. */
  onProgress?: (progress: { step: number; objective: number; cost: number }) => void;
  /** How often `onProgress` is called. Default: 10. */
  progressEvery?: number;
  /** Stops training after the current step; `fit` then resolves with `aborted: true`. */
  signal?: AbortSignal;
}

/** Options of the likelihood estimates of {@link EntropicGan}. */
export interface EntropicLikelihoodOptions {
  /** N, latent draws x_i ~ N(0, I) (shared by every query point). Default: 1000. */
  samples?: number;
  /**
   * Data points that define the optimal coupling's potentials (Sinkhorn between them and the N
   * generated points). Default: up to 500 points of the data of the last `fit`.
   */
  reference?: tf.Tensor2D | readonly ArrayLike<number>[];
  /** Most Sinkhorn iterations for the reference coupling. Default: 1000. */
  sinkhornIterations?: number;
  /** Seed of the latent draws. Default: 0. */
  seed?: SeedLike;
}

/** A generator trained by the entropic GAN objective, made by {@link entropicGan}. Call `dispose()`. */
export interface EntropicGan {
  readonly lambda: number;
  readonly latentDim: number;
  readonly dataDim: number;
  /** The generator's flat parameters (trained in place). */
  readonly generatorParams: tf.Variable<tf.Rank.R1>;
  /** `n` generated points `G(x)`, `x ~ N(0, I)`, `[n, d]`. */
  sample(n: number, options?: { seed?: SeedLike }): tf.Tensor2D;
  /**
   * Trains G to minimise the entropic OT objective between data and generated minibatches,
   * `min_G min_P <P, M> - lambda H(P)` with `M_ij = ||y_i - G(x_j)||^2`: each step solves the inner
   * problem exactly by log-domain Sinkhorn (its potentials are the optimal discriminators D1, -D2 of
   * the dual) and takes an Adam step on `<P*, M(G)>` (the envelope theorem's gradient).
   */
  fit(
    data: tf.Tensor2D | readonly ArrayLike<number>[],
    options?: EntropicGanFitOptions,
  ): Promise<{ history: { step: number; objective: number; cost: number }[]; aborted: boolean }>;
  /**
   * The surrogate log-likelihood of Balaji et al. (2019) at each row of `y`:
   * `E_{P*(x|y)}[log f_X(x) - ||y - G(x)||^2 / lambda] + H(P*(x|y)) + log C`, with P*(x|y) the
   * conditional of the entropic GAN's optimal coupling and `C = (pi lambda)^(-d/2)`. It lower-bounds
   * the model's log-density (the gap is the KL from P*(x|y) to the model's posterior); estimated by
   * self-normalised importance sampling over N latent draws.
   */
  surrogateLogLikelihood(
    y: tf.Tensor2D | readonly ArrayLike<number>[],
    options?: EntropicLikelihoodOptions,
  ): number[];
  /**
   * The model's own log-density `log E_x[C exp(-||y - G(x)||^2 / lambda)]` at each row of `y`,
   * estimated with the same N latent draws (log-mean-exp); always at least the surrogate computed
   * from the same draws.
   */
  logLikelihood(
    y: tf.Tensor2D | readonly ArrayLike<number>[],
    options?: { samples?: number; seed?: SeedLike },
  ): number[];
  dispose(): void;
}

function checkGenerator(model: unknown): asserts model is ParamModel {
  assertParamModel('generator', model);
  const m = model;
  if (m.inputShape.length !== 1) {
    throw new DlfError(
      'INVALID_SHAPE',
      `generator must take flat latent vectors, it takes [${m.inputShape.join(', ')}]`,
      {
        param: 'generator',
      },
    );
  }
}

/** Rows of finite numbers, each of length `d`, from a tensor or arrays (float64 copy). */
function toRows(param: string, value: unknown, d: number): Float64Array[] {
  let rows: ArrayLike<number>[];
  if (value instanceof tf.Tensor) {
    if (value.rank !== 2 || value.shape[1] !== d) {
      throw new DlfError(
        'INVALID_SHAPE',
        `${param} must have shape [n, ${d}], received [${value.shape.join(', ')}]`,
        {
          param,
        },
      );
    }
    rows = value.arraySync() as number[][];
  } else if (Array.isArray(value)) {
    rows = value as ArrayLike<number>[];
  } else {
    throw new DlfError('INVALID_ARGUMENT', `${param} must be a tf.Tensor2D or an array of rows`, { param });
  }
  if (rows.length === 0)
    throw new DlfError('INVALID_SHAPE', `${param} must hold at least one row`, { param });
  return rows.map((row, i) => {
    if (row == null || row.length !== d) {
      throw new DlfError('INVALID_SHAPE', `${param}[${i}] must hold ${d} numbers`, { param });
    }
    const out = Float64Array.from(row);
    if (!out.every(Number.isFinite)) {
      throw new DlfError('NON_FINITE', `${param}[${i}] holds a non-finite value`, { param });
    }
    return out;
  });
}

const sqDist = (a: Float64Array, b: ArrayLike<number>): number => {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += ((a[k] as number) - (b[k] as number)) ** 2;
  return s;
};

/**
 * An entropic GAN (Balaji, Hassani, Chellappa and Feizi 2019): a generator trained to minimise the
 * entropy-regularised optimal-transport cost `min_P E_P[||Y - Yhat||^2] - lambda H(P)` between the
 * data and `Yhat = G(X)`, whose dual is the GAN game
 * `max_{D1, D2} E[D1(Y)] - E[D2(Yhat)] - lambda E exp((D1(Y) - D2(Yhat) - ||Y - Yhat||^2) / lambda)`.
 * Here the inner problem is solved exactly on each minibatch by log-domain Sinkhorn (the potentials
 * are D1 and -D2 at the sampled points), so there is no discriminator network to train. Under the
 * model `Y | X = x ~ N(G(x), (lambda/2) I)`, the objective is a variational lower bound on the data's
 * average log-likelihood, which yields per-sample likelihood estimates: `surrogateLogLikelihood`
 * and `logLikelihood`.
 *
 * @example
 * ```ts
 * const mixture = gaussianMixture2d({ modes: 4, std: 0.1 });
 * const model = entropicGan({ generator: mlp({ sizes: [2, 64, 64, 2], activation: 'relu' }), lambda: 0.1 });
 * await model.fit(mixture.sample(2000, 1), { steps: 300 });
 * const scores = model.surrogateLogLikelihood([[2, 0], [0, 0]]); // high on a mode, low between modes
 * model.dispose();
 * ```
 */
export function entropicGan(options: EntropicGanOptions): EntropicGan {
  if (options === null || typeof options !== 'object') {
    throw new DlfError('INVALID_ARGUMENT', 'entropicGan options must be an object', { param: 'options' });
  }
  const { generator, lambda = 0.1 } = options;
  checkGenerator(generator);
  assertPositive('lambda', lambda);
  const latentDim = generator.inputShape[0] as number;
  const d = generator.outputSize;
  const init = generator.init(toRng(options.seed).nextSeed());
  const generatorParams = tf.variable(init, true) as tf.Variable<tf.Rank.R1>;
  init.dispose();
  let disposed = false;
  let lastData: Float64Array[] | undefined;
  const logC = (-d / 2) * Math.log(Math.PI * lambda);

  const alive = () => {
    if (disposed) throw new DlfError('INVALID_ARGUMENT', 'this entropic GAN was disposed', { param: 'this' });
  };

  const generate = (n: number, rng: ReturnType<typeof toRng>): Float64Array[] => {
    const out = tf.tidy(() =>
      generator.apply(generatorParams, tf.tensor2d(rng.normalArray(n * latentDim), [n, latentDim])),
    );
    const flat = out.dataSync();
    out.dispose();
    return Array.from({ length: n }, (_, i) => Float64Array.from(flat.subarray(i * d, (i + 1) * d)));
  };

  /** Generated points and, for each query row, the log-weights of P*(x_i | y) (unnormalised) and costs. */
  const posterior = (y: Float64Array[], opts: EntropicLikelihoodOptions, withPotentials: boolean) => {
    const { samples = 1000, sinkhornIterations = 1000 } = opts;
    assertInteger('samples', samples, { min: 1 });
    assertInteger('sinkhornIterations', sinkhornIterations, { min: 1 });
    const gen = generate(samples, toRng(opts.seed));
    let g: number[] = new Array<number>(samples).fill(0);
    if (withPotentials) {
      const reference = opts.reference !== undefined ? toRows('reference', opts.reference, d) : lastData;
      if (!reference) {
        throw new DlfError(
          'INVALID_ARGUMENT',
          'pass reference data, or call fit first (its data is the default reference)',
          {
            param: 'reference',
          },
        );
      }
      const M = reference.map((r) => gen.map((q) => sqDist(r, q)));
      const a = new Array<number>(reference.length).fill(1 / reference.length);
      const b = new Array<number>(samples).fill(1 / samples);
      g = sinkhorn(a, b, M, { reg: lambda, maxIter: sinkhornIterations, tol: 1e-6, epsilonScaling: true }).g;
    }
    return y.map((row) => {
      const cost = gen.map((q) => sqDist(row, q));
      return { cost, logW: cost.map((c, i) => ((g[i] as number) - c) / lambda) };
    });
  };

  const model: EntropicGan = {
    lambda,
    latentDim,
    dataDim: d,
    generatorParams,
    sample(n, { seed } = {}) {
      alive();
      assertInteger('n', n, { min: 1 });
      const rng = toRng(seed);
      return tf.tidy(
        () =>
          generator.apply(
            generatorParams,
            tf.tensor2d(rng.normalArray(n * latentDim), [n, latentDim]),
          ) as tf.Tensor2D,
      );
    },
    async fit(data, opts = {}) {
      alive();
      const rows = toRows('data', data, d);
      const {
        steps = 500,
        batchSize = 128,
        learningRate = 1e-3,
        sinkhornIterations = 200,
        progressEvery = 10,
      } = opts;
      assertInteger('steps', steps, { min: 1 });
      assertInteger('batchSize', batchSize, { min: 1 });
      assertPositive('learningRate', learningRate);
      assertInteger('sinkhornIterations', sinkhornIterations, { min: 1 });
      assertInteger('progressEvery', progressEvery, { min: 1 });
      const rng = toRng(opts.seed);
      lastData = rng
        .permutation(rows.length)
        .slice(0, 500)
        .map((i) => rows[i] as Float64Array);
      const n = Math.min(batchSize, rows.length);
      const m = batchSize;
      const a = new Array<number>(n).fill(1 / n);
      const b = new Array<number>(m).fill(1 / m);
      const optimizer = tf.train.adam(learningRate);
      const history: { step: number; objective: number; cost: number }[] = [];
      let aborted = false;
      try {
        for (let step = 0; step < steps; step++) {
          if (opts.signal?.aborted) {
            aborted = true;
            break;
          }
          const pick = rng.permutation(rows.length).slice(0, n);
          const yFlat = new Float32Array(n * d);
          for (const [i, r] of pick.entries()) yFlat.set(rows[r] as Float64Array, i * d);
          const z = tf.tensor2d(rng.normalArray(m * latentDim), [m, latentDim]);
          const yhat = tf.tidy(() => generator.apply(generatorParams, z));
          const yh = yhat.dataSync();
          yhat.dispose();
          const M = Array.from({ length: n }, (_, i) =>
            Array.from({ length: m }, (_, j) => {
              let s = 0;
              for (let k = 0; k < d; k++)
                s += ((yFlat[i * d + k] as number) - (yh[j * d + k] as number)) ** 2;
              return s;
            }),
          );
          const ot = sinkhorn(a, b, M, { reg: lambda, maxIter: sinkhornIterations, tol: 1e-6 });
          const plan = tf.tensor2d(ot.plan.flat(), [n, m]);
          const y = tf.tensor2d(yFlat, [n, d]);
          optimizer.minimize(
            () => {
              const out = generator.apply(generatorParams, z);
              const cost = tf.add(
                tf.sub(tf.sum(tf.square(y), 1, true), tf.mul(2, tf.matMul(y, out, false, true))),
                tf.reshape(tf.sum(tf.square(out), 1), [1, m]),
              );
              return tf.sum(tf.mul(plan, cost)) as tf.Scalar;
            },
            false,
            [generatorParams],
          );
          tf.dispose([plan, y, z]);
          const entry = { step, objective: ot.objective, cost: ot.cost };
          history.push(entry);
          if ((step + 1) % progressEvery === 0 || step === steps - 1) {
            opts.onProgress?.(entry);
            await new Promise((resolve) => setTimeout(resolve, 0));
          }
        }
      } finally {
        optimizer.dispose();
      }
      return { history, aborted };
    },
    surrogateLogLikelihood(y, opts = {}) {
      alive();
      const rows = toRows('y', y, d);
      const N = opts.samples ?? 1000;
      return posterior(rows, opts, true).map(({ cost, logW }) => {
        const max = Math.max(...logW);
        const w = logW.map((v) => Math.exp(v - max));
        const total = w.reduce((s, v) => s + v, 0);
        let s = 0;
        for (let i = 0; i < N; i++) {
          const wi = (w[i] as number) / total;
          if (wi > 0) s += wi * (-(cost[i] as number) / lambda - Math.log(N * wi));
        }
        return s + logC;
      });
    },
    logLikelihood(y, opts = {}) {
      alive();
      const rows = toRows('y', y, d);
      return posterior(rows, opts, false).map(({ cost }) => {
        const a = cost.map((c) => -c / lambda);
        const max = Math.max(...a);
        const lme = max + Math.log(a.reduce((s, v) => s + Math.exp(v - max), 0) / a.length);
        return lme + logC;
      });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      generatorParams.dispose();
    },
  };
  return model;
}
