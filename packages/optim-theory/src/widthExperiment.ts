import {
  type Activation,
  assertInteger,
  assertOneOf,
  createRng,
  DlfError,
  mlp,
  type SeedLike,
  throwIfAborted,
  toRng,
} from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { conditionNumber } from './conditionNumber.js';
import { empiricalNtk } from './empiricalNtk.js';
import { hessianSpectralNorm } from './hessianSpectralNorm.js';
import { type MatrixLike, toMat, toRows } from './linalg.js';
import { ntkTwoLayerRelu } from './ntkTwoLayerRelu.js';

/** Options of {@link widthExperiment}. */
export interface WidthExperimentOptions {
  /** Hidden widths m to try. */
  widths: readonly number[];
  /** Inputs (n x d). Default: n = 8 random unit vectors in d = 3 dimensions from `seed`. */
  X?: MatrixLike;
  /** Hidden activation. Default: 'tanh'. */
  activation?: Activation;
  /** Random initialisations per width (results are averaged). Default: 1. */
  trials?: number;
  /** Lanczos steps for the Hessian norm. Default: 40. */
  iterations?: number;
  /** Seed of the inputs and initialisations. Default: 0. */
  seed?: SeedLike;
  /** Called after each width. */
  onProgress?: (progress: { index: number; total: number; width: number }) => void;
  /** Aborts: throws `DlfError('ABORTED')`. */
  signal?: AbortSignal;
}

/** One entry per width of {@link widthExperiment} (means over the trials). */
export interface WidthExperimentResult {
  width: number[];
  /** lambda_min of the tangent kernel J J^T on X. */
  lambdaMin: number[];
  /** lambda_max of the tangent kernel. */
  lambdaMax: number[];
  /** Condition number lambda_max / lambda_min of the tangent kernel. */
  kappa: number[];
  /** ||Hess_w f(w; x_1)||_2, the spectral norm of the model output's Hessian at the first input. */
  hessianNorm: number[];
  /**
   * For activation 'relu': ||K_m - K_inf||_F / ||K_inf||_F against the analytic kernel
   * ({@link ntkTwoLayerRelu} of X / sqrt(d)); NaN otherwise.
   */
  ntkDistance: number[];
  /** The inputs used. */
  X: number[][];
}

/**
 * The width experiment of the over-parameterisation theory (Jacot et al. 2018; Du et al. 2019;
 * Liu, Zhu and Belkin 2020): for the two-layer network f(x) = (1/sqrt m) sum_i b_i s(a_i.x / sqrt d)
 * in NTK parameterisation (the runtime's `mlp` with `parameterization: 'ntk'`, no biases), measures
 * at initialisation, for each width m, the tangent kernel's lambda_min, lambda_max and condition
 * number (which converge as m grows) and the spectral norm of the output's Hessian (which shrinks
 * like 1 / sqrt m up to a sqrt(log m) factor, the largest of the m output weights: the transition to
 * linearity).
 *
 * @param options - `widths` (required), `X`, `activation` ('tanh'), `trials` (1), `iterations` (40),
 *   `seed` (0), `onProgress`, `signal`.
 * @returns `{ width, lambdaMin, lambdaMax, kappa, hessianNorm, ntkDistance, X }`.
 * @example
 * ```ts
 * const r = await widthExperiment({ widths: [64, 256, 1024], seed: 1 });
 * r.hessianNorm; // roughly halves each time the width quadruples
 * ```
 */
export async function widthExperiment(options: WidthExperimentOptions): Promise<WidthExperimentResult> {
  const {
    widths,
    activation = 'tanh',
    trials = 1,
    iterations = 40,
    seed,
    onProgress,
    signal,
  } = options ?? {};
  if (!Array.isArray(widths) || widths.length === 0) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `widths must be a non-empty array of integers, received ${String(widths)}`,
      {
        param: 'widths',
      },
    );
  }
  widths.forEach((m, i) => {
    assertInteger(`widths[${i}]`, m, { min: 1 });
  });
  assertOneOf('activation', activation, ['tanh', 'sigmoid', 'softplus', 'relu', 'elu', 'linear']);
  assertInteger('trials', trials, { min: 1 });
  const rng = toRng(seed);
  let X: number[][];
  if (options.X !== undefined) X = toRows(toMat('X', options.X));
  else {
    const r = createRng(rng.nextSeed());
    X = Array.from({ length: 8 }, () => {
      const v = Array.from({ length: 3 }, () => r.normal());
      const n = Math.hypot(...v);
      return v.map((e) => e / n);
    });
  }
  const d = X[0]!.length;
  const analytic =
    activation === 'relu' ? ntkTwoLayerRelu(X.map((x) => x.map((v) => v / Math.sqrt(d)))) : undefined;
  const out: WidthExperimentResult = {
    width: [],
    lambdaMin: [],
    lambdaMax: [],
    kappa: [],
    hessianNorm: [],
    ntkDistance: [],
    X,
  };
  const xt = tf.tensor2d(X);
  const x1 = tf.tensor2d([X[0]!]);
  try {
    for (const [index, m] of widths.entries()) {
      const net = mlp({ sizes: [d, m, 1], activation, parameterization: 'ntk', bias: false });
      const acc = { lambdaMin: 0, lambdaMax: 0, kappa: 0, hessianNorm: 0, ntkDistance: 0 };
      for (let k = 0; k < trials; k++) {
        throwIfAborted(signal, 'widthExperiment');
        const w = net.init(rng.nextSeed());
        try {
          const K = empiricalNtk(net, w, xt);
          const c = conditionNumber(K);
          acc.lambdaMin += c.lambdaMin / trials;
          acc.lambdaMax += c.lambdaMax / trials;
          acc.kappa += c.kappa / trials;
          const h = await hessianSpectralNorm((v) => tf.sum(net.apply(v, x1)), w, {
            iterations,
            seed: rng.nextSeed(),
            signal,
          });
          acc.hessianNorm += h.spectralNorm / trials;
          if (analytic) {
            let num = 0;
            let den = 0;
            K.forEach((r, i) => {
              r.forEach((v, j) => {
                num += (v - analytic[i]![j]!) ** 2;
                den += analytic[i]![j]! ** 2;
              });
            });
            acc.ntkDistance += Math.sqrt(num / den) / trials;
          }
        } finally {
          w.dispose();
        }
      }
      out.width.push(m);
      out.lambdaMin.push(acc.lambdaMin);
      out.lambdaMax.push(acc.lambdaMax);
      out.kappa.push(acc.kappa);
      out.hessianNorm.push(acc.hessianNorm);
      out.ntkDistance.push(analytic ? acc.ntkDistance : Number.NaN);
      onProgress?.({ index, total: widths.length, width: m });
    }
  } finally {
    xt.dispose();
    x1.dispose();
  }
  return out;
}
