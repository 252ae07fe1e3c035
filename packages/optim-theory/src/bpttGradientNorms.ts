import { assertInteger, DlfError } from '@dlf/runtime';
import {
  type Mat,
  type MatrixLike,
  matVec,
  singularValues,
  toMat,
  toVec,
  type VectorLike,
  zeros,
} from './linalg.js';

/** Options of {@link bpttGradientNorms}. */
export interface BpttGradientNormsOptions {
  /** Input weights U (d x k). Default: none (no input). */
  U?: MatrixLike;
  /** Inputs x_1..x_T as T rows of length k (requires U). Default: zeros. */
  inputs?: MatrixLike;
  /** Initial state h_0 (length d). Default: 0. */
  h0?: VectorLike;
}

/** What {@link bpttGradientNorms} returns. */
export interface BpttGradientNormsResult {
  /** norms[k] = ||d h_T / d h_{T-k}||_2 (spectral norm), k = 0..T. */
  norms: number[];
  /** bound[k] = sigma_max(W)^k, the upper bound that |tanh'| <= 1 gives. */
  bound: number[];
  /** sigma_max(W), the largest singular value of W. */
  sigmaMax: number;
  /** The hidden states h_0..h_T. */
  hidden: number[][];
}

/**
 * How gradients vanish or explode through time in the recurrence h_t = tanh(W h_{t-1} + U x_t)
 * (Bengio, Simard and Frasconi 1994; Pascanu, Mikolov and Bengio 2013): the spectral norms of the
 * Jacobians d h_T / d h_{T-k} = prod_j diag(1 - h_j^2) W for k = 0..T, which backpropagation through
 * time multiplies into every gradient. Since |tanh'| <= 1 they are at most sigma_max(W)^k, so they
 * vanish geometrically when sigma_max(W) < 1; with W = s Q (Q orthogonal) and states near 0 they
 * grow like s^k when s > 1. Exact products in float64.
 *
 * @param W - d x d recurrent weights; `T` - number of steps (>= 0).
 * @param options - `U`, `inputs` (T x k), `h0` (default 0).
 * @returns `{ norms, bound, sigmaMax, hidden }`.
 * @example
 * ```ts
 * const { norms } = bpttGradientNorms([[0.9, 0], [0, 0.9]], 20); // 0.9^k: vanishing
 * ```
 */
export function bpttGradientNorms(
  W: MatrixLike,
  T: number,
  options: BpttGradientNormsOptions = {},
): BpttGradientNormsResult {
  const Wm = toMat('W', W);
  if (Wm.rows !== Wm.cols) {
    throw new DlfError('INVALID_SHAPE', `W must be square (d x d), received ${Wm.rows} x ${Wm.cols}`, {
      param: 'W',
    });
  }
  assertInteger('T', T, { min: 0 });
  const d = Wm.rows;
  const h0 = options.h0 === undefined ? new Float64Array(d) : toVec('h0', options.h0, d);
  let drive: (t: number) => Float64Array = () => new Float64Array(d);
  if (options.inputs !== undefined || options.U !== undefined) {
    if (options.inputs === undefined || options.U === undefined) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        'U and inputs must be given together, received only one of them',
        {
          param: options.U === undefined ? 'U' : 'inputs',
        },
      );
    }
    const U = toMat('U', options.U);
    const X = toMat('inputs', options.inputs);
    if (U.rows !== d || X.cols !== U.cols || X.rows !== T) {
      throw new DlfError(
        'INVALID_SHAPE',
        `U must be ${d} x k and inputs ${T} x k, received U ${U.rows} x ${U.cols} and inputs ${X.rows} x ${X.cols}`,
        { param: 'inputs' },
      );
    }
    drive = (t) => matVec(U, X.data.subarray((t - 1) * X.cols, t * X.cols));
  }
  const hidden: Float64Array[] = [h0];
  for (let t = 1; t <= T; t++) {
    const pre = matVec(Wm, hidden[t - 1]!);
    const u = drive(t);
    hidden.push(pre.map((v, i) => Math.tanh(v + u[i]!)));
  }
  // M_k = d h_T / d h_{T-k} = M_{k-1} diag(1 - h_{T-k+1}^2) W.
  let M: Mat = zeros(d, d);
  for (let i = 0; i < d; i++) M.data[i * d + i] = 1;
  const norms = [1];
  for (let k = 1; k <= T; k++) {
    const h = hidden[T - k + 1]!;
    const next = zeros(d, d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        const mij = M.data[i * d + j]! * (1 - h[j]! * h[j]!);
        if (mij === 0) continue;
        for (let c = 0; c < d; c++) next.data[i * d + c]! += mij * Wm.data[j * d + c]!;
      }
    }
    M = next;
    norms.push(singularValues(M)[0]!);
  }
  const sigmaMax = singularValues(Wm)[0]!;
  return {
    norms,
    bound: norms.map((_, k) => sigmaMax ** k),
    sigmaMax,
    hidden: hidden.map((h) => Array.from(h)),
  };
}
