import { assertInteger, assertPositive, DlfError, type SeedLike, toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { FlowLayer } from './FlowLayer.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** Options of {@link Flow.fit}. */
export interface FlowFitOptions {
  /** Passes over the data. Default: 10. */
  epochs?: number;
  /** Default: 128. */
  batchSize?: number;
  /** Adam step size. Default: 1e-3. */
  learningRate?: number;
  /** Seed of the shuffling. Default: 0. */
  seed?: SeedLike;
  /** Called after every epoch with its mean negative log-likelihood (nats per example). */
  onProgress?: (progress: { epoch: number; nll: number }) => void;
  /** Stops after the current step; `fit` then resolves with `aborted: true`. */
  signal?: AbortSignal;
}

/** A normalizing flow made by {@link flow}: a composition of invertible layers on a standard normal base. */
export interface Flow {
  readonly dim: number;
  readonly layers: readonly FlowLayer[];
  /** Data to latent: `z = f_K(...f_1(x))` and the summed `log|det|` `[n]`. */
  forward(x: tf.Tensor2D): { z: tf.Tensor2D; logDet: tf.Tensor1D };
  /** Latent to data. */
  inverse(z: tf.Tensor2D): tf.Tensor2D;
  /** Exact `log p(x) = log N(f(x); 0, I) + log|det J_f(x)|`, nats, `[n]`. */
  logProb(x: tf.Tensor2D): tf.Tensor1D;
  /**
   * Bits per dimension of data in [0, 1] (dequantised, see `uniformDequantize`) modelled on
   * `bins` levels: `(-mean log p(x) + D log bins) / (D log 2)`, the discrete-data likelihood bound.
   */
  bitsPerDim(x: tf.Tensor2D, options?: { bins?: number }): number;
  /** `n` samples `f^-1(z)`, `z ~ N(0, I)`. */
  sample(n: number, options?: { seed?: SeedLike }): tf.Tensor2D;
  /** Data-dependent initialisation of the layers that have one (actnorm), in order. */
  initialize(x: tf.Tensor2D): void;
  /** Maximum likelihood with Adam (initialises on the first batch if not yet done). */
  fit(x: tf.Tensor2D, options?: FlowFitOptions): Promise<{ history: number[]; aborted: boolean }>;
  dispose(): void;
}

/**
 * A normalizing flow (Dinh et al. 2017; Kingma and Dhariwal 2018): layers composed in order, their
 * log-determinants summed, on a standard normal base, so `log p(x)` is exact (change of variables).
 *
 * @param layers - {@link FlowLayer}s of the same `dim` (affineCoupling, actNorm, invertibleLinear,
 *   permutation); the flow owns and disposes them.
 * @example
 * ```ts
 * const f = flow([actNorm({ channels: 2 }), affineCoupling({ mask: alternatingMask(2, 0) }), affineCoupling({ mask: alternatingMask(2, 1) })]);
 * await f.fit(points, { epochs: 50 });
 * const logp = f.logProb(points);
 * ```
 */
export function flow(layers: readonly FlowLayer[]): Flow {
  if (!Array.isArray(layers) || layers.length === 0) {
    throw new DlfError('INVALID_ARGUMENT', 'layers must be a non-empty array of flow layers', {
      param: 'layers',
    });
  }
  const dim = layers[0]!.dim;
  layers.forEach((l, i) => {
    if (l.dim !== dim) {
      throw new DlfError('INVALID_SHAPE', `layers[${i}] acts on dim ${l.dim}, the first layer on ${dim}`, {
        param: 'layers',
      });
    }
  });
  let initialized = !layers.some((l) => l.initialize);
  let disposed = false;
  const check = (param: string, x: unknown): void => {
    if (disposed) throw new DlfError('INVALID_ARGUMENT', 'this flow was disposed', { param: 'this' });
    if (!(x instanceof tf.Tensor) || x.rank !== 2 || x.shape[1] !== dim || x.shape[0] === 0) {
      throw new DlfError(
        'INVALID_SHAPE',
        `${param} must have shape [n, ${dim}], received ${x instanceof tf.Tensor ? `[${x.shape.join(', ')}]` : typeof x}`,
        { param },
      );
    }
  };
  const forwardRaw = (x: tf.Tensor2D): { z: tf.Tensor2D; logDet: tf.Tensor1D } => {
    let h = x;
    let logDet: tf.Tensor = tf.zeros([x.shape[0]]);
    for (const layer of layers) {
      const out = layer.forward(h);
      h = out.y;
      logDet = tf.add(logDet, out.logDet);
    }
    return { z: h, logDet: logDet as tf.Tensor1D };
  };
  const logProbRaw = (x: tf.Tensor2D): tf.Tensor1D => {
    const { z, logDet } = forwardRaw(x);
    const base = tf.mul(-0.5, tf.add(tf.sum(tf.square(z), 1), dim * LOG_2PI));
    return tf.add(base, logDet) as tf.Tensor1D;
  };
  const model: Flow = {
    dim,
    layers,
    forward(x) {
      check('x', x);
      return tf.tidy(() => forwardRaw(x));
    },
    inverse(z) {
      check('z', z);
      return tf.tidy(() => {
        let h = z;
        for (let i = layers.length - 1; i >= 0; i--) h = layers[i]!.inverse(h);
        return h;
      });
    },
    logProb(x) {
      check('x', x);
      return tf.tidy(() => logProbRaw(x));
    },
    bitsPerDim(x, { bins = 256 } = {}) {
      check('x', x);
      assertPositive('bins', bins);
      const lp = tf.tidy(() => tf.mean(logProbRaw(x)));
      const meanLogP = lp.dataSync()[0] as number;
      lp.dispose();
      return (-meanLogP + dim * Math.log(bins)) / (dim * Math.LN2);
    },
    sample(n, { seed } = {}) {
      assertInteger('n', n, { min: 1 });
      const z = tf.tensor2d(toRng(seed).normalArray(n * dim), [n, dim]);
      const x = model.inverse(z);
      z.dispose();
      return x;
    },
    initialize(x) {
      check('x', x);
      tf.tidy(() => {
        let h = x;
        for (const layer of layers) {
          layer.initialize?.(h);
          h = layer.forward(h).y;
        }
      });
      initialized = true;
    },
    async fit(x, opts = {}) {
      check('x', x);
      const { epochs = 10, batchSize = 128, learningRate = 1e-3, onProgress, signal } = opts;
      assertInteger('epochs', epochs, { min: 1 });
      assertInteger('batchSize', batchSize, { min: 1 });
      assertPositive('learningRate', learningRate);
      const rng = toRng(opts.seed);
      const n = x.shape[0] as number;
      const variables = layers.flatMap((l) => l.variables);
      const optimizer = tf.train.adam(learningRate);
      const history: number[] = [];
      let aborted = false;
      try {
        for (let epoch = 0; epoch < epochs && !aborted; epoch++) {
          const order = rng.permutation(n);
          let total = 0;
          let steps = 0;
          for (let start = 0; start < n; start += batchSize) {
            if (signal?.aborted) {
              aborted = true;
              break;
            }
            const idx = tf.tensor1d(order.slice(start, start + batchSize), 'int32');
            const batch = tf.gather(x, idx) as tf.Tensor2D;
            if (!initialized) model.initialize(batch);
            const cost = optimizer.minimize(
              () => tf.neg(tf.mean(logProbRaw(batch))) as tf.Scalar,
              true,
              variables,
            );
            total += (await (cost as tf.Scalar).data())[0] as number;
            tf.dispose([idx, batch, cost as tf.Scalar]);
            steps++;
          }
          if (aborted || steps === 0) break;
          history.push(total / steps);
          onProgress?.({ epoch, nll: total / steps });
        }
      } finally {
        optimizer.dispose();
      }
      return { history, aborted };
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const l of layers) l.dispose();
    },
  };
  return model;
}
