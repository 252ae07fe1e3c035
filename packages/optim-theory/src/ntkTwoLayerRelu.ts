import { assertOneOf, DlfError } from '@dlf/runtime';
import { dot, type MatrixLike, norm, row, toMat } from './linalg.js';

/** Options of {@link ntkTwoLayerRelu}. */
export interface NtkTwoLayerReluOptions {
  /**
   * Which parameters' gradients the kernel sums: 'both' (default), 'first' (the a_i: the
   * degree-0 arc-cosine kernel times x.x') or 'second' (the b_i: the degree-1 arc-cosine kernel,
   * i.e. the NNGP kernel of the hidden layer).
   */
  layers?: 'both' | 'first' | 'second';
}

/** (1 / 2 pi) J_0(theta) and (1 / 2 pi) J_1(theta) of Cho and Saul (2009) for the angle between x and x'. */
export function arcCosineTerms(
  x: ArrayLike<number>,
  xp: ArrayLike<number>,
): { k0: number; k1: number; dot: number } {
  const nx = norm(x);
  const nxp = norm(xp);
  const d = dot(x, xp);
  // relu(a.0) = 0 and 1[a.0 > 0] = 0: a zero input has a zero feature map.
  if (nx === 0 || nxp === 0) return { k0: 0, k1: 0, dot: d };
  const c = Math.max(-1, Math.min(1, d / (nx * nxp)));
  const theta = Math.acos(c);
  const k0 = (Math.PI - theta) / (2 * Math.PI);
  const k1 = (nx * nxp * (Math.sin(theta) + (Math.PI - theta) * c)) / (2 * Math.PI);
  return { k0, k1, dot: d };
}

/**
 * The analytic infinite-width neural tangent kernel of the two-layer ReLU network
 * f(x) = (1 / sqrt m) sum_i b_i relu(a_i.x) with a_i ~ N(0, I_d), b_i ~ N(0, 1) (Jacot, Gabriel and
 * Hongler 2018), as m -> infinity:
 * Theta(x, x') = ||x|| ||x'|| (sin t + (pi - t) cos t) / (2 pi)  +  x.x' (pi - t) / (2 pi),
 * where t is the angle between x and x'. The first term comes from the output weights b (arc-cosine
 * kernel of degree 1, Cho and Saul 2009), the second from the hidden weights a (degree 0 times x.x').
 *
 * @param X1 - n1 x d inputs; `X2` - n2 x d inputs (default: X1).
 * @param options - `layers`: 'both' (default), 'first' or 'second'.
 * @returns the n1 x n2 kernel matrix as nested arrays.
 * @example
 * ```ts
 * const K = ntkTwoLayerRelu([[1, 0], [0.6, 0.8]]); // 2 x 2, K[0][0] = 1/2 + 1/2 = 1 for a unit x
 * ```
 */
export function ntkTwoLayerRelu(
  X1: MatrixLike,
  X2?: MatrixLike,
  options: NtkTwoLayerReluOptions = {},
): number[][] {
  const { layers = 'both' } = options;
  assertOneOf('layers', layers, ['both', 'first', 'second']);
  const A = toMat('X1', X1);
  const B = X2 === undefined ? A : toMat('X2', X2);
  if (A.cols !== B.cols) {
    throw new DlfError('INVALID_SHAPE', `X2 must have ${A.cols} columns like X1, received ${B.cols}`, {
      param: 'X2',
    });
  }
  const out: number[][] = [];
  for (let i = 0; i < A.rows; i++) {
    const r: number[] = [];
    for (let j = 0; j < B.rows; j++) {
      const { k0, k1, dot: d } = arcCosineTerms(row(A, i), row(B, j));
      r.push(layers === 'first' ? k0 * d : layers === 'second' ? k1 : k1 + k0 * d);
    }
    out.push(r);
  }
  return out;
}
