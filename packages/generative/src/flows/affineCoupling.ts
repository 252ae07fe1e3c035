import { type Activation, assertInteger, DlfError, mlp, ops, type SeedLike, toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { FlowLayer } from './FlowLayer.js';

/** Options of {@link affineCoupling}. */
export interface AffineCouplingOptions {
  /** The 0/1 mask (length = dim): 1 = passed through and conditioning (see `alternatingMask`, `checkerboardMask`, `channelMask`). */
  mask: ArrayLike<number>;
  /** Hidden widths of the conditioner network. Default: [64, 64]. */
  hidden?: readonly number[];
  /** Hidden activation of the conditioner. Default: 'relu'. */
  activation?: Activation;
  /** Seed of the conditioner's initialisation (its last layer starts at 0: the layer starts as the identity). Default: 0. */
  seed?: SeedLike;
}

/**
 * An affine coupling layer (RealNVP, Dinh, Sohl-Dickstein and Bengio 2017): with mask m,
 * `y = m x + (1 - m) (x exp(s(m x)) + t(m x))`, where `[s_raw, t] = net(m x)` and
 * `s = 2 tanh(s_raw / 2)` (a soft clamp to (-2, 2)); `log|det| = sum (1 - m) s`, the inverse is
 * `x = m y + (1 - m) (y - t(m y)) exp(-s(m y))`.
 *
 * @example
 * ```ts
 * const layer = affineCoupling({ mask: alternatingMask(2, 0), hidden: [64, 64], seed: 0 });
 * ```
 */
export function affineCoupling(options: AffineCouplingOptions): FlowLayer {
  const { hidden = [64, 64], activation = 'relu' } = options ?? ({} as AffineCouplingOptions);
  const maskValues = Float32Array.from(options?.mask ?? []);
  const dim = maskValues.length;
  assertInteger('mask.length', dim, { min: 2 });
  const ones = maskValues.reduce((a, b) => a + b, 0);
  if (!maskValues.every((v) => v === 0 || v === 1) || ones === 0 || ones === dim) {
    throw new DlfError('INVALID_ARGUMENT', 'mask must contain only 0 and 1, with at least one of each', {
      param: 'mask',
    });
  }
  const net = mlp({ sizes: [dim, ...hidden, 2 * dim], activation });
  const init = net.init(toRng(options.seed));
  const values = init.dataSync().slice() as Float32Array;
  init.dispose();
  const last = net.layers[net.layers.length - 1]!;
  values.fill(0, last.weightOffset, last.weightOffset + last.fanIn * last.fanOut);
  if (last.biasOffset >= 0) values.fill(0, last.biasOffset, last.biasOffset + last.fanOut);
  const params = tf.variable(tf.tensor1d(values), true);
  const mask = tf.keep(tf.tensor1d(maskValues));
  const inv = tf.keep(tf.sub(1, mask) as tf.Tensor1D);

  const st = (xm: tf.Tensor2D): { s: tf.Tensor2D; t: tf.Tensor2D } => {
    const out = net.apply(params as tf.Tensor1D, xm);
    const [raw, t] = tf.split(out, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    const s = tf.mul(tf.mul(2, ops.tanh(tf.div(raw, 2))), inv) as tf.Tensor2D;
    return { s, t: tf.mul(t, inv) as tf.Tensor2D };
  };
  let disposed = false;
  return {
    name: 'affineCoupling',
    dim,
    variables: [params],
    forward(x) {
      return tf.tidy(() => {
        const xm = tf.mul(x, mask) as tf.Tensor2D;
        const { s, t } = st(xm);
        const y = tf.add(xm, tf.mul(inv, tf.add(tf.mul(x, ops.exp(s)), t))) as tf.Tensor2D;
        return { y, logDet: tf.sum(s, 1) as tf.Tensor1D };
      });
    },
    inverse(y) {
      return tf.tidy(() => {
        const ym = tf.mul(y, mask) as tf.Tensor2D;
        const { s, t } = st(ym);
        return tf.add(ym, tf.mul(inv, tf.mul(tf.sub(y, t), ops.exp(tf.neg(s))))) as tf.Tensor2D;
      });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      tf.dispose([params, mask, inv]);
    },
  };
}
