import { assertAllFinite, DlfError } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';

/**
 * Internal float64 linear algebra for the small dense problems of this package (QPs, kernels,
 * least squares, spectra). Matrices are row-major `Float64Array`s with their shape.
 */
export interface Mat {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** What public functions accept as a matrix: nested arrays or a rank-2 tensor. */
export type MatrixLike = ArrayLike<ArrayLike<number>> | tf.Tensor2D;
/** What public functions accept as a vector: an array, typed array or rank-1 tensor. */
export type VectorLike = ArrayLike<number> | tf.Tensor1D;

function describe(x: unknown): string {
  if (x instanceof tf.Tensor) return `tensor of shape [${x.shape.join(', ')}]`;
  if (Array.isArray(x)) return `array of length ${x.length}`;
  if (ArrayBuffer.isView(x)) return `${x.constructor.name} of length ${(x as Float64Array).length}`;
  return x === null ? 'null' : typeof x;
}

/** Reads a matrix argument into float64, checking its shape and that every entry is finite. */
export function toMat(param: string, x: MatrixLike, { minRows = 1 }: { minRows?: number } = {}): Mat {
  if (x instanceof tf.Tensor) {
    if (x.rank !== 2) {
      throw new DlfError(
        'INVALID_SHAPE',
        `${param} must be a rank-2 tensor [n, d], received ${describe(x)}`,
        {
          param,
        },
      );
    }
    const [rows, cols] = x.shape as [number, number];
    const data = Float64Array.from(x.dataSync());
    assertAllFinite(param, data);
    if (rows < minRows) {
      throw new DlfError('INVALID_SHAPE', `${param} must have at least ${minRows} row(s), received ${rows}`, {
        param,
      });
    }
    return { rows, cols, data };
  }
  if (x == null || typeof (x as ArrayLike<unknown>).length !== 'number') {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${param} must be an array of rows or a 2-D tensor, received ${describe(x)}`,
      {
        param,
      },
    );
  }
  const rows = x.length;
  if (rows < minRows) {
    throw new DlfError('INVALID_SHAPE', `${param} must have at least ${minRows} row(s), received ${rows}`, {
      param,
    });
  }
  const first = x[0];
  const cols = first == null ? 0 : first.length;
  if (rows > 0 && (typeof cols !== 'number' || cols < 1)) {
    throw new DlfError(
      'INVALID_SHAPE',
      `${param} rows must be non-empty arrays, received ${describe(first)}`,
      {
        param,
      },
    );
  }
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = x[i];
    if (row == null || row.length !== cols) {
      throw new DlfError(
        'INVALID_SHAPE',
        `${param} must be rectangular: row 0 has ${cols} entries, row ${i} has ${row == null ? 'none' : row.length}`,
        { param },
      );
    }
    for (let j = 0; j < cols; j++) {
      const v = row[j] as number;
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new DlfError(
          'NON_FINITE',
          `${param}[${i}][${j}] must be a finite number, received ${String(v)}`,
          {
            param,
          },
        );
      }
      data[i * cols + j] = v;
    }
  }
  return { rows, cols, data };
}

/** Reads a vector argument into float64, checking (optionally) its length and finiteness. */
export function toVec(param: string, v: VectorLike, length?: number): Float64Array {
  let out: Float64Array;
  if (v instanceof tf.Tensor) {
    if (v.rank !== 1) {
      throw new DlfError('INVALID_SHAPE', `${param} must be a rank-1 tensor, received ${describe(v)}`, {
        param,
      });
    }
    out = Float64Array.from(v.dataSync());
  } else if (v != null && typeof (v as ArrayLike<number>).length === 'number') {
    out = Float64Array.from(v as ArrayLike<number>);
  } else {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${param} must be an array of numbers or a 1-D tensor, received ${describe(v)}`,
      {
        param,
      },
    );
  }
  if (length !== undefined && out.length !== length) {
    throw new DlfError(
      'INVALID_SHAPE',
      `${param} must have length ${length}, received length ${out.length}`,
      {
        param,
      },
    );
  }
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i] as number)) {
      throw new DlfError('NON_FINITE', `${param}[${i}] must be a finite number, received ${String(out[i])}`, {
        param,
      });
    }
  }
  return out;
}

