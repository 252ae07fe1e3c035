import * as tf from '@tensorflow/tfjs';
import { type SeedLike, toRng } from './createRng.js';
import { DlfError } from './DlfError.js';
import { assertFunction, type ScalarFn } from './grad.js';
import { hvp } from './hvp.js';
import { assertParamVector } from './ParamModel.js';
import { assertInteger, assertOneOf, assertPositive, throwIfAborted } from './validate.js';

export interface TopHessianEigenvaluesOptions {
  /** How many eigenpairs. Default: 1. */
  k?: number;
  /**
   * Which end of the spectrum:
   * - `'largest'` (default): the k algebraically largest, sorted descending (`values[0]` is
   *   lambda_max, the sharpness).
   * - `'smallest'`: the k algebraically smallest, sorted ascending (negative ones reveal saddles).
   * - `'magnitude'`: the k of largest |lambda|, sorted by descending |lambda|.
   */
  which?: 'largest' | 'smallest' | 'magnitude';
  /** Maximum Lanczos steps (Hessian-vector products). Default: 100 (capped at m). */
  iterations?: number;
  /**
   * Converged when every wanted Ritz pair has residual `||H y - theta y|| <= tolerance * |theta_max|`,
   * with theta_max the Ritz value of largest magnitude. Default: 1e-5 (Hessian-vector products are
   * float32).
   */
  tolerance?: number;
  /** Seed of the random start vector. Default: 0. */
  seed?: SeedLike;
  /** Stops with `DlfError('ABORTED')` between iterations. */
  signal?: AbortSignal;
}

export interface TopHessianEigenvaluesResult {
  /** The eigenvalues, ordered as `which` says. */
  values: number[];
  /** The unit eigenvectors as rows `[k, m]`, in the order of `values`; each with its largest-|.| entry positive. */
  vectors: tf.Tensor2D;
  /** Lanczos steps taken (= Hessian-vector products computed). */
  iterations: number;
  /** Whether the tolerance was met (always true once the Krylov space is all of R^m). */
  converged: boolean;
}

/**
 * Extreme eigenvalues and eigenvectors of the Hessian of `loss` at `w`, without forming it: the
 * Lanczos algorithm on exact Hessian-vector products (`hvp`), with full reorthogonalisation in
 * float64 (so no spurious copies), restarted with a fresh orthogonal vector if the Krylov space
 * becomes invariant before k pairs are found (repeated eigenvalues). The Ritz values of the
 * tridiagonal matrix are computed with the implicit QL algorithm.
 *
 * Cost: one Hessian-vector product per iteration, plus `O(iterations * m)` memory in float64.
 *
 * @example
 * ```ts
 * const { values } = await topHessianEigenvalues((w) => lossAt(w), w, { k: 3, seed: 1 });
 * ```
 */
