import { assertInteger, DlfError, type SeedLike, toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { FlowLayer } from './FlowLayer.js';

/** Options of {@link invertibleLinear}. */
export interface InvertibleLinearOptions {
  /** Size C of the matrix (channels; the feature count for vectors). */
  channels: number;
  /** Spatial positions sharing the matrix (an invertible 1 x 1 convolution when > 1). Default: 1. */
  pixels?: number;
  /** Seed of the fixed random permutation P. Default: 0. */
  seed?: SeedLike;
}

/**
 * An invertible linear map per position, `y = x W` with `W = P L (U + diag(s))` (Glow's
 * invertible 1 x 1 convolution in the LU parameterisation, Kingma and Dhariwal 2018): P a fixed
 * permutation, L unit lower-triangular, U strictly upper-triangular, `s = sign * exp(logS)`;
 * `log|det| = pixels sum logS`. Starts at W = P (a random permutation).
 *
 * @example
 * ```ts
 * const layer = invertibleLinear({ channels: 4, pixels: 49, seed: 0 }); // 1x1 conv on 7x7x4 inputs
 * ```
 */
export function invertibleLinear(options: InvertibleLinearOptions): FlowLayer {
  const { channels: C, pixels = 1 } = options ?? ({} as InvertibleLinearOptions);
  assertInteger('channels', C, { min: 1 });
  assertInteger('pixels', pixels, { min: 1 });
  const perm = toRng(options.seed).permutation(C);
  const P = new Float32Array(C * C);
  perm.forEach((j, i) => {
    P[i * C + j] = 1;
  });
  const lowerMask = Float32Array.from({ length: C * C }, (_, k) => (Math.floor(k / C) > k % C ? 1 : 0));
  const upperMask = Float32Array.from({ length: C * C }, (_, k) => (Math.floor(k / C) < k % C ? 1 : 0));
  const consts = tf.tidy(() => ({
    P: tf.keep(tf.tensor2d(P, [C, C])),
    lower: tf.keep(tf.tensor2d(lowerMask, [C, C])),
    upper: tf.keep(tf.tensor2d(upperMask, [C, C])),
    eye: tf.keep(tf.eye(C)),
    sign: tf.keep(tf.ones([C])),
  }));
  const variable = (shape: number[]): tf.Variable => tf.tidy(() => tf.variable(tf.zeros(shape), true));
  const L = variable([C, C]);
  const U = variable([C, C]);
  const logS = variable([C]);
  const weight = (): tf.Tensor2D =>
    tf.tidy(() => {
      const l = tf.add(tf.mul(L, consts.lower), consts.eye);
      const u = tf.add(tf.mul(U, consts.upper), tf.mul(consts.eye, tf.mul(consts.sign, tf.exp(logS))));
      return tf.matMul(consts.P, tf.matMul(l, u)) as tf.Tensor2D;
    });
  let disposed = false;
  return {
    name: 'invertibleLinear',
    dim: C * pixels,
    variables: [L, U, logS],
    forward(x) {
      return tf.tidy(() => {
        const y = tf.reshape(tf.matMul(tf.reshape(x, [-1, C]), weight()), x.shape) as tf.Tensor2D;
        const logDet = tf.mul(tf.ones([x.shape[0]]), tf.mul(pixels, tf.sum(logS))) as tf.Tensor1D;
        return { y, logDet };
      });
    },
    inverse(y) {
      // W^-1 in float64 (tfjs has no matrix inverse; no gradient is needed going this way).
      const w = weight();
      const inv = invert(Float64Array.from(w.dataSync()), C);
      w.dispose();
      return tf.tidy(() => {
        const wi = tf.tensor2d(Float32Array.from(inv), [C, C]);
        return tf.reshape(tf.matMul(tf.reshape(y, [-1, C]), wi), y.shape) as tf.Tensor2D;
      });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      tf.dispose([L, U, logS, consts.P, consts.lower, consts.upper, consts.eye, consts.sign]);
    },
  };
}

/** Inverse of a C x C row-major matrix by Gauss-Jordan elimination with partial pivoting (float64). */
function invert(a: Float64Array, C: number): Float64Array {
  const m = Float64Array.from(a);
  const inv = new Float64Array(C * C);
  for (let i = 0; i < C; i++) inv[i * C + i] = 1;
  for (let col = 0; col < C; col++) {
    let piv = col;
    for (let r = col + 1; r < C; r++)
      if (Math.abs(m[r * C + col] as number) > Math.abs(m[piv * C + col] as number)) piv = r;
    const p = m[piv * C + col] as number;
    if (p === 0) throw new DlfError('NON_FINITE', 'invertibleLinear: the weight matrix is singular');
    for (let k = 0; k < C; k++) {
      [m[col * C + k], m[piv * C + k]] = [m[piv * C + k] as number, m[col * C + k] as number];
      [inv[col * C + k], inv[piv * C + k]] = [inv[piv * C + k] as number, inv[col * C + k] as number];
    }
    for (let k = 0; k < C; k++) {
      m[col * C + k] = (m[col * C + k] as number) / p;
      inv[col * C + k] = (inv[col * C + k] as number) / p;
    }
    for (let r = 0; r < C; r++) {
      if (r === col) continue;
      const f = m[r * C + col] as number;
      if (f === 0) continue;
      for (let k = 0; k < C; k++) {
        m[r * C + k] = (m[r * C + k] as number) - f * (m[col * C + k] as number);
        inv[r * C + k] = (inv[r * C + k] as number) - f * (inv[col * C + k] as number);
      }
    }
  }
  return inv;
}