export function zeros(rows: number, cols: number): Mat {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

export function toRows(m: Mat): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

export function row(m: Mat, i: number): Float64Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

export function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

export function transpose(a: Mat): Mat {
  const out = zeros(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < a.cols; j++) out.data[j * a.rows + i] = a.data[i * a.cols + j]!;
  return out;
}

export function matmul(a: Mat, b: Mat): Mat {
  if (a.cols !== b.rows) throw new Error(`matmul: ${a.rows}x${a.cols} times ${b.rows}x${b.cols}`);
  const out = zeros(a.rows, b.cols);
  const { data: A } = a;
  const { data: B } = b;
  const C = out.data;
  for (let i = 0; i < a.rows; i++) {
    for (let k = 0; k < a.cols; k++) {
      const aik = A[i * a.cols + k]!;
      if (aik === 0) continue;
      const bo = k * b.cols;
      const co = i * b.cols;
      for (let j = 0; j < b.cols; j++) C[co + j]! += aik * B[bo + j]!;
    }
  }
  return out;
}

/** A B^T (rows of a against rows of b). */
export function matmulT(a: Mat, b: Mat): Mat {
  if (a.cols !== b.cols) throw new Error(`matmulT: ${a.rows}x${a.cols} times (${b.rows}x${b.cols})^T`);
  const out = zeros(a.rows, b.rows);
  for (let i = 0; i < a.rows; i++) {
    const ai = row(a, i);
    for (let j = 0; j < b.rows; j++) out.data[i * b.rows + j] = dot(ai, row(b, j));
  }
  return out;
}

export function matVec(a: Mat, v: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.rows);
  for (let i = 0; i < a.rows; i++) out[i] = dot(row(a, i), v);
  return out;
}

/** A^T v. */
export function matTVec(a: Mat, v: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.cols);
  for (let i = 0; i < a.rows; i++) {
    const vi = v[i] as number;
    if (vi === 0) continue;
    const o = i * a.cols;
    for (let j = 0; j < a.cols; j++) out[j]! += vi * a.data[o + j]!;
  }
  return out;
}

/**
 * Cholesky factor L (lower) of a symmetric positive-definite matrix, or null if a pivot falls
 * below `tol` times the largest diagonal entry (numerically singular).
 */
export function cholesky(a: Mat, tol = 1e-13): Mat | null {
  const n = a.rows;
  const L = zeros(n, n);
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, Math.abs(a.data[i * n + i]!));
  for (let j = 0; j < n; j++) {
    let s = a.data[j * n + j]!;
    for (let k = 0; k < j; k++) s -= L.data[j * n + k]! ** 2;
    if (!(s > tol * Math.max(maxDiag, 1e-300))) return null;
    const ljj = Math.sqrt(s);
    L.data[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let t = a.data[i * n + j]!;
      for (let k = 0; k < j; k++) t -= L.data[i * n + k]! * L.data[j * n + k]!;
      L.data[i * n + j] = t / ljj;
    }
  }
  return L;
}

/** Solves (L L^T) x = b for a Cholesky factor L. */
export function choleskySolve(L: Mat, b: ArrayLike<number>): Float64Array {
  const n = L.rows;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= L.data[i * n + k]! * y[k]!;
    y[i] = s / L.data[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= L.data[k * n + i]! * x[k]!;
    x[i] = s / L.data[i * n + i]!;
  }
  return x;
}