export async function topHessianEigenvalues(
  loss: ScalarFn,
  w: tf.Tensor1D,
  options: TopHessianEigenvaluesOptions = {},
): Promise<TopHessianEigenvaluesResult> {
  const { k = 1, iterations = 100, tolerance = 1e-5, seed, signal, which = 'largest' } = options;
  assertFunction('loss', loss);
  assertParamVector('w', w);
  const m = w.shape[0];
  assertInteger('k', k, { min: 1, max: Math.max(1, m) });
  assertInteger('iterations', iterations, { min: k });
  assertPositive('tolerance', tolerance);
  assertOneOf('which', which, ['largest', 'smallest', 'magnitude'] as const);
  if (m === 0) {
    throw new DlfError('INVALID_SHAPE', 'w must have at least one entry', { param: 'w' });
  }
  const rng = toRng(seed);
  const maxSteps = Math.min(iterations, m);

  const basis: Float64Array[] = [];
  const alphas: number[] = [];
  const betas: number[] = []; // betas[j] couples basis j and j + 1 (0 after a restart)

  /** A random unit vector orthogonal to the basis, or undefined if none is numerically left. */
  const freshVector = (): Float64Array | undefined => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const q = new Float64Array(m);
      for (let i = 0; i < m; i++) q[i] = rng.normal();
      orthogonalize(q, basis);
      orthogonalize(q, basis);
      const length = norm(q);
      if (length > 1e-8 * Math.sqrt(m)) {
        scale(q, 1 / length);
        return q;
      }
    }
    return undefined;
  };

  let q = freshVector() as Float64Array;
  let steps = 0;
  let residualsOk = false;
  let ritz: { values: Float64Array; vectors: Float64Array[] } = { values: new Float64Array(0), vectors: [] };
  let wanted: number[] = [];

  while (steps < maxSteps) {
    throwIfAborted(signal, 'topHessianEigenvalues');
    basis.push(q);
    const z = await hessianTimes(loss, w, q);
    steps++;
    const j = basis.length - 1;
    const alpha = dot(q, z);
    alphas.push(alpha);
    axpy(z, -alpha, q);
    const prevBeta = j > 0 ? (betas[j - 1] as number) : 0;
    if (prevBeta !== 0) axpy(z, -prevBeta, basis[j - 1] as Float64Array);
    // Full reorthogonalisation, twice ("twice is enough", Parlett).
    orthogonalize(z, basis);
    orthogonalize(z, basis);
    const beta = norm(z);

    ritz = tridiagonalEigen(alphas, betas);
    wanted = pickWanted(ritz.values, k, which);
    const scaleH = Math.max(maxAbs(ritz.values), Number.MIN_VALUE);
    residualsOk =
      wanted.length >= k &&
      wanted.every(
        (i) => Math.abs(beta * ((ritz.vectors[i] as Float64Array)[j] as number)) <= tolerance * scaleH,
      );
    if (basis.length === m) {
      // The Krylov space is all of R^m: the Ritz pairs are the eigenpairs.
      residualsOk = true;
      break;
    }
    // beta at float32-noise level: the Krylov space is (numerically) invariant. Every Ritz pair is
    // then exact, but a repeated eigenvalue shows only once in it, so restart with a fresh vector
    // orthogonal to it rather than stopping.
    const breakdown = beta <= Math.min(tolerance, 1e-5) * scaleH;
    if (residualsOk && !breakdown) break;
    if (breakdown) {
      betas.push(0);
      const fresh = freshVector();
      if (!fresh) break;
      q = fresh;
    } else {
      betas.push(beta);
      scale(z, 1 / beta);
      q = z;
    }
  }
  const converged = residualsOk;

  const chosen = wanted.slice(0, k);
  const values = chosen.map((i) => ritz.values[i] as number);
  const vecData = new Float32Array(chosen.length * m);
  chosen.forEach((i, row) => {
    const s = ritz.vectors[i] as Float64Array;
    const y = new Float64Array(m);
    for (let b = 0; b < basis.length; b++) axpy(y, s[b] as number, basis[b] as Float64Array);
    const length = norm(y) || 1;
    let big = 0;
    for (let t = 1; t < m; t++) if (Math.abs(y[t] as number) > Math.abs(y[big] as number)) big = t;
    const sign = (y[big] as number) < 0 ? -1 : 1;
    for (let t = 0; t < m; t++) vecData[row * m + t] = (sign * (y[t] as number)) / length;
  });
  return {
    values,
    vectors: tf.tensor2d(vecData, [chosen.length, m]),
    iterations: steps,
    converged,
  };
}

async function hessianTimes(loss: ScalarFn, w: tf.Tensor1D, q: Float64Array): Promise<Float64Array> {
  const v = tf.tensor1d(Float32Array.from(q));
  try {
    const hv = hvp(loss, w, v);
    try {
      const data = await hv.data();
      const out = Float64Array.from(data as Float32Array);
      for (let i = 0; i < out.length; i++) {
        if (!Number.isFinite(out[i] as number)) {
          throw new DlfError(
            'NON_FINITE',
            `the Hessian-vector product has a non-finite entry (${out[i]}) at index ${i}`,
            {
              param: 'loss',
            },
          );
        }
      }
      return out;
    } finally {
      hv.dispose();
    }
  } finally {
    v.dispose();
  }
}

