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
import { type MatrixLike, toMat, toRows, toVec, type VectorLike } from './linalg.js';
import { gd } from './optimizers/gd.js';

/** Options of {@link lazyTraining}. */
export interface LazyTrainingOptions {
  /** Hidden widths m. */
  widths: readonly number[];
  /** Training inputs (n x d). Default: 8 random unit vectors in 3 dimensions. */
  X?: MatrixLike;
  /** Targets (n). Default: random signs. */
  y?: VectorLike;
  /** Hidden activation. Default: 'relu'. */
  activation?: Activation;
  /** GD steps on L = (1/2) sum (f(x_i) - y_i)^2 with eta = 1 / lambda_max(K_0). Default: 100. */
  steps?: number;
  /** Seed of the data and initialisations. Default: 0. */
  seed?: SeedLike;
  /** Called after each width. */
  onProgress?: (progress: { index: number; total: number; width: number }) => void;
  /** Aborts: throws `DlfError('ABORTED')`. */
  signal?: AbortSignal;
}

/** One entry per width of {@link lazyTraining}. */
export interface LazyTrainingResult {
  width: number[];
  /** ||w_T - w_0|| / ||w_0||. */
  relativeWeightChange: number[];
  /** ||w_T - w_0|| (which stays O(1) as m grows). */
  weightChange: number[];
  /** ||K_T - K_0||_F / ||K_0||_F for the tangent kernel on X. */
  relativeKernelChange: number[];
  /** Training loss at the end. */
  finalLoss: number[];
  /** Training loss at the start. */
  initialLoss: number[];
}

/**
 * Lazy training (Chizat, Oyallon and Bach 2019; Jacot et al. 2018; Du et al. 2019): trains the
 * two-layer network f(x) = (1/sqrt m) sum_i b_i s(a_i.x / sqrt d) (runtime `mlp`, NTK
 * parameterisation, no biases) by gradient descent for a fixed number of steps at each width and
 * reports how far the weights and the tangent kernel moved. Both relative changes shrink like
 * 1 / sqrt(m) while the loss still goes to zero: wide networks fit the data by moving each weight
 * very little, so they behave like their linearisation.
 *
 * @param options - `widths` (required), `X`, `y`, `activation` ('relu'), `steps` (100), `seed`, `onProgress`, `signal`.
 * @returns `{ width, relativeWeightChange, weightChange, relativeKernelChange, initialLoss, finalLoss }`.
 * @example
 * ```ts
 * const r = await lazyTraining({ widths: [64, 256, 1024], seed: 1 });
 * r.relativeKernelChange; // roughly halves each time m quadruples
 * ```
 */
export async function lazyTraining(options: LazyTrainingOptions): Promise<LazyTrainingResult> {
  const { widths, activation = 'relu', steps = 100, seed, onProgress, signal } = options ?? {};
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
  assertInteger('steps', steps, { min: 1 });
  const rng = toRng(seed);
  const dataRng = createRng(rng.nextSeed());
  const X =
    options.X !== undefined
      ? toRows(toMat('X', options.X))
      : Array.from({ length: 8 }, () => {
          const v = Array.from({ length: 3 }, () => dataRng.normal());
          const n = Math.hypot(...v);
          return v.map((e) => e / n);
        });
  const n = X.length;
  const y =
    options.y !== undefined
      ? Array.from(toVec('y', options.y, n))
      : X.map(() => (dataRng.random() < 0.5 ? -1 : 1));
  const d = X[0]!.length;
  const out: LazyTrainingResult = {
    width: [],
    relativeWeightChange: [],
    weightChange: [],
    relativeKernelChange: [],
    finalLoss: [],
    initialLoss: [],
  };
  const xt = tf.tensor2d(X);
  const yt = tf.tensor2d(y, [n, 1]);
  try {
    for (const [index, m] of widths.entries()) {
      throwIfAborted(signal, 'lazyTraining');
      const net = mlp({ sizes: [d, m, 1], activation, parameterization: 'ntk', bias: false });
      const w0t = net.init(rng.nextSeed());
      const w0 = Array.from(w0t.dataSync());
      w0t.dispose();
      const K0 = empiricalNtk(net, w0, X);
      const eta = 1 / conditionNumber(K0).lambdaMax;
      const loss = (w: tf.Tensor1D) =>
        tf.tidy(() => tf.mul(0.5, tf.sum(tf.square(tf.sub(net.apply(w, xt), yt)))) as tf.Scalar);
      const run = await gd(loss, w0, { learningRate: eta, steps, signal });
      const KT = empiricalNtk(net, run.w, X);
      let dw = 0;
      let w0n = 0;
      run.w.forEach((v, i) => {
        dw += (v - w0[i]!) ** 2;
        w0n += w0[i]! ** 2;
      });
      let dk = 0;
      let k0n = 0;
      K0.forEach((r, i) => {
        r.forEach((v, j) => {
          dk += (KT[i]![j]! - v) ** 2;
          k0n += v * v;
        });
      });
      out.width.push(m);
      out.weightChange.push(Math.sqrt(dw));
      out.relativeWeightChange.push(Math.sqrt(dw / w0n));
      out.relativeKernelChange.push(Math.sqrt(dk / k0n));
      out.initialLoss.push(run.losses[0]!);
      out.finalLoss.push(run.losses.at(-1)!);
      onProgress?.({ index, total: widths.length, width: m });
    }
  } finally {
    xt.dispose();
    yt.dispose();
  }
  return out;
}