/** Solves A x = b for a square A by Gaussian elimination with partial pivoting; null if singular. */
export function solve(a: Mat, b: ArrayLike<number>, tol = 1e-14): Float64Array | null {
  const n = a.rows;
  const M = Float64Array.from(a.data);
  const x = Float64Array.from(b);
  let scale = 0;
  for (let i = 0; i < M.length; i++) scale = Math.max(scale, Math.abs(M[i]!));
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r * n + c]!) > Math.abs(M[p * n + c]!)) p = r;
    if (!(Math.abs(M[p * n + c]!) > tol * Math.max(scale, 1e-300))) return null;
    if (p !== c) {
      for (let j = 0; j < n; j++) {
        const t = M[c * n + j]!;
        M[c * n + j] = M[p * n + j]!;
        M[p * n + j] = t;
      }
      const t = x[c]!;
      x[c] = x[p]!;
      x[p] = t;
    }
    const piv = M[c * n + c]!;
    for (let r = c + 1; r < n; r++) {
      const f = M[r * n + c]! / piv;
      if (f === 0) continue;
      for (let j = c; j < n; j++) M[r * n + j]! -= f * M[c * n + j]!;
      x[r]! -= f * x[c]!;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let j = i + 1; j < n; j++) s -= M[i * n + j]! * x[j]!;
    x[i] = s / M[i * n + i]!;
  }
  return x;
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations (accurate to machine
 * precision; O(n^3) per sweep, fine for n up to a few hundred). Eigenvalues ascending; `vectors`
 * holds the eigenvectors as columns.
 */
export function symmetricEigen(
  a: Mat,
  { maxSweeps = 100 }: { maxSweeps?: number } = {},
): {
  values: Float64Array;
  vectors: Mat;
} {
  const n = a.rows;
  const A = Float64Array.from(a.data);
  // Symmetrise to remove round-off asymmetry.
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const m = 0.5 * (A[i * n + j]! + A[j * n + i]!);
      A[i * n + j] = m;
      A[j * n + i] = m;
    }
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  let total = 0;
  for (let i = 0; i < A.length; i++) total += A[i]! ** 2;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += A[i * n + j]! ** 2;
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q]!;
        if (apq === 0) continue;
        const app = A[p * n + p]!;
        const aqq = A[q * n + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p]!;
          const akq = A[k * n + q]!;
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k]!;
          const aqk = A[q * n + k]!;
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p]!;
          const vkq = V[k * n + q]!;
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => A[i * n + i]! - A[j * n + j]!);
  const values = Float64Array.from(order, (i) => A[i * n + i]!);
  const vectors = zeros(n, n);
  for (let c = 0; c < n; c++) {
    const src = order[c]!;
    for (let r = 0; r < n; r++) vectors.data[r * n + c] = V[r * n + src]!;
  }
  return { values, vectors };
}

/** Singular values of a rectangular matrix (descending), via the eigenvalues of the smaller Gram matrix. */
export function singularValues(a: Mat): Float64Array {
  const g = a.rows <= a.cols ? matmulT(a, a) : matmulT(transpose(a), transpose(a));
  const { values } = symmetricEigen(g);
  return Float64Array.from(values, (v) => Math.sqrt(Math.max(v, 0))).reverse();
}

/**
 * Minimum-norm least-squares solution of X b = y (the pseudo-inverse solution): through the
 * normal equations when X has full column rank (n > p) and through X^T (X X^T)^{-1} y when it has
 * full row rank (p > n). Throws `NOT_CONVERGED` when the needed Gram matrix is numerically singular.
 */
export function minNormLeastSquares(X: Mat, y: ArrayLike<number>): Float64Array {
  if (X.rows >= X.cols) {
    const XtX = matmulT(transpose(X), transpose(X));
    const L = cholesky(XtX);
    if (!L) throw new DlfError('NOT_CONVERGED', 'least squares: X^T X is numerically singular');
    return choleskySolve(L, matTVec(X, y));
  }
  const XXt = matmulT(X, X);
  const L = cholesky(XXt);
  if (!L) throw new DlfError('NOT_CONVERGED', 'least squares: X X^T is numerically singular');
  return matTVec(X, choleskySolve(L, y));
}

/**
 * Eigenvalues of a general real square matrix: Householder reduction to upper Hessenberg form, then
 * shifted QR iterations in complex arithmetic (Givens rotations, Wilkinson shifts, deflation from the
 * bottom). Returns real and imaginary parts, unordered. Meant for the small matrices of this
 * package (game Jacobians, iteration matrices); O(n^3).
 */