/** Indices of the Ritz values ordered by `which` (all of them; the caller takes the first k). */
function pickWanted(values: Float64Array, k: number, which: 'largest' | 'smallest' | 'magnitude'): number[] {
  const idx = Array.from(values, (_, i) => i);
  if (which === 'largest') idx.sort((a, b) => (values[b] as number) - (values[a] as number));
  else if (which === 'smallest') idx.sort((a, b) => (values[a] as number) - (values[b] as number));
  else idx.sort((a, b) => Math.abs(values[b] as number) - Math.abs(values[a] as number));
  return idx.slice(0, k);
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** y += a x */
function axpy(y: Float64Array, a: number, x: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] = (y[i] as number) + a * (x[i] as number);
}

function scale(x: Float64Array, a: number): void {
  for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) * a;
}

/** Gram-Schmidt step against orthonormal `basis`. */
function orthogonalize(z: Float64Array, basis: readonly Float64Array[]): void {
  for (const b of basis) axpy(z, -dot(b, z), b);
}

function maxAbs(x: ArrayLike<number>): number {
  let out = 0;
  for (let i = 0; i < x.length; i++) out = Math.max(out, Math.abs(x[i] as number));
  return out;
}

/** Euclidean norm, scaled to avoid overflow. */
function norm(x: Float64Array): number {
  const big = maxAbs(x);
  if (big === 0 || !Number.isFinite(big)) return big;
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const t = (x[i] as number) / big;
    s += t * t;
  }
  return big * Math.sqrt(s);
}

/**
 * @internal Eigen-decomposition of the symmetric tridiagonal matrix with diagonal `diag` and
 * off-diagonal `off` (length n - 1), by the implicit QL algorithm with Wilkinson-style shifts
 * (EISPACK tql2, as in JAMA). Returns eigenvalues ascending and `vectors[i]` the unit eigenvector
 * of `values[i]` (its entries in the tridiagonal basis).
 */
export function tridiagonalEigen(
  diag: readonly number[],
  off: readonly number[],
): { values: Float64Array; vectors: Float64Array[] } {
  const n = diag.length;
  const d = Float64Array.from(diag);
  const e = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) e[i] = off[i] as number;
  // V[row][col], columns are eigenvectors.
  const V: Float64Array[] = Array.from({ length: n }, (_, i) => {
    const r = new Float64Array(n);
    r[i] = 1;
    return r;
  });
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l] as number) + Math.abs(e[l] as number));
    let mIdx = l;
    while (mIdx < n) {
      if (Math.abs(e[mIdx] as number) <= eps * tst1) break;
      mIdx++;
    }
    if (mIdx > l) {
      let iter = 0;
      do {
        iter++;
        if (iter > 100) {
          throw new DlfError('NOT_CONVERGED', 'tridiagonal eigen-solver did not converge in 100 sweeps');
        }
        let g = d[l] as number;
        let p = ((d[l + 1] as number) - g) / (2 * (e[l] as number));
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = (e[l] as number) / (p + r);
        d[l + 1] = (e[l] as number) * (p + r);
        const dl1 = d[l + 1] as number;
        let h = g - (d[l] as number);
        for (let i = l + 2; i < n; i++) d[i] = (d[i] as number) - h;
        f += h;
        p = d[mIdx] as number;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1] as number;
        let s = 0;
        let s2 = 0;
        for (let i = mIdx - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * (e[i] as number);
          h = c * p;
          r = Math.hypot(p, e[i] as number);
          e[i + 1] = s * r;
          s = (e[i] as number) / r;
          c = p / r;
          p = c * (d[i] as number) - s * g;
          d[i + 1] = h + s * (c * g + s * (d[i] as number));
          for (let row = 0; row < n; row++) {
            const vr = V[row] as Float64Array;
            h = vr[i + 1] as number;
            vr[i + 1] = s * (vr[i] as number) + c * h;
            vr[i] = c * (vr[i] as number) - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * (e[l] as number)) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l] as number) > eps * tst1);
    }
    d[l] = (d[l] as number) + f;
    e[l] = 0;
  }
  const order = Array.from(d, (_, i) => i).sort((a, b) => (d[a] as number) - (d[b] as number));
  return {
    values: Float64Array.from(order, (i) => d[i] as number),
    vectors: order.map((col) => Float64Array.from(V, (row) => row[col] as number)),
  };
}
