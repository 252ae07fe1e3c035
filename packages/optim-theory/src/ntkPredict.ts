import { assertNonNegative, DlfError } from '@dlf/runtime';
import { type MatrixLike, symmetricEigen, toMat, toVec, type VectorLike } from './linalg.js';

/** Options of {@link ntkPredict}. */
export interface NtkPredictOptions {
  /** Outputs u_0 on the training inputs at t = 0. Default: 0 (e.g. an antisymmetric initialisation). */
  u0?: VectorLike;
  /** Outputs on the test inputs at t = 0. Default: 0. */
  testU0?: VectorLike;
}

/** What {@link ntkPredict} returns: one row per requested time. */
export interface NtkPredictResult {
  t: number[];
  /** u(t) on the training inputs. */
  train: number[][];
  /** u(t) on the test inputs (empty rows without `kTestTrain`). */
  test: number[][];
}

/**
 * Predictions of the linearised network under gradient flow on L = (1/2) sum_i (u_i - y_i)^2 with a
 * fixed tangent kernel K (Jacot, Gabriel and Hongler 2018; Lee et al. 2019):
 * u(t) = y + e^{-K t} (u_0 - y) on the training inputs and
 * u_test(t) = u_test(0) + K_test,train K^{-1} (I - e^{-K t}) (y - u_0) on test inputs, evaluated through
 * the eigen-decomposition of K ((1 - e^{-lambda t}) / lambda -> t when lambda -> 0, so a singular K is
 * fine). Gradient descent with step eta for T steps corresponds to t = eta T; for a mean loss
 * (1/2n) sum use K / n.
 *
 * @param kTrain - n x n kernel on the training inputs; `kTestTrain` - n_test x n kernel (or undefined).
 * @param y - n training targets; `t` - a time or a list of times (>= 0).
 * @param options - `u0`, `testU0` (default 0).
 * @returns `{ t, train, test }`.
 * @example
 * ```ts
 * const K = ntkTwoLayerRelu(Xtrain);
 * const { test } = ntkPredict(K, ntkTwoLayerRelu(Xtest, Xtrain), y, [1, 10, 100]);
 * ```
 */
export function ntkPredict(
  kTrain: MatrixLike,
  kTestTrain: MatrixLike | undefined,
  y: VectorLike,
  t: number | readonly number[],
  options: NtkPredictOptions = {},
): NtkPredictResult {
  const K = toMat('kTrain', kTrain);
  if (K.rows !== K.cols) {
    throw new DlfError('INVALID_SHAPE', `kTrain must be square, received ${K.rows} x ${K.cols}`, {
      param: 'kTrain',
    });
  }
  const n = K.rows;
  const yv = toVec('y', y, n);
  const Kt = kTestTrain === undefined ? undefined : toMat('kTestTrain', kTestTrain);
  if (Kt && Kt.cols !== n) {
    throw new DlfError('INVALID_SHAPE', `kTestTrain must have ${n} columns, received ${Kt.cols}`, {
      param: 'kTestTrain',
    });
  }
  const u0 = options.u0 === undefined ? new Float64Array(n) : toVec('u0', options.u0, n);
  const nTest = Kt ? Kt.rows : 0;
  const testU0 =
    options.testU0 === undefined ? new Float64Array(nTest) : toVec('testU0', options.testU0, nTest);
  const times = typeof t === 'number' ? [t] : [...t];
  times.forEach((s, i) => {
    assertNonNegative(typeof t === 'number' ? 't' : `t[${i}]`, s);
  });
  const { values, vectors: V } = symmetricEigen(K);
  // Residual r = u0 - y in the eigenbasis: c = V^T r.
  const c = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += V.data[i * n + k]! * (u0[i]! - yv[i]!);
    c[k] = s;
  }
  const result: NtkPredictResult = { t: times, train: [], test: [] };
  for (const s of times) {
    const decay = Array.from(values, (l) => Math.exp(-Math.max(l, 0) * s));
    const integ = Array.from(values, (l) =>
      l > 1e-12 * Math.max(values[n - 1]!, 1e-300) ? (1 - Math.exp(-l * s)) / l : s,
    );
    const train = Array.from({ length: n }, (_, i) => {
      let v = yv[i]!;
      for (let k = 0; k < n; k++) v += V.data[i * n + k]! * decay[k]! * c[k]!;
      return v;
    });
    // z = K^{-1} (I - e^{-Kt}) (y - u0) = V diag(integ) V^T (y - u0) = -V diag(integ) c.
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let k = 0; k < n; k++) v -= V.data[i * n + k]! * integ[k]! * c[k]!;
      z[i] = v;
    }
    const test = Array.from({ length: nTest }, (_, a) => {
      let v = testU0[a]!;
      for (let i = 0; i < n; i++) v += Kt!.data[a * n + i]! * z[i]!;
      return v;
    });
    result.train.push(train);
    result.test.push(test);
  }
  return result;
}