export function generalEigenvalues(
  a: Mat,
  { maxIterations = 100 }: { maxIterations?: number } = {},
): {
  re: Float64Array;
  im: Float64Array;
} {
  const n = a.rows;
  const H = Float64Array.from(a.data);
  // Householder reduction to Hessenberg form (similarity transform: eigenvalues unchanged).
  for (let k = 0; k < n - 2; k++) {
    let alpha = 0;
    for (let i = k + 1; i < n; i++) alpha += H[i * n + k]! ** 2;
    alpha = Math.sqrt(alpha);
    if (alpha === 0) continue;
    const x0 = H[(k + 1) * n + k]!;
    const sign = x0 >= 0 ? 1 : -1;
    const v = new Float64Array(n);
    v[k + 1] = x0 + sign * alpha;
    for (let i = k + 2; i < n; i++) v[i] = H[i * n + k]!;
    let vv = 0;
    for (let i = k + 1; i < n; i++) vv += v[i]! ** 2;
    if (vv === 0) continue;
    // H <- (I - 2 v v^T / vv) H (I - 2 v v^T / vv)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = k + 1; i < n; i++) s += v[i]! * H[i * n + j]!;
      s = (2 * s) / vv;
      for (let i = k + 1; i < n; i++) H[i * n + j]! -= s * v[i]!;
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = k + 1; j < n; j++) s += H[i * n + j]! * v[j]!;
      s = (2 * s) / vv;
      for (let j = k + 1; j < n; j++) H[i * n + j]! -= s * v[j]!;
    }
    for (let i = k + 2; i < n; i++) H[i * n + k] = 0;
  }
  const re = Float64Array.from(H);
  const im = new Float64Array(n * n);
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  let scale = 0;
  for (let i = 0; i < re.length; i++) scale = Math.max(scale, Math.abs(re[i]!));
  const eps = 2.220446049250313e-16;
  const cs = new Float64Array(n); // Givens c
  const sr = new Float64Array(n); // Givens s (real part)
  const si = new Float64Array(n); // Givens s (imaginary part)
  let hi = n - 1;
  let its = 0;
  while (hi >= 0) {
    if (hi === 0) {
      outRe[0] = re[0]!;
      outIm[0] = im[0]!;
      break;
    }
    const sub = Math.hypot(re[hi * n + hi - 1]!, im[hi * n + hi - 1]!);
    const diag =
      Math.hypot(re[hi * n + hi]!, im[hi * n + hi]!) +
      Math.hypot(re[(hi - 1) * n + hi - 1]!, im[(hi - 1) * n + hi - 1]!);
    if (sub <= eps * (diag || scale) || sub <= eps * eps * scale) {
      outRe[hi] = re[hi * n + hi]!;
      outIm[hi] = im[hi * n + hi]!;
      hi--;
      its = 0;
      continue;
    }
    if (++its > maxIterations) {
      throw new DlfError(
        'NOT_CONVERGED',
        `eigenvalues: QR iteration did not converge in ${maxIterations} iterations`,
      );
    }
    // Active block lo..hi: go up while subdiagonals are non-negligible.
    let lo = hi - 1;
    while (lo > 0) {
      const s = Math.hypot(re[lo * n + lo - 1]!, im[lo * n + lo - 1]!);
      const dd =
        Math.hypot(re[lo * n + lo]!, im[lo * n + lo]!) +
        Math.hypot(re[(lo - 1) * n + lo - 1]!, im[(lo - 1) * n + lo - 1]!);
      if (s <= eps * (dd || scale)) break;
      lo--;
    }
    // Wilkinson shift: the eigenvalue of the trailing 2 x 2 block nearer its bottom-right entry.
    let muRe: number;
    let muIm: number;
    {
      const aR = re[(hi - 1) * n + hi - 1]!;
      const aI = im[(hi - 1) * n + hi - 1]!;
      const bR = re[(hi - 1) * n + hi]!;
      const bI = im[(hi - 1) * n + hi]!;
      const cR = re[hi * n + hi - 1]!;
      const cI = im[hi * n + hi - 1]!;
      const dR = re[hi * n + hi]!;
      const dI = im[hi * n + hi]!;
      const hR = (aR - dR) / 2;
      const hI = (aI - dI) / 2;
      // disc = h^2 + b c
      const discR = hR * hR - hI * hI + (bR * cR - bI * cI);
      const discI = 2 * hR * hI + (bR * cI + bI * cR);
      const mod = Math.hypot(discR, discI);
      let sqR = Math.sqrt((mod + discR) / 2);
      let sqI = Math.sign(discI) * Math.sqrt(Math.max((mod - discR) / 2, 0));
      // Pick the root (a + d)/2 +- sqrt nearer d: the sign that makes h + sq larger in modulus.
      if (hR * sqR + hI * sqI < 0) {
        sqR = -sqR;
        sqI = -sqI;
      }
      // mu = d - b c / (h + sq)
      const denR = hR + sqR;
      const denI = hI + sqI;
      const den2 = denR * denR + denI * denI;
      if (den2 === 0) {
        muRe = dR;
        muIm = dI;
      } else {
        const bcR = bR * cR - bI * cI;
        const bcI = bR * cI + bI * cR;
        muRe = dR - (bcR * denR + bcI * denI) / den2;
        muIm = dI - (bcI * denR - bcR * denI) / den2;
      }
      if (its % 10 === 0) {
        // Exceptional shift to break cycles.
        muRe += 0.75 * sub;
        muIm += 0.4375 * sub;
      }
    }
    for (let k = lo; k <= hi; k++) {
      re[k * n + k]! -= muRe;
      im[k * n + k]! -= muIm;
    }
    // QR by Givens rotations on the Hessenberg block: G_k zeroes H[k+1][k].
    for (let k = lo; k < hi; k++) {
      const aR = re[k * n + k]!;
      const aI = im[k * n + k]!;
      const bR = re[(k + 1) * n + k]!;
      const bI = im[(k + 1) * n + k]!;
      const na = Math.hypot(aR, aI);
      const nb = Math.hypot(bR, bI);
      const nrm = Math.hypot(na, nb);
      let c: number;
      let sR: number;
      let sI: number;
      if (nb === 0) {
        c = 1;
        sR = 0;
        sI = 0;
      } else if (na === 0) {
        c = 0;
        sR = bR / nb;
        sI = -bI / nb;
      } else {
        c = na / nrm;
        // s = (a / |a|) conj(b) / nrm
        const uR = aR / na;
        const uI = aI / na;
        sR = (uR * bR + uI * bI) / nrm;
        sI = (uI * bR - uR * bI) / nrm;
      }
      cs[k] = c;
      sr[k] = sR;
      si[k] = sI;
      for (let j = k; j <= hi; j++) {
        const xR = re[k * n + j]!;
        const xI = im[k * n + j]!;
        const yR = re[(k + 1) * n + j]!;
        const yI = im[(k + 1) * n + j]!;
        // row k: c x + s y; row k+1: -conj(s) x + c y
        re[k * n + j] = c * xR + (sR * yR - sI * yI);
        im[k * n + j] = c * xI + (sR * yI + sI * yR);
        re[(k + 1) * n + j] = -(sR * xR + sI * xI) + c * yR;
        im[(k + 1) * n + j] = -(sR * xI - sI * xR) + c * yI;
      }
    }
    for (let k = lo; k < hi; k++) {
      const c = cs[k]!;
      const sR = sr[k]!;
      const sI = si[k]!;
      const top = Math.min(k + 1, hi);
      for (let i = lo; i <= top; i++) {
        const xR = re[i * n + k]!;
        const xI = im[i * n + k]!;
        const yR = re[i * n + k + 1]!;
        const yI = im[i * n + k + 1]!;
        // col k: c x + conj(s) y; col k+1: -s x + c y
        re[i * n + k] = c * xR + (sR * yR + sI * yI);
        im[i * n + k] = c * xI + (sR * yI - sI * yR);
        re[i * n + k + 1] = -(sR * xR - sI * xI) + c * yR;
        im[i * n + k + 1] = -(sR * xI + sI * xR) + c * yI;
      }
    }
    for (let k = lo; k <= hi; k++) {
      re[k * n + k]! += muRe;
      im[k * n + k]! += muIm;
    }
  }
  return { re: outRe, im: outIm };
}
